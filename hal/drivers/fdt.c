/* SPDX-License-Identifier: MIT */
#include <hal/drivers/fdt.h>

enum {
    FDT_BEGIN_NODE = 1,
    FDT_END_NODE = 2,
    FDT_PROP = 3,
    FDT_NOP = 4,
    FDT_END = 9,
};
#define FDT_MAX_DEPTH 16

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t fdt_cell(const void *val, unsigned i)
{
    return be32((const uint8_t *)val + 4 * i);
}

/* Local string helpers: this file must not depend on core/lib. */
static uint32_t slen(const char *s, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static bool seq(const char *a, const char *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

int fdt_init(struct fdt *f, const void *p, uint32_t max_size)
{
    const uint8_t *b = p;
    if (!p || max_size < 40 || be32(b) != FDT_MAGIC)
        return -1;
    uint32_t total = be32(b + 4);
    uint32_t off_struct = be32(b + 8), off_strings = be32(b + 12);
    uint32_t version = be32(b + 20);
    uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
    if (total < 40 || total > max_size || version < 16)
        return -1;
    if (off_struct > total || size_struct > total - off_struct || (off_struct & 3))
        return -1;
    if (off_strings > total || size_strings > total - off_strings)
        return -1;
    f->blob = b;
    f->size = total;
    f->struct_off = off_struct;
    f->struct_size = size_struct;
    f->strings_off = off_strings;
    f->strings_size = size_strings;
    return 0;
}

/* A token cursor over the structure block; offsets are relative to it. */
struct cursor {
    const struct fdt *f;
    uint32_t off;
};

static bool tok(struct cursor *c, uint32_t *t)
{
    if (c->off + 4 > c->f->struct_size)
        return false;
    *t = be32(c->f->blob + c->f->struct_off + c->off);
    c->off += 4;
    return true;
}

static const char *node_name(struct cursor *c)
{
    const char *name = (const char *)c->f->blob + c->f->struct_off + c->off;
    uint32_t room = c->f->struct_size - c->off;
    uint32_t n = slen(name, room);
    if (n == room)
        return NULL;
    c->off += (n + 1 + 3) & ~3u;
    return name;
}

/* Skip a property after its FDT_PROP token; optionally return its parts. */
static bool prop(struct cursor *c, const char **name, const void **val, uint32_t *len)
{
    if (c->off + 8 > c->f->struct_size)
        return false;
    const uint8_t *p = c->f->blob + c->f->struct_off + c->off;
    uint32_t l = be32(p), nameoff = be32(p + 4);
    if (l > c->f->struct_size - c->off - 8 || nameoff >= c->f->strings_size)
        return false;
    if (name) {
        const char *s = (const char *)c->f->blob + c->f->strings_off + nameoff;
        if (slen(s, c->f->strings_size - nameoff) == c->f->strings_size - nameoff)
            return false;
        *name = s;
    }
    if (val)
        *val = p + 8;
    if (len)
        *len = l;
    c->off += 8 + ((l + 3) & ~3u);
    return true;
}

/*
 * Advance past the rest of the node whose BEGIN_NODE and name were just
 * read; returns false on a malformed block.
 */
static bool skip_node(struct cursor *c)
{
    unsigned depth = 1;
    uint32_t t;
    while (depth && tok(c, &t)) {
        if (t == FDT_BEGIN_NODE) {
            if (!node_name(c) || ++depth > FDT_MAX_DEPTH)
                return false;
        } else if (t == FDT_END_NODE) {
            depth--;
        } else if (t == FDT_PROP) {
            if (!prop(c, NULL, NULL, NULL))
                return false;
        } else if (t != FDT_NOP) {
            return false;
        }
    }
    return depth == 0;
}

/* Whether node name matches path component comp[0..n). */
static bool name_match(const char *name, const char *comp, uint32_t n)
{
    bool comp_has_unit = false;
    for (uint32_t i = 0; i < n; i++)
        if (comp[i] == '@')
            comp_has_unit = true;
    if (!seq(name, comp, n))
        return false;
    return name[n] == '\0' || (name[n] == '@' && !comp_has_unit);
}

int fdt_path_offset(const struct fdt *f, const char *path)
{
    struct cursor c = {f, 0};
    uint32_t t;
    if (!path || path[0] != '/')
        return -1;
    /* The root node: BEGIN_NODE with an empty name, after any NOPs. */
    do {
        if (!tok(&c, &t))
            return -1;
    } while (t == FDT_NOP);
    if (t != FDT_BEGIN_NODE)
        return -1;
    int node = (int)(c.off - 4);
    if (!node_name(&c))
        return -1;
    path++;
    while (*path) {
        uint32_t n = 0;
        while (path[n] && path[n] != '/')
            n++;
        if (n == 0) {
            path++;
            continue;
        }
        /* Search the children of the current node for the component. */
        bool found = false;
        while (!found) {
            if (!tok(&c, &t))
                return -1;
            if (t == FDT_PROP) {
                if (!prop(&c, NULL, NULL, NULL))
                    return -1;
            } else if (t == FDT_BEGIN_NODE) {
                int child = (int)(c.off - 4);
                const char *name = node_name(&c);
                if (!name)
                    return -1;
                if (name_match(name, path, n)) {
                    node = child;
                    found = true;
                } else if (!skip_node(&c)) {
                    return -1;
                }
            } else if (t != FDT_NOP) {
                return -1; /* END_NODE or END: no such child */
            }
        }
        path += n;
    }
    return node;
}

const void *fdt_getprop(const struct fdt *f, int node_off, const char *name, uint32_t *len)
{
    struct cursor c = {f, (uint32_t)node_off};
    uint32_t t;
    if (node_off < 0 || !tok(&c, &t) || t != FDT_BEGIN_NODE || !node_name(&c))
        return NULL;
    uint32_t want = slen(name, 256);
    /* Properties come before the first child node. */
    while (tok(&c, &t)) {
        if (t == FDT_NOP)
            continue;
        if (t != FDT_PROP)
            return NULL;
        const char *pname;
        const void *val;
        uint32_t l;
        if (!prop(&c, &pname, &val, &l))
            return NULL;
        if (seq(pname, name, want) && pname[want] == '\0') {
            if (len)
                *len = l;
            return val;
        }
    }
    return NULL;
}

uint32_t fdt_getprop_u32(const struct fdt *f, int node_off, const char *name, uint32_t dflt)
{
    uint32_t len;
    const void *v = fdt_getprop(f, node_off, name, &len);
    return v && len >= 4 ? fdt_cell(v, 0) : dflt;
}

static uint64_t read_cells(const void *val, unsigned first, unsigned n)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < n; i++)
        x = x << 32 | fdt_cell(val, first + i);
    return x;
}

int fdt_memory(const struct fdt *f, struct hal_mem_region *out, unsigned max)
{
    int root = fdt_path_offset(f, "/");
    if (root < 0)
        return -1;
    uint32_t ac = fdt_getprop_u32(f, root, "#address-cells", 2);
    uint32_t sc = fdt_getprop_u32(f, root, "#size-cells", 1);
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
        return -1;
    struct cursor c = {f, (uint32_t)root};
    uint32_t t;
    unsigned count = 0;
    if (!tok(&c, &t) || !node_name(&c))
        return -1;
    /* Walk the root's direct children. */
    while (tok(&c, &t)) {
        if (t == FDT_END_NODE || t == FDT_END)
            return (int)count;
        if (t == FDT_NOP)
            continue;
        if (t == FDT_PROP) {
            if (!prop(&c, NULL, NULL, NULL))
                return -1;
            continue;
        }
        if (t != FDT_BEGIN_NODE)
            return -1;
        int child = (int)(c.off - 4);
        if (!node_name(&c))
            return -1;
        uint32_t len;
        const char *type = fdt_getprop(f, child, "device_type", &len);
        if (type && len == 7 && seq(type, "memory", 7)) {
            const void *reg = fdt_getprop(f, child, "reg", &len);
            unsigned entry = 4 * (ac + sc);
            for (uint32_t at = 0; reg && at + entry <= len && count < max; at += entry) {
                out[count].base = paddr(read_cells(reg, at / 4, ac));
                out[count].size = read_cells(reg, at / 4 + ac, sc);
                if (out[count].size)
                    count++;
            }
        }
        if (!skip_node(&c))
            return -1;
    }
    return -1;
}

const char *fdt_bootargs(const struct fdt *f)
{
    uint32_t len;
    const char *s = fdt_getprop(f, fdt_path_offset(f, "/chosen"), "bootargs", &len);
    if (!s || len == 0 || s[len - 1] != '\0')
        return "";
    return s;
}
