/* SPDX-License-Identifier: MIT */
/*
 * The arch-independent half of the whole-vCPU-state record (interface in
 * hal/vcpu.h, layout in include/public/hestia/vcpu_state.h): writing and
 * checking the header, once for every backend, so that no backend can
 * accept a record of another version, arch or size.
 */
#include <hal/vcpu.h>
#include <hestia/errno.h>
#include <hestia/vcpu_state.h>

bool hal_vcpu_state_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

void hal_vcpu_state_begin(struct hestia_vcpu_state *st, unsigned arch, size_t size)
{
    unsigned char *b = (unsigned char *)st;
    for (size_t i = 0; i < size && i < sizeof(*st); i++)
        b[i] = 0;
    st->hdr.magic = HESTIA_VCPU_STATE_MAGIC;
    st->hdr.version = HESTIA_VCPU_STATE_VERSION;
    st->hdr.arch = (uint16_t)arch;
    st->hdr.size = (uint32_t)size;
}

int hal_vcpu_state_check(const struct hestia_vcpu_state *st, unsigned arch, size_t size)
{
    const struct hestia_vcpu_state_header *h = &st->hdr;
    if (h->magic != HESTIA_VCPU_STATE_MAGIC || h->version != HESTIA_VCPU_STATE_VERSION ||
        h->arch != arch || h->size != size || h->flags != 0 || h->reserved[0] != 0 ||
        h->reserved[1] != 0)
        return -HESTIA_EINVAL;
    return 0;
}

/* An arch whose hal_vcpu_set_context() reads slots more than once says nothing. */
__attribute__((weak)) const bool hal_vcpu_set_context_reads_once = false;
