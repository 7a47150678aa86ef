/* SPDX-License-Identifier: MIT */
/*
 * Physical interrupts as event channels (core/pirq.c) on the host HAL's
 * fake controller (arch/host/host_pirq.c): EVTCHNOP_bind_pirq,
 * PHYSDEVOP_pirq_eoi / pci_irq / platform_device, delivery, release.
 */
#include "harness.h"
#include <core/pirq.h>
#include <hestia/physdev.h>
#include <host/host.h>

TEST_SUITE("pirq");

static long bind(struct domain *d, unsigned pirq, evtchn_port_t *port)
{
    struct evtchn_bind_pirq b = {.pirq = pirq, .port = 0xdead};
    uint64_t va = h_put(d, &b, sizeof(b));
    long rc =
        h_call(h_vcpu(d), HYPERCALL_event_channel_op, EVTCHNOP_bind_pirq, va, 0, 0, 0);
    h_read(d, &b, va, sizeof(b));
    if (port)
        *port = b.port;
    return rc;
}

static long evop(struct domain *d, unsigned cmd, evtchn_port_t port)
{
    struct evtchn_close c = {.port = port};
    return h_call(h_vcpu(d), HYPERCALL_event_channel_op, cmd, h_put(d, &c, sizeof(c)), 0, 0,
                  0);
}

static long physop(struct domain *d, unsigned cmd, void *arg, size_t len)
{
    uint64_t va = h_put(d, arg, len);
    long rc = h_call(h_vcpu(d), HYPERCALL_physdev_op, cmd, va, 0, 0, 0);
    h_read(d, arg, va, len);
    return rc;
}

static long eoi(struct domain *d, unsigned pirq)
{
    struct physdev_pirq_eoi e = {.pirq = pirq};
    return physop(d, PHYSDEVOP_pirq_eoi, &e, sizeof(e));
}

static void clear_pending(struct domain *d, evtchn_port_t port)
{
    __atomic_fetch_and(&d->shared_info->evtchn_pending[port / 32], ~(1u << (port % 32)),
                       __ATOMIC_SEQ_CST);
}

TEST_CASE(raise_eoi_raise)
{
    struct domain *d = h_domain(64, true);
    evtchn_port_t port = 0;
    REQUIRE(bind(d, 7, &port) == 0);
    CHECK(port != 0);
    CHECK(host_pirq_enabled(7));
    CHECK(!host_pirq_masked(7));
    struct evtchn_status s = {.dom = DOMID_SELF, .port = port};
    uint64_t va = h_put(d, &s, sizeof(s));
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_event_channel_op, EVTCHNOP_status, va, 0, 0, 0),
             0);
    h_read(d, &s, va, sizeof(s));
    CHECK_EQ(s.status, EVTCHNSTAT_pirq);
    CHECK_EQ(s.u.pirq, 7);
    /* Nothing asserted: nothing delivered. */
    CHECK_EQ(host_pirq_poll(), 0);
    CHECK(!evtchn_is_pending(d, port));
    /* The device raises its line: the port goes pending and the line is masked. */
    host_pirq_set_level(7, true);
    CHECK_EQ(host_pirq_poll(), 1);
    CHECK(evtchn_is_pending(d, port));
    CHECK(host_pirq_masked(7));
    /* Still asserted but masked: no second delivery until the EOI. */
    clear_pending(d, port);
    CHECK_EQ(host_pirq_poll(), 0);
    CHECK(!evtchn_is_pending(d, port));
    /* EOI with the line still asserted: it fires again. */
    CHECK_EQ(eoi(d, 7), 0);
    CHECK(!host_pirq_masked(7));
    CHECK_EQ(host_pirq_poll(), 1);
    CHECK(evtchn_is_pending(d, port));
    /* The driver quietened the device: after the EOI nothing more. */
    clear_pending(d, port);
    host_pirq_set_level(7, false);
    CHECK_EQ(eoi(d, 7), 0);
    CHECK_EQ(host_pirq_poll(), 0);
    CHECK(!evtchn_is_pending(d, port));
    /* A pirq port cannot be sent to by the guest. */
    CHECK_EQ(evop(d, EVTCHNOP_send, port), -HESTIA_EINVAL);
}

TEST_CASE(refusals)
{
    struct domain *d0 = h_domain(64, true);
    struct domain *du = h_domain(64, false);
    evtchn_port_t port = 0;
    /* Any other domain: not permitted, whatever the line. */
    CHECK_EQ(bind(du, 7, &port), -HESTIA_EPERM);
    CHECK_EQ(bind(du, HOST_PIRQ_ABSENT, &port), -HESTIA_EPERM);
    CHECK(!host_pirq_enabled(7));
    struct physdev_pirq_eoi e = {.pirq = 7};
    CHECK_EQ(physop(du, PHYSDEVOP_pirq_eoi, &e, sizeof(e)), -HESTIA_EPERM);
    struct physdev_pci_irq pi = {.bus = 0, .devfn = 0, .pin = 1};
    CHECK_EQ(physop(du, PHYSDEVOP_pci_irq, &pi, sizeof(pi)), -HESTIA_EPERM);
    struct physdev_platform_device pd = {.index = 0};
    CHECK_EQ(physop(du, PHYSDEVOP_platform_device, &pd, sizeof(pd)), -HESTIA_EPERM);
    CHECK_EQ(pd.base, 0);
    /* dom0: lines that do not exist, the hypervisor's own line, flags. */
    CHECK_EQ(bind(d0, HOST_PIRQ_ABSENT, &port), -HESTIA_EINVAL);
    CHECK_EQ(bind(d0, HOST_PIRQ_COUNT, &port), -HESTIA_EINVAL);
    CHECK_EQ(bind(d0, ~0u, &port), -HESTIA_EINVAL);
    CHECK_EQ(bind(d0, HOST_PIRQ_HYP, &port), -HESTIA_EPERM);
    CHECK(!host_pirq_enabled(HOST_PIRQ_HYP));
    struct evtchn_bind_pirq b = {.pirq = 7, .flags = 1};
    uint64_t va = h_put(d0, &b, sizeof(b));
    CHECK_EQ(
        h_call(h_vcpu(d0), HYPERCALL_event_channel_op, EVTCHNOP_bind_pirq, va, 0, 0, 0),
        -HESTIA_EINVAL);
    CHECK_EQ(h_call(h_vcpu(d0), HYPERCALL_event_channel_op, EVTCHNOP_bind_pirq,
                    H_VA_UNMAPPED, 0, 0, 0),
             -HESTIA_EFAULT);
    CHECK(!host_pirq_enabled(7));
    /* Bound once only; an EOI of a line not bound is refused. */
    CHECK_EQ(eoi(d0, 7), -HESTIA_EINVAL);
    CHECK_EQ(eoi(d0, ~0u), -HESTIA_EINVAL);
    REQUIRE(bind(d0, 7, &port) == 0);
    CHECK_EQ(bind(d0, 7, &port), -HESTIA_EBUSY);
    e.pad = 1;
    CHECK_EQ(physop(d0, PHYSDEVOP_pirq_eoi, &e, sizeof(e)), -HESTIA_EINVAL);
    /* The result cannot be copied out: the port is closed and the line released. */
    uint64_t ro = h_buf_perms(d0, sizeof(b), MMU_PERM_READ);
    b = (struct evtchn_bind_pirq){.pirq = 9};
    h_write(d0, ro, &b, sizeof(b));
    unsigned ports = evtchn_ports_in_use(d0);
    CHECK_EQ(
        h_call(h_vcpu(d0), HYPERCALL_event_channel_op, EVTCHNOP_bind_pirq, ro, 0, 0, 0),
        -HESTIA_EFAULT);
    CHECK_EQ(evtchn_ports_in_use(d0), ports);
    CHECK(!pirq_bound(9, NULL, NULL));
    CHECK(host_pirq_masked(9));
}

TEST_CASE(close_releases)
{
    struct domain *d = h_domain(64, true);
    evtchn_port_t port = 0;
    REQUIRE(bind(d, 7, &port) == 0);
    CHECK_EQ(evop(d, EVTCHNOP_close, port), 0);
    CHECK(host_pirq_masked(7));
    CHECK(!pirq_bound(7, NULL, NULL));
    /* A line raised after the close reaches nobody. */
    host_pirq_set_level(7, true);
    CHECK_EQ(host_pirq_poll(), 0);
    CHECK(!evtchn_is_pending(d, port));
    CHECK_EQ(eoi(d, 7), -HESTIA_EINVAL);
    CHECK(host_pirq_masked(7));
    /* The line can be bound again, and works. */
    evtchn_port_t again = 0;
    REQUIRE(bind(d, 7, &again) == 0);
    CHECK_EQ(host_pirq_poll(), 1);
    CHECK(evtchn_is_pending(d, again));
}

TEST_CASE(destroy_releases)
{
    struct domain *d = h_domain(64, true);
    evtchn_port_t a = 0, b = 0;
    REQUIRE(bind(d, 7, &a) == 0);
    REQUIRE(bind(d, 8, &b) == 0);
    REQUIRE(domain_destroy(d) == 0);
    CHECK(!pirq_bound(7, NULL, NULL));
    CHECK(!pirq_bound(8, NULL, NULL));
    CHECK(host_pirq_masked(7));
    CHECK(host_pirq_masked(8));
    host_pirq_set_level(7, true);
    CHECK_EQ(host_pirq_poll(), 0);
    /* A new dom0 may bind them. */
    struct domain *d2 = h_domain(64, true);
    CHECK_EQ(bind(d2, 7, &a), 0);
    CHECK_EQ(host_pirq_poll(), 1);
    CHECK(evtchn_is_pending(d2, a));
}

TEST_CASE(pci_irq_and_platform_device)
{
    struct domain *d = h_domain(64, true);
    struct physdev_pci_irq pi = {.bus = 0, .devfn = 3 << 3, .pin = 2};
    CHECK_EQ(physop(d, PHYSDEVOP_pci_irq, &pi, sizeof(pi)), 0);
    CHECK_EQ(pi.pirq, HOST_PCI_IRQ_PIRQ + (3 + 1) % 4);
    for (unsigned pin = 0; pin < 7; pin += 5) {
        pi = (struct physdev_pci_irq){.bus = 0, .devfn = 0, .pin = (uint8_t)pin};
        CHECK_EQ(physop(d, PHYSDEVOP_pci_irq, &pi, sizeof(pi)), -HESTIA_EINVAL);
    }
    pi = (struct physdev_pci_irq){.bus = 0, .devfn = 0, .pin = 1, .pad = 1};
    CHECK_EQ(physop(d, PHYSDEVOP_pci_irq, &pi, sizeof(pi)), -HESTIA_EINVAL);
    pi = (struct physdev_pci_irq){.bus = 1, .devfn = 0, .pin = 1};
    CHECK_EQ(physop(d, PHYSDEVOP_pci_irq, &pi, sizeof(pi)), -HESTIA_ENOENT);
    struct physdev_platform_device pd = {.index = 0, .pad = 0xffff};
    CHECK_EQ(physop(d, PHYSDEVOP_platform_device, &pd, sizeof(pd)), 0);
    CHECK_EQ(pd.type, PHYSDEV_DEVICE_VIRTIO_MMIO);
    CHECK_EQ(pd.base, HOST_PLATDEV_BASE);
    CHECK_EQ(pd.size, 0x1000);
    CHECK_EQ(pd.pirq, HOST_PLATDEV_PIRQ);
    CHECK_EQ(pd.pad, 0);
    pd = (struct physdev_platform_device){.index = 1};
    CHECK_EQ(physop(d, PHYSDEVOP_platform_device, &pd, sizeof(pd)), -HESTIA_ENOENT);
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_physdev_op, PHYSDEVOP_platform_device,
                    H_VA_UNMAPPED, 0, 0, 0),
             -HESTIA_EFAULT);
}
