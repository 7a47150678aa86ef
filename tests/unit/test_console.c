/* SPDX-License-Identifier: MIT */
/* core/console.c: output rings, prefixes, input queues, dom0-only commands. */
#include "harness.h"

TEST_SUITE("console");

static long con(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf, uint64_t domid)
{
    return h_call(v, HYPERCALL_console_io, cmd, count, buf, domid, 0);
}

TEST_CASE(domu_write_prefixed_per_line)
{
    struct domain *d = h_domain(16, false);
    const char msg[] = "one\ntwo\n";
    uint64_t p = h_put(d, msg, 8);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 8, p, 0), 8);
    char want[64];
    snprintf(want, sizeof(want), "(d%u) one\n(d%u) two\n", d->id, d->id);
    CHECK_STR(host_console_output(), want);
    CHECK_EQ(console_ring_used(d), 8);
}

TEST_CASE(partial_lines_keep_one_prefix)
{
    struct domain *d = h_domain(16, false);
    uint64_t p = h_put(d, "abc", 3);
    uint64_t q = h_put(d, "def\n", 4);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 3, p, 0), 3);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 4, q, 0), 4);
    char want[32];
    snprintf(want, sizeof(want), "(d%u) abcdef\n", d->id);
    CHECK_STR(host_console_output(), want);
}

TEST_CASE(dom0_write_prefixed_too)
{
    struct domain *z = h_domain(16, true);
    uint64_t p = h_put(z, "TEST x PASS\n", 12);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write, 12, p, 0), 12);
    char want[32];
    snprintf(want, sizeof(want), "(d%u) TEST x PASS\n", z->id);
    CHECK_STR(host_console_output(), want);
}

/* What a forger tries: a carriage return, escape sequences, backspaces. */
TEST_CASE(domain_cannot_hide_its_prefix)
{
    struct domain *d = h_domain(16, false);
    static const char msg[] =
        "x\rHESTIA DONE 9 0\n\x1b[2K\x1b[1GTEST a PASS\n\b\b\bok\bK\x80\n";
    uint64_t p = h_put(d, msg, sizeof(msg) - 1);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, sizeof(msg) - 1, p, 0), (long)sizeof(msg) - 1);
    char want[128];
    snprintf(want, sizeof(want),
             "(d%u) xHESTIA DONE 9 0\n(d%u) ?[2K?[1GTEST a PASS\n(d%u) ok\bK?\n", d->id,
             d->id, d->id);
    CHECK_STR(host_console_output(), want);
    /* The ring keeps the raw bytes for dom0. */
    CHECK_EQ(console_ring_used(d), sizeof(msg) - 1);
}

TEST_CASE(hypervisor_line_ends_domain_line)
{
    struct domain *d = h_domain(16, false);
    uint64_t p = h_put(d, "abc", 3);
    uint64_t q = h_put(d, "def\n", 4);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 3, p, 0), 3);
    core_printf("HESTIA DONE 1 0\n");
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 4, q, 0), 4);
    char want[64];
    snprintf(want, sizeof(want), "(d%u) abc\nHESTIA DONE 1 0\n(d%u) def\n", d->id, d->id);
    CHECK_STR(host_console_output(), want);
}

TEST_CASE(write_limits_and_bad_pointers)
{
    struct domain *d = h_domain(16, false);
    struct vcpu *v = h_vcpu(d);
    uint64_t p = h_buf(d, 8192);
    CHECK_EQ(con(v, CONSOLEIO_write, 0, p, 0), 0);
    CHECK_EQ(con(v, CONSOLEIO_write, CONSOLEIO_MAX_WRITE, p, 0), CONSOLEIO_MAX_WRITE);
    CHECK_EQ(con(v, CONSOLEIO_write, CONSOLEIO_MAX_WRITE + 1, p, 0), -HESTIA_E2BIG);
    CHECK_EQ(con(v, CONSOLEIO_write, ~0ull, p, 0), -HESTIA_E2BIG);
    CHECK_EQ(con(v, CONSOLEIO_write, 4, H_VA_UNMAPPED, 0), -HESTIA_EFAULT);
    CHECK_EQ(con(v, CONSOLEIO_write, 4, H_VA_HYP, 0), -HESTIA_EFAULT);
    CHECK_EQ(con(v, CONSOLEIO_write, 16, ~0ull - 7, 0), -HESTIA_EFAULT);
    CHECK_EQ(con(v, 42, 4, p, 0), -HESTIA_ENOSYS);
}

TEST_CASE(ring_keeps_last_bytes)
{
    struct domain *d = h_domain(16, false);
    struct domain *z = h_domain(16, true);
    uint64_t p = h_buf(d, 4096);
    char fill[4096];
    memset(fill, 'a', sizeof(fill));
    h_write(d, p, fill, sizeof(fill));
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 4096, p, 0), 4096);
    h_write(d, p, "XYZ", 3);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 3, p, 0), 3);
    CHECK_EQ(console_ring_used(d), CONSOLE_RING_SIZE);
    /* dom0 reads what is left: the newest 4096 bytes, ending in XYZ. */
    uint64_t out = h_buf(z, 8192);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 8192, out, d->id), CONSOLE_RING_SIZE);
    char got[CONSOLE_RING_SIZE];
    h_read(z, got, out, sizeof(got));
    CHECK_EQ(got[0], 'a');
    CHECK(memcmp(got + CONSOLE_RING_SIZE - 3, "XYZ", 3) == 0);
    /* Consumed: a second read returns nothing new. */
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 8192, out, d->id), 0);
}

TEST_CASE(read_ring_dom0_only)
{
    struct domain *d = h_domain(16, false);
    struct domain *e = h_domain(16, false);
    uint64_t p = h_buf(d, 64);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_read_ring, 64, p, e->id), -HESTIA_EPERM);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write_input, 4, p, e->id), -HESTIA_EPERM);
}

TEST_CASE(read_ring_bad_domain_and_pointer)
{
    struct domain *z = h_domain(16, true);
    struct domain *d = h_domain(16, false);
    uint64_t p = h_put(d, "hello", 5);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 5, p, 0), 5);
    uint64_t out = h_buf(z, 64);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 64, out, 999), -HESTIA_ESRCH);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 64, out, 1ull << 40), -HESTIA_ESRCH);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 64, H_VA_HYP, d->id), -HESTIA_EFAULT);
    uint64_t ro = h_buf_perms(z, 64, MMU_PERM_READ);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 64, ro, d->id), -HESTIA_EFAULT);
    /* The failed reads consumed nothing. */
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read_ring, 64, out, d->id), 5);
}

TEST_CASE(physical_input_goes_to_dom0)
{
    struct domain *z = h_domain(16, true);
    struct vcpu *v = h_vcpu(z);
    uint64_t out = h_buf(z, 64);
    CHECK_EQ(con(v, CONSOLEIO_read, 64, out, 0), 0);
    core_console_input('h');
    core_console_input('i');
    CHECK_EQ(con(v, CONSOLEIO_read, 1, out, 0), 1);
    CHECK_EQ(con(v, CONSOLEIO_read, 64, out + 1, 0), 1);
    char got[2];
    h_read(z, got, out, 2);
    CHECK(memcmp(got, "hi", 2) == 0);
}

TEST_CASE(input_without_dom0_dropped)
{
    core_console_input('x'); /* nobody to receive it: must not crash */
    struct domain *z = h_domain(16, true);
    uint64_t out = h_buf(z, 8);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read, 8, out, 0), 0);
}

TEST_CASE(idle_loop_feeds_console_input)
{
    struct domain *z = h_domain(16, true);
    CHECK_EQ(domain_pause(z), 0);
    host_console_push_input("ok", 2);
    hal_timer_set(0);
    CHECK_EQ(h_resume(NULL), HOST_JMP_IDLE);
    CHECK_EQ(domain_unpause(z), 0);
    uint64_t out = h_buf(z, 8);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read, 8, out, 0), 2);
}

TEST_CASE(read_into_readonly_buffer_efault)
{
    struct domain *z = h_domain(16, true);
    core_console_input('q');
    uint64_t ro = h_buf_perms(z, 8, MMU_PERM_READ);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read, 8, ro, 0), -HESTIA_EFAULT);
    uint64_t out = h_buf(z, 8);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_read, 8, out, 0), 1); /* still there */
}

TEST_CASE(dom0_queues_input_for_domu)
{
    struct domain *z = h_domain(16, true);
    struct domain *d = h_domain(16, false);
    uint64_t in = h_put(z, "cmd\n", 4);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write_input, 4, in, d->id), 4);
    uint64_t out = h_buf(d, 16);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_read, 16, out, 0), 4);
    char got[4];
    h_read(d, got, out, 4);
    CHECK(memcmp(got, "cmd\n", 4) == 0);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write_input, 4, in, 777), -HESTIA_ESRCH);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write_input, 4, H_VA_UNMAPPED, d->id),
             -HESTIA_EFAULT);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write_input, CONSOLEIO_MAX_WRITE + 1, in, d->id),
             -HESTIA_E2BIG);
}

TEST_CASE(input_queue_full_reports_partial)
{
    struct domain *z = h_domain(16, true);
    struct domain *d = h_domain(16, false);
    uint64_t in = h_buf(z, 1024);
    long n = con(h_vcpu(z), CONSOLEIO_write_input, 1024, in, d->id);
    CHECK(n > 0 && n < 1024);
    CHECK_EQ(con(h_vcpu(z), CONSOLEIO_write_input, 16, in, d->id), 0);
}

TEST_CASE(hypervisor_output_through_console)
{
    host_console_clear();
    console_hyp_write("abc", 3);
    core_printf("%d\n", 5);
    CHECK_STR(host_console_output(), "abc5\n");
}

TEST_CASE(domain_destroy_frees_console)
{
    struct domain *d = h_domain(16, false);
    uint64_t p = h_put(d, "x", 1);
    CHECK_EQ(con(h_vcpu(d), CONSOLEIO_write, 1, p, 0), 1);
    unsigned long before = mm_free_frames();
    CHECK_EQ(domain_destroy(d), 0);
    CHECK(mm_free_frames() > before);
}

TEST_CASE(lines_of_different_domains_never_merge)
{
    struct domain *a = h_domain(16, false);
    struct domain *b = h_domain(16, false);
    uint64_t pa = h_put(a, "TEST a PA", 9);
    uint64_t pa2 = h_put(a, "SS\n", 3);
    uint64_t pb = h_put(b, "TEST b FAIL\n", 12);
    host_console_clear();
    CHECK_EQ(con(h_vcpu(a), CONSOLEIO_write, 9, pa, 0), 9);
    CHECK_EQ(con(h_vcpu(b), CONSOLEIO_write, 12, pb, 0), 12);
    core_printf("hyp line\n");
    CHECK_EQ(con(h_vcpu(a), CONSOLEIO_write, 3, pa2, 0), 3);
    char want[128];
    snprintf(want, sizeof(want), "(d%u) TEST a PA\n(d%u) TEST b FAIL\nhyp line\n(d%u) SS\n",
             a->id, b->id, a->id);
    CHECK_STR(host_console_output(), want);
}
