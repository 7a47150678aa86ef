/* SPDX-License-Identifier: MIT */
/*
 * Tests of hal/drivers/fdt.c on device trees built here: well-formed ones
 * checked for exact values, and corrupted ones (every byte flipped, every
 * truncation, bad offsets, runaway nesting) that must be refused or parsed
 * without reading outside the blob (ASan watches).
 */
#include <hal/drivers/fdt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void check(const char *name, bool ok, const char *detail)
{
    printf("TEST fdt.%s %s%s%s\n", name, ok ? "PASS" : "FAIL", ok ? "" : " ",
           ok ? "" : detail);
    if (!ok)
        failures++;
}

/* A minimal DTB writer: structure and strings blocks, then the header. */
struct dtb {
    uint8_t st[4096];
    uint32_t st_len;
    char str[1024];
    uint32_t str_len;
    uint8_t out[8192];
    uint32_t out_len;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void tok(struct dtb *d, uint32_t t)
{
    put32(d->st + d->st_len, t);
    d->st_len += 4;
}

static void bytes(struct dtb *d, const void *p, uint32_t n)
{
    memcpy(d->st + d->st_len, p, n);
    d->st_len += n;
    while (d->st_len & 3)
        d->st[d->st_len++] = 0;
}

static void begin(struct dtb *d, const char *name)
{
    tok(d, 1);
    bytes(d, name, (uint32_t)strlen(name) + 1);
}

static void end(struct dtb *d)
{
    tok(d, 2);
}

static uint32_t str_off(struct dtb *d, const char *s)
{
    for (uint32_t i = 0; i < d->str_len; i += (uint32_t)strlen(d->str + i) + 1)
        if (!strcmp(d->str + i, s))
            return i;
    uint32_t off = d->str_len;
    strcpy(d->str + off, s);
    d->str_len += (uint32_t)strlen(s) + 1;
    return off;
}

static void prop(struct dtb *d, const char *name, const void *val, uint32_t len)
{
    tok(d, 3);
    put32(d->st + d->st_len, len);
    put32(d->st + d->st_len + 4, str_off(d, name));
    d->st_len += 8;
    bytes(d, val, len);
}

static void prop_cells(struct dtb *d, const char *name, const uint32_t *cells, unsigned n)
{
    uint8_t buf[64];
    for (unsigned i = 0; i < n; i++)
        put32(buf + 4 * i, cells[i]);
    prop(d, name, buf, 4 * n);
}

static void prop_u32(struct dtb *d, const char *name, uint32_t v)
{
    prop_cells(d, name, &v, 1);
}

static void prop_str(struct dtb *d, const char *name, const char *s)
{
    prop(d, name, s, (uint32_t)strlen(s) + 1);
}

static void finish(struct dtb *d)
{
    tok(d, 9);
    uint32_t off_st = 40 + 16; /* header, then an empty reservation map */
    uint32_t off_str = off_st + d->st_len;
    d->out_len = off_str + d->str_len;
    memset(d->out, 0, sizeof(d->out));
    put32(d->out, FDT_MAGIC);
    put32(d->out + 4, d->out_len);
    put32(d->out + 8, off_st);
    put32(d->out + 12, off_str);
    put32(d->out + 16, 40);
    put32(d->out + 20, 17);
    put32(d->out + 24, 16);
    put32(d->out + 32, d->str_len);
    put32(d->out + 36, d->st_len);
    memcpy(d->out + off_st, d->st, d->st_len);
    memcpy(d->out + off_str, d->str, d->str_len);
}

/* The QEMU-ppce500-like tree most tests use. */
static void sample(struct dtb *d, uint32_t ac, uint32_t sc)
{
    memset(d, 0, sizeof(*d));
    begin(d, "");
    prop_u32(d, "#address-cells", ac);
    prop_u32(d, "#size-cells", sc);
    prop_str(d, "model", "test");
    begin(d, "cpus");
    begin(d, "cpu@0");
    prop_u32(d, "timebase-frequency", 400000000);
    end(d);
    end(d);
    begin(d, "memory@80000000");
    prop_str(d, "device_type", "memory");
    if (ac == 2 && sc == 2) {
        uint32_t reg[] = {0, 0x80000000u, 0, 0x10000000, 1, 0, 0, 0x20000000};
        prop_cells(d, "reg", reg, 8);
    } else {
        uint32_t reg[] = {0x80000000u, 0x08000000};
        prop_cells(d, "reg", reg, 2);
    }
    end(d);
    begin(d, "chosen");
    prop_str(d, "bootargs", "console=ttyS0 dom0_mem=64M");
    end(d);
    end(d);
    finish(d);
}

static struct dtb d;

static void test_valid(void)
{
    struct fdt f;
    sample(&d, 2, 2);
    check("header_ok", fdt_init(&f, d.out, d.out_len) == 0, "valid header refused");
    struct hal_mem_region r[4];
    int n = fdt_memory(&f, r, 4);
    check("memory_2x2_cells",
          n == 2 && paddr_val(r[0].base) == 0x80000000u && r[0].size == 0x10000000 &&
              paddr_val(r[1].base) == 0x100000000ull && r[1].size == 0x20000000,
          "wrong regions");
    check("memory_max_respected", fdt_memory(&f, r, 1) == 1, "wrote more than max");
    int cpu = fdt_path_offset(&f, "/cpus/cpu@0");
    check("nested_path",
          cpu > 0 && fdt_getprop_u32(&f, cpu, "timebase-frequency", 0) == 400000000,
          "timebase-frequency not found");
    check("unit_address_optional", fdt_path_offset(&f, "/cpus/cpu") == cpu,
          "cpu did not match cpu@0");
    check("unit_address_exact",
          fdt_path_offset(&f, "/memory@0") < 0 &&
              fdt_path_offset(&f, "/memory@80000000") > 0,
          "unit address compared wrongly");
    check("missing_node",
          fdt_path_offset(&f, "/nothere") < 0 && fdt_path_offset(&f, "/cpus/cpu@1") < 0 &&
              fdt_path_offset(&f, "relative") < 0,
          "found a node that does not exist");
    check("bootargs", !strcmp(fdt_bootargs(&f), "console=ttyS0 dom0_mem=64M"),
          "wrong bootargs");
    uint32_t len = 99;
    check("missing_prop",
          fdt_getprop(&f, cpu, "nope", &len) == NULL && len == 99 &&
              fdt_getprop_u32(&f, cpu, "nope", 7) == 7,
          "missing property misreported");
    check("prop_is_not_child",
          fdt_getprop(&f, fdt_path_offset(&f, "/"), "timebase-frequency", NULL) == NULL,
          "a child's property was found on its parent");

    sample(&d, 1, 1);
    fdt_init(&f, d.out, d.out_len);
    n = fdt_memory(&f, r, 4);
    check("memory_1x1_cells",
          n == 1 && paddr_val(r[0].base) == 0x80000000u && r[0].size == 0x08000000,
          "wrong region with one cell each");
}

static void test_hostile(void)
{
    struct fdt f;
    sample(&d, 2, 2);
    uint8_t saved[8192];
    memcpy(saved, d.out, d.out_len);

    check("null_and_short", fdt_init(&f, NULL, 100) < 0 && fdt_init(&f, d.out, 39) < 0,
          "accepted a NULL or short blob");
    d.out[0] ^= 1;
    check("bad_magic", fdt_init(&f, d.out, d.out_len) < 0, "accepted bad magic");
    d.out[0] ^= 1;
    check("totalsize_beyond_buffer", fdt_init(&f, d.out, d.out_len - 1) < 0,
          "totalsize larger than the buffer accepted");
    put32(d.out + 36, 0xfffffff0u);
    check("struct_size_overflow", fdt_init(&f, d.out, d.out_len) < 0,
          "huge struct block accepted");
    memcpy(d.out, saved, d.out_len);
    put32(d.out + 20, 15);
    check("old_version", fdt_init(&f, d.out, d.out_len) < 0, "version 15 accepted");
    memcpy(d.out, saved, d.out_len);

    /* Runaway nesting deeper than the parser's limit. */
    memset(&d, 0, sizeof(d));
    begin(&d, "");
    prop_u32(&d, "#address-cells", 1);
    prop_u32(&d, "#size-cells", 1);
    for (int i = 0; i < 40; i++)
        begin(&d, "n");
    for (int i = 0; i < 40; i++)
        end(&d);
    end(&d);
    finish(&d);
    struct hal_mem_region r[4];
    check("deep_nesting", fdt_init(&f, d.out, d.out_len) == 0 && fdt_memory(&f, r, 4) < 0,
          "runaway nesting not refused");

    /* Every single-byte corruption and every truncation: no crash, sane results. */
    sample(&d, 2, 2);
    memcpy(saved, d.out, d.out_len);
    uint32_t size = d.out_len;
    bool sane = true;
    for (uint32_t i = 0; i < size; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            d.out[i] = (uint8_t)(saved[i] ^ (1u << bit));
            if (fdt_init(&f, d.out, size) == 0) {
                int n = fdt_memory(&f, r, 4);
                sane &= n <= 4;
                (void)fdt_bootargs(&f);
                (void)fdt_getprop_u32(&f, fdt_path_offset(&f, "/cpus/cpu@0"), "x", 0);
            }
            d.out[i] = saved[i];
        }
    }
    check("every_bit_flip", sane, "more regions than asked for");
    for (uint32_t len = 0; len < size; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, saved, len);
        if (fdt_init(&f, copy, len) == 0)
            sane = false; /* totalsize exceeds every truncated length */
        free(copy);
    }
    check("every_truncation", sane, "a truncated blob was accepted");
}

int main(void)
{
    test_valid();
    test_hostile();
    return failures ? 1 : 0;
}
