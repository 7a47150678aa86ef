/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack over TCP (lwIP's raw API, run by whoever polls lwIP).
 * Every byte comes from an untrusted client: tsline.c cuts the stream into
 * lines and refuses long or binary ones; a connection that does not give
 * the token first (or within TS_AUTH_TIMEOUT) is told so and closed.  A
 * request runs through ts_command, the console prompt's own interpreter,
 * with this thread's printk sent to the client (console_set_sink).
 *
 * Flow control: a request is run only when the output buffer has room for
 * a whole answer; until then the received data is kept unacknowledged, so
 * a client that sends without reading is slowed by TCP's window, not by
 * dropping its answers.
 */
#include <hestia_lwip.h>
#include <port/kernel.h>
#include <port/toolstack.h>
#include <port/tsline.h>
#include <port/tsserver.h>

#include "lwip/mem.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

#define TS_OUT_MAX 8192
#define TS_ANSWER_ROOM 4096 /* free room before a request is run */
#define TS_STATUS_ROOM 96   /* kept back for the status line */
#define TS_AUTH_TIMEOUT_MS 10000u
#define TS_POLL_INTERVAL 4 /* lwIP's coarse timer ticks (500 ms each) */

void *memmove(void *dst, const void *src, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

struct ts_conn {
    struct tcp_pcb *pcb;
    struct pbuf *held; /* received and not yet cut into lines */
    uint16_t held_off;
    struct ts_line line;
    bool authed, closing, peer_done, at_line_start, truncated;
    uint32_t opened_ms;
    size_t out_len;
    char out[TS_OUT_MAX];
};

static struct tcp_pcb *listener;
static char token[TS_TOKEN_MAX + 1];
static unsigned nr_conns;

static void out_put(struct ts_conn *c, const char *s, size_t n, size_t limit)
{
    if (c->out_len + n > limit) {
        c->truncated = true;
        n = c->out_len < limit ? limit - c->out_len : 0;
    }
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

/* A command's output: each line gets "| " in front (docs/network.md). */
static void sink(void *arg, const char *s, size_t n)
{
    struct ts_conn *c = arg;
    size_t limit = TS_OUT_MAX - TS_STATUS_ROOM;
    for (size_t i = 0; i < n && !c->truncated; i++) {
        /* A byte and its line's prefix go in whole or not at all. */
        if (c->out_len + 3 > limit) {
            c->truncated = true;
            break;
        }
        if (c->at_line_start)
            out_put(c, "| ", 2, limit);
        out_put(c, &s[i], 1, limit);
        c->at_line_start = s[i] == '\n';
    }
}

static void status(struct ts_conn *c, const char *words)
{
    if (!c->at_line_start)
        out_put(c, "\n", 1, TS_OUT_MAX);
    if (c->truncated)
        out_put(c, "| (output truncated)\n", 21, TS_OUT_MAX);
    c->truncated = false;
    c->at_line_start = true;
    out_put(c, words, kstrlen(words), TS_OUT_MAX - 1);
    out_put(c, "\n", 1, TS_OUT_MAX);
}

static void detach(struct ts_conn *c)
{
    if (c->held)
        pbuf_free(c->held);
    mem_free(c);
    nr_conns--;
}

static err_t close_or_abort(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* A refused client may still be sending: read and drop it until it closes. */
static err_t drain_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!p)
        return close_or_abort(pcb);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t drain_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)arg;
    tcp_abort(pcb); /* it never closed its side */
    return ERR_ABRT;
}

/*
 * Send what is queued and close.  lwIP answers data that arrives after
 * tcp_close with a reset, which can overtake our last line, so a client
 * that has not closed its side yet is drained until it does.
 */
static err_t end_connection(struct tcp_pcb *pcb, bool peer_done)
{
    if (peer_done)
        return close_or_abort(pcb);
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, drain_recv);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, drain_poll, 2 * TS_POLL_INTERVAL);
    if (tcp_shutdown(pcb, 0, 1) == ERR_OK)
        return ERR_OK;
    return close_or_abort(pcb);
}

/* Close the connection; ERR_ABRT if it had to be aborted (callbacks return it). */
static err_t conn_close(struct ts_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    bool peer_done = c->peer_done;
    detach(c);
    return end_connection(pcb, peer_done);
}

/* Queue what fits of the output in lwIP; close when a closing connection has sent it all.
 */
static err_t flush(struct ts_conn *c)
{
    size_t done = 0;
    while (done < c->out_len) {
        size_t n = MIN(c->out_len - done, (size_t)tcp_sndbuf(c->pcb));
        if (!n || tcp_write(c->pcb, c->out + done, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        done += n;
    }
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
    tcp_output(c->pcb);
    if (!c->out_len && (c->closing || (c->peer_done && !c->held)))
        return conn_close(c);
    return ERR_OK;
}

static void run_request(struct ts_conn *c, const char *line)
{
    struct ktok tok[2];
    unsigned n = ktokenize(line, kstrlen(line), tok, 2);
    if (!c->authed) {
        char given[TS_TOKEN_MAX + 1] = "";
        if (n == 2 && ktok_eq(&tok[0], "token") && tok[1].len <= TS_TOKEN_MAX) {
            memcpy(given, tok[1].s, tok[1].len);
            given[tok[1].len] = '\0';
        }
        /* Exactly "token <T>": a third word is not part of any token. */
        if (n == 2 && given[0] && kstrlen(line) == (size_t)(tok[1].s + tok[1].len - line) &&
            ts_token_equal(given, token)) {
            c->authed = true;
            status(c, "OK");
        } else {
            status(c, "ERR bad or missing token (the first line must be: token <T>)");
            c->closing = true;
        }
        return;
    }
    if (!n) {
        status(c, "OK");
        return;
    }
    if (ktok_eq(&tok[0], "console")) {
        status(c, "ERR console needs the physical console");
        return;
    }
    console_set_sink(sink, c);
    long r = ts_command(line);
    console_set_sink(NULL, NULL);
    if (r < 0) {
        char words[80];
        ksnprintf(words, sizeof words, "ERR %s", kstrerror(r));
        status(c, words);
    } else {
        status(c, "OK");
    }
}

static void bad_line(struct ts_conn *c, const char *words)
{
    status(c, words);
    if (!c->authed)
        c->closing = true; /* the first line had to be the token */
}

/* Run the held requests while a whole answer fits in the output buffer. */
static err_t pump(struct ts_conn *c)
{
    while (c->held && !c->closing && TS_OUT_MAX - c->out_len >= TS_ANSWER_ROOM) {
        char chunk[64];
        u16_t n = pbuf_copy_partial(
            c->held, chunk,
            (u16_t)MIN(sizeof chunk, (size_t)(c->held->tot_len - c->held_off)),
            c->held_off);
        size_t used;
        enum ts_line_status st = ts_line_feed(&c->line, chunk, n, &used);
        c->held_off = (u16_t)(c->held_off + used);
        if (c->held_off == c->held->tot_len) {
            tcp_recved(c->pcb, c->held->tot_len);
            pbuf_free(c->held);
            c->held = NULL;
            c->held_off = 0;
        }
        if (st == TS_LINE_READY)
            run_request(c, c->line.buf);
        else if (st == TS_LINE_TOO_LONG)
            bad_line(c, "ERR line too long (the limit is 160 bytes)");
        else if (st == TS_LINE_BINARY)
            bad_line(c, "ERR not a line of text (control or non-ASCII bytes)");
    }
    /* A refused client's further requests are read and dropped: lwIP answers a
     * close with data still unread by a reset, which would lose the error line. */
    if (c->closing && c->held) {
        tcp_recved(c->pcb, c->held->tot_len);
        pbuf_free(c->held);
        c->held = NULL;
        c->held_off = 0;
    }
    return flush(c);
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct ts_conn *c = arg;
    (void)pcb;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        c->peer_done = true; /* a line cut by the disconnect is dropped with the buffer */
        return pump(c);
    }
    if (c->closing) { /* refused: what it still sends is read and dropped */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (c->held)
        pbuf_cat(c->held, p);
    else
        c->held = p;
    return pump(c);
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return pump(arg);
}

static err_t conn_poll(void *arg, struct tcp_pcb *pcb)
{
    struct ts_conn *c = arg;
    (void)pcb;
    if (!c->authed && !c->closing && sys_now() - c->opened_ms > TS_AUTH_TIMEOUT_MS) {
        status(c, "ERR no token within 10 seconds");
        c->closing = true;
    }
    return pump(c);
}

static void conn_err(void *arg, err_t err)
{
    (void)err;
    if (arg)
        detach(arg); /* lwIP has freed the pcb */
}

static err_t accept_conn(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct ts_conn *c = nr_conns < TS_MAX_CONNS ? mem_malloc(sizeof *c) : NULL;
    if (!c) {
        static const char busy[] = "ERR too many connections\n";
        tcp_write(pcb, busy, sizeof busy - 1, TCP_WRITE_FLAG_COPY);
        return end_connection(pcb, false);
    }
    nr_conns++;
    c->pcb = pcb;
    c->held = NULL;
    c->held_off = 0;
    ts_line_init(&c->line);
    c->authed = c->closing = c->peer_done = c->truncated = false;
    c->at_line_start = true;
    c->opened_ms = sys_now();
    c->out_len = 0;
    tcp_arg(pcb, c);
    tcp_recv(pcb, conn_recv);
    tcp_sent(pcb, conn_sent);
    tcp_err(pcb, conn_err);
    tcp_poll(pcb, conn_poll, TS_POLL_INTERVAL);
    return ERR_OK;
}

long ts_server_start(uint16_t port, const char *tok)
{
    size_t len = kstrlen(tok);
    if (listener)
        return -HESTIA_EBUSY;
    if (!len || len > TS_TOKEN_MAX)
        return -HESTIA_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (tok[i] <= ' ' || tok[i] > '~')
            return -HESTIA_EINVAL;
    memcpy(token, tok, len + 1);
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb)
        return -HESTIA_ENOMEM;
    if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
        tcp_close(pcb);
        return -HESTIA_EBUSY;
    }
    listener = tcp_listen(pcb);
    if (!listener) {
        tcp_close(pcb);
        return -HESTIA_ENOMEM;
    }
    tcp_accept(listener, accept_conn);
    return 0;
}

void ts_server_stop(void)
{
    if (listener)
        tcp_close(listener);
    listener = NULL;
}

unsigned ts_server_connections(void)
{
    return nr_conns;
}

void ts_server_make_token(char out[TS_TOKEN_MAX + 1])
{
    /* The clock mixed with lwIP's generator: unpredictable enough for a
     * shared lab network, not a secret from whoever controls the host. */
    uint64_t s =
        time_now_ns() ^ ((uint64_t)hestia_lwip_rand() << 32) ^ 0x9e3779b97f4a7c15ull;
    ksnprintf(out, TS_TOKEN_MAX + 1, "%016llx", (unsigned long long)kxorshift(&s));
}
