/* SPDX-License-Identifier: MIT */
/* Role selection: one image, the command line's role=... picks what it runs. */
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/resume.h>
#include <port/vstate.h>

static const struct {
    const char *name;
    void (*fn)(void);
} roles[] = {
    {"selftest", selftest_main}, {"dom0", dom0_main},
    {"ping", role_ping},         {"pong", role_pong},
    {"producer", role_producer}, {"consumer", role_consumer},
    {"burner", role_burner},     {"hostile", role_hostile},
    {"victim", role_victim},     {"demo", role_demo},
    {"bench", bench_main},       {"bench-peer", role_bench_peer},
    {"forger", role_forger},     {"crash", role_crash},
    {"vstate", role_vstate},     {"dirtier", role_dirtier},
    {"migrant", role_migrant},   {"resumer", role_resumer},
    {"smp", role_smp},           {"workloads", role_workloads},
};

const char *port_role(void)
{
    /* dom0 without a role runs the toolstack, a domU the self-test. */
    return port_role_from_cmdline((start_info->flags & SIF_PRIVILEGED) ? "dom0"
                                                                       : "selftest");
}

void port_main(void)
{
    const char *r = port_role();
    for (unsigned i = 0; i < ARRAY_SIZE(roles); i++) {
        if (kstreq(r, roles[i].name)) {
            roles[i].fn();
            return;
        }
    }
    /* "demo-a" runs the demo role: a label with a suffix. */
    for (unsigned i = 0; i < ARRAY_SIZE(roles); i++) {
        size_t l = kstrlen(roles[i].name);
        if (kstrneq(r, roles[i].name, l) && r[l] == '-') {
            roles[i].fn();
            return;
        }
    }
    test_report("role", TR_FAIL, "unknown role '%s'", r);
}
