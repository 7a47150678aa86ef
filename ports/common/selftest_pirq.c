/* SPDX-License-Identifier: MIT */
/*
 * pv.pirq: a real device interrupt reaches dom0 as an event channel
 * (EVTCHNOP_bind_pirq, PHYSDEVOP_pirq_eoi; docs/devices.md).  The source
 * is whatever the platform has that dom0 can make interrupt without a
 * driver: the PC's CMOS RTC (periodic interrupt, IRQ 8); QEMU's "edu"
 * PCI test device (its interrupt-raise register, pirq_edu.c); ppce500's
 * I2C controller (a transfer's completion, pirq_i2c.c); ia64sim's
 * virtio-mmio block device (a used-buffer interrupt after one request,
 * pirq_virtio.c).
 */
#include <port/kernel.h>
#include <port/pci.h>
#include <port/pirq_source.h>

static volatile int events, arrived;

static void on_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    events++;
    set_flag(&arrived);
}

#define NO_SUCH_PIRQ 0x10000u           /* beyond every platform's lines (at most 256) */
#define ARRIVAL_TIMEOUT_NS 200000000ull /* 200 ms: RTC and edu answer within 1 ms */
#define QUIET_NS 20000000ull            /* 20 ms: about 20 RTC periods */

/* Wait for event number want; true if it came. */
static bool wait_event(int want)
{
    uint64_t deadline = time_now_ns() + ARRIVAL_TIMEOUT_NS;
    while (events < want && time_now_ns() < deadline) {
        arrived = 0;
        if (events < want)
            wait_flag(&arrived, deadline - time_now_ns());
    }
    return events >= want;
}

/* ---- the PC's CMOS RTC ---- */

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_B_PIE 0x40
#define RTC_RATE_1024HZ 0x06
#define RTC_IRQ 8

static uint32_t cmos_read(unsigned reg)
{
    uint32_t v = 0;
    port_write(CMOS_INDEX, 1, reg);
    port_read(CMOS_DATA, 1, &v);
    return v;
}

static void cmos_write(unsigned reg, uint32_t v)
{
    port_write(CMOS_INDEX, 1, reg);
    port_write(CMOS_DATA, 1, v);
}

static int rtc_find(struct pirq_source *s)
{
    uint32_t v;
    if (port_read(CMOS_INDEX, 1, &v) != 0)
        return 0;
    s->pirq = RTC_IRQ;
    s->hv_pirq = 4; /* COM1, the hypervisor's console */
    s->what = "CMOS RTC";
    return 1;
}

/* Periodic, so "again" needs nothing but the acknowledgement. */
static void rtc_raise(struct pirq_source *s)
{
    (void)s;
    cmos_read(RTC_REG_C);
    cmos_write(RTC_REG_A, (cmos_read(RTC_REG_A) & 0xf0) | RTC_RATE_1024HZ);
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
}

/* Reading register C drops the line. */
static void rtc_ack(struct pirq_source *s)
{
    (void)s;
    cmos_read(RTC_REG_C);
}

static void rtc_again(struct pirq_source *s)
{
    (void)s;
}

static void rtc_stop(struct pirq_source *s)
{
    (void)s;
    cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
    cmos_read(RTC_REG_C);
}

static const struct pirq_source_ops rtc_ops = {rtc_find, rtc_raise, rtc_ack, rtc_again,
                                               rtc_stop};

static const struct pirq_source_ops *const sources[] = {&rtc_ops, &edu_pirq_ops,
                                                        &i2c_pirq_ops, &virtio_pirq_ops};

bool pirq_source_next(struct pirq_source *s, unsigned *next)
{
    while (*next < ARRAY_SIZE(sources)) {
        const struct pirq_source_ops *ops = sources[(*next)++];
        *s = (struct pirq_source){.ops = ops, .hv_pirq = -1};
        if (ops->find(s))
            return true;
    }
    s->what = "no device here that can interrupt without a driver";
    return false;
}

/*
 * One event from the source, then nothing while the line is masked; an
 * EOI with the device still asserting it brings a second; acknowledging
 * the device, raising it again and an EOI a third.  Closing releases.
 */
static void run_source(struct tctx *t, struct pirq_source *s)
{
    events = 0;
    long port = pirq_bind(s->pirq, on_event, NULL);
    T_CHECK(t, port > 0, "pirq_bind(%u) = %ld", s->pirq, port);
    if (port <= 0)
        return;
    T_EQ(t, pirq_bind(s->pirq, on_event, NULL), -HESTIA_EBUSY);
    s->ops->raise(s);
    T_CHECK(t, wait_event(1), "no event from %s (pirq %u)", s->what, s->pirq);
    thread_sleep_ns(QUIET_NS);
    T_CHECK(t, events == 1, "%d events while the line was masked", events);
    /* The device still asserts the line: it fires again once unmasked. */
    T_EQ(t, pirq_eoi(s->pirq), 0);
    T_CHECK(t, wait_event(2), "no event after EOI with the line asserted (%d)", events);
    s->ops->ack(s);
    s->ops->again(s);
    T_EQ(t, pirq_eoi(s->pirq), 0);
    T_CHECK(t, wait_event(3), "no event after the device raised it again (%d)", events);
    s->ops->ack(s);
    s->ops->stop(s);
    T_EQ(t, pirq_eoi(s->pirq), 0);
    T_EQ(t, evtchn_close((evtchn_port_t)port), 0);
    evtchn_set_handler((evtchn_port_t)port, NULL, NULL);
    /* Released: bound again and closed at once. */
    long again = pirq_bind(s->pirq, NULL, NULL);
    T_CHECK(t, again > 0, "rebinding after close: %ld", again);
    if (again > 0)
        T_EQ(t, evtchn_close((evtchn_port_t)again), 0);
    T_EQ(t, pirq_eoi(s->pirq), -HESTIA_EINVAL);
}

/* On the PC each function's pirq must match the line SeaBIOS routed and wrote down. */
static unsigned check_pci_routing(struct tctx *t)
{
    struct pci_function f[32];
    long n = pci_scan_bus0(f, 32);
    unsigned checked = 0;
    for (long i = 0; i < n && i < 32; i++) {
        uint32_t pin = 0, line = 0;
        unsigned pirq = 0;
        pci_cfg_read(0, f[i].devfn, PCI_REG_INTERRUPT_PIN, 1, &pin);
        pci_cfg_read(0, f[i].devfn, PCI_REG_INTERRUPT_LINE, 1, &line);
        if (pin < 1 || pin > 4)
            continue;
        long r = pci_irq(0, f[i].devfn, pin, &pirq);
        if (r == 0 && line > 0 && line < 16) { /* firmware wrote an ISA IRQ */
            T_CHECK(t, pirq == line, "00:%02x.%u INT%c: pirq %u, firmware says %u",
                    f[i].devfn >> 3, f[i].devfn & 7u, 'A' + (int)pin - 1, pirq, line);
            checked++;
        } else {
            T_CHECK(t, r == 0 || r == -HESTIA_ENOENT, "pci_irq 00:%02x.%u: %s",
                    f[i].devfn >> 3, f[i].devfn & 7u, kstrerror(r));
        }
    }
    unsigned pirq;
    T_EQ(t, pci_irq(0, 0, 0, &pirq), -HESTIA_EINVAL);
    T_EQ(t, pci_irq(0, 0, 5, &pirq), -HESTIA_EINVAL);
    return checked;
}

static void t_pirq(struct tctx *t)
{
    struct platform_device pd;
    unsigned pirq;
    long r = pirq_bind(0, NULL, NULL);
    if (!(start_info->flags & SIF_PRIVILEGED)) {
        T_EQ(t, r, -HESTIA_EPERM);
        T_EQ(t, pirq_eoi(0), -HESTIA_EPERM);
        T_EQ(t, pci_irq(0, 0, 1, &pirq), -HESTIA_EPERM);
        T_EQ(t, platform_device(0, &pd), -HESTIA_EPERM);
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "a domU is refused: %s", kstrerror(r));
        return;
    }
    /* Lines that do not exist, and a bad flag. */
    T_EQ(t, pirq_bind(NO_SUCH_PIRQ, NULL, NULL), -HESTIA_EINVAL);
    struct evtchn_bind_pirq b = {.pirq = 1, .flags = 1};
    T_EQ(t, hc_evtchn(EVTCHNOP_bind_pirq, &b), -HESTIA_EINVAL);
    unsigned routed = 0;
    if (pci_irq(0, 0, 1, &pirq) != -HESTIA_ENODEV)
        routed = check_pci_routing(t);
    struct pirq_source s;
    unsigned next = 0, found = 0;
    char what[64] = "";
    while (pirq_source_next(&s, &next)) {
        if (s.hv_pirq >= 0)
            T_EQ(t, pirq_bind((unsigned)s.hv_pirq, NULL, NULL), -HESTIA_EPERM);
        run_source(t, &s);
        ksnprintf(what + kstrlen(what), sizeof what - kstrlen(what), "%s%s (pirq %u)",
                  found++ ? ", " : "", s.what, s.pirq);
    }
    if (!found) { /* the refusals above still ran */
        if (!t->failed)
            ksnprintf(t->detail, sizeof t->detail, "refusals only: %s", s.what);
        return;
    }
    if (!t->failed)
        ksnprintf(t->detail, sizeof t->detail,
                  "%s: 3 events each, none while masked; %u PCI pin routes as firmware's",
                  what, routed);
}

long pirq_check_delivery(char *detail, size_t n)
{
    struct pirq_source s;
    unsigned next = 0;
    if (!pirq_source_next(&s, &next)) {
        ksnprintf(detail, n, "%s", s.what);
        return 0;
    }
    events = 0;
    long port = pirq_bind(s.pirq, on_event, NULL);
    if (port <= 0) {
        ksnprintf(detail, n, "%s: pirq_bind(%u): %s", s.what, s.pirq, kstrerror(port));
        return -1;
    }
    s.ops->raise(&s);
    bool ok = wait_event(1);
    s.ops->ack(&s);
    s.ops->stop(&s);
    pirq_eoi(s.pirq);
    evtchn_close((evtchn_port_t)port);
    evtchn_set_handler((evtchn_port_t)port, NULL, NULL);
    ksnprintf(detail, n, "%s interrupt (pirq %u) %s", s.what, s.pirq,
              ok ? "delivered" : "NOT delivered");
    return ok ? 1 : -1;
}

void selftest_pirq_run(void)
{
    test_run("pv.pirq", t_pirq);
}
