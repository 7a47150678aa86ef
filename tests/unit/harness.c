/* SPDX-License-Identifier: MIT */
/* The unit-test runner and fixtures (see harness.h). */
#include "harness.h"
#include <core/pirq.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct test_case *cases_head, **cases_tail = &cases_head;
static const char *current_case;
static const void *current_arg;
static bool case_failed;
static char fail_detail[512];
static jmp_buf case_jump;
static struct hal_boot_info boot_info;

void harness_register(struct test_case *tc)
{
    tc->next = NULL;
    *cases_tail = tc;
    cases_tail = &tc->next;
}

const void *harness_case_arg(void)
{
    return current_arg;
}

bool harness_case_failed(void)
{
    return case_failed;
}

void harness_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stdout, "  %s:%d: %s: %s\n", file, line, current_case, msg);
    if (!case_failed)
        snprintf(fail_detail, sizeof(fail_detail), "%s:%d %s", file, line, msg);
    case_failed = true;
}

HAL_NORETURN void harness_abort(const char *file, int line, const char *what)
{
    harness_fail(file, line, "REQUIRE(%s)", what);
    longjmp(case_jump, 100);
}

/* ---- fixtures ---- */

struct buf_state {
    struct domain *d;
    uint64_t next_gfn; /* allocate downwards from here */
    uint64_t next_va;
};
static struct buf_state bufs[8];

void h_reset(void)
{
    host_reset();
    host_set_jump(&case_jump);
    host_boot_info(&boot_info);
    mm_init(&boot_info);
    console_init();
    domain_init_all();
    pirq_init();
    sched_init(1);
    run_init();
    memset(bufs, 0, sizeof(bufs));
}

const struct hal_boot_info *h_boot_info(void)
{
    return &boot_info;
}

struct domain *h_domain_raw(uint64_t nr_pages, bool privileged)
{
    struct domain *d = NULL;
    int rc = domain_create(nr_pages, 1, privileged, &d);
    if (rc)
        harness_fail(__FILE__, __LINE__, "domain_create(%llu) = %d",
                     (unsigned long long)nr_pages, rc);
    REQUIRE(rc == 0 && d);
    return d;
}

struct domain *h_domain(uint64_t nr_pages, bool privileged)
{
    struct domain *d = h_domain_raw(nr_pages, privileged);
    REQUIRE(domain_start_vcpu(d, 0, guest_va(0x1000), guest_va(0), guest_va(0)) == 0);
    REQUIRE(domain_unpause(d) == 0);
    return d;
}

struct vcpu *h_vcpu(struct domain *d)
{
    REQUIRE(d && d->nr_vcpus > 0);
    return d->vcpus[0];
}

static struct buf_state *buf_state(struct domain *d)
{
    for (unsigned i = 0; i < ARRAY_SIZE(bufs); i++) {
        if (bufs[i].d == d)
            return &bufs[i];
    }
    for (unsigned i = 0; i < ARRAY_SIZE(bufs); i++) {
        if (!bufs[i].d) {
            bufs[i].d = d;
            bufs[i].next_gfn = p2m_nr_pages(d);
            bufs[i].next_va = H_BUF_VA;
            return &bufs[i];
        }
    }
    harness_abort(__FILE__, __LINE__, "too many domains with buffers");
}

uint64_t h_buf_perms(struct domain *d, size_t len, unsigned perms)
{
    struct buf_state *b = buf_state(d);
    size_t pages = (len + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    if (!pages)
        pages = 1;
    REQUIRE(b->next_gfn >= pages);
    uint64_t va = b->next_va;
    for (size_t i = 0; i < pages; i++) {
        uint64_t gfn = --b->next_gfn;
        mfn_t mfn = p2m_lookup(d, gfn(gfn));
        REQUIRE(!mfn_eq(mfn, MFN_INVALID));
        int rc = pvmmu_map_frame(d, 0, guest_va(va + i * HAL_PAGE_SIZE), mfn, perms);
        if (rc)
            harness_fail(__FILE__, __LINE__, "pvmmu_map_frame = %d", rc);
        REQUIRE(rc == 0);
    }
    b->next_va += pages * HAL_PAGE_SIZE + HAL_PAGE_SIZE; /* leave an unmapped guard page */
    return va;
}

uint64_t h_buf(struct domain *d, size_t len)
{
    return h_buf_perms(d, len, MMU_PERM_READ | MMU_PERM_WRITE);
}

static unsigned char *direct(struct domain *d, uint64_t va)
{
    mfn_t mfn;
    unsigned perms;
    REQUIRE(hal_as_lookup(pvmmu_kernel_space(d), guest_va(va), &mfn, &perms) == 0);
    return (unsigned char *)hal_frame_to_virt(mfn) + (va & (HAL_PAGE_SIZE - 1));
}

void h_write(struct domain *d, uint64_t va, const void *src, size_t len)
{
    const unsigned char *s = src;
    while (len) {
        size_t n = HAL_PAGE_SIZE - (va & (HAL_PAGE_SIZE - 1));
        n = n < len ? n : len;
        memcpy(direct(d, va), s, n);
        s += n;
        va += n;
        len -= n;
    }
}

void h_read(struct domain *d, void *dst, uint64_t va, size_t len)
{
    unsigned char *p = dst;
    while (len) {
        size_t n = HAL_PAGE_SIZE - (va & (HAL_PAGE_SIZE - 1));
        n = n < len ? n : len;
        memcpy(p, direct(d, va), n);
        p += n;
        va += n;
        len -= n;
    }
}

uint64_t h_put(struct domain *d, const void *src, size_t len)
{
    uint64_t va = h_buf(d, len);
    h_write(d, va, src, len);
    return va;
}

void h_domctl_init(struct hestia_domctl *op, uint32_t cmd, hestia_domid_t domid)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = HESTIA_ABI_VERSION;
    op->domid = domid;
}

long h_domctl(struct vcpu *v, uint64_t va, struct hestia_domctl *op)
{
    h_write(v->domain, va, op, sizeof(*op));
    long rc = h_call(v, HYPERCALL_domctl, va, 0, 0, 0, 0);
    h_read(v->domain, op, va, sizeof(*op));
    return rc;
}

long h_call(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1, uint64_t a2,
            uint64_t a3, uint64_t a4)
{
    const uint64_t args[5] = {a0, a1, a2, a3, a4};
    if (core_current_vcpu() != v)
        run_set_current(v);
    return hypercall_dispatch(v, nr, args);
}

int h_resume(struct vcpu **out)
{
    jmp_buf jb;
    jmp_buf *saved = host_get_jump();
    if (out)
        *out = NULL;
    host_set_jump(&jb);
    int how = setjmp(jb);
    if (how == 0) {
        struct hal_vcpu *hv = core_resume_vcpu();
        hal_vcpu_run(hv);
    }
    host_set_jump(saved);
    if (how == HOST_JMP_RUN && out) {
        struct hal_vcpu *hv = host_last_run();
        *out = hv ? hv->v : NULL;
    }
    return how;
}

int h_catch(void (*fn)(void *), void *arg)
{
    jmp_buf jb;
    jmp_buf *saved = host_get_jump();
    host_set_jump(&jb);
    int how = setjmp(jb);
    if (how == 0)
        fn(arg);
    host_set_jump(saved);
    return how;
}

/* ---- main ---- */

static bool selected(const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    static unsigned passed, failed; /* static: they live across longjmp */
    setvbuf(stdout, NULL, _IOLBF, 0);
    host_console_echo(getenv("HESTIA_TEST_ECHO") != NULL);
    for (struct test_case *tc = cases_head; tc; tc = tc->next) {
        if (!selected(tc->name, argc, argv))
            continue;
        current_case = tc->name;
        current_arg = tc->arg;
        case_failed = false;
        fail_detail[0] = '\0';
        int how = setjmp(case_jump);
        if (how == 0) {
            h_reset();
            tc->fn();
        } else if (how != 100) {
            static const char *const what[] = {"", "entered a guest", "idled forever",
                                               "platform exit", "halted (panic)"};
            const char *w = how >= 1 && how <= 4 ? what[how] : "longjmp";
            harness_fail(__FILE__, __LINE__, "unexpected: %s; console: %.200s", w,
                         host_console_output());
        }
        host_set_jump(NULL);
        if (case_failed) {
            failed++;
            printf("TEST %s.%s FAIL %s\n", harness_suite, tc->name, fail_detail);
        } else {
            passed++;
            printf("TEST %s.%s PASS\n", harness_suite, tc->name);
        }
    }
    printf("HESTIA DONE %u %u\n", passed, failed);
    return failed ? 1 : 0;
}
