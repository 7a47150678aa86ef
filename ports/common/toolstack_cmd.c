/* SPDX-License-Identifier: MIT */
/*
 * dom0's command interpreter: from the physical console (VIRQ_CONSOLE +
 * CONSOLEIO_read) or from script=... on the command line (';' separates
 * commands).  `console <dom>` forwards keys to a domU until Ctrl-].
 */
#include <port/livemig.h>
#include <port/pci.h>
#include <port/restore.h>
#include <port/save.h>
#include <port/toolstack.h>
#include <port/tsparse.h>

#define CTRL_RBRACKET 0x1d

static int parse_dom(const struct ktok *t, hestia_domid_t *out)
{
    uint64_t v;
    if (kparse_u64(t->s, t->len, &v) || v >= HESTIA_MAX_DOMAINS)
        return -1;
    *out = (hestia_domid_t)v;
    return 0;
}

static void help(void)
{
    printk(
        "commands:\n"
        "  list                          domains, state, memory, weight, cap, CPU time\n"
        "  create <module> [mem=N] [weight=N] [cap=N] [vcpus=N] [key=value...]\n"
        "  create-hvm <kernel> [initrd=<module>] [mem=N] [cmdline=\"...\"]\n"
        "                                an HVM guest: Linux bzImage or ELF (docs/hvm.md)\n"
        "  destroy <dom> | pause <dom> | unpause <dom>\n"
        "  sched <dom> [weight=N] [cap=N] [cpus=LIST]  (LIST: 0-1, 0,2; which CPUs)\n"
        "  state <dom> [vcpu]            a paused domain's vCPU state record\n"
        "  save <dom>                    to disk 0, read back and checked, then destroyed\n"
        "  saved                         check the saved image on disk 0\n"
        "  migrate <dom> <A.B.C.D>[:port] live, to a dom0 running receive\n"
        "  receive [port=N] [check]      one live migration (check: check the stream, drop "
        "it)\n"
        "  restore                       run the domain saved on disk 0 again\n"
        "  lspci                         the PCI functions on bus 0\n"
        "  console <dom>                 talk to a domain; Ctrl-] comes back\n"
        "  wait <dom> [reason]           until it shuts down (for that reason)\n"
        "  alive <dom>                   error unless it is running or blocked\n"
        "  sleep <ms> | modules | help | poweroff\n");
}

static long cmd_create(struct ktok *tok, unsigned n)
{
    if (n < 2)
        return -HESTIA_EINVAL;
    long mod = ts_find_module(tok[1].s, tok[1].len);
    if (mod < 0) {
        printk("no module '%.*s' (try: modules)\n", (int)tok[1].len, tok[1].s);
        return mod;
    }
    static struct ts_create_args a;
    if (ts_parse_create(tok + 2, n - 2, &a) < 0)
        return -HESTIA_EINVAL;
    long dom = ts_domain_new_vcpus(a.mem_bytes / HESTIA_PAGE_SIZE, (uint32_t)a.weight,
                                   (uint32_t)a.cap, (uint32_t)a.vcpus);
    if (dom < 0)
        return dom;
    long r = ts_domain_load((hestia_domid_t)dom, (unsigned)mod, a.extra);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    if (r < 0) {
        ts_destroy((hestia_domid_t)dom);
        return r;
    }
    printk("created dom%ld from module %ld\n", dom, mod);
    return dom;
}

static void console_mode(hestia_domid_t dom)
{
    printk("[console of dom%u: Ctrl-] returns to dom0]\n", dom);
    for (;;) {
        char buf[32];
        long n = console_read(buf, sizeof(buf));
        if (n <= 0) {
            thread_sleep_ns(10000000);
            continue;
        }
        for (long i = 0; i < n; i++) {
            if (buf[i] == CTRL_RBRACKET) {
                if (i)
                    hc_console(CONSOLEIO_write_input, (unsigned long)i, buf, dom);
                printk("\n[back in dom0]\n");
                return;
            }
        }
        long r = hc_console(CONSOLEIO_write_input, (unsigned long)n, buf, dom);
        if (r < 0) {
            printk("[dom%u: %ld, back in dom0]\n", dom, r);
            return;
        }
    }
}

/* Print the header and the trap-record registers of a paused domain's vCPU. */
static long cmd_state(hestia_domid_t dom, struct ktok *tok, unsigned n)
{
    uint64_t vcpu = 0;
    if (n >= 3 && (kparse_u64(tok[2].s, tok[2].len, &vcpu) || vcpu > UINT32_MAX))
        return -HESTIA_EINVAL;
    static struct hestia_vcpu_state st;
    long r = ts_vcpu_state_get(dom, (uint32_t)vcpu, &st);
    if (r < 0) {
        printk("state: dom%u vcpu %llu: %s\n", dom, (unsigned long long)vcpu,
               ts_vcpu_state_error(r));
        return r;
    }
    printk("dom%u vcpu %llu: version %u arch %u, %u bytes\n", dom, (unsigned long long)vcpu,
           st.hdr.version, st.hdr.arch, st.hdr.size);
    for (unsigned i = 0; i < HESTIA_TRAP_REGS; i += 4)
        printk("  %2u: %016llx %016llx %016llx %016llx\n", i,
               (unsigned long long)st.body.regs[i], (unsigned long long)st.body.regs[i + 1],
               (unsigned long long)st.body.regs[i + 2],
               (unsigned long long)st.body.regs[i + 3]);
    return 0;
}

/* The functions on PCI bus 0; a platform without PCI says so (not an error). */
static long cmd_lspci(void)
{
    struct pci_function f[32];
    long n = pci_scan_bus0(f, 32);
    if (n == -HESTIA_ENODEV) {
        printk("no PCI on this platform\n");
        return 0;
    }
    for (long i = 0; i < n && i < 32; i++)
        pci_print(&f[i]);
    return n < 0 ? n : 0;
}

/* `restore`: the domain saved on disk 0 runs again. */
static long cmd_restore(void)
{
    struct restore_stats st;
    const char *why;
    long r = restore_from_disk(&st, &why);
    if (r < 0) {
        printk("restore: %s (%s); no domain was left behind\n", why, kstrerror(r));
        return r;
    }
    printk("dom%u restored: %llu frames, %llu mappings, %llu vCPUs in %llu us\n", st.domid,
           (unsigned long long)st.pages, (unsigned long long)st.mappings,
           (unsigned long long)st.vcpus, (unsigned long long)(st.load_ns / 1000));
    return 0;
}

static long run_one(const char *s, size_t len)
{
    struct ktok tok[16];
    unsigned n = ktokenize(s, len, tok, 16);
    if (!n)
        return 0;
    hestia_domid_t dom = 0;
    bool has_dom = n >= 2 && parse_dom(&tok[1], &dom) == 0;
    long r = 0;
    if (ktok_eq(&tok[0], "help")) {
        help();
    } else if (ktok_eq(&tok[0], "list")) {
        ts_list();
    } else if (ktok_eq(&tok[0], "lspci")) {
        r = cmd_lspci();
    } else if (ktok_eq(&tok[0], "modules")) {
        for (unsigned i = 0; i < start_info->nr_modules && i < START_MAX_MODULES; i++)
            printk("  %u: %.48s (%llu bytes)\n", i, start_info->modules[i].name,
                   (unsigned long long)start_info->modules[i].size);
    } else if (ktok_eq(&tok[0], "create")) {
        r = cmd_create(tok, n);
    } else if (ktok_eq(&tok[0], "create-hvm")) {
        r = ts_create_hvm(s, len);
    } else if (ktok_eq(&tok[0], "destroy") && has_dom) {
        r = ts_destroy(dom);
    } else if (ktok_eq(&tok[0], "pause") && has_dom) {
        r = ts_pause(dom);
    } else if (ktok_eq(&tok[0], "unpause") && has_dom) {
        r = ts_unpause(dom);
    } else if (ktok_eq(&tok[0], "sched") && has_dom) {
        struct hestia_domctl d = {0};
        r = ts_domctl(DOMCTL_sched_get, dom, &d);
        uint64_t w = d.u.sched.weight, c = d.u.sched.cap;
        uint32_t cpus = 0, online = 0;
        for (unsigned i = 2; i < n && r >= 0; i++) {
            struct ktok v;
            if (ktok_key(&tok[i], "cpus", &v))
                r = ts_parse_cpus(v.s, v.len, &cpus);
            else if (ktok_key(&tok[i], "weight", &v))
                r = kparse_u64(v.s, v.len, &w) ? -HESTIA_EINVAL : 0;
            else if (ktok_key(&tok[i], "cap", &v))
                r = kparse_u64(v.s, v.len, &c) ? -HESTIA_EINVAL : 0;
            else
                r = -HESTIA_EINVAL;
        }
        if (r >= 0)
            r = ts_sched_set(dom, (uint32_t)w, (uint32_t)c);
        if (r >= 0 && cpus)
            r = ts_affinity(dom, cpus, &cpus, &online);
        if (r >= 0)
            printk("dom%u: weight %llu cap %llu\n", dom, (unsigned long long)w,
                   (unsigned long long)c);
        if (r >= 0 && cpus)
            printk("dom%u: cpus mask %x of online %x\n", dom, cpus, online);
    } else if (ktok_eq(&tok[0], "state") && has_dom) {
        r = cmd_state(dom, tok, n);
        if (r < 0)
            return r; /* already said why, in words */
    } else if (ktok_eq(&tok[0], "save") && has_dom) {
        struct save_stats st;
        const char *why;
        r = save_domain(dom, true, &st, &why);
        if (r < 0) {
            printk("save: dom%u: %s (%s); the domain is not destroyed\n", dom, why,
                   kstrerror(r));
            return r;
        }
        printk("dom%u saved: %llu frames, %llu bytes in %llu us, checked in %llu us\n", dom,
               (unsigned long long)st.pages, (unsigned long long)st.bytes,
               (unsigned long long)(st.write_ns / 1000),
               (unsigned long long)(st.verify_ns / 1000));
    } else if (ktok_eq(&tok[0], "migrate") || ktok_eq(&tok[0], "receive")) {
        r = ts_cmd_migration(tok, n);
        if (r < 0)
            return r; /* already said why, in words */
    } else if (ktok_eq(&tok[0], "saved")) {
        struct save_image_header h;
        const char *why;
        r = save_image_check(NULL, NULL, &h, &why);
        if (r < 0) {
            printk("saved: %s\n", why);
            return r;
        }
        printk("saved image of dom%u: %llu bytes, every record valid\n", h.domid,
               (unsigned long long)h.stream_len);
    } else if (ktok_eq(&tok[0], "restore")) {
        r = cmd_restore();
        if (r < 0)
            return r; /* already said why, in words */
    } else if (ktok_eq(&tok[0], "console") && has_dom) {
        struct domctl_info info;
        r = ts_getinfo(dom, &info);
        if (r >= 0)
            console_mode(dom);
    } else if (ktok_eq(&tok[0], "wait") && has_dom) {
        r = ts_wait_shutdown(dom, 60000000000ull);
        if (r >= 0)
            printk("dom%u: %s\n", dom, ts_reason_name((unsigned)r));
        /* `wait <dom> <reason>`: any other reason is an error. */
        if (r >= 0 && n >= 3 && !ktok_eq(&tok[2], ts_reason_name((unsigned)r)))
            r = -HESTIA_EINVAL;
    } else if (ktok_eq(&tok[0], "alive") && has_dom) {
        struct domctl_info info;
        r = ts_getinfo(dom, &info);
        if (r >= 0 && info.state != DOMSTATE_running && info.state != DOMSTATE_blocked) {
            printk("dom%u is %s\n", dom, ts_state_name(info.state));
            r = -HESTIA_ESRCH;
        }
    } else if (ktok_eq(&tok[0], "sleep") && n >= 2) {
        uint64_t ms;
        r = kparse_u64(tok[1].s, tok[1].len, &ms) ? -HESTIA_EINVAL : 0;
        if (r >= 0)
            thread_sleep_ns(ms * 1000000);
    } else if (ktok_eq(&tok[0], "poweroff") || ktok_eq(&tok[0], "quit")) {
        test_done();
    } else {
        printk("unknown command '%.*s' (try: help)\n", (int)tok[0].len, tok[0].s);
        return -HESTIA_EINVAL;
    }
    if (r == -HESTIA_ESRCH && n >= 2)
        printk("%.*s: no such domain %.*s\n", (int)tok[0].len, tok[0].s, (int)tok[1].len,
               tok[1].s);
    else if (r < 0)
        printk("%.*s: %s (%ld)\n", (int)tok[0].len, tok[0].s, kstrerror(r), r);
    return r;
}

long ts_command(const char *line)
{
    long last = 0;
    size_t pos = 0, len;
    const char *cmd;
    while (ts_next_command(line, &pos, &cmd, &len)) {
        long r = run_one(cmd, len);
        if (r < 0)
            last = r;
    }
    return last;
}

void ts_script(const char *line)
{
    size_t pos = 0, len;
    const char *cmd;
    unsigned nr = 0;
    while (ts_next_command(line, &pos, &cmd, &len)) {
        struct ktok tok[1];
        if (!ktokenize(cmd, len, tok, 1))
            continue;
        char name[48];
        nr++;
        /* The name is checked by the scenario: keep it to the command word. */
        ksnprintf(name, sizeof(name), "script.%u.%.*s", nr,
                  (int)MIN(tok[0].len, (size_t)24), tok[0].s);
        for (char *c = name; *c; c++)
            if (*c <= ' ' || *c > '~')
                *c = '_';
        long r = run_one(cmd, len);
        if (r < 0)
            test_report(name, TR_FAIL, "'%.*s': %s (%ld)", (int)len, cmd, kstrerror(r), r);
        else
            test_report(name, TR_PASS, "'%.*s'", (int)len, cmd);
    }
}

static volatile int input_flag;
static void console_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&input_flag);
}

void ts_interactive(void)
{
    if (start_info->console_port)
        evtchn_set_handler(start_info->console_port, console_event, NULL);
    if (start_info->console_port)
        evtchn_unmask(start_info->console_port);
    char line[160];
    size_t len = 0;
    printk("hestia> ");
    for (;;) {
        char buf[32];
        long n = console_read(buf, sizeof(buf));
        if (n <= 0) {
            input_flag = 0;
            wait_flag(&input_flag, 50000000);
            continue;
        }
        for (long i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\r' || c == '\n') {
                printk("\n");
                line[len] = '\0';
                ts_command(line);
                len = 0;
                printk("hestia> ");
            } else if (c == 0x7f || c == '\b') {
                if (len) {
                    len--;
                    printk("\b \b");
                }
            } else if (c >= ' ' && len + 1 < sizeof(line)) {
                line[len++] = c;
                printk("%c", c);
            }
        }
    }
}
