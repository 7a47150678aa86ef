/* SPDX-License-Identifier: MIT */
/*
 * pv.ctl-tcp: the toolstack's TCP server (ts_server.c) driven through
 * lwIP's loopback interface by clients in this domain, the way the host's
 * `./hestia ctl` drives it over a NIC: the token, commands and their
 * output, bad input of every kind, several clients at once, and a client
 * that disconnects in the middle of a line.  Each client sends its whole
 * script, half-closes, and its transcript is checked line by line.
 */
#include <hestia_lwip.h>
#include <port/kernel.h>
#include <port/tsserver.h>

#include <string.h>

#include "lwip/sys.h"
#include "lwip/tcp.h"

#define CTL_TEST_PORT 7700
#define CTL_TEST_TOKEN "selftest-token"

struct probe {
    const char *name;
    const char *send;
    size_t send_len, sent;
    struct tcp_pcb *pcb;
    char got[512];
    size_t got_len;
    bool closed, reset, half_closed;
    bool hold; /* keep the connection open after sending (until released) */
};

static void probe_push(struct probe *p)
{
    while (p->pcb && p->sent < p->send_len) {
        size_t n = MIN(p->send_len - p->sent, (size_t)tcp_sndbuf(p->pcb));
        if (!n || tcp_write(p->pcb, p->send + p->sent, (u16_t)n, TCP_WRITE_FLAG_COPY))
            break;
        p->sent += n;
    }
    if (p->pcb && p->sent == p->send_len && !p->half_closed && !p->hold) {
        p->half_closed = true;
        tcp_shutdown(p->pcb, 0, 1); /* like `nc -N`: done sending, still reading */
    }
    if (p->pcb)
        tcp_output(p->pcb);
}

static err_t probe_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *b, err_t err)
{
    struct probe *p = arg;
    if (!b || err != ERR_OK) {
        p->closed = true;
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
        p->pcb = NULL;
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    size_t room = sizeof p->got - 1 - p->got_len;
    p->got_len +=
        pbuf_copy_partial(b, p->got + p->got_len, (u16_t)MIN(room, b->tot_len), 0);
    p->got[p->got_len] = '\0';
    tcp_recved(pcb, b->tot_len);
    pbuf_free(b);
    return ERR_OK;
}

static err_t probe_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    probe_push(arg);
    return ERR_OK;
}

static err_t probe_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)pcb;
    if (err == ERR_OK)
        probe_push(arg);
    return ERR_OK;
}

static void probe_err(void *arg, err_t err)
{
    struct probe *p = arg;
    (void)err;
    p->pcb = NULL;
    p->closed = p->reset = true;
}

static bool probe_start(struct probe *p)
{
    ip_addr_t lo;
    IP_ADDR4(&lo, 127, 0, 0, 1);
    p->pcb = tcp_new();
    if (!p->pcb)
        return false;
    tcp_arg(p->pcb, p);
    tcp_recv(p->pcb, probe_recv);
    tcp_sent(p->pcb, probe_sent);
    tcp_err(p->pcb, probe_err);
    return tcp_connect(p->pcb, &lo, CTL_TEST_PORT, probe_connected) == ERR_OK;
}

/* The transcript's lines, in order, must be exactly want (lines separated by '\n'). */
static bool transcript_is(struct tctx *t, const struct probe *p, const char *want)
{
    if (kstrlen(want) == p->got_len && kstrneq(p->got, want, p->got_len))
        return true;
    char shown[72]; /* on one line: a TEST line must not be cut */
    size_t n = 0;
    for (size_t i = 0; i < p->got_len && n + 2 < sizeof shown; i++) {
        char ch = p->got[i];
        shown[n++] = ch == '\n' ? '/' : (ch < ' ' || ch > '~') ? '?' : ch;
    }
    shown[n] = '\0';
    t_fail(t, "%s: got '%s' (%u bytes)", p->name, shown, (unsigned)p->got_len);
    return false;
}

/* Run lwIP until each client has been closed (a holder: answered), or 20 s. */
static void wait_closed(struct tctx *t, struct probe *q, size_t n)
{
    uint32_t start = sys_now();
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < n; i++)
            all = all && (q[i].closed || (q[i].hold && q[i].got_len >= 3));
        if (all || sys_now() - start > 20000)
            break;
        hestia_lwip_poll();
    }
    for (size_t i = 0; i < n; i++)
        T_CHECK(t, (q[i].closed || q[i].hold) && !q[i].reset, "%s: %s", q[i].name,
                q[i].reset ? "reset" : "not closed within 20 s");
}

static void run_round(struct tctx *t, struct probe *q, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!q[i].send_len)
            q[i].send_len = kstrlen(q[i].send);
        if (!probe_start(&q[i]))
            t_fail(t, "%s: could not connect", q[i].name);
    }
    wait_closed(t, q, n);
}

/* Does the transcript have the line (whole, exactly)? */
static bool has_line(const struct probe *p, const char *line)
{
    size_t n = kstrlen(line);
    for (size_t i = 0; i + n <= p->got_len; i++)
        if ((i == 0 || p->got[i - 1] == '\n') && kstrneq(p->got + i, line, n) &&
            (i + n == p->got_len || p->got[i + n] == '\n'))
            return true;
    return false;
}

static char long_script[400];
static const char binary_script[] =
    "token " CTL_TEST_TOKEN "\nlist\x01\xff\x7f\n\r\r\nhelp\n";

static void t_ctl_tcp(struct tctx *t)
{
    long r = hestia_lwip_start();
    if (r >= 0)
        r = ts_server_start(CTL_TEST_PORT, CTL_TEST_TOKEN);
    if (r < 0) {
        t_fail(t, "server not started: %s", kstrerror(r));
        return;
    }
    /* A line of 300 bytes (limit 160) between two good requests. */
    size_t n = (size_t)ksnprintf(long_script, sizeof long_script, "token %s\nsleep 0\n",
                                 CTL_TEST_TOKEN);
    for (unsigned i = 0; i < 300; i++)
        long_script[n++] = 'x';
    n += (size_t)ksnprintf(long_script + n, sizeof long_script - n, "\nsleep 0\n");
    /* Static: 13 transcripts would crowd ia64's stack into its register backing store. */
    static struct probe holders[TS_MAX_CONNS], fifth, p[4], late[4];
    fifth = (struct probe){.name = "fifth", .send = "token x\n"};
    /* Four clients hold the four slots: a fifth is refused. */
    for (size_t i = 0; i < ARRAY_SIZE(holders); i++)
        holders[i] = (struct probe){
            .name = "holder", .send = "token " CTL_TEST_TOKEN "\n", .hold = true};
    run_round(t, holders, ARRAY_SIZE(holders));
    run_round(t, &fifth, 1);
    transcript_is(t, &fifth, "ERR too many connections\n");
    for (size_t i = 0; i < ARRAY_SIZE(holders); i++) {
        transcript_is(t, &holders[i], "OK\n");
        holders[i].hold = false;
        probe_push(&holders[i]);
    }
    wait_closed(t, holders, ARRAY_SIZE(holders));
    static const struct probe p_init[4] = {
        {.name = "good",
         .send = "token " CTL_TEST_TOKEN "\nsleep 0\nfrobnicate 1\n\n"
                 "sleep x\nsleep 0\n"},
        {.name = "wrong-token", .send = "token nope\nsleep 0\n"},
        {.name = "no-token", .send = "sleep 0\n"},
        {.name = "token-plus", .send = "token " CTL_TEST_TOKEN " extra\nsleep 0\n"},
    };
    const struct probe late_init[4] = {
        {.name = "binary", .send = binary_script, .send_len = sizeof binary_script - 1},
        {.name = "cut", .send = "token " CTL_TEST_TOKEN "\nsleep 0\nsle"},
        {.name = "console", .send = "token " CTL_TEST_TOKEN "\nconsole 0\nsleep 0\n"},
        {.name = "long", .send = long_script, .send_len = n},
    };
    memcpy(p, p_init, sizeof p);
    memcpy(late, late_init, sizeof late);
    run_round(t, p, ARRAY_SIZE(p));
    run_round(t, late, ARRAY_SIZE(late));
    transcript_is(
        t, &p[0],
        "OK\nOK\n| unknown command 'frobnicate' (try: help)\nERR invalid argument\n"
        "OK\n| sleep: invalid argument (-22)\nERR invalid argument\nOK\n");
    static const char refused[] =
        "ERR bad or missing token (the first line must be: token <T>)\n";
    for (size_t i = 1; i <= 3; i++)
        transcript_is(t, &p[i], refused);
    transcript_is(t, &late[3], "OK\nOK\nERR line too long (the limit is 160 bytes)\nOK\n");
    T_CHECK(t,
            has_line(&late[0], "ERR not a line of text (control or non-ASCII bytes)") &&
                has_line(&late[0], "|   list                          domains, state, "
                                   "memory, weight, cap, CPU time"),
            "binary: got '%.80s'", late[0].got);
    transcript_is(t, &late[1], "OK\nOK\n");
    transcript_is(t, &late[2], "OK\nERR console needs the physical console\nOK\n");
    /* Every connection freed, whatever way it ended. */
    uint32_t start = sys_now();
    while (ts_server_connections() && sys_now() - start < 5000)
        hestia_lwip_poll();
    T_EQ(t, ts_server_connections(), 0);
    ts_server_stop();
    if (!t->failed)
        ksnprintf(
            t->detail, sizeof t->detail,
            "token, commands, bad lines, 13 clients (a fifth at once refused), a cut line");
}

void selftest_ctl_run(void)
{
    test_run("pv.ctl-tcp", t_ctl_tcp);
}
