/* SPDX-License-Identifier: MIT */
/* dom0's toolstack: building domUs from boot modules, and its commands. */
#ifndef PORT_TOOLSTACK_H
#define PORT_TOOLSTACK_H

#include <port/kernel.h>

#define TS_DEFAULT_PAGES 1024 /* 4 MiB */

/* A module by label (see toolstack.c) or index: index or -HESTIA_ENOENT. */
long ts_find_module(const char *label, size_t len);
/* Grow dom0's event-channel table to n ports now (memory baselines); how many it bound. */
unsigned ts_grow_ports(unsigned n);
/* DOMCTL_create: a new paused domain; returns its id. */
long ts_domain_new(uint64_t pages, uint32_t weight, uint32_t cap);
/* The same with vcpus vCPUs (the guest starts vCPUs 1.. itself, VCPUOP_up). */
long ts_domain_new_vcpus(uint64_t pages, uint32_t weight, uint32_t cap, uint32_t vcpus);
/*
 * Load module mod into domid (created, empty) with the command line
 * (module arguments first, then extra), write its start info, start vCPU 0.
 */
long ts_domain_load(hestia_domid_t domid, unsigned mod, const char *extra);
long ts_domctl(unsigned cmd, hestia_domid_t domid, struct hestia_domctl *d);
/* DOMCTL_write_memory of len bytes at byte address addr (gfn * page + offset) of domid. */
long ts_write_guest(hestia_domid_t domid, uint64_t addr, const void *buf, uint64_t len);
/* The command `create-hvm <module> ...` (ts_hvm.c): the new domain's id or an error. */
long ts_create_hvm(const char *line, size_t len);
long ts_getinfo(hestia_domid_t domid, struct domctl_info *info);
long ts_pause(hestia_domid_t domid);
long ts_unpause(hestia_domid_t domid);
long ts_destroy(hestia_domid_t domid);
/*
 * DOMCTL_get/set_vcpu_state: the whole state of vCPU vcpu of domid (paused
 * by dom0) as a vcpu_state.h record; set sends st->hdr.size bytes.
 * ts_vcpu_state_error says in words why one of them failed.
 */
long ts_vcpu_state_get(hestia_domid_t domid, uint32_t vcpu, struct hestia_vcpu_state *st);
long ts_vcpu_state_set(hestia_domid_t domid, uint32_t vcpu,
                       const struct hestia_vcpu_state *st);
const char *ts_vcpu_state_error(long r);
long ts_sched_set(hestia_domid_t domid, uint32_t weight, uint32_t cap);
/*
 * ts_affinity.c: DOMCTL_vcpu_affinity on every vCPU of domid (cpus = 0:
 * only read); the mask now in effect and the online CPUs come back in
 * now / online (either may be NULL).  ts_parse_cpus: "0-1", "0,2" -> mask
 * (-HESTIA_EINVAL for anything else or a CPU above 31).
 */
long ts_affinity(hestia_domid_t domid, uint32_t cpus, uint32_t *now, uint32_t *online);
int ts_parse_cpus(const char *s, size_t len, uint32_t *mask);
/* dom0 allocates an unbound port in dom offered to remote. */
long ts_offer_port(hestia_domid_t dom, hestia_domid_t remote);
/* Wait until domid has shut down (or timeout_ns): its reason, or -HESTIA_EAGAIN. */
long ts_wait_shutdown(hestia_domid_t domid, uint64_t timeout_ns);
void ts_list(void);
const char *ts_state_name(unsigned state);
const char *ts_reason_name(unsigned reason);
/* Run one command line (or several separated by ';').  0 or an error. */
long ts_command(const char *line);
/* Run a script, each command reported as TEST script.<n>.<command> (PASS, or FAIL with its
 * error). */
void ts_script(const char *line);
/* The interactive prompt on the physical console; never returns. */
void ts_interactive(void);
void ts_init(void);

/* A burner domU's (role_burner) own count of work done, mapped from its grant (dom0.c). */
struct burner {
    long dom;
    volatile uint32_t *units;
    uintptr_t va;
    grant_handle_t h;
};
/* Map b->dom's work counter (it grants it once it runs: up to 5 s); whether it did. */
bool burner_map(struct burner *b);
/* Unmap the counter and destroy the burner. */
void burner_end(struct burner *b);

#endif
