# SPDX-License-Identifier: MIT
"""`./hestia ctl`: dom0's toolstack over TCP (ports/common/ts_server.c).

The protocol (docs/network.md): the client's first line is `token <T>`;
each request line is answered by output lines starting "| " and one status
line, "OK" or "ERR <words>".  A wrong token gets an ERR line and the
connection is closed.
"""
import socket

from .util import HestiaError

DEFAULT_PORT = 7777


class CtlError(Exception):
    """The server answered ERR (words in str(e)), or the connection failed."""


class Client:
    def __init__(self, port, token, host="127.0.0.1", timeout=30.0):
        self.buf = b""
        try:
            self.sock = socket.create_connection((host, port), timeout=timeout)
        except ConnectionRefusedError:
            raise CtlError(f"nothing listens on {host}:{port} (is `./hestia run` up, "
                           f"and dom0's network?)") from None
        except OSError as e:
            raise CtlError(f"cannot connect to {host}:{port}: {e}") from None
        status, _ = self.request_raw(f"token {token}".encode())
        if status != "OK":
            self.close()
            raise CtlError(f"token refused: {status}")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _line(self):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                raise CtlError("no answer in time") from None
            except OSError as e:
                raise CtlError(f"connection lost: {e}") from None
            if not chunk:
                raise CtlError("the server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def request_raw(self, data):
        """Send one line (bytes, no newline): (status line, [output lines])."""
        try:
            self.sock.sendall(data + b"\n")
        except OSError as e:
            raise CtlError(f"connection lost: {e}") from None
        out = []
        while True:
            line = self._line()
            if line.startswith("| "):
                out.append(line[2:])
            elif line == "OK" or line.startswith("ERR"):
                return line, out
            else:
                raise CtlError(f"not a line of the protocol: {line!r}")

    def request(self, command):
        """Run one command: its output lines; CtlError on ERR."""
        status, out = self.request_raw(command.encode())
        if status != "OK":
            raise CtlError(status[4:] if status.startswith("ERR ") else status)
        return out


def main(port, token, words):
    """./hestia ctl: print the output, exit 1 on ERR."""
    if not words:
        raise HestiaError("ctl: give a command, e.g. ./hestia ctl --port P --token T list")
    if not token:
        raise HestiaError("ctl: --token T is needed (dom0 prints it at boot; "
                          "`./hestia run` prints the whole line)")
    try:
        c = Client(port, token)
    except CtlError as e:
        print(f"ctl: {e}")
        return 1
    try:
        status, out = c.request_raw(" ".join(words).encode())
    except CtlError as e:
        # poweroff ends the machine before it can answer: the hang-up is the answer.
        if words[0] in ("poweroff", "quit") and "closed the connection" in str(e):
            print("ctl: dom0 powered off")
            return 0
        print(f"ctl: {e}")
        return 1
    finally:
        c.close()
    for line in out:
        print(line)
    if status != "OK":
        print(f"ctl: {status}")
        return 1
    return 0
