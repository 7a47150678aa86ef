/* SPDX-License-Identifier: MIT */
/* core/lib: strings, vsnprintf, spinlocks, core_printf, core_panic. */
#include "harness.h"

TEST_SUITE("lib");

/* No format attribute: these formats are wrong on purpose. */
static int raw_format(char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(b, n, fmt, ap);
    va_end(ap);
    return r;
}

TEST_CASE(memcpy_memset_memcmp)
{
    unsigned char a[64], b[64];
    memset(a, 0x5a, sizeof(a));
    for (unsigned i = 0; i < sizeof(a); i++)
        CHECK_EQ(a[i], 0x5a);
    for (unsigned i = 0; i < sizeof(b); i++)
        b[i] = (unsigned char)i;
    CHECK(memcpy(a, b, 33) == a);
    CHECK_EQ(memcmp(a, b, 33), 0);
    CHECK_EQ(a[33], 0x5a);
    CHECK(memcmp(a, b, 34) != 0);
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("\xff", "\x01", 1) > 0); /* unsigned compare */
    CHECK_EQ(memcmp(a, b, 0), 0);
}

TEST_CASE(cmdline_words)
{
    CHECK(cmdline_has_word("boot.fail", "boot.fail"));
    CHECK(cmdline_has_word("a  boot.fail b", "boot.fail"));
    CHECK(cmdline_has_word("x boot.fail", "boot.fail"));
    CHECK(!cmdline_has_word("boot.failed", "boot.fail"));
    CHECK(!cmdline_has_word("no-boot.fail", "boot.fail"));
    CHECK(!cmdline_has_word("boot.fai", "boot.fail"));
    CHECK(!cmdline_has_word("", "boot.fail"));
    CHECK(!cmdline_has_word(NULL, "boot.fail"));
}

TEST_CASE(memmove_overlap)
{
    char s[16] = "0123456789";
    memmove(s + 2, s, 8); /* dst above src */
    CHECK_STR(s, "0101234567");
    char t[16] = "0123456789";
    memmove(t, t + 3, 7); /* dst below src */
    t[7] = '\0';
    CHECK_STR(t, "3456789");
}

TEST_CASE(strlen_strnlen_strcmp)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("hestia"), 6);
    CHECK_EQ(strnlen("hestia", 3), 3);
    CHECK_EQ(strnlen("hi", 10), 2);
    CHECK(strcmp("a", "b") < 0);
    CHECK(strcmp("b", "a") > 0);
    CHECK_EQ(strcmp("same", "same"), 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK_EQ(strncmp("abcX", "abcY", 3), 0);
    CHECK(strncmp("abcX", "abcY", 4) < 0);
    CHECK_EQ(strncmp("ab", "ab", 10), 0);
}

TEST_CASE(strlcpy_truncates_and_terminates)
{
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(strlcpy(buf, "hello world", sizeof(buf)), 11);
    CHECK_STR(buf, "hello w");
    CHECK_EQ(strlcpy(buf, "hi", sizeof(buf)), 2);
    CHECK_STR(buf, "hi");
    buf[0] = 'q';
    CHECK_EQ(strlcpy(buf, "abc", 0), 3); /* size 0 writes nothing */
    CHECK_EQ(buf[0], 'q');
}

TEST_CASE(snprintf_integers)
{
    char b[64];
    snprintf(b, sizeof(b), "%d %i %u", -42, 7, 4000000000u);
    CHECK_STR(b, "-42 7 4000000000");
    snprintf(b, sizeof(b), "%x %X %lx", 0xbeefu, 0xbeefu, 0x123456789abcUL);
    CHECK_STR(b, "beef BEEF 123456789abc");
    snprintf(b, sizeof(b), "%llu %lld", 18446744073709551615ull,
             -9223372036854775807ll - 1);
    CHECK_STR(b, "18446744073709551615 -9223372036854775808");
    snprintf(b, sizeof(b), "%zu %hd %hhu", (size_t)99, (short)-3, (unsigned char)255);
    CHECK_STR(b, "99 -3 255");
}

TEST_CASE(snprintf_widths_and_flags)
{
    char b[64];
    snprintf(b, sizeof(b), "[%5d][%-5d][%05d][%08x]", 42, 42, -42, 0xabcu);
    CHECK_STR(b, "[   42][42   ][-0042][00000abc]");
    snprintf(b, sizeof(b), "[%*d][%.3d][%.0d]", 4, 7, 5, 0);
    CHECK_STR(b, "[   7][005][]");
    snprintf(b, sizeof(b), "[%6s][%-6s][%.2s][%.*s]", "ab", "ab", "abcdef", 3, "xyzw");
    CHECK_STR(b, "[    ab][ab    ][ab][xyz]");
    snprintf(b, sizeof(b), "%c%c%%%s", 'o', 'k', "!");
    CHECK_STR(b, "ok%!");
    raw_format(b, sizeof(b), "%s", (const char *)NULL);
    CHECK_STR(b, "(null)");
    snprintf(b, sizeof(b), "%p", (void *)0x1234);
    CHECK_STR(b, "0x1234");
}

TEST_CASE(snprintf_truncation_reports_full_length)
{
    char b[8];
    memset(b, 'x', sizeof(b));
    int n = raw_format(b, sizeof(b), "%s-%d", "abcdef", 12345);
    CHECK_EQ(n, 12);
    CHECK_STR(b, "abcdef-");
    CHECK_EQ(raw_format(NULL, 0, "%d", 123456), 6);
    char one[1] = {'z'};
    CHECK_EQ(raw_format(one, 1, "abc"), 3);
    CHECK_EQ(one[0], '\0');
}

TEST_CASE(snprintf_unknown_conversion_visible)
{
    char b[16];
    raw_format(b, sizeof(b), "a%qb");
    CHECK_STR(b, "a%qb");
    raw_format(b, sizeof(b), "end%");
    CHECK_STR(b, "end");
}

TEST_CASE(spinlock_irqsave_restores_state)
{
    spinlock_t l = SPINLOCK_INIT;
    CHECK(host_irqs_enabled());
    unsigned long f = spin_lock_irqsave(&l);
    CHECK_EQ(l.locked, 1);
    CHECK(!host_irqs_enabled());
    spin_unlock_irqrestore(&l, f);
    CHECK_EQ(l.locked, 0);
    CHECK(host_irqs_enabled());
    /* Nested with interrupts already off: restore keeps them off. */
    unsigned long outer = hal_irq_save();
    f = spin_lock_irqsave(&l);
    spin_unlock_irqrestore(&l, f);
    CHECK(!host_irqs_enabled());
    hal_irq_restore(outer);
    CHECK(host_irqs_enabled());
    spin_lock(&l);
    CHECK_EQ(l.locked, 1);
    spin_unlock(&l);
    CHECK_EQ(l.locked, 0);
}

TEST_CASE(core_printf_reaches_console)
{
    host_console_clear();
    core_printf("hello %s %d\n", "world", 42);
    CHECK_STR(host_console_output(), "hello world 42\n");
}

TEST_CASE(core_printf_long_line_truncated_not_overflowing)
{
    char big[600];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    host_console_clear();
    core_printf("%s", big);
    CHECK_EQ(host_console_len(), 255);
}

static void do_panic(void *arg)
{
    core_panic("bad thing %d", *(int *)arg);
}

TEST_CASE(panic_prints_and_exits_nonzero)
{
    int x = 7;
    host_console_clear();
    CHECK_EQ(h_catch(do_panic, &x), HOST_JMP_EXIT);
    CHECK(host_exited());
    CHECK(host_exit_status() != 0);
    CHECK(strstr(host_console_output(), "HESTIA PANIC: bad thing 7") != NULL);
}

static void do_bug(void *arg)
{
    BUG_ON(arg != NULL);
}

TEST_CASE(bug_on_panics_with_location)
{
    int x;
    CHECK_EQ(h_catch(do_bug, &x), HOST_JMP_EXIT);
    CHECK(strstr(host_console_output(), "BUG at") != NULL);
    CHECK(strstr(host_console_output(), "test_lib.c") != NULL);
}

TEST_CASE(snprintf_decimal_boundaries)
{
    /* printf divides 64-bit values with 32-bit steps only: check the seams. */
    static const unsigned long long vals[] = {
        0,
        9,
        10,
        65535,
        65536,
        655359,
        4294967295ull,
        4294967296ull,
        42949672959ull,
        999999999999ull,
        10000000000000000000ull,
        18446744073709551614ull,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        char mine[32], ref[32];
        snprintf(mine, sizeof(mine), "%llu", vals[i]);
        /* Reference digits computed here with plain 64-bit arithmetic. */
        unsigned long long v = vals[i];
        char tmp[32];
        int n = 0;
        do {
            tmp[n++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        for (int k = 0; k < n; k++)
            ref[k] = tmp[n - 1 - k];
        ref[n] = '\0';
        CHECK_STR(mine, ref);
    }
}

TEST_CASE(div64_u32_matches_native)
{
    static const unsigned long long ns[] = {0,
                                            1,
                                            99,
                                            4294967295ull,
                                            4294967296ull,
                                            30000000ull * 65535,
                                            0xffffffffffffffffull,
                                            0x8000000000000000ull,
                                            123456789012345ull};
    static const uint32_t ds[] = {1, 3, 10, 100, 65535, 65536, 1000000007u, 0xffffffffu};
    for (unsigned i = 0; i < ARRAY_SIZE(ns); i++) {
        for (unsigned k = 0; k < ARRAY_SIZE(ds); k++) {
            uint32_t rem = 0xdead;
            uint64_t q = div64_u32(ns[i], ds[k], &rem);
            CHECK_EQ(q, ns[i] / ds[k]);
            CHECK_EQ(rem, ns[i] % ds[k]);
        }
    }
    CHECK_EQ(div64_u32(100, 7, NULL), 14);
}

/* The word-at-a-time paths against a byte loop, every alignment and tail. */
TEST_CASE(memcpy_memset_every_alignment)
{
    static unsigned char src[96], dst[96], want[96];
    for (unsigned i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (unsigned so = 0; so < 8; so++)
        for (unsigned d_off = 0; d_off < 8; d_off++)
            for (unsigned n = 0; n < 40; n++) {
                for (unsigned i = 0; i < sizeof(dst); i++)
                    dst[i] = want[i] = 0xee;
                for (unsigned i = 0; i < n; i++)
                    want[d_off + i] = src[so + i];
                CHECK(memcpy(dst + d_off, src + so, n) == dst + d_off);
                CHECK_EQ(memcmp(dst, want, sizeof(dst)), 0);
                for (unsigned i = 0; i < n; i++)
                    want[d_off + i] = 0xa7;
                CHECK(memset(dst + d_off, 0x1a7, n) == dst + d_off); /* only the low byte */
                CHECK_EQ(memcmp(dst, want, sizeof(dst)), 0);
            }
}
