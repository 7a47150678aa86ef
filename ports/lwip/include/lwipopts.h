/* SPDX-License-Identifier: MIT */
/*
 * lwIP configuration of Hestia's guest (dom0's network stack): no OS layer
 * (NO_SYS, raw API driven by dom0's event loop), IPv4 with TCP, UDP, ICMP,
 * ARP and DHCP.  The same file configures the host test (tests/lwip).
 *
 * Memory: lwIP's heap is not a static array (every domU would carry it in
 * its .bss, the image is shared by all roles) but a block the glue
 * allocates when the stack starts (LWIP_RAM_HEAP_POINTER), and the pools
 * come out of that heap (MEMP_MEM_MALLOC).
 */
#ifndef HESTIA_LWIPOPTS_H
#define HESTIA_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 0
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
/* 127.0.0.1 (the self-test's transfer and any local client). */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
/*
 * SOF_REUSEADDR for listeners bound again and again (a migration receive
 * per attempt): without it a connection this side closed first sits in
 * TIME-WAIT for 2 MSL and tcp_bind of its port fails (ERR_USE).
 */
#define SO_REUSE 1

/* Heap and pools: see the comment at the top. */
extern void *hestia_lwip_heap;
#define LWIP_RAM_HEAP_POINTER hestia_lwip_heap
#define MEM_ALIGNMENT 8
#define MEM_SIZE (512 * 1024)
#define MEMP_MEM_MALLOC 1
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_SEG 256
#define PBUF_POOL_SIZE 64

/*
 * TCP_MSS is the largest segment: 8960 on a jumbo link (MTU 9000, the
 * migrate scenarios' machine-to-machine link, ports/common/virtio/net.c);
 * on a 1500 link lwIP advertises and uses 1460 (its MSS follows the
 * netif's MTU).  The buffers are in bytes, the same for either: 43 frames
 * of 1460 or 7 of 8960 in flight, just under the 64 KiB an unscaled window
 * allows.  Pool buffers stay Ethernet-sized: a jumbo frame takes a chain.
 */
#define TCP_MSS 8960
#define TCP_WND (43 * 1460)
#define TCP_SND_BUF (43 * 1460)
#define TCP_SND_QUEUELEN 172
#define PBUF_POOL_BUFSIZE 1520
#define TCP_WND_UPDATE_THRESHOLD (4 * 1460)
#define TCP_SNDLOWAT (2 * TCP_MSS + 1) /* lwIP: 4 MSS below 64 KiB */
#define LWIP_TCP_KEEPALIVE 1

#define LWIP_STATS 0
#define LWIP_NOASSERT_ON_ERROR 0

/* Random numbers (ports/lwip/glue.c): initial sequence numbers, ports, DHCP xid. */
unsigned int hestia_lwip_rand(void);
#define LWIP_RAND() hestia_lwip_rand()

#endif
