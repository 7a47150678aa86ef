/* SPDX-License-Identifier: MIT */
/* The toolstack's pure parsing (see tsparse.h); no hypercalls here. */
#include <hestia/shared_info.h> /* HESTIA_MAX_VCPUS */
#include <port/tsparse.h>

static bool has_eq(const struct ktok *t)
{
    for (size_t j = 0; j < t->len; j++)
        if (t->s[j] == '=')
            return true;
    return false;
}

/* ktokenize over a buffer that may lack a terminator within size. */
static unsigned tokens(const char *name, size_t size, struct ktok *toks, unsigned max)
{
    size_t len = 0;
    while (len < size && name[len])
        len++;
    return ktokenize(name, len, toks, max);
}

/*
 * Index of the first command-line word of a module string.  QEMU's -initrd
 * (and GRUB legacy) put the image's path first, GRUB 2 and the ppc/ia64
 * runners pass the command line alone: a first word with a '/' is a path.
 */
static unsigned first_word(const struct ktok *toks, unsigned n)
{
    if (!n)
        return 0;
    for (size_t j = 0; j < toks[0].len; j++)
        if (toks[0].s[j] == '/')
            return 1;
    return 0;
}

void ts_module_label(const char *name, size_t size, char *out, size_t outsize)
{
    struct ktok toks[12], v;
    unsigned n = tokens(name, size, toks, 12);
    unsigned first = first_word(toks, n);
    if (outsize)
        out[0] = '\0';
    for (unsigned i = first; i < n; i++) {
        if (!has_eq(&toks[i])) {
            ksnprintf(out, outsize, "%.*s", (int)toks[i].len, toks[i].s);
            return;
        }
    }
    for (unsigned i = first; i < n; i++) {
        if (ktok_key(&toks[i], "role", &v)) {
            ksnprintf(out, outsize, "%.*s", (int)v.len, v.s);
            return;
        }
    }
    if (first) {
        size_t s = 0;
        for (size_t j = 0; j < toks[0].len; j++)
            if (toks[0].s[j] == '/')
                s = j + 1;
        ksnprintf(out, outsize, "%.*s", (int)(toks[0].len - s), toks[0].s + s);
    }
}

size_t ts_domu_cmdline(const char *name, size_t size, const char *extra, char *out,
                       size_t outsize)
{
    struct ktok toks[12], rv;
    unsigned n = tokens(name, size, toks, 12);
    size_t pos = 0;
    if (!outsize)
        return 0;
    out[0] = '\0';
    for (unsigned i = first_word(toks, n); i < n; i++) {
        if (has_eq(&toks[i]) && pos + toks[i].len + 2 < outsize)
            pos += (size_t)ksnprintf(out + pos, outsize - pos, "%.*s ", (int)toks[i].len,
                                     toks[i].s);
    }
    if (extra && pos + 1 < outsize)
        pos += (size_t)ksnprintf(out + pos, outsize - pos, "%s", extra);
    if (pos >= outsize)
        pos = kstrlen(out);
    if (!kcmdline_get(out, "role", &rv) && pos + 1 < outsize) {
        char label[48];
        ts_module_label(name, size, label, sizeof(label));
        if (label[0])
            pos += (size_t)ksnprintf(out + pos, outsize - pos, "%srole=%s",
                                     pos && out[pos - 1] != ' ' ? " " : "", label);
        if (pos >= outsize)
            pos = kstrlen(out);
    }
    return pos;
}

int ts_parse_create(const struct ktok *tok, unsigned n, struct ts_create_args *a)
{
    a->mem_bytes = 4u << 20;
    a->weight = a->cap = 0;
    a->vcpus = 1;
    a->extra[0] = '\0';
    size_t pos = 0;
    for (unsigned i = 0; i < n; i++) {
        struct ktok v;
        if (ktok_key(&tok[i], "mem", &v)) {
            if (kparse_u64(v.s, v.len, &a->mem_bytes) || !a->mem_bytes)
                return -1;
            if (a->mem_bytes < (1u << 20)) /* a bare number is MiB */
                a->mem_bytes <<= 20;
        } else if (ktok_key(&tok[i], "weight", &v)) {
            if (kparse_u64(v.s, v.len, &a->weight))
                return -1;
        } else if (ktok_key(&tok[i], "vcpus", &v)) {
            if (kparse_u64(v.s, v.len, &a->vcpus) || !a->vcpus ||
                a->vcpus > HESTIA_MAX_VCPUS)
                return -1;
        } else if (ktok_key(&tok[i], "cap", &v)) {
            if (kparse_u64(v.s, v.len, &a->cap))
                return -1;
        } else if (has_eq(&tok[i]) && pos + tok[i].len + 2 < sizeof(a->extra)) {
            pos += (size_t)ksnprintf(a->extra + pos, sizeof(a->extra) - pos, "%.*s ",
                                     (int)tok[i].len, tok[i].s);
        } else {
            return -1; /* a stray word or an over-long line */
        }
    }
    return 0;
}

int ts_next_command(const char *script, size_t *pos, const char **cmd, size_t *len)
{
    size_t i = *pos;
    if (!script[i])
        return 0;
    size_t start = i;
    while (script[i] && script[i] != ';')
        i++;
    *cmd = script + start;
    *len = i - start;
    *pos = script[i] ? i + 1 : i;
    return 1;
}
