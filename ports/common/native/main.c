/* SPDX-License-Identifier: MIT */
/*
 * Roles of the native image (docs/native.md): the bench workloads and the
 * user-mode checks of the native platform (usercheck.c);
 * the PV image's main.c has the roles that need a hypervisor (dom0,
 * domUs, grants between domains).
 */
#include <port/kernel.h>

const char *port_role(void)
{
    return port_role_from_cmdline("workloads");
}

void port_main(void)
{
    if (kstreq(port_role(), "workloads"))
        role_workloads();
    else if (kstreq(port_role(), "native-user"))
        role_native_user();
    else
        test_report("role", TR_FAIL, "the native image has no role '%s'", port_role());
}
