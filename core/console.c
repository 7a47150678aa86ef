/* SPDX-License-Identifier: MIT */
/*
 * The console: hypervisor output, per-domain output rings echoed to the
 * physical console and input queues.  dom0 receives the physical console's
 * input; dom0 can queue input for any domU (CONSOLEIO_write_input) and read
 * any domain's output ring.
 *
 * Attribution (docs/abi.md, "Console"): the hypervisor's own lines are
 * unprefixed; every line a domain prints, dom0's included, starts with
 * "(dN) ".  The CI runner trusts only unprefixed lines for the final
 * verdict, so a domain must not be able to produce a line that looks like
 * the hypervisor's or another domain's.  Domain bytes are therefore
 * sanitized on their way to the physical console (the ring keeps them raw):
 *   '\n' ends the line; the next byte starts a new one with the prefix;
 *   '\r' is dropped (it would return the cursor over the prefix);
 *   '\b' moves back only over the domain's own text on the current line
 *        (dom0's line editing keeps working, the prefix cannot be erased);
 *   '\t' and printable ASCII pass; any other byte (ESC and the rest of
 *        the control characters, DEL, bytes >= 0x80) is shown as '?', so
 *        no terminal escape sequence can move the cursor or clear a line.
 */
#include <core/console.h>
#include <core/event.h>
#include <core/sched_trace.h>
#include <core/smp.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/guest_copy.h>

#define INPUT_SIZE 256
#define CHUNK 128

/*
 * The ring is its own heap block (exactly one frame) and the rest a small
 * object, so a domU's console costs 4 KiB + 64 bytes, not two frames; the
 * input queue comes with the first input (dom0's at once).
 */
struct console_dom {
    char *ring;        /* CONSOLE_RING_SIZE bytes */
    uint64_t written;  /* total bytes ever written (ring head) */
    uint64_t consumed; /* how far dom0's read_ring got */
    char *in; /* INPUT_SIZE bytes: dom0's from the start, a domU's from dom0's first
                 write_input */
    unsigned in_head, in_tail;
};

static spinlock_t console_lock = SPINLOCK_INIT;

/*
 * Who owns the physical console's current line: a domain id or OWNER_HYP.
 * When someone else writes while a line is open, the line is ended first,
 * so output of different sources never shares a line (the CI runner
 * reads results line by line).  line_col counts the domain's bytes after
 * its prefix (how far a backspace may go).
 */
#define OWNER_HYP (-1)
static int line_owner;
static bool line_open;
static unsigned line_col;

void console_init(void)
{
    console_lock = (spinlock_t)SPINLOCK_INIT;
    line_owner = OWNER_HYP;
    line_open = false;
    line_col = 0;
}

/* Make owner's line the current one, ending anyone else's (lock held). */
static void take_line(int owner)
{
    if (line_open && line_owner != owner) {
        hal_console_putc('\n');
        line_open = false;
    }
    if (!line_open && owner != OWNER_HYP) {
        char pfx[16];
        int n = snprintf(pfx, sizeof(pfx), "(d%d) ", owner);
        for (int k = 0; k < n; k++)
            hal_console_putc(pfx[k]);
    }
    if (!line_open)
        line_col = 0;
    line_owner = owner;
    line_open = true;
}

/* One byte of the hypervisor's own output (lock held): trusted, unchanged. */
static void hyp_out(char ch)
{
    take_line(OWNER_HYP);
    hal_console_putc(ch);
    line_open = ch != '\n';
}

/* One byte of domain id's output, sanitized as the header says (lock held). */
static void dom_out(int id, char ch)
{
    if (ch == '\r')
        return;
    if (ch == '\b') {
        if (line_open && line_owner == id && line_col > 0) {
            hal_console_putc('\b');
            line_col--;
        }
        return;
    }
    take_line(id);
    if (ch == '\n') {
        hal_console_putc('\n');
        line_open = false;
        return;
    }
    bool plain = ch == '\t' || (ch >= ' ' && ch <= '~');
    hal_console_putc(plain ? ch : '?');
    line_col++;
}

void console_hyp_write(const char *s, size_t len)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    for (size_t i = 0; i < len; i++)
        hyp_out(s[i]);
    spin_unlock_irqrestore(&console_lock, f);
}

void console_report_done(unsigned passed, unsigned failed)
{
    smp_report(&passed, &failed); /* the hypervisor's own checks count too */
    SCHED_TRACE_DUMP(failed != 0);
    core_printf("HESTIA DONE %u %u\n", passed, failed);
    hal_platform_exit(failed ? 1 : 0);
}

int console_domain_init(struct domain *d)
{
    struct console_dom *c = core_heap_alloc(sizeof(*c));
    if (!c)
        return -HESTIA_ENOMEM;
    c->ring = core_heap_alloc(CONSOLE_RING_SIZE);
    /* dom0 owns the keyboard (console_input); a domU's queue waits for write_input. */
    c->in = d->privileged ? core_heap_alloc(INPUT_SIZE) : NULL;
    if (!c->ring || (d->privileged && !c->in)) {
        core_heap_free(c->ring);
        core_heap_free(c);
        return -HESTIA_ENOMEM;
    }
    d->console = c;
    return 0;
}

void console_domain_destroy(struct domain *d)
{
    if (d->console) {
        core_heap_free(d->console->ring);
        core_heap_free(d->console->in);
        core_heap_free(d->console);
    }
    d->console = NULL;
}

size_t console_ring_used(struct domain *d)
{
    struct console_dom *c = d->console;
    if (!c)
        return 0;
    return c->written < CONSOLE_RING_SIZE ? (size_t)c->written : CONSOLE_RING_SIZE;
}

/* Append to d's ring and echo to the physical console (lock held). */
static void emit(struct domain *d, const char *s, size_t len)
{
    struct console_dom *c = d->console;
    for (size_t i = 0; i < len; i++) {
        c->ring[c->written % CONSOLE_RING_SIZE] = s[i];
        c->written++;
        dom_out(d->id, s[i]);
    }
}

static bool input_push(struct console_dom *c, char ch)
{
    unsigned next = (c->in_tail + 1) % INPUT_SIZE;
    if (!c->in || next == c->in_head)
        return false;
    c->in[c->in_tail] = ch;
    c->in_tail = next;
    return true;
}

void console_input(int ch)
{
    struct domain *dom0 = domain_lookup(0);
    if (!dom0 || !dom0->console)
        return; /* nobody owns the keyboard yet */
    unsigned long f = spin_lock_irqsave(&console_lock);
    bool queued = input_push(dom0->console, (char)ch);
    spin_unlock_irqrestore(&console_lock, f);
    if (queued)
        evtchn_send_virq_domain(dom0, VIRQ_CONSOLE);
}

void console_domain_write(struct domain *d, const char *s, size_t len)
{
    unsigned long f = spin_lock_irqsave(&console_lock);
    emit(d, s, len);
    spin_unlock_irqrestore(&console_lock, f);
}

int console_domain_getc(struct domain *d)
{
    struct console_dom *c = d->console;
    int ch = -1;
    unsigned long f = spin_lock_irqsave(&console_lock);
    if (c && c->in_head != c->in_tail) {
        ch = (unsigned char)c->in[c->in_head];
        c->in_head = (c->in_head + 1) % INPUT_SIZE;
    }
    spin_unlock_irqrestore(&console_lock, f);
    return ch;
}

static long con_write(struct vcpu *v, uint64_t count, uint64_t buf)
{
    if (count > CONSOLEIO_MAX_WRITE)
        return -HESTIA_E2BIG;
    char tmp[CHUNK];
    uint64_t done = 0;
    while (done < count) {
        size_t n = (size_t)MIN(count - done, (uint64_t)CHUNK);
        if (hal_copy_from_guest(v, tmp, guest_va(buf + done), n))
            return -HESTIA_EFAULT;
        unsigned long f = spin_lock_irqsave(&console_lock);
        emit(v->domain, tmp, n);
        spin_unlock_irqrestore(&console_lock, f);
        done += n;
    }
    return (long)count;
}

/*
 * Reads peek under the lock, copy to the guest, then commit: a bad buffer
 * gets -EFAULT and loses nothing.  (dom0 is the only reader of a ring, a
 * domain the only reader of its input queue.)
 */
static long con_read(struct vcpu *v, uint64_t count, uint64_t buf)
{
    struct console_dom *c = v->domain->console;
    char tmp[CHUNK];
    uint64_t done = 0;
    count = MIN(count, (uint64_t)CONSOLEIO_MAX_WRITE);
    while (done < count) {
        size_t n = 0;
        unsigned long f = spin_lock_irqsave(&console_lock);
        unsigned head = c->in_head;
        while (n < CHUNK && done + n < count && head != c->in_tail) {
            tmp[n++] = c->in[head];
            head = (head + 1) % INPUT_SIZE;
        }
        spin_unlock_irqrestore(&console_lock, f);
        if (!n)
            break;
        if (hal_copy_to_guest(v, guest_va(buf + done), tmp, n))
            return -HESTIA_EFAULT;
        f = spin_lock_irqsave(&console_lock);
        c->in_head = head;
        spin_unlock_irqrestore(&console_lock, f);
        done += n;
    }
    return (long)done;
}

static long con_read_ring(struct vcpu *v, struct domain *t, uint64_t count, uint64_t buf)
{
    struct console_dom *c = t->console;
    char tmp[CHUNK];
    uint64_t done = 0;
    count = MIN(count, (uint64_t)CONSOLEIO_MAX_WRITE);
    while (done < count) {
        size_t n = 0;
        unsigned long f = spin_lock_irqsave(&console_lock);
        /* Bytes overwritten before dom0 read them are lost: skip ahead. */
        if (c->written - c->consumed > CONSOLE_RING_SIZE)
            c->consumed = c->written - CONSOLE_RING_SIZE;
        uint64_t pos = c->consumed;
        while (n < CHUNK && done + n < count && pos < c->written) {
            tmp[n++] = c->ring[pos % CONSOLE_RING_SIZE];
            pos++;
        }
        spin_unlock_irqrestore(&console_lock, f);
        if (!n)
            break;
        if (hal_copy_to_guest(v, guest_va(buf + done), tmp, n))
            return -HESTIA_EFAULT;
        f = spin_lock_irqsave(&console_lock);
        if (c->consumed < pos)
            c->consumed = pos;
        spin_unlock_irqrestore(&console_lock, f);
        done += n;
    }
    return (long)done;
}

/* Give c its input queue if it has none yet: most domUs never get input. */
static int input_queue(struct console_dom *c)
{
    if (__atomic_load_n(&c->in, __ATOMIC_ACQUIRE))
        return 0;
    char *q = core_heap_alloc(INPUT_SIZE);
    if (!q)
        return -HESTIA_ENOMEM;
    unsigned long f = spin_lock_irqsave(&console_lock);
    if (!c->in) {
        __atomic_store_n(&c->in, q, __ATOMIC_RELEASE);
        q = NULL;
    }
    spin_unlock_irqrestore(&console_lock, f);
    core_heap_free(q);
    return 0;
}

static long con_write_input(struct vcpu *v, struct domain *t, uint64_t count, uint64_t buf)
{
    if (count > CONSOLEIO_MAX_WRITE)
        return -HESTIA_E2BIG;
    if (count && input_queue(t->console))
        return -HESTIA_ENOMEM;
    char tmp[CHUNK];
    uint64_t done = 0;
    bool full = false;
    while (done < count && !full) {
        size_t n = (size_t)MIN(count - done, (uint64_t)CHUNK);
        if (hal_copy_from_guest(v, tmp, guest_va(buf + done), n))
            return -HESTIA_EFAULT;
        unsigned long f = spin_lock_irqsave(&console_lock);
        size_t k = 0;
        while (k < n && input_push(t->console, tmp[k]))
            k++;
        spin_unlock_irqrestore(&console_lock, f);
        done += k;
        full = k < n;
    }
    if (done)
        evtchn_send_virq_domain(t, VIRQ_CONSOLE);
    return (long)done;
}

long do_console_io(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf,
                   uint64_t domid)
{
    struct domain *d = v->domain;
    switch (cmd) {
    case CONSOLEIO_write:
        return con_write(v, count, buf);
    case CONSOLEIO_read:
        return con_read(v, count, buf);
    case CONSOLEIO_read_ring:
    case CONSOLEIO_write_input: {
        if (!d->privileged)
            return -HESTIA_EPERM;
        if (domid == DOMID_SELF)
            domid = d->id;
        if (domid >= HESTIA_MAX_DOMAINS)
            return -HESTIA_ESRCH;
        struct domain *t = domain_lookup((hestia_domid_t)domid);
        if (!t || !t->console)
            return -HESTIA_ESRCH;
        if (cmd == CONSOLEIO_read_ring)
            return con_read_ring(v, t, count, buf);
        return con_write_input(v, t, count, buf);
    }
    default:
        return -HESTIA_ENOSYS;
    }
}
