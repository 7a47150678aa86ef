/* SPDX-License-Identifier: MIT */
/*
 * The save image's container header (port/save.h): made and checked here,
 * apart from the disk, so the host tests can feed it old and spoiled
 * headers (tests/ports/test_migrate.c).
 */
#include <hestia/errno.h>
#include <port/save.h>

uint32_t save_image_header_crc(struct save_image_header h)
{
    h.header_crc = 0;
    return mig_crc32(0, &h, sizeof(h));
}

long save_image_header_check(const struct save_image_header *hdr, uint64_t room,
                             const char **why)
{
    *why = NULL;
    if (__builtin_memcmp(hdr->magic, SAVE_IMAGE_MAGIC, 8)) {
        *why = "no saved image on this disk (bad magic)";
        return -HESTIA_ENOENT;
    }
    bool crc_ok = hdr->header_crc == save_image_header_crc(*hdr);
    /* An older dom0's image is whole but unreadable here: say so, and what
     * to do, rather than "damaged". */
    if (crc_ok && hdr->version == 1) {
        *why = "image version 1 (stream version 2, CRC-32 records): this dom0 reads only "
               "version 2 (stream version 3 or later); save the domain again";
        return -HESTIA_EINVAL;
    }
    if (!crc_ok) {
        *why = "the image header is damaged (its CRC-32 differs)";
        return -HESTIA_EINVAL;
    }
    if (hdr->version != SAVE_IMAGE_VERSION) {
        *why = "image of an unknown version: this dom0 reads only version 2 (stream "
               "version 3)";
        return -HESTIA_EINVAL;
    }
    if (hdr->stream_len > room) {
        *why = "the image claims more bytes than the disk holds";
        return -HESTIA_EINVAL;
    }
    return 0;
}
