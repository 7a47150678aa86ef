/* SPDX-License-Identifier: MIT */
#include <port/kernel.h>
void dom0_main(void) { selftest_main(); }
void role_ping(void) {}
void role_pong(void) {}
void role_producer(void) {}
void role_consumer(void) {}
void role_burner(void) {}
void role_hostile(void) {}
void role_victim(void) {}
void role_demo(void) {}
void bench_main(void) {}
void role_bench_peer(void) {}
