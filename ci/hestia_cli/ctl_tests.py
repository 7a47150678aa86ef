# SPDX-License-Identifier: MIT
"""Runner self-tests of `./hestia ctl` (ctl.py) against a fake dom0 that
speaks the protocol of ports/common/ts_server.c, and of the net scenario's
host sink (multi.Sink).  Part of selftest.py's `TEST runner.*` cases."""
import contextlib
import io
import socket
import threading

from . import ctl, multi

TOKEN = "t0ken"


def _fake_server(script):
    """A listening socket on 127.0.0.1 whose one client gets script(lines in, send)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        f = conn.makefile("rb")
        try:
            script(lambda: f.readline().decode().rstrip("\n"), lambda s: conn.sendall(s.encode()))
        except OSError:
            pass
        conn.close()
        srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def _dom0(read, send):
    """Like ts_server.c: token first, then list / anything else."""
    if read() != f"token {TOKEN}":
        send("ERR bad or missing token (the first line must be: token <T>)\n")
        return
    send("OK\n")
    while True:
        line = read()
        if not line:
            return
        if line == "list":
            send("|   dom  state\n|   0    running\nOK\n")
        elif line == "garbage-answer":
            send("this is not the protocol\n")
        elif line in ("hang-up", "poweroff"):
            send("| half an answer\n")
            return
        else:
            send("| unknown command\nERR invalid argument\n")


def _main(port, token, words):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = ctl.main(port, token, words)
    return rc, out.getvalue()


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cases():
    rc, out = _main(_fake_server(_dom0), TOKEN, ["list"])
    yield "ctl_output", rc == 0 and out == "  dom  state\n  0    running\n"
    rc, out = _main(_fake_server(_dom0), TOKEN, ["frobnicate"])
    yield "ctl_err_exits_1", rc == 1 and "ctl: ERR invalid argument" in out
    rc, out = _main(_fake_server(_dom0), "wrong", ["list"])
    yield "ctl_bad_token", rc == 1 and "token refused: ERR bad or missing token" in out
    rc, out = _main(_closed_port(), TOKEN, ["list"])
    yield "ctl_nothing_listens", rc == 1 and "nothing listens on 127.0.0.1:" in out
    rc, out = _main(_fake_server(_dom0), TOKEN, ["garbage-answer"])
    yield "ctl_not_protocol", rc == 1 and "not a line of the protocol" in out
    rc, out = _main(_fake_server(_dom0), TOKEN, ["hang-up"])
    yield "ctl_server_hangs_up", rc == 1 and "closed the connection" in out
    rc, out = _main(_fake_server(_dom0), TOKEN, ["poweroff"])
    yield "ctl_poweroff_hang_up_is_ok", rc == 0 and "dom0 powered off" in out
    yield from _sink_cases()


def _sink_cases():
    def feed(data):
        port = _closed_port()
        sink = multi.Sink(port, 10)
        sink.start()
        with socket.create_connection(("127.0.0.1", port)) as c:
            c.sendall(data)
        sink.done.wait(10)
        return sink

    good = multi._pattern(200000)
    s = feed(good)
    yield "sink_pattern_ok", s.count == 200000 and s.first_bad is None
    bad = bytearray(good)
    bad[123456] ^= 1
    s = feed(bytes(bad))
    yield "sink_finds_wrong_byte", s.first_bad == 123456
