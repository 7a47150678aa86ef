/* SPDX-License-Identifier: MIT */
/*
 * dom0's toolstack over TCP (ts_server.c): the console prompt's commands
 * for a client that proves it knows the token.  The protocol is in
 * docs/network.md: a request line is answered by output lines starting
 * "| " and one status line, "OK" or "ERR <words>".
 */
#ifndef PORT_TSSERVER_H
#define PORT_TSSERVER_H

#include <stdint.h>

#define TS_DEFAULT_PORT 7777
#define TS_TOKEN_MAX 64
#define TS_MAX_CONNS 4

/*
 * Listen on TCP port (any address of the stack) for clients whose first
 * line is "token <token>".  lwIP must be started; the caller's loop runs
 * lwIP (hestia_lwip_poll), which runs the commands.  0 or a negative error.
 */
long ts_server_start(uint16_t port, const char *token);
/* Stop listening (open connections finish on their own). */
void ts_server_stop(void);
/* Connections open now (tests: every one is freed after a disconnect). */
unsigned ts_server_connections(void);
/* A fresh random token of 16 hex digits, for when the command line gives none. */
void ts_server_make_token(char out[TS_TOKEN_MAX + 1]);

#endif
