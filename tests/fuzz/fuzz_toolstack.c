/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack commands (ports/common/toolstack_cmd.c, tsparse.c) from
 * the console line or script=...: the input up to its first NUL byte is
 * the line, given to ts_command(); the rest feeds the backend stubs below
 * (their results, and the keys typed in `console <dom>` mode).  The
 * backend is this file: each stub checks what the parser hands it
 * (domain ids below HESTIA_MAX_DOMAINS, module indexes that exist, a
 * terminated `extra` that fits, console writes within the read buffer).
 * The same bytes also go through ts_module_label and ts_domu_cmdline with
 * an unterminated name and a small output buffer.
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <port/livemig.h>
#include <port/pci.h>
#include <port/restore.h>
#include <port/save.h>
#include <port/toolstack.h>
#include <port/tsparse.h>
#include <setjmp.h>
#include <string.h>

#include "fuzz_common.h"

static struct fz aux; /* stub results and console keys */
static jmp_buf done_jump;
static char out_line[512];

#define NR_MODULES 3
static struct hestia_start_info si;
struct hestia_start_info *start_info = &si;

static long stub_result(void)
{
    /* Mostly success, so the parser's later steps run. */
    uint8_t b = fz_u8(&aux);
    return b < 200 ? (long)(b % 8) : -(long)(b % 40);
}

static void check_dom(hestia_domid_t dom)
{
    FUZZ_ASSERT(dom < HESTIA_MAX_DOMAINS, "domain id %u reached the backend", dom);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(out_line, sizeof(out_line), fmt, ap);
    va_end(ap);
    return n;
}

long console_read(char *buf, size_t n)
{
    /* console <dom> mode: a few keys from the input, then Ctrl-] to come back. */
    size_t k = fz_below(&aux, 4);
    if (!aux.n || k == 0 || n == 0) {
        buf[0] = 0x1d;
        return 1;
    }
    for (size_t i = 0; i < k && i < n; i++)
        buf[i] = (char)fz_u8(&aux);
    return (long)(k < n ? k : n);
}

long arch_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                    unsigned long a3, unsigned long a4)
{
    (void)a4;
    FUZZ_ASSERT(nr == HYPERCALL_console_io && a0 == CONSOLEIO_write_input,
                "unexpected hypercall %lu/%lu", nr, a0);
    FUZZ_ASSERT(a1 <= 32, "console write of %lu bytes from a 32-byte buffer", a1);
    const volatile char *p = (const char *)a2;
    for (unsigned long i = 0; i < a1; i++)
        (void)p[i]; /* ASan: inside the caller's buffer */
    check_dom((hestia_domid_t)a3);
    return stub_result();
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t h, void *arg)
{
    (void)port, (void)h, (void)arg;
}

long evtchn_unmask(evtchn_port_t port)
{
    (void)port;
    return 0;
}

void set_flag(volatile int *flag)
{
    *flag = 1;
}

int wait_flag(volatile int *flag, uint64_t timeout_ns)
{
    (void)timeout_ns;
    return *flag;
}

NORETURN void test_done(void)
{
    longjmp(done_jump, 1);
}

static uint64_t now;
uint64_t time_now_ns(void)
{
    return now;
}

void thread_sleep_until(uint64_t deadline)
{
    now = deadline > now ? deadline : now + 1;
}

long ts_find_module(const char *label, size_t len)
{
    static const char *const names[NR_MODULES] = {"dom0", "domu", "ping"};
    for (unsigned i = 0; i < NR_MODULES; i++)
        if (strlen(names[i]) == len && memcmp(names[i], label, len) == 0)
            return i;
    if (len == 1 && label[0] >= '0' && label[0] < '0' + NR_MODULES)
        return label[0] - '0';
    return -HESTIA_ENOENT;
}

long ts_domain_new(uint64_t pages, uint32_t weight, uint32_t cap)
{
    (void)pages, (void)weight, (void)cap;
    long r = stub_result();
    return r < 0 ? r : 1 + r;
}

long ts_domain_new_vcpus(uint64_t pages, uint32_t weight, uint32_t cap, uint32_t vcpus)
{
    FUZZ_ASSERT(vcpus >= 1 && vcpus <= HESTIA_MAX_VCPUS, "vcpus %u", vcpus);
    return ts_domain_new(pages, weight, cap);
}

long ts_domain_load(hestia_domid_t domid, unsigned mod, const char *extra)
{
    check_dom(domid);
    FUZZ_ASSERT(mod < NR_MODULES, "module %u", mod);
    FUZZ_ASSERT(strlen(extra) < sizeof(((struct ts_create_args *)0)->extra),
                "extra too long");
    return stub_result();
}

long ts_domctl(unsigned cmd, hestia_domid_t domid, struct hestia_domctl *d)
{
    check_dom(domid);
    FUZZ_ASSERT(cmd == DOMCTL_sched_get, "domctl %u", cmd);
    d->u.sched.weight = fz_u16(&aux);
    d->u.sched.cap = fz_u8(&aux);
    return stub_result();
}

long ts_getinfo(hestia_domid_t domid, struct domctl_info *info)
{
    check_dom(domid);
    memset(info, 0, sizeof(*info));
    return stub_result();
}

#define DOM_STUB(name)                                                                     \
    long name(hestia_domid_t domid)                                                        \
    {                                                                                      \
        check_dom(domid);                                                                  \
        return stub_result();                                                              \
    }
DOM_STUB(ts_pause)
DOM_STUB(ts_unpause)
DOM_STUB(ts_destroy)

long ts_vcpu_state_get(hestia_domid_t domid, uint32_t vcpu, struct hestia_vcpu_state *st)
{
    (void)vcpu;
    check_dom(domid);
    memset(st, 0, sizeof(*st));
    return stub_result();
}

const char *ts_vcpu_state_error(long r)
{
    (void)r;
    return "stub";
}

long ts_sched_set(hestia_domid_t domid, uint32_t weight, uint32_t cap)
{
    (void)weight, (void)cap;
    check_dom(domid);
    return stub_result();
}

long ts_wait_shutdown(hestia_domid_t domid, uint64_t timeout_ns)
{
    (void)timeout_ns;
    check_dom(domid);
    return stub_result();
}

void ts_list(void)
{
}

long save_domain(hestia_domid_t domid, bool destroy, struct save_stats *st,
                 const char **why)
{
    (void)destroy;
    check_dom(domid);
    memset(st, 0, sizeof(*st));
    *why = "stub";
    return stub_result();
}

long save_image_check(int (*each_record)(void *ctx, const struct mig_record *rec),
                      void *ctx, struct save_image_header *hdr, const char **why)
{
    (void)each_record, (void)ctx;
    memset(hdr, 0, sizeof(*hdr));
    *why = "stub";
    return stub_result();
}

long restore_from_disk(struct restore_stats *st, const char **why)
{
    memset(st, 0, sizeof(*st));
    *why = "stub";
    return stub_result();
}

/* migrate / receive: their words are parsed in migrate/live_cmd.c, not fuzzed here. */
long ts_cmd_migration(const struct ktok *tok, unsigned n)
{
    (void)tok, (void)n;
    return stub_result();
}

long ts_create_hvm(const char *line, size_t len)
{
    (void)line, (void)len;
    return stub_result();
}

/* lspci: a stub result is either an error or a count; a count beyond the
 * buffer must not make cmd_lspci read past it. */
long pci_scan_bus0(struct pci_function *out, unsigned max)
{
    long r = stub_result();
    for (long i = 0; i < r && (unsigned long)i < max; i++)
        memset(&out[i], 0, sizeof(out[i]));
    return r;
}

void pci_print(const struct pci_function *f)
{
    (void)*(volatile const uint8_t *)&f->devfn; /* ASan: f must be inside the buffer */
}

const char *ts_reason_name(unsigned reason)
{
    return reason == 0 ? "poweroff" : "other";
}

const char *ts_state_name(unsigned state)
{
    return state == 0 ? "running" : "other";
}

/* The script runner reports each command; the name must be a protocol word. */
void test_report(const char *name, int result, const char *fmt, ...)
{
    (void)fmt;
    if (!name || !*name || strchr(name, ' ') || result < TR_PASS || result > TR_SKIP)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t line_len = nul ? (size_t)(nul - data) : size;
    aux.p = nul ? nul + 1 : data + size;
    aux.n = nul ? size - line_len - 1 : 0;
    now = 0;

    /* Exactly-sized copies: an overread of either is an ASan report. */
    char *line = malloc(line_len + 1);
    char *name = malloc(line_len ? line_len : 1);
    if (!line || !name)
        abort();
    memcpy(line, data, line_len);
    line[line_len] = 0;
    memcpy(name, data, line_len);

    si.nr_modules = NR_MODULES;
    if (setjmp(done_jump) == 0) {
        long r = ts_command(line);
        FUZZ_ASSERT(r <= 0 || r < HESTIA_MAX_DOMAINS, "ts_command returned %ld", r);
    }

    /* The module-name helpers on an unterminated name and a short output buffer. */
    char label[17], cmd[65];
    size_t outsize = 1 + fz_below(&aux, 16);
    memset(label, 0x7f, sizeof(label));
    ts_module_label(name, line_len, label, outsize);
    FUZZ_ASSERT(strnlen(label, outsize) < outsize, "label not terminated in %zu bytes",
                outsize);
    size_t cmdsize = 1 + fz_below(&aux, 64);
    size_t n = ts_domu_cmdline(name, line_len, "mem=4", cmd, cmdsize);
    FUZZ_ASSERT(strnlen(cmd, cmdsize) < cmdsize && n == strlen(cmd),
                "command line %zu / %zu bytes", n, cmdsize);
    free(line);
    free(name);
    return 0;
}
