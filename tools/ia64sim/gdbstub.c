/* SPDX-License-Identifier: MIT */
/* GDB remote serial protocol server: one gdb (gdb-multiarch, "set
 * architecture ia64") on a unix socket or a TCP port on 127.0.0.1.
 *
 * Registers follow gdb's ia64 target (gdb/ia64-tdep.c, no target
 * description XML): 462 raw registers in the g packet, r0-r127 (8 bytes),
 * f0-f127 (16 bytes, the spill format), p0-p63 (unused by gdb), b0-b7, vfp,
 * vrap, pr, ip, psr, cfm, ar0-ar127.  gdb's pc is ip | psr.ri.  gdb reads
 * the stacked registers r32.. from the backing store below ar.bsp - cfm.sof,
 * as on Linux after a cover: the stub reports bsp at the end of the current
 * frame and serves the not yet spilled registers from the register stack
 * for reads of [ar.bspstore, bsp) (rse_debug_word), so they read right
 * without changing the simulated RSE state.
 *
 * Memory is addressed virtually through the current translations (data,
 * then instruction TLB; physical when PSR.dt is 0), falling back to the ELF
 * image's own segment map so symbols work before the image enables
 * translation.  Breakpoints (Z0, Z1: the same thing here) are kept by the
 * stub and checked before each instruction; memory is never patched.
 *
 * With several CPUs (--cpus), each is a thread (id = CPU number + 1):
 * qfThreadInfo lists them, Hg picks the one whose registers and memory
 * view g/G/p/P/m/M use, T answers for the ones that exist, and stop
 * replies name the CPU that stopped (T05thread:N;).  Breakpoints stop any
 * CPU; a stop or a step is the whole machine's (one host thread runs all
 * CPUs), a step runs one instruction of the CPU that stopped.  Hc is
 * accepted and ignored.  With one CPU the replies are the plain S ones. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ia64sim.h"

#define NREGS 462
#define REG_FR0 128
#define REG_PR0 256
#define REG_BR0 320
#define REG_PR 330
#define REG_IP 331
#define REG_PSR 332
#define REG_CFM 333
#define REG_AR0 334
#define MAX_BP 64
#define PKT_MAX 16384

struct image_seg img_segs[MAX_IMG_SEGS];
unsigned img_nsegs;

static int gfd = -1;         /* the connection */
static uint64_t bps[MAX_BP]; /* bundle address | slot */
static unsigned nbp;
static int skip_once, step_pending, stepping;
static struct cpu *resumed;  /* the CPU that skip_once and step_pending are for */
static struct cpu *selected; /* Hg: the CPU g/G/p/P/m/M use (NULL: the stopped one) */
static unsigned poll_count;

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void lost(void)
{
    fprintf(stderr, "ia64sim: gdb connection closed\n");
    close(gfd);
    gfd = -1;
}

static int getbyte(void)
{
    unsigned char ch;

    if (gfd < 0 || read(gfd, &ch, 1) != 1)
        return -1;
    return ch;
}

static void putpkt(const char *s)
{
    static char buf[PKT_MAX * 2 + 8];
    unsigned sum = 0;
    size_t n = strlen(s);

    if (gfd < 0 || n > PKT_MAX * 2)
        return;
    buf[0] = '$';
    memcpy(buf + 1, s, n);
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)s[i];
    snprintf(buf + 1 + n, 4, "#%02x", sum & 0xff);
    for (int tries = 0; tries < 3; tries++) {
        int ch;

        if (write(gfd, buf, n + 4) != (ssize_t)(n + 4)) {
            lost();
            return;
        }
        do
            ch = getbyte();
        while (ch >= 0 && ch != '+' && ch != '-');
        if (ch != '-')
            return;
    }
}

/* Reads one packet into buf (NUL-terminated); returns its length, -1 when
 * the connection is gone, -2 for a bare interrupt byte (0x03). */
static int getpkt(char *buf, size_t cap)
{
    for (;;) {
        int ch = getbyte();
        size_t n = 0;
        unsigned sum = 0;

        if (ch < 0)
            return -1;
        if (ch == 3)
            return -2;
        if (ch != '$')
            continue;
        while ((ch = getbyte()) >= 0 && ch != '#') {
            if (n + 1 < cap)
                buf[n++] = (char)ch;
            sum += (unsigned)ch;
        }
        int h = hexval(getbyte()), l = hexval(getbyte());

        if (ch < 0 || h < 0 || l < 0) {
            if (ch < 0)
                return -1;
            (void)!write(gfd, "-", 1);
            continue;
        }
        buf[n] = 0;
        if ((unsigned)(h << 4 | l) != (sum & 0xff)) {
            (void)!write(gfd, "-", 1);
            continue;
        }
        (void)!write(gfd, "+", 1);
        return (int)n;
    }
}

/* ---- registers -------------------------------------------------------------- */

static uint64_t pr_word(struct cpu *c)
{
    uint64_t v = 1;

    for (int i = 1; i < 64; i++)
        v |= (uint64_t)(*c->pr[i] & 1) << i;
    return v;
}

/* Register n into out (little endian); returns its size, 0 for none. */
static unsigned reg_get(struct cpu *c, unsigned n, uint8_t *out)
{
    uint64_t v = 0;

    if (n < 128) {
        v = n < 32 || n - 32 < c->sof ? c->gr[n]->v : 0;
    } else if (n < REG_PR0) {
        const struct freg *f = c->fr[n - REG_FR0];
        uint64_t hi = (uint64_t)f->exp | (uint64_t)f->sign << 17;

        memcpy(out, &f->sig, 8);
        memcpy(out + 8, &hi, 8);
        return 16;
    } else if (n < REG_BR0) {
        v = *c->pr[n - REG_PR0] & 1;
    } else if (n < REG_BR0 + 8) {
        v = c->br[n - REG_BR0];
    } else if (n == REG_PR) {
        v = pr_word(c);
    } else if (n == REG_IP) {
        v = c->ip;
    } else if (n == REG_PSR) {
        v = c->psr | (uint64_t)c->ri << PSR_RI_SHIFT;
    } else if (n == REG_CFM) {
        v = cfm_get(c);
    } else if (n >= REG_AR0 && n < NREGS) {
        unsigned ar = n - REG_AR0;

        if (ar == AR_BSP)
            v = rse_frame_end(c); /* as gdb expects it: see the file comment */
        else
            read_ar(c, ar, &v);
    } else if (n >= NREGS) {
        return 0;
    }
    memcpy(out, &v, 8);
    return 8;
}

static void reg_set(struct cpu *c, unsigned n, const uint8_t *in)
{
    uint64_t v;

    memcpy(&v, in, 8);
    if (n > 0 && n < 128) {
        if (n < 32 || n - 32 < c->sof)
            c->gr[n]->v = v;
    } else if (n >= REG_FR0 && n < REG_PR0) {
        struct freg *f = c->fr[n - REG_FR0];
        uint64_t hi;

        if (n - REG_FR0 < 2)
            return; /* f0, f1 are constants */
        memcpy(&f->sig, in, 8);
        memcpy(&hi, in + 8, 8);
        f->exp = hi & 0x1ffff;
        f->sign = hi >> 17 & 1;
    } else if (n >= REG_BR0 && n < REG_BR0 + 8) {
        c->br[n - REG_BR0] = v;
    } else if (n == REG_PR) {
        for (int i = 1; i < 64; i++)
            *c->pr[i] = v >> i & 1;
    } else if (n == REG_IP) {
        c->ip = v & ~15ull;
    } else if (n == REG_PSR) {
        c->ri = (unsigned)(v >> PSR_RI_SHIFT) & 3;
        if (c->ri > 2)
            c->ri = 0;
        c->psr = v & ~(3ull << PSR_RI_SHIFT);
        xc_flush(c);
    } else if (n >= REG_AR0 && n < NREGS) {
        unsigned ar = n - REG_AR0;

        /* the RSE pointers and ar.itc stay the simulator's */
        if (ar != AR_BSP && ar != AR_BSPSTORE && ar != AR_RSC && ar != AR_ITC)
            c->ar[ar] = v;
    }
}

/* ---- memory ----------------------------------------------------------------- */

/* Physical address of va for the debugger, or -1. */
static int64_t dbg_phys(struct cpu *c, uint64_t va)
{
    struct tlbe *e;
    uint64_t pa;

    if (!(c->psr & PSR_DT)) {
        pa = va & ~(1ull << 63);
        if (pa < c->ram_size)
            return (int64_t)pa;
    } else if ((e = tlb_find(c, va, 0)) || (e = tlb_find(c, va, 1))) {
        pa = e->pa | (va & ((1ull << e->ps) - 1));
        if (e->p && pa < c->ram_size)
            return (int64_t)pa;
    }
    for (unsigned i = 0; i < img_nsegs; i++)
        if (va - img_segs[i].va < img_segs[i].size)
            return (int64_t)(img_segs[i].pa + (va - img_segs[i].va));
    return -1;
}

static int dbg_mem(struct cpu *c, uint64_t va, uint8_t *buf, size_t n, int wr)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t a = va + i, w;
        unsigned off = (unsigned)(a & 7);

        if (rse_debug_word(c, a & ~7ull, &w, NULL)) {
            uint8_t *b = (uint8_t *)&w;

            if (wr) {
                b[off] = buf[i];
                rse_debug_word(c, a & ~7ull, NULL, &w);
            } else {
                buf[i] = b[off];
            }
            continue;
        }
        int64_t pa = dbg_phys(c, a);

        if (pa < 0)
            return -1;
        if (wr) {
            c->ram[pa] = buf[i];
            bundle_cache_invalidate(c, c->ram + pa, 1);
        } else {
            buf[i] = c->ram[pa];
        }
    }
    return 0;
}

/* ---- the command loop ------------------------------------------------------- */

static void put_hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static int get_hex(const char *s, uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[2 * i]), l = h < 0 ? -1 : hexval(s[2 * i + 1]);

        if (l < 0)
            return -1;
        b[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

static int bp_index(uint64_t a)
{
    for (unsigned i = 0; i < nbp; i++)
        if (bps[i] == a)
            return (int)i;
    return -1;
}

/* Z/z packets: "Zt,addr,kind".  Types 0 and 1 are both kept by the stub;
 * watchpoints (2-4) are not supported (empty reply). */
static const char *breakpoint_cmd(const char *p)
{
    unsigned long long a;
    int set = p[0] == 'Z', type = p[1] - '0', i;

    if (type > 1 || sscanf(p + 2, ",%llx", &a) != 1)
        return "";
    a = (a & ~15ull) | ((a & 15) > 2 ? 0 : (a & 15));
    i = bp_index(a);
    if (set && i < 0) {
        if (nbp == MAX_BP)
            return "E28";
        bps[nbp++] = a;
    } else if (!set && i >= 0) {
        bps[i] = bps[--nbp];
    }
    return "OK";
}

static char pkt[PKT_MAX];
static char reply[PKT_MAX * 2 + 8];

/* gdb detached or went away: every CPU runs on freely. */
static void debugger_off(void)
{
    for (unsigned i = 0; i < machine.ncpus; i++)
        machine.cpu[i]->dbg = 0;
}

/* The CPU of thread id tid (gdb's "0" and "-1": the stopped one). */
static struct cpu *thread_cpu(const char *tid, struct cpu *stopped)
{
    char *end;
    long n = strtol(tid, &end, 16);

    if (end == tid || *end)
        return NULL;
    if (n == 0 || n == -1)
        return stopped;
    return n >= 1 && n <= (long)machine.ncpus ? machine.cpu[n - 1] : NULL;
}

static void stop_reply(struct cpu *c, int sig, char *out, size_t sz)
{
    if (machine.ncpus > 1)
        snprintf(out, sz, "T%02xthread:%x;", sig, c->id + 1);
    else
        snprintf(out, sz, "S%02x", sig);
}

/* Serves gdb while the CPU is stopped; returns when gdb resumes it (0), or
 * detaches (1: run on without a debugger). */
static int serve(struct cpu *stopped)
{
    selected = NULL;
    for (;;) {
        struct cpu *c = selected ? selected : stopped;
        int n = getpkt(pkt, sizeof(pkt));
        unsigned long long a, len;
        uint8_t buf[PKT_MAX / 2];

        if (n == -1)
            return 1;
        if (n == -2)
            continue;
        reply[0] = 0;
        switch (pkt[0]) {
        case '?':
            stop_reply(stopped, 5, reply, sizeof(reply));
            break;
        case 'g': {
            size_t off = 0;

            for (unsigned r = 0; r < NREGS; r++) {
                unsigned sz = reg_get(c, r, buf);

                put_hex(reply + off, buf, sz);
                off += 2 * sz;
            }
            break;
        }
        case 'G': {
            const char *s = pkt + 1;

            for (unsigned r = 0; r < NREGS && *s; r++) {
                unsigned sz = r >= REG_FR0 && r < REG_PR0 ? 16 : 8;

                if (strlen(s) < 2 * sz || get_hex(s, buf, sz))
                    break;
                reg_set(c, r, buf);
                s += 2 * sz;
            }
            strcpy(reply, "OK");
            break;
        }
        case 'p':
            if (sscanf(pkt + 1, "%llx", &a) == 1 && a < NREGS)
                put_hex(reply, buf, reg_get(c, (unsigned)a, buf));
            else
                strcpy(reply, "E01");
            break;
        case 'P': {
            char *eq = strchr(pkt, '=');
            unsigned sz;

            if (!eq || sscanf(pkt + 1, "%llx", &a) != 1 || a >= NREGS) {
                strcpy(reply, "E01");
                break;
            }
            sz = a >= REG_FR0 && a < REG_PR0 ? 16 : 8;
            if (strlen(eq + 1) < 2 * sz || get_hex(eq + 1, buf, sz)) {
                strcpy(reply, "E01");
                break;
            }
            reg_set(c, (unsigned)a, buf);
            strcpy(reply, "OK");
            break;
        }
        case 'm':
            if (sscanf(pkt + 1, "%llx,%llx", &a, &len) != 2 || len > sizeof(buf) ||
                dbg_mem(c, a, buf, len, 0))
                strcpy(reply, "E14");
            else
                put_hex(reply, buf, len);
            break;
        case 'M': {
            char *colon = strchr(pkt, ':');

            if (!colon || sscanf(pkt + 1, "%llx,%llx", &a, &len) != 2 ||
                len > sizeof(buf) || strlen(colon + 1) < 2 * len ||
                get_hex(colon + 1, buf, len) || dbg_mem(c, a, buf, len, 1))
                strcpy(reply, "E14");
            else
                strcpy(reply, "OK");
            break;
        }
        case 'c':
        case 's':
            if (pkt[1] && sscanf(pkt + 1, "%llx", &a) == 1) {
                stopped->ip = a & ~15ull;
                stopped->ri = (a & 15) > 2 ? 0 : (unsigned)(a & 15);
            }
            stepping = pkt[0] == 's';
            return 0;
        case 'D':
            putpkt("OK");
            close(gfd); /* detached: the exit is nobody's to wait for */
            gfd = -1;
            return 1;
        case 'k':
            fprintf(stderr, "ia64sim: killed by gdb\n");
            close(gfd);
            gfd = -1;
            sim_exit(c, 128 + 9);
            break;
        case 'Z':
        case 'z':
            strcpy(reply, breakpoint_cmd(pkt));
            break;
        case 'H':
            if (pkt[1] == 'g') {
                struct cpu *t = thread_cpu(pkt + 2, stopped);

                if (t)
                    selected = t == stopped ? NULL : t;
                strcpy(reply, t ? "OK" : "E01");
            } else {
                strcpy(reply, "OK"); /* Hc: resuming is the whole machine's */
            }
            break;
        case 'T':
            strcpy(reply, thread_cpu(pkt + 1, stopped) ? "OK" : "E01");
            break;
        case 'q':
            if (!strncmp(pkt, "qSupported", 10))
                snprintf(reply, sizeof(reply), "PacketSize=%x", PKT_MAX - 16);
            else if (!strcmp(pkt, "qAttached"))
                strcpy(reply, "1");
            else if (!strcmp(pkt, "qC"))
                snprintf(reply, sizeof(reply), "QC%x", stopped->id + 1);
            else if (!strcmp(pkt, "qfThreadInfo")) {
                strcpy(reply, "m1");
                for (unsigned i = 1; i < machine.ncpus; i++) /* at most 8 */
                    snprintf(reply + strlen(reply), 16, ",%x", (i + 1) & 0xf);
            } else if (!strncmp(pkt, "qThreadExtraInfo,", 17)) {
                struct cpu *t = thread_cpu(pkt + 17, stopped);
                char text[48];

                if (!t) {
                    strcpy(reply, "E01");
                    break;
                }
                snprintf(text, sizeof(text), "cpu %u%s", t->id,
                         t->waiting ? " (in the boot rendezvous)" : "");
                put_hex(reply, (const uint8_t *)text, strlen(text));
            } else if (!strcmp(pkt, "qsThreadInfo"))
                strcpy(reply, "l");
            break;
        default:
            break;
        }
        putpkt(reply);
    }
}

/* Stops the CPU at c->ip / c->ri and serves gdb (sig: the stop signal). */
static void stop(struct cpu *c, int sig)
{
    char s[32];

    stop_reply(c, sig, s, sizeof(s));
    putpkt(s);
    if (serve(c)) {
        debugger_off(); /* detached or gone: run on freely */
        return;
    }
    skip_once = 1;
    resumed = c;
}

int gdb_before_insn(struct cpu *c, uint64_t ip, unsigned slot)
{
    int sig = 0;

    if (skip_once && c == resumed) { /* the instruction gdb resumed at runs first */
        skip_once = 0;
        step_pending = stepping;
        return 0;
    }
    if (step_pending && c == resumed) {
        step_pending = 0;
        sig = 5;
    } else if (nbp && bp_index(ip | slot) >= 0) {
        sig = 5;
    } else if ((++poll_count & 0xfff) == 0) {
        struct pollfd p = {.fd = gfd, .events = POLLIN};
        unsigned char ch;

        if (poll(&p, 1, 0) > 0) {
            if (read(gfd, &ch, 1) != 1) {
                lost();
                debugger_off();
                return 0;
            }
            if (ch == 3)
                sig = 2; /* SIGINT: gdb's Ctrl-C */
        }
    }
    if (!sig)
        return 0;
    c->ip = ip;
    c->ri = slot;
    stop(c, sig);
    return 1;
}

void gdb_exited(int status)
{
    char s[8];

    if (gfd < 0)
        return;
    snprintf(s, sizeof(s), "W%02x", status & 0xff);
    putpkt(s);
    close(gfd);
    gfd = -1;
}

void gdb_fatal(struct cpu *c)
{
    if (gfd < 0)
        return;
    fprintf(stderr, "ia64sim: stopped for gdb (continue, detach or kill ends the run)\n");
    c->ip = cur_ip;
    c->ri = cur_slot;
    char s[32];

    stop_reply(c, 4, s, sizeof(s));
    putpkt(s);
    serve(c);
}

int gdb_listen(struct cpu *c, const char *spec)
{
    int lfd = -1, one = 1;

    if (!strncmp(spec, "unix:", 5) && spec[5]) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        if (strlen(spec + 5) >= sizeof(sa.sun_path)) {
            fprintf(stderr, "ia64sim: --gdb: socket path too long\n");
            return -1;
        }
        strcpy(sa.sun_path, spec + 5);
        unlink(sa.sun_path);
        lfd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
            fprintf(stderr, "ia64sim: --gdb %s: %s\n", spec, strerror(errno));
            return -1;
        }
    } else if (!strncmp(spec, "tcp:", 4)) {
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t sl = sizeof(sa);
        char *end;
        unsigned long port = strtoul(spec + 4, &end, 10);

        if (!spec[4] || *end || port > 65535) {
            fprintf(stderr, "ia64sim: --gdb: bad port in %s\n", spec);
            return -1;
        }
        sa.sin_port = htons((uint16_t)port);
        lfd = socket(AF_INET, SOCK_STREAM, 0);
        if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
            bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1) ||
            getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
            fprintf(stderr, "ia64sim: --gdb %s: %s\n", spec, strerror(errno));
            return -1;
        }
        fprintf(stderr, "ia64sim: gdb: listening on 127.0.0.1:%u\n", ntohs(sa.sin_port));
    } else {
        fprintf(stderr, "ia64sim: --gdb wants unix:PATH or tcp:PORT (127.0.0.1), not %s\n",
                spec);
        return -1;
    }
    fprintf(stderr, "ia64sim: gdb: waiting for a connection on %s (the CPU is stopped)\n",
            spec);
    signal(SIGPIPE, SIG_IGN); /* a gdb that went away is noticed on write */
    for (;;) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};

        if (stop_signal) {
            close(lfd);
            fprintf(stderr, "ia64sim: signal %d while waiting for gdb\n", (int)stop_signal);
            return -1;
        }
        if (poll(&p, 1, 200) > 0)
            break;
    }
    gfd = accept(lfd, NULL, NULL);
    close(lfd);
    if (!strncmp(spec, "unix:", 5))
        unlink(spec + 5);
    if (gfd < 0) {
        fprintf(stderr, "ia64sim: --gdb: accept: %s\n", strerror(errno));
        return -1;
    }
    if (!strncmp(spec, "tcp:", 4))
        setsockopt(gfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (unsigned i = 0; i < machine.ncpus; i++) {
        machine.cpu[i]->dbg = 1;
        machine.cpu[i]->hook = 1;
    }
    /* stopped before the first instruction: gdb's first resume runs it */
    if (serve(c)) {
        debugger_off();
    } else {
        skip_once = 1;
        resumed = c;
    }
    return 0;
}
