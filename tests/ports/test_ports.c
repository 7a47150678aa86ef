/* SPDX-License-Identifier: MIT */
/*
 * Host tests of ports/common's pure code.  Prints
 * "TEST ports.<case> PASS|FAIL [detail]" per case; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hestia/errno.h>
#include <port/elf.h>
#include <port/lib.h>
#include <port/ring.h>
#include <port/tsline.h>
#include <port/tsparse.h>

#define CHECK_SUITE "ports"
#include "check.h"

static int fmt_is(const char *want, const char *fmt, ...)
{
    char a[128], b[128];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n1 = kvsnprintf(a, sizeof(a), fmt, ap);
    int n2 = vsnprintf(b, sizeof(b), fmt, aq);
    va_end(aq);
    va_end(ap);
    if (strcmp(a, want) || strcmp(b, want) || n1 != n2) {
        fprintf(stderr, "format '%s': got '%s' (%d), libc '%s' (%d)\n", fmt, a, n1, b, n2);
        return 0;
    }
    return 1;
}

static void t_printf(void)
{
    CHECK(fmt_is("x=42 y=-7 z=ff", "x=%d y=%i z=%x", 42, -7, 255));
    CHECK(fmt_is("[   12][12   ][00012]", "[%5d][%-5d][%05d]", 12, 12, 12));
    CHECK(fmt_is("18446744073709551615", "%llu", ~0ull));
    CHECK(fmt_is("-9223372036854775808", "%lld", (long long)(-9223372036854775807ll - 1)));
    CHECK(fmt_is("DEADBEEF 777", "%X %o", 0xdeadbeefu, 0777u));
    CHECK(fmt_is("[abc][  abc][abc  ][ab]", "[%s][%5s][%-5s][%.2s]", "abc", "abc", "abc",
                 "abc"));
    CHECK(fmt_is("c=Z 100%", "c=%c 100%%", 'Z'));
    CHECK(fmt_is("[hel]", "[%.*s]", 3, "hello"));
    CHECK(fmt_is("-0042", "%05d", -42));
    CHECK(fmt_is("12345678", "%zu", (size_t)12345678));
    /* Truncation: NUL-terminated, full length returned. */
    char small[6];
    CHECK(ksnprintf(small, sizeof(small), "%s", "abcdefgh") == 8);
    CHECK(strcmp(small, "abcde") == 0);
    CHECK(ksnprintf(NULL, 0, "%d", 12345) == 5);
    char p[32];
    ksnprintf(p, sizeof(p), "%p", (void *)0x1234);
    CHECK(strcmp(p, "0x1234") == 0);
}

static void t_parse(void)
{
    uint64_t v;
    CHECK(kparse_u64("1234", 4, &v) == 0 && v == 1234);
    CHECK(kparse_u64("0x1F", 4, &v) == 0 && v == 31);
    CHECK(kparse_u64("8M", 2, &v) == 0 && v == 8u << 20);
    CHECK(kparse_u64("4k", 2, &v) == 0 && v == 4096);
    CHECK(kparse_u64("1G", 2, &v) == 0 && v == 1u << 30);
    CHECK(kparse_u64("", 0, &v) < 0);
    CHECK(kparse_u64("x", 1, &v) < 0);
    CHECK(kparse_u64("12q", 3, &v) < 0);
    CHECK(kparse_u64("1MM", 3, &v) < 0);
    CHECK(kparse_u64("18446744073709551616", 20, &v) < 0);
    CHECK(kparse_u64("18446744073709551615", 20, &v) == 0 && v == ~0ull);
    CHECK(kparse_u64("99999999999999999999G", 21, &v) < 0);
    CHECK(kparse_u64("123456", 3, &v) == 0 && v == 123); /* only len bytes */
}

static void t_tokens(void)
{
    const char *line = "  create  demo-a mem=8M\tweight=512  ";
    struct ktok t[8], val;
    unsigned n = ktokenize(line, strlen(line), t, 8);
    CHECK(n == 4);
    CHECK(ktok_eq(&t[0], "create") && ktok_eq(&t[1], "demo-a"));
    CHECK(!ktok_eq(&t[0], "creat") && !ktok_eq(&t[0], "createx"));
    CHECK(ktok_key(&t[2], "mem", &val) && val.len == 2 && !memcmp(val.s, "8M", 2));
    CHECK(!ktok_key(&t[2], "me", &val) && !ktok_key(&t[3], "mem", &val));
    CHECK(ktokenize("a b c d e", 9, t, 3) == 3);
    CHECK(ktokenize("", 0, t, 3) == 0 && ktokenize("   ", 3, t, 3) == 0);
    const char *cl = "guest role=ping peer=2 port=17 bad=x1";
    CHECK(kcmdline_get(cl, "role", &val) && val.len == 4);
    CHECK(kcmdline_u64(cl, "peer", 0) == 2 && kcmdline_u64(cl, "port", 0) == 17);
    CHECK(kcmdline_u64(cl, "missing", 99) == 99 && kcmdline_u64(cl, "bad", 5) == 5);
    CHECK(kstreq("abc", "abc") && !kstreq("abc", "abd") && !kstreq("ab", "abc"));
    char buf[4];
    kstrlcpy(buf, "hello", sizeof(buf));
    CHECK(strcmp(buf, "hel") == 0);
}

static void t_checksum(void)
{
    uint8_t data[1000];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 31 + 7);
    uint64_t whole = kchecksum(0, data, sizeof(data));
    uint64_t split = kchecksum(kchecksum(0, data, 333), data + 333, sizeof(data) - 333);
    CHECK(whole == split);
    data[500] ^= 1;
    CHECK(kchecksum(0, data, sizeof(data)) != whole);
    /* Swapped bytes change it too (position-sensitive). */
    data[500] ^= 1;
    uint8_t t = data[10];
    data[10] = data[11];
    data[11] = t;
    CHECK(kchecksum(0, data, sizeof(data)) != whole);
    uint64_t s = 1, a = kxorshift(&s), b = kxorshift(&s);
    CHECK(a != b && a != 0);
}

/* A minimal ELF64 executable image with phnum program headers. */
static size_t make_elf(uint8_t *b, size_t size, int phnum, uint64_t vaddr, uint64_t filesz,
                       uint64_t memsz, uint64_t entry)
{
    memset(b, 0, size);
    memcpy(b,
           "\x7f"
           "ELF",
           4);
    b[4] = 2;
    b[5] = 1;
    b[6] = 1;
    b[16] = 2;  /* ET_EXEC */
    b[18] = 62; /* EM_X86_64 */
    memcpy(b + 24, &entry, 8);
    uint64_t phoff = 64;
    memcpy(b + 32, &phoff, 8);
    b[54] = 56;
    b[56] = (uint8_t)phnum;
    for (int i = 0; i < phnum; i++) {
        uint8_t *ph = b + 64 + 56 * i;
        ph[0] = 1; /* PT_LOAD */
        uint64_t off = 0x100, va = vaddr + (uint64_t)i * 0x1000;
        memcpy(ph + 8, &off, 8);
        memcpy(ph + 16, &va, 8);
        memcpy(ph + 32, &filesz, 8);
        memcpy(ph + 40, &memsz, 8);
    }
    return size;
}

static void t_elf(void)
{
    static uint8_t img[0x400];
    struct elf_info ei;
    size_t n = make_elf(img, sizeof(img), 2, 0x40100000, 0x80, 0x2000, 0x40100010);
    CHECK(elf_parse(img, n, &ei) == 0);
    CHECK(ei.machine == 62 && ei.bits == 64 && ei.entry == 0x40100010);
    CHECK(ei.nr_segments == 2 && ei.lo == 0x40100000 && ei.hi == 0x40103000);
    /* Truncated file, bad magic, segment beyond the file, filesz > memsz. */
    CHECK(elf_parse(img, 40, &ei) < 0);
    img[1] = 'X';
    CHECK(elf_parse(img, n, &ei) < 0);
    make_elf(img, sizeof(img), 1, 0x40100000, 0x1000, 0x2000, 0x40100010);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    make_elf(img, sizeof(img), 1, 0x40100000, 0x80, 0x40, 0x40100010);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    /* Wrapping segment, entry outside the image, too many headers. */
    make_elf(img, sizeof(img), 1, ~0ull - 0x10, 0x80, 0x100, ~0ull - 8);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    make_elf(img, sizeof(img), 1, 0x40100000, 0x80, 0x100, 0x50000000);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    make_elf(img, sizeof(img), 9, 0x40100000, 0x80, 0x100, 0x40100010);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    /* Program headers pointing past the end. */
    make_elf(img, sizeof(img), 1, 0x40100000, 0x80, 0x100, 0x40100010);
    uint64_t far = 0x10000;
    memcpy(img + 32, &far, 8);
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
    /* Not an executable. */
    make_elf(img, sizeof(img), 1, 0x40100000, 0x80, 0x100, 0x40100010);
    img[16] = 3;
    CHECK(elf_parse(img, sizeof(img), &ei) < 0);
}

static void t_ring(void)
{
    static struct ring_hdr hdr;
    static uint8_t mem[4][4096];
    uint8_t *pages[4] = {mem[2], mem[0], mem[3], mem[1]}; /* scattered pages */
    struct ring prod, cons;
    memset(&hdr, 0, sizeof(hdr));
    ring_init(&prod, &hdr, 4, pages);
    ring_init(&cons, &hdr, 4, pages);
    static uint8_t in[50000], out[50000];
    uint64_t s = 99;
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (uint8_t)kxorshift(&s);
    size_t w = 0, r = 0;
    unsigned rounds = 0;
    while (r < sizeof(in) && rounds++ < 100000) {
        size_t chunk = 1 + (size_t)(kxorshift(&s) % 7000);
        if (w < sizeof(in))
            w += ring_write(&prod, in + w, chunk < sizeof(in) - w ? chunk : sizeof(in) - w);
        CHECK(ring_used(&cons) <= 4 * 4096);
        r += ring_read(&cons, out + r, 1 + (size_t)(kxorshift(&s) % 5000));
    }
    CHECK(r == sizeof(in) && memcmp(in, out, sizeof(in)) == 0);
    /* Full ring refuses more; empty ring gives nothing. */
    CHECK(ring_write(&prod, in, 20000) == 4 * 4096);
    CHECK(ring_write(&prod, in, 1) == 0);
    CHECK(ring_read(&cons, out, 20000) == 4 * 4096);
    CHECK(ring_read(&cons, out, 1) == 0);
    /* The 32-bit counters wrap without losing or reordering a byte. */
    hdr.prod = hdr.cons = 0xffffff00u;
    for (size_t i = 0; i < 3000; i++)
        in[i] = (uint8_t)(i * 7);
    CHECK(ring_write(&prod, in, 3000) == 3000);
    CHECK(ring_used(&cons) == 3000);
    CHECK(ring_read(&cons, out, 3000) == 3000 && memcmp(in, out, 3000) == 0);
    CHECK(hdr.cons == (uint32_t)(0xffffff00u + 3000));
    /* A ring of 6 pages uses 4 (a power of two), never a page it was not given. */
    struct ring odd;
    ring_init(&odd, &hdr, 6, pages);
    CHECK(odd.size == 4 * 4096);
    /* A peer that writes garbage indices moves nothing. */
    hdr.prod = hdr.cons + 1000000;
    CHECK(ring_read(&cons, out, 10) == 0);
    CHECK(ring_write(&prod, in, 10) == 0);
}

static void t_toolstack(void)
{
    char out[256];
    /* Labels: first plain word (after the path, if any), else role=, else the base name. */
    ts_module_label("build/x/hestia-guest demo-a role=demo", 48, out, sizeof(out));
    CHECK(strcmp(out, "demo-a") == 0);
    ts_module_label("p/g role=ping peer=2", 48, out, sizeof(out));
    CHECK(strcmp(out, "ping") == 0);
    ts_module_label("/a/b/guest.elf", 48, out, sizeof(out));
    CHECK(strcmp(out, "guest.elf") == 0);
    ts_module_label("", 48, out, sizeof(out));
    CHECK(out[0] == '\0');
    /* Without a path in front (GRUB 2's module string, the ppc and ia64 runners). */
    ts_module_label("domu-x role=y", 48, out, sizeof(out));
    CHECK(strcmp(out, "domu-x") == 0);
    ts_module_label("role=ping peer=2", 48, out, sizeof(out));
    CHECK(strcmp(out, "ping") == 0);
    ts_module_label("domu", 48, out, sizeof(out));
    CHECK(strcmp(out, "domu") == 0);
    ts_module_label("peer=2", 48, out, sizeof(out));
    CHECK(out[0] == '\0');
    /* A name cut without a terminator (the loader's 48 bytes). */
    char cut[10];
    memcpy(cut, "p/g domu-x", 10);
    ts_module_label(cut, sizeof(cut), out, sizeof(out));
    CHECK(strcmp(out, "domu-x") == 0);
    /* domU command lines, with and without a path in front. */
    ts_domu_cmdline("p/g ping role=ping peer=2", 48, "port=5 ", out, sizeof(out));
    CHECK(strcmp(out, "role=ping peer=2 port=5 ") == 0);
    ts_domu_cmdline("role=ping peer=2", 48, "port=5 ", out, sizeof(out));
    CHECK(strcmp(out, "role=ping peer=2 port=5 ") == 0);
    ts_domu_cmdline("p/g demo-a", 48, "", out, sizeof(out));
    CHECK(strcmp(out, "role=demo-a") == 0);
    ts_domu_cmdline("demo-a", 48, "", out, sizeof(out));
    CHECK(strcmp(out, "role=demo-a") == 0);
    ts_domu_cmdline("domu", 48, "role=demo-b ", out, sizeof(out));
    CHECK(strcmp(out, "role=demo-b ") == 0);
    ts_domu_cmdline("p/g domu", 48, "x=1", out, sizeof(out));
    CHECK(strcmp(out, "x=1 role=domu") == 0);
    char tiny[8];
    size_t n = ts_domu_cmdline("p/g a=1 b=2 c=3", 48, "d=4", tiny, sizeof(tiny));
    CHECK(n == strlen(tiny) && n < sizeof(tiny));
    /* create arguments. */
    struct ktok tok[8];
    static struct ts_create_args a;
    const char *l1 = "mem=8 weight=512 cap=25 vcpus=4 role=burner peer=3";
    unsigned k = ktokenize(l1, strlen(l1), tok, 8);
    CHECK(ts_parse_create(tok, k, &a) == 0);
    CHECK(a.mem_bytes == 8u << 20 && a.weight == 512 && a.cap == 25 && a.vcpus == 4);
    CHECK(strcmp(a.extra, "role=burner peer=3 ") == 0);
    const char *l2 = "mem=16M";
    k = ktokenize(l2, strlen(l2), tok, 8);
    CHECK(ts_parse_create(tok, k, &a) == 0 && a.mem_bytes == 16u << 20 && a.weight == 0);
    CHECK(ts_parse_create(tok, 0, &a) == 0 && a.mem_bytes == 4u << 20 && a.vcpus == 1);
    const char *bad[] = {"mem=",   "mem=0",   "weight=x", "cap=1q",  "stray",
                         "mem=1T", "vcpus=0", "vcpus=5",  "vcpus=x", "vcpus=-1"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k = ktokenize(bad[i], strlen(bad[i]), tok, 8);
        CHECK(ts_parse_create(tok, k, &a) < 0);
    }
    /* Scripts. */
    const char *script = "create a;create b;;list";
    const char *want[] = {"create a", "create b", "", "list"};
    size_t pos = 0, len;
    const char *cmd;
    unsigned cmds = 0;
    while (ts_next_command(script, &pos, &cmd, &len)) {
        CHECK(cmds < 4 && len == strlen(want[cmds]) && !memcmp(cmd, want[cmds], len));
        cmds++;
    }
    CHECK(cmds == 4);
    pos = 0;
    CHECK(ts_next_command("", &pos, &cmd, &len) == 0);
}

/* Errors for people are words: every public code has its phrase. */
static void t_strerror(void)
{
    CHECK(strcmp(kstrerror(-HESTIA_ESRCH), "no such domain") == 0);
    CHECK(strcmp(kstrerror(-HESTIA_EPERM), "not permitted") == 0);
    CHECK(strcmp(kstrerror(-HESTIA_EALREADY), "already done") == 0);
    CHECK(strcmp(kstrerror(-9999), "unknown error") == 0);
    CHECK(strcmp(kstrerror(0), "unknown error") == 0);
    for (long e = 1; e < 200; e++)
        CHECK(kstrerror(-e) != NULL);
}

/* Feed s in pieces of `step` bytes; the statuses of the lines, their texts joined by '/'.
 */
static void feed_all(const char *s, size_t len, size_t step, char *st, char *texts)
{
    struct ts_line l;
    ts_line_init(&l);
    size_t pos = 0;
    st[0] = texts[0] = '\0';
    while (pos < len) {
        size_t n = len - pos < step ? len - pos : step, used;
        enum ts_line_status r = ts_line_feed(&l, s + pos, n, &used);
        CHECK(used <= n && (r != TS_LINE_MORE || used == n));
        pos += used;
        if (r != TS_LINE_MORE) {
            strcat(st, r == TS_LINE_READY ? "R" : r == TS_LINE_TOO_LONG ? "L" : "B");
            if (r == TS_LINE_READY) {
                strcat(texts, l.buf);
                strcat(texts, "/");
            }
        }
    }
}

static void t_tsline(void)
{
    static const char in[] = "token abc\r\nlist\n\nbad\x01line\nx\ry\n\xff\nlast\ncut";
    char st[64], texts[256];
    /* Every piece size gives the same lines: a line may arrive in any number of segments.
     */
    for (size_t step = 1; step <= sizeof(in); step++) {
        feed_all(in, sizeof(in) - 1, step, st, texts);
        CHECK(strcmp(st, "RRRBBBR") == 0);
        CHECK(strcmp(texts, "token abc/list//last/") == 0);
    }
    char big[600];
    memset(big, 'a', sizeof(big));
    memcpy(big + 160, "\nbb", 3); /* 160 bytes: fits exactly */
    big[400] = '\n';              /* 236 bytes: too long, then a short line */
    memcpy(big + 401, "ok\n", 3);
    feed_all(big, 404, 7, st, texts);
    CHECK(strcmp(st, "RLR") == 0);
    CHECK(strlen(texts) == 160 + 1 + 3 && strcmp(texts + 161, "ok/") == 0);
    CHECK(ts_token_equal("s3cret", "s3cret"));
    CHECK(!ts_token_equal("s3cret", "s3cre"));
    CHECK(!ts_token_equal("s3cre", "s3cret"));
    CHECK(!ts_token_equal("s3cret", "S3cret"));
    CHECK(!ts_token_equal("", "x"));
}

int main(void)
{
    run("printf", t_printf);
    run("parse", t_parse);
    run("tokens", t_tokens);
    run("checksum", t_checksum);
    run("elf", t_elf);
    run("ring", t_ring);
    run("toolstack", t_toolstack);
    run("strerror", t_strerror);
    run("tsline", t_tsline);
    return failed_cases ? 1 : 0;
}
