/* SPDX-License-Identifier: MIT */
/* ia64sim command line, ELF loader, boot table and Ski SSC calls. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ia64sim.h"

#define BOOT_TABLE_PA 0x10000ull
#define BOOT_MAGIC 0x314d495334364149ull /* "IA64SIM1" little endian */
#define MAX_MODULES 32
#define MODULE_ALIGN 0x10000ull
/* After the modules (64 + 64 * 32) and the command line (1024 bytes). */
#define DEVICE_LIST_OFFSET 0xc80

static const char usage[] =
    "usage: ia64sim [options] image.elf [module...]\n"
    "       ia64sim --disasm image.elf\n"
    "Runs an IA-64 ELF64 image on a simulated IA-64 platform (1-8 CPUs, RAM at\n"
    "physical address 0, Ski SSC console) from its entry point in physical mode.\n"
    "options:\n"
    "  --ram MiB        RAM size (default 256)\n"
    "  --max-insns N    stop after N instructions, all CPUs together (exit status 124)\n"
    "  --cpus N         N CPUs (1-8, default 1); CPU 0 starts at the entry, the\n"
    "                   others wait in the boot rendezvous for an IPI (0xf0)\n"
    "  --quantum K      with several CPUs, each runs K instructions in turn\n"
    "                   (default 1000): runs repeat exactly\n"
    "  --trace A-B      trace instructions number A..B-1 to stderr (A-: to the end)\n"
    "  --stats          print instructions, cycles and MIPS (wall clock and per CPU\n"
    "                   second) to stderr at exit\n"
    "  --cmdline STR    command line passed in the boot table\n"
    "  --disasm         print every bundle of the executable sections and exit\n"
    "  --gdb unix:PATH|tcp:PORT\n"
    "                   wait, stopped before the first instruction, for gdb\n"
    "                   (gdb-multiarch: set architecture ia64; target remote ...)\n"
    "                   on a unix socket or on 127.0.0.1:PORT (0: any free port)\n"
    "  --disk PATH      a virtio-mmio block device on the host file PATH\n"
    "  --net unix:PATH|listen:PATH\n"
    "                   a virtio-mmio network device on a unix stream socket\n"
    "                   (connect to PATH, or listen on PATH), framed as QEMU's\n"
    "                   -netdev stream: 4-byte big-endian length, then the frame\n"
    "  --mac MAC        the network device's MAC (default 52:54:00:12:34:56)\n"
    "  --idle skip|realtime\n"
    "                   a forward write of ar.itc (an idle guest's jump to its\n"
    "                   next deadline) is done at once (skip, the default: time\n"
    "                   is the instruction count) or, while --net has a peer,\n"
    "                   waited for in host time and cut short when a frame\n"
    "                   arrives (realtime: not repeatable)\n"
    "devices are at physical 0x10000000000 (disk) and 0x10000010000 (net), listed in\n"
    "the boot table; their interrupt vectors are 0x40 and 0x41.\n"
    "modules are loaded after the image, 64 KiB aligned, and listed in the boot\n"
    "table at physical 0x10000 (r28 points to it at entry).\n"
    "exit status: the guest's SSC exit (66) status; 2 bad usage or image;\n"
    "124 instruction limit reached; 125 unimplemented instruction, unhandled\n"
    "interruption or fetch from non-existent memory (registers on stderr).\n";

volatile sig_atomic_t stop_signal;

/* SIGINT/SIGTERM: the run loop notices within 32 instructions and stops with
 * a register dump (exit status 128 + signal). */
static void on_signal(int sig)
{
    stop_signal = sig;
}
static struct timespec t_start;
static clock_t cpu_start;

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        fprintf(stderr, "ia64sim: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = realloc(buf, cap);
            if (!buf) {
                fclose(f);
                return NULL;
            }
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int elf_check(const uint8_t *e, size_t len, const char *path)
{
    if (len < 64 || memcmp(e, "\177ELF", 4) != 0) {
        fprintf(stderr, "ia64sim: %s: not an ELF file\n", path);
        return -1;
    }
    if (e[4] != 2 || e[5] != 1) {
        fprintf(stderr, "ia64sim: %s: not a little-endian ELF64 file\n", path);
        return -1;
    }
    if (get16(e + 18) != 50) {
        fprintf(stderr, "ia64sim: %s: not an IA-64 image (e_machine %u)\n", path,
                get16(e + 18));
        return -1;
    }
    if (get64(e + 32) + (uint64_t)get16(e + 56) * get16(e + 54) > len ||
        get64(e + 40) + (uint64_t)get16(e + 60) * get16(e + 58) > len) {
        fprintf(stderr, "ia64sim: %s: truncated ELF headers\n", path);
        return -1;
    }
    return 0;
}

/* Loads PT_LOAD segments at their physical addresses; returns the physical
 * entry point in *entry and the end of the image in *end. */
static int elf_load(struct cpu *c, const uint8_t *e, size_t len, const char *path,
                    uint64_t *entry, uint64_t *end)
{
    uint64_t phoff = get64(e + 32), ventry = get64(e + 24);
    unsigned phnum = get16(e + 56), phentsz = get16(e + 54);
    int found = 0, nload = 0;

    *end = 0;
    *entry = ventry;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + (uint64_t)i * phentsz;
        uint64_t off = get64(ph + 8), va = get64(ph + 16), pa = get64(ph + 24);
        uint64_t fsz = get64(ph + 32), msz = get64(ph + 40);

        if (get32(ph) != 1 || msz == 0)
            continue;
        if (off + fsz > len || fsz > msz) {
            fprintf(stderr, "ia64sim: %s: segment %u outside the file\n", path, i);
            return -1;
        }
        if (pa >= c->ram_size || msz > c->ram_size - pa) {
            fprintf(stderr,
                    "ia64sim: %s: segment %u [0x%llx, 0x%llx) outside RAM (%llu MiB)\n",
                    path, i, (unsigned long long)pa, (unsigned long long)(pa + msz),
                    (unsigned long long)(c->ram_size >> 20));
            return -1;
        }
        if (pa < BOOT_TABLE_PA + 0x1000 && pa + msz > BOOT_TABLE_PA) {
            fprintf(stderr, "ia64sim: %s: segment %u overlaps the boot table at 0x%llx\n",
                    path, i, BOOT_TABLE_PA);
            return -1;
        }
        memcpy(c->ram + pa, e + off, fsz);
        memset(c->ram + pa + fsz, 0, msz - fsz);
        if (img_nsegs < MAX_IMG_SEGS)
            img_segs[img_nsegs++] = (struct image_seg){va, pa, msz};
        if (pa + msz > *end)
            *end = pa + msz;
        if (ventry >= va && ventry < va + msz) {
            *entry = pa + (ventry - va);
            found = 1;
        }
        nload++;
    }
    if (!nload) {
        fprintf(stderr, "ia64sim: %s: no loadable segment\n", path);
        return -1;
    }
    if (!found || (*entry & 15)) {
        fprintf(stderr, "ia64sim: %s: entry 0x%llx is not a bundle in a loaded segment\n",
                path, (unsigned long long)ventry);
        return -1;
    }
    return 0;
}

static int disasm_image(const uint8_t *e, size_t len)
{
    uint64_t shoff = get64(e + 40);
    unsigned shnum = get16(e + 60), shentsz = get16(e + 58);

    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = e + shoff + (uint64_t)i * shentsz;
        uint64_t flags = get64(sh + 8), addr = get64(sh + 16), off = get64(sh + 24);
        uint64_t size = get64(sh + 32);

        if (get32(sh + 4) != 1 || !(flags & 4) || off + size > len)
            continue;
        for (uint64_t o = 0; o + 16 <= size; o += 16) {
            struct bundle b;
            char text[3][128];

            decode_bundle(e + off + o, addr + o, &b, text);
            printf("%llx\t%s", (unsigned long long)(addr + o), tmpl_name(b.tmpl));
            for (int s = 0; s < b.nslots; s++)
                printf("\t%s", text[s]);
            printf("\n");
        }
    }
    return 0;
}

static uint64_t gr_in(struct cpu *c, unsigned n)
{
    return c->gr[32 + n]->v;
}

static double elapsed(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t_start.tv_sec) + (now.tv_nsec - t_start.tv_nsec) / 1e9;
}

static void print_stats(void)
{
    double t = elapsed(), cpu = (double)(clock() - cpu_start) / CLOCKS_PER_SEC;
    uint64_t icount = 0, cycles = 0;

    for (unsigned i = 0; i < machine.ncpus; i++) {
        icount += machine.cpu[i]->icount;
        cycles += machine.cpu[i]->cycles;
    }

    /* wall-clock and CPU-time rates: the second is stable on a loaded host */
    fprintf(stderr,
            "ia64sim: %llu instructions, %llu cycles, %.3f s, %.1f MIPS, "
            "cpu %.3f s, %.1f MIPS per cpu second\n",
            (unsigned long long)icount, (unsigned long long)cycles, t,
            t > 0 ? icount / t / 1e6 : 0.0, cpu, cpu > 0 ? icount / cpu / 1e6 : 0.0);
}

void sim_exit(struct cpu *c, int status)
{
    fflush(stdout);
    gdb_exited(status);
    if (c->stats)
        print_stats();
    exit(status);
}

/* Ski's simulator system calls: break 0x80001, r15 = number, r32.. = args. */
int ssc_call(struct cpu *c)
{
    uint64_t nr = c->gr[15]->v, ret = 0;

    switch (nr) {
    case 20: /* console init */
        break;
    case 21: { /* getchar, non-blocking: -1 when nothing is ready */
        struct pollfd p = {.fd = 0, .events = POLLIN};
        unsigned char ch;

        fflush(stdout);
        ret = (uint64_t)-1;
        if (poll(&p, 1, 0) > 0 && read(0, &ch, 1) == 1)
            ret = ch;
        break;
    }
    case 31: /* putchar */
        putchar((int)(gr_in(c, 0) & 0xff));
        break;
    case 65:   /* get RTC: struct { int32 year, mon, mday, hour, min, sec, msec, wday } */
    case 74: { /* get TOD: struct timeval { int64 sec, usec } */
        struct timeval tv;
        struct tm tm;
        uint64_t p = gr_in(c, 0);

        gettimeofday(&tv, NULL);
        if (nr == 74) {
            if (p && (mem_write(c, p, 8, (uint64_t)tv.tv_sec) ||
                      mem_write(c, p + 8, 8, (uint64_t)tv.tv_usec)))
                return FAULT;
            break;
        }
        localtime_r(&tv.tv_sec, &tm);
        int32_t v[8] = {tm.tm_year,
                        tm.tm_mon,
                        tm.tm_mday,
                        tm.tm_hour,
                        tm.tm_min,
                        tm.tm_sec,
                        (int32_t)(tv.tv_usec / 1000),
                        tm.tm_wday};
        for (int i = 0; p && i < 8; i++)
            if (mem_write(c, p + 4 * i, 4, (uint32_t)v[i]))
                return FAULT;
        break;
    }
    case 256: /* ia64sim: SAL_SET_VECTORS(OS_BOOT_RENDEZ, ip, gp) for the APs */
        ret = ssc_set_rendezvous(c, gr_in(c, 0), gr_in(c, 1));
        break;
    case 66: /* exit */
        sim_exit(c, (int)(gr_in(c, 0) & 0xff));
        break;
    default:
        fprintf(stderr, "ia64sim: unimplemented SSC call %llu at 0x%llx (returns -1)\n",
                (unsigned long long)nr, (unsigned long long)cur_ip);
        ret = (uint64_t)-1;
    }
    c->gr[8]->v = ret;
    c->gr[8]->nat = 0;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t ram_mib = 256, max_insns = 0, tlo = 0, thi = 0, ncpus = 1, quantum = 1000;
    int trace = 0, stats = 0, dis = 0, argi;
    const char *cmdline = NULL, *gdb = NULL;
    struct cpu *c;

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    for (argi = 1; argi < argc && argv[argi][0] == '-'; argi++) {
        const char *a = argv[argi];
        char *endp;

        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--ram") && argi + 1 < argc) {
            ram_mib = strtoull(argv[++argi], &endp, 0);
            if (*endp || ram_mib < 1 || ram_mib > 65536) {
                fprintf(stderr, "ia64sim: bad --ram value\n");
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--max-insns") && argi + 1 < argc) {
            max_insns = strtoull(argv[++argi], &endp, 0);
            if (*endp) {
                fprintf(stderr, "ia64sim: bad --max-insns value\n");
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--cpus") && argi + 1 < argc) {
            ncpus = strtoull(argv[++argi], &endp, 0);
            if (*endp || ncpus < 1 || ncpus > MAX_CPUS) {
                fprintf(stderr, "ia64sim: bad --cpus value (1 to %d)\n", MAX_CPUS);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--quantum") && argi + 1 < argc) {
            quantum = strtoull(argv[++argi], &endp, 0);
            if (*endp || quantum < 1 || quantum > 1000000000) {
                fprintf(stderr, "ia64sim: bad --quantum value (1 to 1000000000)\n");
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--trace") && argi + 1 < argc) {
            const char *s = argv[++argi];

            tlo = strtoull(s, &endp, 0);
            thi = UINT64_MAX;
            if (*endp == '-' && endp[1])
                thi = strtoull(endp + 1, &endp, 0);
            else if (*endp == '-')
                endp++;
            if (*endp) {
                fprintf(stderr, "ia64sim: bad --trace range (A-B)\n");
                return EXIT_USAGE;
            }
            trace = 1;
        } else if (!strcmp(a, "--stats")) {
            stats = 1;
        } else if (!strcmp(a, "--disasm")) {
            dis = 1;
        } else if (!strcmp(a, "--gdb") && argi + 1 < argc) {
            gdb = argv[++argi];
        } else if (!strcmp(a, "--cmdline") && argi + 1 < argc) {
            cmdline = argv[++argi];
        } else if (argi + 1 < argc && devices_option(a, argv[argi + 1])) {
            argi++;
        } else {
            fprintf(stderr, "ia64sim: unknown option %s\n%s", a, usage);
            return EXIT_USAGE;
        }
    }
    if (argi >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (ncpus > 1 && (ram_mib << 20) > PIB_BASE) {
        fprintf(stderr,
                "ia64sim: with --cpus above 1, --ram must leave the processor "
                "interrupt block at 0x%llx outside RAM (at most %llu MiB)\n",
                (unsigned long long)PIB_BASE, (unsigned long long)(PIB_BASE >> 20));
        return EXIT_USAGE;
    }
    size_t len;
    uint8_t *img = read_file(argv[argi], &len);

    if (!img || elf_check(img, len, argv[argi]))
        return EXIT_USAGE;
    if (dis)
        return disasm_image(img, len);

    c = calloc(1, sizeof(*c));
    if (!c)
        return EXIT_USAGE;
    c->ram_size = ram_mib << 20;
    c->ram = calloc(1, c->ram_size);
    if (!c->ram) {
        fprintf(stderr, "ia64sim: cannot allocate %llu MiB of RAM\n",
                (unsigned long long)ram_mib);
        return EXIT_USAGE;
    }
    uint64_t entry, end;

    if (elf_load(c, img, len, argv[argi], &entry, &end))
        return EXIT_USAGE;
    free(img);

    /* boot table and modules */
    uint8_t *bt = c->ram + BOOT_TABLE_PA;
    unsigned nmod = 0;
    uint64_t next = (end + MODULE_ALIGN - 1) & ~(MODULE_ALIGN - 1);

    for (int i = argi + 1; i < argc; i++) {
        size_t mlen;
        uint8_t *m = read_file(argv[i], &mlen);

        if (!m)
            return EXIT_USAGE;
        if (nmod == MAX_MODULES || next + mlen > c->ram_size) {
            fprintf(stderr, "ia64sim: %s: module does not fit\n", argv[i]);
            return EXIT_USAGE;
        }
        memcpy(c->ram + next, m, mlen);
        uint8_t *me = bt + 64 + 64 * nmod;
        const char *base = strrchr(argv[i], '/');

        put64(me, next);
        put64(me + 8, mlen);
        strncpy((char *)me + 16, base ? base + 1 : argv[i], 47);
        nmod++;
        next = (next + mlen + MODULE_ALIGN - 1) & ~(MODULE_ALIGN - 1);
        free(m);
    }
    put64(bt, BOOT_MAGIC);
    put64(bt + 8, 2); /* 2: the CPU table at CPU_TABLE_OFFSET */
    put64(bt + 16, c->ram_size);
    put64(bt + 24, nmod);
    if (cmdline) {
        uint64_t cl = BOOT_TABLE_PA + 64 + 64 * MAX_MODULES;

        strncpy((char *)c->ram + cl, cmdline, 1023);
        put64(bt + 32, cl);
    }
    put64(bt + 40, next); /* first free physical address after image and modules */
    uint64_t ndev;

    if (devices_setup(c, bt + DEVICE_LIST_OFFSET, &ndev))
        return EXIT_USAGE;
    put64(bt + 48, ndev);
    put64(bt + 56, ndev ? BOOT_TABLE_PA + DEVICE_LIST_OFFSET : 0);

    machine.ncpus = (unsigned)ncpus;
    machine.quantum = quantum;
    machine.max_insns = max_insns;
    for (unsigned i = 0; i < ncpus; i++) {
        struct cpu *ci = c;

        if (i) {
            ci = calloc(1, sizeof(*ci));
            if (!ci)
                return EXIT_USAGE;
            ci->ram = c->ram;
            ci->ram_size = c->ram_size;
            ci->bc = c->bc; /* one bundle cache: stores invalidate for all */
            ci->codepage = c->codepage;
        }
        cpu_reset(ci, entry);
        ci->id = i;
        ci->cr[CR_LID] = (uint64_t)i << 24; /* id i, eid 0 */
        ci->gr[28]->v = BOOT_TABLE_PA;
        ci->trace = trace;
        ci->trace_lo = tlo;
        ci->trace_hi = thi;
        ci->stats = stats;
        if (i) { /* an AP in the firmware: its code sets its own stacks */
            ci->waiting = 1;
            ci->gr[12]->v = 0;
            ci->ar[AR_BSPSTORE] = 0;
        }
        machine.cpu[i] = ci;
    }
    smp_boot_table(bt + CPU_TABLE_OFFSET);
    /* line buffered even into a pipe, so a runner that kills us on a
     * timeout still has the console output */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (gdb && gdb_listen(c, gdb))
        return EXIT_USAGE;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    cpu_start = clock();
    int rc = smp_run();

    sim_exit(c, rc);
    return rc;
}
