/* SPDX-License-Identifier: MIT */
/*
 * hestia-mini: the smallest domU image, for the density scenario
 * (docs/density.md).  It has the port's core (start of day, console,
 * memory, events, traps, time, threads) and one role: heartbeat.
 *
 * heartbeat: dom0 offered it an unbound port (peer=<dom0> port=<p> on the
 * command line).  It binds that port, sends one event (hello: it is up)
 * and answers every event on it with one event back, for ever; dom0
 * destroys it.  Its own lines are not
 * verdicts: dom0 checks the answer arrived on the one channel bound to
 * this domain.
 */
#include <port/kernel.h>

static volatile int beat;

static void on_beat(evtchn_port_t port, void *arg)
{
    (void)port;
    set_flag((volatile int *)arg);
}

const char *port_role(void)
{
    return "heartbeat";
}

void port_main(void)
{
    hestia_domid_t peer = (hestia_domid_t)kcmdline_u64(port_cmdline, "peer", 0);
    uint64_t rport = kcmdline_u64(port_cmdline, "port", 0);
    if (rport == 0 || rport >= EVTCHN_MAX_PORTS) {
        printk("heartbeat: no port on the command line\n");
        return;
    }
    long p = evtchn_bind_interdomain(peer, (evtchn_port_t)rport, on_beat, (void *)&beat);
    if (p < 0) {
        printk("heartbeat: bind_interdomain(%u, %llu): %ld\n", peer,
               (unsigned long long)rport, p);
        return;
    }
    evtchn_send((evtchn_port_t)p); /* hello: bound and listening */
    for (;;) {
        if (!wait_flag(&beat, 3600ull * 1000000000ull))
            continue;
        beat = 0;
        evtchn_send((evtchn_port_t)p);
    }
}
