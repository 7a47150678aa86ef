/* SPDX-License-Identifier: MIT */
/*
 * domU roles started by dom0's scenarios: interdomain ping/pong, a ring
 * producer/consumer over granted pages, CPU burners, the isolation victim,
 * the benchmark peer and the interactive demo.  Peers and ports come on
 * the command line (peer=<domid> port=<port>), set up by dom0.
 */
#include <port/kernel.h>
#include <port/ring.h>

static volatile int ev_flag;
static void flag_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    set_flag((volatile int *)arg);
}

static hestia_domid_t arg_peer(void)
{
    return (hestia_domid_t)kcmdline_u64(port_cmdline, "peer", 0);
}
static evtchn_port_t arg_port(void)
{
    return (evtchn_port_t)kcmdline_u64(port_cmdline, "port", 0);
}

/* Take a port dom0 allocated for us (offered to the peer) and listen on it. */
static long own_port(void)
{
    evtchn_port_t p = arg_port();
    if (!p || p >= EVTCHN_MAX_PORTS)
        return -HESTIA_EINVAL;
    evtchn_set_handler(p, flag_handler, (void *)&ev_flag);
    evtchn_unmask(p);
    if (evtchn_test_and_clear(p))
        set_flag(&ev_flag);
    return p;
}

/* Wait for the flag, then clear it. */
static bool take(uint64_t timeout_ns)
{
    if (!wait_flag(&ev_flag, timeout_ns))
        return false;
    ev_flag = 0;
    return true;
}

void role_ping(void)
{
    unsigned rounds = (unsigned)kcmdline_u64(port_cmdline, "rounds", 10000);
    long p = own_port();
    if (p < 0) {
        test_report("multi.ping", TR_FAIL, "no port on the command line");
        return;
    }
    if (!take(10000000000ull)) {
        test_report("multi.ping", TR_FAIL, "pong never said hello");
        return;
    }
    uint64_t start = time_now_ns();
    unsigned done = 0;
    for (; done < rounds; done++) {
        ev_flag = 0;
        if (evtchn_send((evtchn_port_t)p) < 0 || !take(2000000000ull))
            break;
    }
    uint64_t ns = time_now_ns() - start;
    test_report("multi.evtchn-pingpong", done == rounds ? TR_PASS : TR_FAIL,
                "%u/%u round trips, %llu ns each", done, rounds,
                (unsigned long long)(done ? ns / done : 0));
}

void role_pong(void)
{
    unsigned rounds = (unsigned)kcmdline_u64(port_cmdline, "rounds", 10000);
    long p =
        evtchn_bind_interdomain(arg_peer(), arg_port(), flag_handler, (void *)&ev_flag);
    if (p < 0) {
        test_report("multi.pong", TR_FAIL, "bind_interdomain: %ld", p);
        return;
    }
    evtchn_send((evtchn_port_t)p); /* hello */
    unsigned done = 0;
    for (; done < rounds; done++) {
        if (!take(5000000000ull))
            break;
        evtchn_send((evtchn_port_t)p);
    }
    test_report("multi.pong", done == rounds ? TR_PASS : TR_FAIL, "%u/%u pings answered",
                done, rounds);
}

/* ---- the ring ---- */
#define RING_PAGES 16
#define CHUNK 4096

void role_producer(void)
{
    hestia_domid_t peer = arg_peer();
    uint64_t total = kcmdline_u64(port_cmdline, "bytes", 8u << 20);
    long p = own_port();
    long r = gnttab_init(1);
    long hg = frame_alloc(), dg = frames_alloc(RING_PAGES);
    if (p < 0 || r < 0 || hg < 0 || dg < 0) {
        test_report("multi.ring-producer", TR_FAIL, "setup: port %ld grant %ld", p, r);
        return;
    }
    struct ring_hdr *hdr = gfn_to_va((uint64_t)hg);
    /* The header is the first grant of a fresh table: ref 1 (the consumer knows). */
    long href = gnttab_grant(peer, (uint64_t)hg, false);
    uint8_t *pages[RING_PAGES];
    for (unsigned i = 0; i < RING_PAGES; i++) {
        pages[i] = gfn_to_va((uint64_t)dg + i);
        hdr->refs[i] = (uint32_t)gnttab_grant(peer, (uint64_t)dg + i, false);
    }
    hdr->nr_pages = RING_PAGES;
    hdr->total = total;
    arch_barrier();
    __atomic_store_n(&hdr->magic, RING_MAGIC, __ATOMIC_RELEASE); /* published */
    struct ring ring;
    ring_init(&ring, hdr, RING_PAGES, pages);
    if (href != 1 || !take(20000000000ull)) {
        test_report("multi.ring-producer", TR_FAIL, "ref %ld / consumer never came", href);
        return;
    }
    static uint8_t buf[CHUNK];
    uint64_t seed = 0x1234567, sum = 0, sent = 0, start = time_now_ns();
    while (sent < total) {
        size_t n = (size_t)MIN((uint64_t)CHUNK, total - sent);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = kxorshift(&seed);
            for (size_t j = 0; j < 8 && i + j < n; j++)
                buf[i + j] = (uint8_t)(v >> (8 * j));
        }
        sum = kchecksum(sum, buf, n);
        size_t off = 0;
        while (off < n) {
            size_t w = ring_write(&ring, buf + off, n - off);
            off += w;
            if (w)
                evtchn_send((evtchn_port_t)p);
            else if (!take(5000000000ull))
                goto stuck;
        }
        sent += n;
    }
    hdr->checksum = sum;
    arch_barrier();
    hdr->done = 1;
    evtchn_send((evtchn_port_t)p);
    /* The consumer unmaps and says goodbye; then the grants can end. */
    while (hdr->done != 2)
        if (!take(10000000000ull))
            goto stuck;
    long busy = 0;
    for (unsigned i = 0; i < RING_PAGES; i++)
        busy |= gnttab_end(hdr->refs[i]);
    busy |= gnttab_end((grant_ref_t)href);
    test_report("multi.ring-producer", busy ? TR_FAIL : TR_PASS,
                "%llu bytes in %llu ms, checksum %llx%s", (unsigned long long)sent,
                (unsigned long long)((time_now_ns() - start) / 1000000),
                (unsigned long long)sum, busy ? ", a grant was still mapped" : "");
    return;
stuck:
    test_report("multi.ring-producer", TR_FAIL, "stuck after %llu bytes",
                (unsigned long long)sent);
}

void role_consumer(void)
{
    hestia_domid_t peer = arg_peer();
    long p = evtchn_bind_interdomain(peer, arg_port(), flag_handler, (void *)&ev_flag);
    if (p < 0) {
        test_report("multi.ring", TR_FAIL, "bind_interdomain: %ld", p);
        return;
    }
    uintptr_t hva = kva_alloc(1), dva = kva_alloc(RING_PAGES);
    grant_handle_t hh, dh[RING_PAGES];
    long r = -1;
    for (int i = 0; i < 2000 && r < 0; i++) {
        r = gnttab_map(peer, 1, hva, 0, false, &hh);
        if (r < 0)
            thread_sleep_ns(2000000);
    }
    struct ring_hdr *hdr = (struct ring_hdr *)hva;
    /*
     * The producer grants the header page before it fills it and publishes
     * it by writing the magic last: the grant alone does not mean it is
     * ready (without -icount the consumer often maps it first).
     */
    uint64_t t0 = time_now_ns();
    while (r == 0 && __atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != RING_MAGIC &&
           time_now_ns() - t0 < 10000000000ull)
        thread_sleep_ns(1000000);
    arch_barrier();
    if (r < 0) {
        test_report("multi.ring", TR_FAIL, "header map %ld", r);
        return;
    }
    if (hdr->magic != RING_MAGIC || hdr->nr_pages != RING_PAGES) {
        test_report("multi.ring", TR_FAIL, "header never published: magic %x, %u pages",
                    hdr->magic, hdr->nr_pages);
        return;
    }
    uint8_t *pages[RING_PAGES];
    for (unsigned i = 0; i < RING_PAGES; i++) {
        pages[i] = (uint8_t *)(dva + i * HESTIA_PAGE_SIZE);
        r = gnttab_map(peer, hdr->refs[i], (uintptr_t)pages[i], 0, false, &dh[i]);
        if (r < 0) {
            test_report("multi.ring", TR_FAIL, "data page %u map %ld", i, r);
            return;
        }
    }
    struct ring ring;
    ring_init(&ring, hdr, RING_PAGES, pages);
    evtchn_send((evtchn_port_t)p); /* ready */
    static uint8_t buf[CHUNK];
    uint64_t sum = 0, got = 0;
    for (;;) {
        size_t n = ring_read(&ring, buf, sizeof(buf));
        if (n) {
            sum = kchecksum(sum, buf, n);
            got += n;
            evtchn_send((evtchn_port_t)p);
            continue;
        }
        if (hdr->done && ring_used(&ring) == 0)
            break;
        if (!take(5000000000ull))
            break;
    }
    bool ok = hdr->done && got == hdr->total && sum == hdr->checksum && got >= (8u << 20);
    test_report("multi.ring", ok ? TR_PASS : TR_FAIL,
                "%llu of %llu bytes, checksum %llx/%llx", (unsigned long long)got,
                (unsigned long long)hdr->total, (unsigned long long)sum,
                (unsigned long long)hdr->checksum);
    for (unsigned i = 0; i < RING_PAGES; i++)
        gnttab_unmap((uintptr_t)pages[i], 0, dh[i]);
    hdr->done = 2;
    arch_barrier();
    gnttab_unmap(hva, 0, hh);
    evtchn_send((evtchn_port_t)p);
}

/*
 * A CPU burner counts its own work: units of BURNER_UNIT loop iterations,
 * published in a page granted read-only to dom0 as ref BURNER_REF, so dom0
 * checks the scheduler's weights and caps on work done, not only on the
 * hypervisor's runtime accounting.  32 bits: every port stores it atomically.
 */
void role_burner(void)
{
    volatile uint32_t *units = NULL;
    long g = frame_alloc();
    if (g >= 0 && gnttab_init(1) == 0 && gnttab_grant(0, (uint64_t)g, true) == BURNER_REF)
        units = gfn_to_va((uint64_t)g);
    printk("burner dom%u up%s\n", start_info->domid, units ? "" : ", no work counter");
    volatile uint32_t x = 0;
    uint32_t n = 0;
    for (;;) {
        for (unsigned i = 0; i < BURNER_UNIT; i++)
            x++;
        if (units)
            __atomic_store_n(units, ++n, __ATOMIC_RELAXED);
    }
}

/* ---- isolation victim ---- */
#define VICTIM_PAGES 16

void role_victim(void)
{
    hestia_domid_t hostile = arg_peer();
    long p = own_port();
    long g = frames_alloc(VICTIM_PAGES);
    if (p < 0 || g < 0 || gnttab_init(1) < 0) {
        test_report("iso.victim-setup", TR_FAIL, "port %ld frames %ld", p, g);
        return;
    }
    for (unsigned pg = 0; pg < VICTIM_PAGES; pg++) {
        uint64_t *w = gfn_to_va((uint64_t)g + pg);
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
            w[i] = iso_victim_pattern(pg, i);
    }
    /* ref 1: read-only to the hostile domain; ref 2: to dom0 only. */
    long r1 = gnttab_grant(hostile, (uint64_t)g, true);
    long r2 = gnttab_grant(0, (uint64_t)g + 1, false);
    test_report("iso.victim-setup", r1 == 1 && r2 == 2 ? TR_PASS : TR_FAIL, "refs %ld %ld",
                r1, r2);
    evtchn_send((evtchn_port_t)p); /* ready */
    /* dom0's event means: check your memory and finish. */
    while (!take(1000000000ull)) {
    }
    unsigned bad = 0;
    for (unsigned pg = 0; pg < VICTIM_PAGES; pg++) {
        uint64_t *w = gfn_to_va((uint64_t)g + pg);
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
            bad += w[i] != iso_victim_pattern(pg, i);
    }
    test_report("iso.victim-data-intact", bad ? TR_FAIL : TR_PASS, "%u words changed", bad);
}

/* ---- benchmark peer: echo events, grant a page, then yield ---- */
void role_bench_peer(void)
{
    unsigned yields = (unsigned)kcmdline_u64(port_cmdline, "yields", 2000);
    long g = frame_alloc();
    if (gnttab_init(1) < 0 || g < 0 || gnttab_grant(0, (uint64_t)g, false) != 1)
        test_report("bench.peer", TR_FAIL, "grant setup");
    long p = evtchn_bind_interdomain(0, arg_port(), flag_handler, (void *)&ev_flag);
    if (p < 0) {
        test_report("bench.peer", TR_FAIL, "bind %ld", p);
        return;
    }
    evtchn_send((evtchn_port_t)p); /* hello */
    volatile uint32_t *cmd = gfn_to_va((uint64_t)g);
    /* Echo until dom0 writes 1 into the granted page, then yield-ping-pong. */
    while (*cmd != 1) {
        if (!take(20000000000ull))
            return;
        evtchn_send((evtchn_port_t)p);
    }
    for (unsigned i = 0; i < yields; i++)
        hc_sched(SCHEDOP_yield, 0);
}

/* ---- demo: a tiny shell reachable with `console <dom>` ---- */
void role_demo(void)
{
    test_report("demo.up", TR_PASS, "dom%u, %llu pages. Try `console %u` in dom0.",
                start_info->domid, (unsigned long long)start_info->nr_pages,
                start_info->domid);
    if (start_info->console_port)
        evtchn_set_handler(start_info->console_port, flag_handler, (void *)&ev_flag);
    if (start_info->console_port)
        evtchn_unmask(start_info->console_port);
    char line[80];
    size_t len = 0;
    for (;;) {
        char buf[16];
        long n = console_read(buf, sizeof(buf));
        if (n <= 0) {
            take(200000000);
            continue;
        }
        for (long i = 0; i < n; i++) {
            if (buf[i] == '\r' || buf[i] == '\n') {
                line[len] = '\0';
                if (kstreq(line, "uptime"))
                    printk("dom%u: up %llu ms\n", start_info->domid,
                           (unsigned long long)(time_now_ns() / 1000000));
                else if (len)
                    printk("dom%u: you said '%s'\n", start_info->domid, line);
                len = 0;
            } else if (len + 1 < sizeof(line) && buf[i] >= ' ') {
                line[len++] = buf[i];
            }
        }
    }
}
