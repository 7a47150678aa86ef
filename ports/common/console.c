/* SPDX-License-Identifier: MIT */
/* Console through HYPERCALL_console_io, printk and panic. */
#include <port/kernel.h>

void console_write(const char *s, size_t n)
{
    while (n) {
        size_t chunk = n > CONSOLEIO_MAX_WRITE ? CONSOLEIO_MAX_WRITE : n;
        long r = hc_console(CONSOLEIO_write, chunk, s, DOMID_SELF);
        if (r <= 0)
            return;
        s += r;
        n -= (size_t)r;
    }
}

/* One thread's printk goes to the sink (the toolstack's TCP client), not the console. */
static console_sink_fn sink_fn;
static void *sink_arg;
static struct thread *sink_thread;

void console_set_sink(console_sink_fn fn, void *arg)
{
    unsigned long flags = irq_save();
    sink_fn = fn;
    sink_arg = arg;
    sink_thread = fn ? current : NULL;
    irq_restore(flags);
}

int printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (sink_fn && sink_thread == current) {
        sink_fn(sink_arg, buf, kstrlen(buf));
        return n;
    }
    /* One hypercall per message keeps lines of several domains whole. */
    console_write(buf, kstrlen(buf));
    return n;
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    irq_disable();
    sink_fn = NULL; /* a panic is always the console's */
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("guest panic: %s\nTEST guest-panic FAIL %s\n", buf, buf);
    if (start_info && (start_info->flags & SIF_PRIVILEGED))
        test_report_done(test_passed, test_failed + 1);
    for (;;)
        hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
}

long console_read(char *buf, size_t n)
{
    return hc_console(CONSOLEIO_read, n, buf, DOMID_SELF);
}
