/* SPDX-License-Identifier: MIT */
/*
 * Flattened device trees against hal/drivers/fdt.c (e500's boot input):
 * the blob sits in a buffer of exactly its size; fdt_init, path lookups,
 * properties, the memory node walk and bootargs run on it.  Checked: every
 * pointer returned lies inside the blob with its whole length, bootargs
 * is terminated inside the blob, fdt_memory fills at most max regions.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <hal/drivers/fdt.h>
#include <string.h>

#include "fuzz_common.h"

static const char *const paths[] = {"/",           "/memory", "/chosen",          "/cpus",
                                    "/cpus/cpu@0", "/soc",    "/soc/serial@4500", "//",
                                    "/a/b/c/d"};
static const char *const props[] = {
    "reg",         "device_type", "bootargs",        "#address-cells",
    "#size-cells", "compatible",  "clock-frequency", ""};

static void inside(const uint8_t *blob, size_t n, const void *p, uint32_t len,
                   const char *what)
{
    const uint8_t *q = p;
    FUZZ_ASSERT(q >= blob && (size_t)(q - blob) <= n && len <= n - (size_t)(q - blob),
                "%s: %u bytes at offset %ld, blob %zu", what, len, (long)(q - blob), n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *blob = malloc(size ? size : 1);
    if (!blob)
        return 0;
    memcpy(blob, data, size);
    struct fdt f;
    if (fdt_init(&f, blob, (uint32_t)size) == 0) {
        FUZZ_ASSERT(f.size <= size, "totalsize %u > %zu", f.size, size);
        for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
            int node = fdt_path_offset(&f, paths[i]);
            if (node < 0)
                continue;
            FUZZ_ASSERT((uint32_t)node < f.size, "node offset %d", node);
            for (unsigned k = 0; k < sizeof(props) / sizeof(props[0]); k++) {
                uint32_t len = 0;
                const void *v = fdt_getprop(&f, node, props[k], &len);
                if (v) {
                    inside(blob, size, v, len, props[k]);
                    if (len >= 4)
                        (void)fdt_cell(v, len / 4 - 1);
                }
                (void)fdt_getprop_u32(&f, node, props[k], 7);
            }
        }
        struct hal_mem_region r[4];
        int nr = fdt_memory(&f, r, 4);
        FUZZ_ASSERT(nr >= -1 && nr <= 4, "fdt_memory returned %d", nr);
        for (int i = 0; i < nr; i++)
            FUZZ_ASSERT(r[i].size != 0, "empty region %d", i);
        const char *args = fdt_bootargs(&f);
        if (*args) {
            inside(blob, size, args, 1, "bootargs");
            size_t len = strnlen(args, size - (size_t)((const uint8_t *)args - blob));
            inside(blob, size, args, (uint32_t)len + 1, "bootargs");
        }
    }
    free(blob);
    return 0;
}
