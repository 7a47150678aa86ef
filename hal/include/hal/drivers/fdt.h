/* SPDX-License-Identifier: MIT */
/*
 * Read-only flattened device tree (DTB) parser, for platforms whose
 * firmware or emulator hands over a device tree (e500: r3 at entry).
 * Every offset and length in the blob is checked against its header, so a
 * corrupt tree yields errors, never reads outside the blob.  Byte order is
 * handled with byte loads: the same code runs on the host in unit tests.
 */
#ifndef HAL_DRIVERS_FDT_H
#define HAL_DRIVERS_FDT_H

#include <hal/boot.h>
#include <hal/types.h>

#define FDT_MAGIC 0xd00dfeedu

struct fdt {
    const uint8_t *blob;
    uint32_t size;       /* totalsize from the header */
    uint32_t struct_off; /* structure block */
    uint32_t struct_size;
    uint32_t strings_off; /* strings block */
    uint32_t strings_size;
};

/*
 * Check the header of the blob at p (magic, version >= 16, blocks inside
 * totalsize, at most max_size bytes) and fill f.  Returns 0 or -1.
 */
int fdt_init(struct fdt *f, const void *p, uint32_t max_size);

/*
 * Offset of the node named by an absolute path ("/", "/memory", "/cpus/cpu@0").
 * A path component without a unit address matches a node name with one
 * ("memory" matches "memory@0").  Returns -1 if there is no such node.
 */
int fdt_path_offset(const struct fdt *f, const char *path);

/*
 * Value and length of property name of the node at node_off, or NULL.
 * The value points into the blob (big-endian cells, not aligned on the host).
 */
const void *fdt_getprop(const struct fdt *f, int node_off, const char *name, uint32_t *len);

/* Property as one 32-bit cell; dflt if missing or shorter than 4 bytes. */
uint32_t fdt_getprop_u32(const struct fdt *f, int node_off, const char *name,
                         uint32_t dflt);

/* Big-endian cell i (32 bits) of a property value. */
uint32_t fdt_cell(const void *val, unsigned i);

/*
 * RAM regions: the reg entries of every top-level node with device_type
 * "memory", decoded with the root's #address-cells and #size-cells (1 or 2).
 * Fills at most max regions; returns how many, or -1 for a malformed tree.
 */
int fdt_memory(const struct fdt *f, struct hal_mem_region *out, unsigned max);

/* /chosen/bootargs as a C string, or "" if absent or not terminated. */
const char *fdt_bootargs(const struct fdt *f);

#endif
