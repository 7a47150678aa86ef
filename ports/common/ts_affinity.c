/* SPDX-License-Identifier: MIT */
/*
 * vCPU affinity from dom0 (DOMCTL_vcpu_affinity): the `cpus=` of the
 * `sched` command, as a CPU list ("0-1", "0,2", "1").
 */
#include <port/toolstack.h>

long ts_affinity(hestia_domid_t domid, uint32_t cpus, uint32_t *now, uint32_t *online)
{
    struct hestia_domctl d = {0};
    d.u.affinity.vcpu = DOMCTL_AFFINITY_ALL_VCPUS;
    d.u.affinity.cpus = cpus;
    long r = ts_domctl(DOMCTL_vcpu_affinity, domid, &d);
    if (r >= 0 && now)
        *now = d.u.affinity.cpus;
    if (r >= 0 && online)
        *online = d.u.affinity.online;
    return r;
}

/* One number below 32 from s[*i..len), advancing *i. */
static int cpu_number(const char *s, size_t len, size_t *i, unsigned *out)
{
    size_t start = *i;
    unsigned n = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9' && *i - start < 3)
        n = n * 10 + (unsigned)(s[(*i)++] - '0');
    if (*i == start || n >= 32)
        return -1;
    *out = n;
    return 0;
}

int ts_parse_cpus(const char *s, size_t len, uint32_t *mask)
{
    uint32_t m = 0;
    size_t i = 0;
    while (i < len) {
        unsigned a, b;
        if (cpu_number(s, len, &i, &a))
            return -HESTIA_EINVAL;
        b = a;
        if (i < len && s[i] == '-') {
            i++;
            if (cpu_number(s, len, &i, &b) || b < a)
                return -HESTIA_EINVAL;
        }
        for (unsigned c = a; c <= b; c++)
            m |= 1u << c;
        if (i < len && s[i] != ',')
            return -HESTIA_EINVAL;
        if (i < len)
            i++;
    }
    if (!m)
        return -HESTIA_EINVAL;
    *mask = m;
    return 0;
}
