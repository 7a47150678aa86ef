/* SPDX-License-Identifier: MIT */
/*
 * Roles of the native image (docs/native.md): the bench workloads only;
 * the PV image's main.c has the roles that need a hypervisor (dom0,
 * domUs, grants between domains).
 */
#include <port/kernel.h>

static char role_buf[24];

const char *port_role(void)
{
    if (role_buf[0])
        return role_buf;
    struct ktok v;
    if (kcmdline_get(port_cmdline, "role", &v) && v.len < sizeof(role_buf)) {
        for (size_t i = 0; i < v.len; i++)
            role_buf[i] = v.s[i];
        role_buf[v.len] = '\0';
    } else {
        kstrlcpy(role_buf, "workloads", sizeof(role_buf));
    }
    return role_buf;
}

void port_main(void)
{
    if (kstreq(port_role(), "workloads"))
        role_workloads();
    else
        test_report("role", TR_FAIL, "the native image has no role '%s'", port_role());
}
