/* SPDX-License-Identifier: MIT */
/* Register dump and stop path for unimplemented instructions and unhandled
 * faults (exit status 125). */
#include "ia64sim.h"

static const char *psr_bits[64] = {
    [1] = "be",  [2] = "up",  [3] = "ac",  [4] = "mfl",  [5] = "mfh",  [13] = "ic",
    [14] = "i",  [15] = "pk", [17] = "dt", [18] = "dfl", [19] = "dfh", [20] = "sp",
    [21] = "pp", [22] = "di", [23] = "si", [24] = "db",  [25] = "lp",  [26] = "tb",
    [27] = "rt", [34] = "is", [35] = "mc", [36] = "it",  [37] = "id",  [38] = "da",
    [39] = "dd", [40] = "ss", [43] = "ed", [44] = "bn",  [45] = "ia"};

void disasm_at(struct cpu *c, uint64_t pa, FILE *f)
{
    struct bundle b;
    char text[3][128];

    pa &= ~15ull;
    if (pa + 16 > c->ram_size) {
        fprintf(f, "  %016llx: <no memory>\n", (unsigned long long)pa);
        return;
    }
    decode_bundle(c->ram + pa, pa, &b, text);
    fprintf(f, "  %016llx: [%s]", (unsigned long long)pa, tmpl_name(b.tmpl));
    for (int s = 0; s < b.nslots; s++)
        fprintf(f, "%s%s\n", s ? "                           " : " ", text[s]);
}

void cpu_dump(struct cpu *c, FILE *f)
{
    char b[16];

    fprintf(f, "ip  %016llx slot %u   psr %016llx [", (unsigned long long)cur_ip, cur_slot,
            (unsigned long long)c->psr);
    for (int i = 0; i < 64; i++)
        if (psr_bits[i] && (c->psr >> i & 1))
            fprintf(f, " %s", psr_bits[i]);
    fprintf(f, " cpl=%llu ]\n", (unsigned long long)(c->psr >> 32 & 3));
    fprintf(f, "cfm sof=%u sol=%u sor=%u rrb.gr=%u rrb.fr=%u rrb.pr=%u  icount %llu\n",
            c->sof, c->sol, c->sor, c->rrb_gr, c->rrb_fr, c->rrb_pr,
            (unsigned long long)c->icount);
    for (unsigned i = 0; i < 32 + c->sof; i++) {
        fprintf(f, "r%-3u %016llx%s", i, (unsigned long long)c->gr[i]->v,
                c->gr[i]->nat ? "*" : " ");
        fputs(i % 4 == 3 || i == 31 + c->sof ? "\n" : "  ", f);
    }
    fprintf(f, "pr  ");
    for (int i = 63; i >= 0; i--)
        fputc(*c->pr[i] ? '1' : '0', f);
    fprintf(f, "\n");
    for (int i = 0; i < 8; i++)
        fprintf(f, "b%d  %016llx%s", i, (unsigned long long)c->br[i],
                i % 4 == 3 ? "\n" : "  ");
    static const unsigned ars[] = {AR_RSC, AR_BSP, AR_BSPSTORE, AR_RNAT, AR_PFS,
                                   AR_LC,  AR_EC,  AR_UNAT,     AR_CCV,  AR_ITC};
    for (unsigned i = 0; i < sizeof(ars) / sizeof(ars[0]); i++) {
        uint64_t v;

        read_ar(c, ars[i], &v);
        fprintf(f, "%-11s %016llx%s", ar_name(ars[i], b), (unsigned long long)v,
                i % 3 == 2 ? "\n" : "  ");
    }
    fprintf(f, "\n");
    static const unsigned crs[] = {CR_DCR, CR_IVA, CR_PTA,  CR_IPSR, CR_ISR,
                                   CR_IIP, CR_IFA, CR_ITIR, CR_IFS,  CR_IIM,
                                   CR_IHA, CR_ITM, CR_ITV,  CR_TPR};
    for (unsigned i = 0; i < sizeof(crs) / sizeof(crs[0]); i++)
        fprintf(f, "%-8s %016llx%s", cr_name(crs[i], b), (unsigned long long)c->cr[crs[i]],
                i % 3 == 2 ? "\n" : "  ");
    fprintf(f, "\n");
}

void cpu_stop(struct cpu *c, const char *why)
{
    uint8_t *host;
    uint64_t pa = cur_ip;

    fflush(stdout);
    fprintf(stderr, "ia64sim: stopped: %s\n", why);
    cpu_dump(c, stderr);
    if ((c->psr & PSR_IT) && xlate(c, cur_ip, XC_X, &host, 0) == 0)
        pa = (uint64_t)(host - c->ram);
    fprintf(stderr, "bundle at ip (physical 0x%llx):\n", (unsigned long long)pa);
    disasm_at(c, pa, stderr);
    if (c->dbg)
        gdb_fatal(c); /* let the user look before the process ends */
    sim_exit(c, c->exit_status ? c->exit_status : EXIT_STOP);
}
