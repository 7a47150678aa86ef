/* SPDX-License-Identifier: MIT */
/* hal/lib/elf.c: both classes and byte orders, and hostile images. */
#include "elf_image.h"
#include "harness.h"

TEST_SUITE("elf");

struct seen {
    unsigned n;
    uint64_t vaddr[4], filesz[4], memsz[4];
    unsigned char first[4];
    int fail_with; /* put() returns this if non-zero */
};

static int record(void *ctx, uint64_t vaddr, const void *data, uint64_t filesz,
                  uint64_t memsz)
{
    struct seen *s = ctx;
    if (s->fail_with)
        return s->fail_with;
    if (s->n < 4) {
        s->vaddr[s->n] = vaddr;
        s->filesz[s->n] = filesz;
        s->memsz[s->n] = memsz;
        s->first[s->n] = filesz ? *(const unsigned char *)data : 0;
    }
    s->n++;
    return 0;
}

static unsigned char img[8192];

/* A valid image: two PT_LOADs with data at 0x1000 and 0x1800, entry in the first. */
static struct elf_spec good(bool is64, bool big)
{
    struct elf_spec s = {
        .is64 = is64,
        .big = big,
        .machine = (uint16_t)hal_elf_machine(),
        .entry = 0x400010,
        .nsegs = 3,
        .segs = {{1, 0x1000, 0x400000, 0x100, 0x100},
                 {4, 0, 0, 0, 0}, /* PT_NOTE: ignored */
                 {1, 0x1800, 0x500000, 0x10, 0x2000}},
    };
    return s;
}

static void build(const struct elf_spec *s)
{
    memset(img, 0, sizeof(img));
    elf_build(img, s);
    img[0x1000] = 0xaa;
    img[0x1800] = 0xbb;
}

static void load_ok(bool is64, bool big)
{
    struct elf_spec s = good(is64, big);
    build(&s);
    struct seen seen = {0};
    uint64_t entry = 0;
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &entry), 0);
    CHECK_EQ(entry, 0x400010);
    CHECK_EQ(seen.n, 2);
    CHECK_EQ(seen.vaddr[0], 0x400000);
    CHECK_EQ(seen.filesz[0], 0x100);
    CHECK_EQ(seen.first[0], 0xaa);
    CHECK_EQ(seen.vaddr[1], 0x500000);
    CHECK_EQ(seen.memsz[1], 0x2000);
    CHECK_EQ(seen.first[1], 0xbb);
}

TEST_CASE(load_elf64_little)
{
    load_ok(true, false);
}
TEST_CASE(load_elf64_big)
{
    load_ok(true, true);
}
TEST_CASE(load_elf32_little)
{
    load_ok(false, false);
}
TEST_CASE(load_elf32_big)
{
    load_ok(false, true);
}

/* Expect a modified image to be refused without any put(). */
static void refused(const struct elf_spec *s, size_t size)
{
    build(s);
    struct seen seen = {0};
    uint64_t entry = 0x1234;
    CHECK_EQ(hal_elf_load(img, size, record, &seen, &entry), -HESTIA_EINVAL);
    CHECK_EQ(seen.n, 0);
    CHECK_EQ(entry, 0x1234);
}

TEST_CASE(rejects_bad_magic_class_data)
{
    struct elf_spec s = good(true, false);
    build(&s);
    struct seen seen = {0};
    uint64_t e;
    img[1] = 'X';
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    img[4] = 3;
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    img[5] = 0;
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    img[6] = 2;
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    img[16] = 3; /* ET_DYN */
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    CHECK_EQ(seen.n, 0);
}

TEST_CASE(rejects_wrong_machine)
{
    struct elf_spec s = good(true, false);
    s.machine = (uint16_t)(hal_elf_machine() + 1);
    refused(&s, sizeof(img));
}

TEST_CASE(rejects_truncated_images)
{
    struct elf_spec s = good(true, false);
    refused(&s, 0);
    refused(&s, 15);
    refused(&s, 63);            /* shorter than the ELF64 header */
    refused(&s, 64 + 56 * 2);   /* program headers cut off */
    refused(&s, 0x1000 + 0x80); /* first segment's data cut off */
    struct elf_spec s32 = good(false, true);
    refused(&s32, 51);
}

TEST_CASE(rejects_null_arguments)
{
    struct elf_spec s = good(true, false);
    build(&s);
    uint64_t e;
    CHECK_EQ(hal_elf_load(NULL, sizeof(img), record, NULL, &e), -HESTIA_EINVAL);
    CHECK_EQ(hal_elf_load(img, sizeof(img), NULL, NULL, &e), -HESTIA_EINVAL);
}

TEST_CASE(rejects_memsz_below_filesz)
{
    struct elf_spec s = good(true, false);
    s.segs[2].memsz = 0x8;
    refused(&s, sizeof(img));
}

TEST_CASE(rejects_segment_offset_overflow)
{
    struct elf_spec s = good(true, false);
    s.segs[0].offset = 0xfffffffffffff000ull;
    refused(&s, sizeof(img));
    s = good(true, false);
    s.segs[0].filesz = 0xffffffffffffff00ull;
    s.segs[0].memsz = 0xffffffffffffff00ull;
    refused(&s, sizeof(img));
}

TEST_CASE(rejects_vaddr_wraparound)
{
    struct elf_spec s = good(true, false);
    s.segs[2].vaddr = 0xfffffffffffff000ull;
    refused(&s, sizeof(img));
}

TEST_CASE(rejects_bad_phdr_table)
{
    struct elf_spec s = good(true, false);
    build(&s);
    struct seen seen = {0};
    uint64_t e;
    elf_put(img + 32, 0xfffffffffffffff0ull, 8, false); /* phoff wraps */
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    elf_put(img + 54, 20, 2, false); /* phentsize too small */
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    elf_put(img + 56, 0, 2, false); /* no program headers */
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    build(&s);
    elf_put(img + 56, 0xffff, 2, false); /* absurd count */
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_EINVAL);
    CHECK_EQ(seen.n, 0);
}

TEST_CASE(rejects_no_load_segment_or_entry_outside)
{
    struct elf_spec s = good(true, false);
    s.segs[0].type = 4;
    s.segs[2].type = 4;
    refused(&s, sizeof(img));
    s = good(true, false);
    s.entry = 0x900000;
    refused(&s, sizeof(img));
}

TEST_CASE(put_error_is_returned)
{
    struct elf_spec s = good(false, false);
    build(&s);
    struct seen seen = {.fail_with = -HESTIA_ENOMEM};
    uint64_t e;
    CHECK_EQ(hal_elf_load(img, sizeof(img), record, &seen, &e), -HESTIA_ENOMEM);
}

TEST_CASE(unaligned_image_buffer)
{
    static unsigned char shifted[sizeof(img) + 1];
    struct elf_spec s = good(true, true);
    build(&s);
    memcpy(shifted + 1, img, sizeof(img));
    struct seen seen = {0};
    uint64_t e;
    CHECK_EQ(hal_elf_load(shifted + 1, sizeof(img), record, &seen, &e), 0);
    CHECK_EQ(e, 0x400010);
    CHECK_EQ(seen.n, 2);
}
