/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack.  Boot modules 1.. of the loader reach dom0 as ELF
 * images in its own memory (start_info.modules); a module's name is the
 * loader's string "path [label] [key=value...]".  The label is the first
 * word after the path without '=', else the role= value, else the path's
 * base name.  Building a domU: DOMCTL_create, write_memory of every
 * segment and of the start-info page, start_vcpu, unpause.
 */
#include <port/elf.h>
#include <port/toolstack.h>
#include <port/tsparse.h>

static volatile int dom_exc_flag;

static void dom_exc(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&dom_exc_flag);
}

void ts_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    long r = evtchn_bind_virq(VIRQ_DOM_EXC, dom_exc, NULL);
    if (r < 0)
        printk("toolstack: VIRQ_DOM_EXC: %ld\n", r);
}

static void module_label(const struct start_module *m, char *out, size_t size)
{
    ts_module_label(m->name, sizeof(m->name), out, size);
}

long ts_find_module(const char *label, size_t len)
{
    uint64_t idx;
    unsigned n = MIN(start_info->nr_modules, (uint32_t)START_MAX_MODULES);
    if (!kparse_u64(label, len, &idx))
        return idx < n ? (long)idx : -HESTIA_ENOENT;
    for (unsigned i = 0; i < n; i++) {
        char l[48];
        module_label(&start_info->modules[i], l, sizeof(l));
        if (kstrlen(l) == len && kstrneq(l, label, len))
            return i;
    }
    /*
     * The loader's string is cut at 47 bytes including the image path, so
     * a label can be lost: a single module whose name was cut is taken.
     */
    if (n == 1 &&
        kstrlen(start_info->modules[0].name) + 1 >= sizeof(start_info->modules[0].name))
        return 0;
    return -HESTIA_ENOENT;
}

long ts_domctl(unsigned cmd, hestia_domid_t domid, struct hestia_domctl *d)
{
    d->cmd = cmd;
    d->interface_version = HESTIA_ABI_VERSION;
    d->domid = domid;
    return hc_domctl(d);
}

long ts_domain_new_vcpus(uint64_t pages, uint32_t weight, uint32_t cap, uint32_t vcpus)
{
    struct hestia_domctl d = {0};
    d.u.create.nr_pages = pages ? pages : TS_DEFAULT_PAGES;
    d.u.create.weight = weight;
    d.u.create.cap = cap;
    d.u.create.max_vcpus = vcpus;
    long r = ts_domctl(DOMCTL_create, 0, &d);
    return r < 0 ? r : d.domid;
}

long ts_domain_new(uint64_t pages, uint32_t weight, uint32_t cap)
{
    return ts_domain_new_vcpus(pages, weight, cap, 1);
}

static long write_mem(hestia_domid_t domid, uint64_t gfn, uint32_t offset, const void *buf,
                      uint64_t len)
{
    while (len) {
        uint32_t n = (uint32_t)MIN(len, (uint64_t)DOMCTL_WRITE_MAX);
        struct hestia_domctl d = {0};
        d.u.write_memory.buf = (uintptr_t)buf;
        d.u.write_memory.gfn = gfn;
        d.u.write_memory.offset = offset;
        d.u.write_memory.len = n;
        long r = ts_domctl(DOMCTL_write_memory, domid, &d);
        if (r < 0)
            return r;
        buf = (const char *)buf + n;
        len -= n;
        gfn += (offset + n) / HESTIA_PAGE_SIZE;
        offset = (offset + n) % HESTIA_PAGE_SIZE;
    }
    return 0;
}

long ts_write_guest(hestia_domid_t domid, uint64_t addr, const void *buf, uint64_t len)
{
    return write_mem(domid, addr / HESTIA_PAGE_SIZE, (uint32_t)(addr % HESTIA_PAGE_SIZE),
                     buf, len);
}

static char zero_page[HESTIA_PAGE_SIZE];

long ts_domain_load(hestia_domid_t domid, unsigned mod, const char *extra)
{
    if (mod >= start_info->nr_modules || mod >= START_MAX_MODULES)
        return -HESTIA_ENOENT;
    const struct start_module *m = &start_info->modules[mod];
    const uint8_t *img = gfn_to_va(m->gfn);
    struct elf_info ei;
    if (elf_parse(img, (size_t)m->size, &ei) < 0)
        return -HESTIA_EINVAL;
    struct domctl_info info;
    long r = ts_getinfo(domid, &info);
    if (r < 0)
        return r;
    uint64_t window = info.nr_pages * HESTIA_PAGE_SIZE;
    if (ei.lo < virt_base || ei.hi - virt_base > window)
        return -HESTIA_ERANGE;
    for (unsigned i = 0; i < ei.nr_segments; i++) {
        const struct elf_segment *s = &ei.seg[i];
        uint64_t off = s->vaddr - virt_base;
        r = write_mem(domid, off / HESTIA_PAGE_SIZE, (uint32_t)(off % HESTIA_PAGE_SIZE),
                      img + s->offset, s->filesz);
        if (r < 0)
            return r;
        /* Frames of a new domain are zeroed, but say so explicitly for bss. */
        uint64_t z = s->memsz - s->filesz, zoff = off + s->filesz;
        while (z) {
            uint64_t n = MIN(z, (uint64_t)HESTIA_PAGE_SIZE - zoff % HESTIA_PAGE_SIZE);
            r = write_mem(domid, zoff / HESTIA_PAGE_SIZE,
                          (uint32_t)(zoff % HESTIA_PAGE_SIZE), zero_page, n);
            if (r < 0)
                return r;
            z -= n;
            zoff += n;
        }
    }
    /* Start info right after the image, then a boot stack page. */
    uint64_t si_gfn = ALIGN_UP(ei.hi - virt_base, HESTIA_PAGE_SIZE) / HESTIA_PAGE_SIZE;
    if (si_gfn + 3 > info.nr_pages)
        return -HESTIA_ENOMEM;
    static struct hestia_start_info si;
    for (size_t i = 0; i < sizeof(si); i++)
        ((char *)&si)[i] = 0;
    si.first_free_gfn = si_gfn + 2;
    /* The module's own key=value words, then the extra ones, then a role. */
    ts_domu_cmdline(m->name, sizeof(m->name), extra, si.cmdline, sizeof(si.cmdline));
    r = write_mem(domid, si_gfn, 0, &si, sizeof(si));
    if (r < 0)
        return r;
    struct hestia_domctl d = {0};
    d.u.start_vcpu.vcpu = 0;
    d.u.start_vcpu.entry_va = ei.entry;
    d.u.start_vcpu.stack_va = virt_base + (si_gfn + 2) * HESTIA_PAGE_SIZE;
    d.u.start_vcpu.start_info_gfn = si_gfn;
    return ts_domctl(DOMCTL_start_vcpu, domid, &d);
}

long ts_getinfo(hestia_domid_t domid, struct domctl_info *info)
{
    struct hestia_domctl d = {0};
    long r = ts_domctl(DOMCTL_getinfo, domid, &d);
    if (r < 0)
        return r;
    if (d.domid != domid)
        return -HESTIA_ESRCH; /* getinfo returns the next domain */
    *info = d.u.info;
    return 0;
}

long ts_pause(hestia_domid_t domid)
{
    struct hestia_domctl d = {0};
    return ts_domctl(DOMCTL_pause, domid, &d);
}

long ts_unpause(hestia_domid_t domid)
{
    struct hestia_domctl d = {0};
    return ts_domctl(DOMCTL_unpause, domid, &d);
}

long ts_destroy(hestia_domid_t domid)
{
    struct hestia_domctl d = {0};
    return ts_domctl(DOMCTL_destroy, domid, &d);
}

static long vcpu_state_op(unsigned cmd, hestia_domid_t domid, uint32_t vcpu,
                          struct hestia_vcpu_state *st, uint32_t size)
{
    struct hestia_domctl d = {0};
    d.u.vcpu_state.vcpu = vcpu;
    d.u.vcpu_state.size = size;
    d.u.vcpu_state.buf = (uintptr_t)st;
    return ts_domctl(cmd, domid, &d);
}

long ts_vcpu_state_get(hestia_domid_t domid, uint32_t vcpu, struct hestia_vcpu_state *st)
{
    return vcpu_state_op(DOMCTL_get_vcpu_state, domid, vcpu, st, sizeof(*st));
}

long ts_vcpu_state_set(hestia_domid_t domid, uint32_t vcpu,
                       const struct hestia_vcpu_state *st)
{
    uint32_t size = st->hdr.size;
    if (size > sizeof(*st))
        return -HESTIA_E2BIG;
    return vcpu_state_op(DOMCTL_set_vcpu_state, domid, vcpu, (struct hestia_vcpu_state *)st,
                         size);
}

const char *ts_vcpu_state_error(long r)
{
    switch (-r) {
    case HESTIA_EBUSY:
        return "the domain is not paused (pause it first)";
    case HESTIA_ESRCH:
        return "no such domain or vCPU";
    case HESTIA_EINVAL:
        return "refused: not another domain's started vCPU, or a record of another "
               "version, arch or size, or an unsafe register value";
    case HESTIA_E2BIG:
        return "record too large";
    default:
        return kstrerror(r);
    }
}

long ts_sched_set(hestia_domid_t domid, uint32_t weight, uint32_t cap)
{
    struct hestia_domctl d = {0};
    d.u.sched.weight = weight;
    d.u.sched.cap = cap;
    return ts_domctl(DOMCTL_sched_set, domid, &d);
}

long ts_offer_port(hestia_domid_t dom, hestia_domid_t remote)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote};
    long r = hc_evtchn(EVTCHNOP_alloc_unbound, &a);
    return r < 0 ? r : (long)a.port;
}

long ts_wait_shutdown(hestia_domid_t domid, uint64_t timeout_ns)
{
    uint64_t deadline = time_now_ns() + timeout_ns;
    for (;;) {
        struct domctl_info info;
        dom_exc_flag = 0;
        long r = ts_getinfo(domid, &info);
        if (r < 0)
            return r;
        if (info.state == DOMSTATE_shutdown)
            return info.shutdown_reason;
        uint64_t now = time_now_ns();
        if (now >= deadline)
            return -HESTIA_EAGAIN;
        /* VIRQ_DOM_EXC wakes us; poll now and then in case it was missed. */
        wait_flag(&dom_exc_flag, MIN(deadline - now, (uint64_t)100000000));
    }
}

const char *ts_state_name(unsigned s)
{
    static const char *const n[] = {"running", "blocked", "paused", "shutdown", "dying"};
    return s < ARRAY_SIZE(n) ? n[s] : "?";
}

const char *ts_reason_name(unsigned r)
{
    static const char *const n[] = {"poweroff", "reboot", "suspend", "crash"};
    return r < ARRAY_SIZE(n) ? n[r] : "?";
}

void ts_list(void)
{
    printk("  dom  state     pages  weight cap  cpu-ms type\n");
    for (unsigned id = 0; id < HESTIA_MAX_DOMAINS;) {
        struct hestia_domctl d = {0};
        if (ts_domctl(DOMCTL_getinfo, (hestia_domid_t)id, &d) < 0)
            break;
        const struct domctl_info *i = &d.u.info;
        /* The type after the CPU time: scripts read the first columns by position. */
        printk("  %-4u %-9s %-6llu %-6u %-4u %-6llu %s%s%s\n", d.domid,
               ts_state_name(i->state), (unsigned long long)i->nr_pages, i->weight, i->cap,
               (unsigned long long)(i->cpu_time_ns / 1000000),
               i->flags & DOMINFO_hvm ? "hvm" : "pv",
               i->state == DOMSTATE_shutdown ? " " : "",
               i->state == DOMSTATE_shutdown ? ts_reason_name(i->shutdown_reason) : "");
        id = d.domid + 1u;
    }
}

/*
 * dom0's event-channel table in the hypervisor grows in chunks of ports
 * that it keeps (they are dom0's, not the domUs'): grow it to n ports at
 * once, so a memory baseline taken next does not depend on when dom0 first
 * needs a higher port.  Returns how many ports it could bind.
 */
unsigned ts_grow_ports(unsigned n)
{
    static evtchn_port_t held[HESTIA_MAX_DOMAINS];
    unsigned bound = 0;
    for (; bound < n && bound < HESTIA_MAX_DOMAINS; bound++) {
        long p = evtchn_bind_ipi(NULL, NULL);
        if (p < 0)
            break;
        held[bound] = (evtchn_port_t)p;
    }
    for (unsigned i = bound; i > 0; i--)
        evtchn_close(held[i - 1]);
    return bound;
}
