/* SPDX-License-Identifier: MIT */
/*
 * The case runner the host tests of ports/ share: CHECK(c) records the first
 * failed condition of a case (the case goes on, so later checks cannot
 * crash on what an earlier one caught), run() prints one
 * `TEST <CHECK_SUITE>.<name> PASS|FAIL <where>` line per case, and main
 * returns failed_cases != 0.  Define CHECK_SUITE before including.
 */
#ifndef TESTS_PORTS_CHECK_H
#define TESTS_PORTS_CHECK_H

#include <stdio.h>

static int failed_cases, case_failed;
static char detail[256];

#define CHECK(c)                                                                           \
    do {                                                                                   \
        if (!(c) && !case_failed++)                                                        \
            snprintf(detail, sizeof(detail), "%s:%d: %s", __FILE__, __LINE__, #c);         \
    } while (0)

static void run(const char *name, void (*fn)(void))
{
    case_failed = 0;
    detail[0] = '\0';
    fn();
    printf("TEST " CHECK_SUITE ".%s %s%s%s\n", name, case_failed ? "FAIL" : "PASS",
           case_failed ? " " : "", case_failed ? detail : "");
    failed_cases += case_failed != 0;
}

#endif
