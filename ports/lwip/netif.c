/* SPDX-License-Identifier: MIT */
/*
 * lwIP's network interface over one of dom0's NICs (port/netdev.h):
 * Ethernet with ARP, IPv4 from DHCP or a static address.  Frames go out
 * through netdev_send (copied into one flat buffer: the driver takes a
 * frame in one piece) and come in through hestia_netif_poll, which the
 * thread that owns lwIP calls (ports/common/dom0_net.c).
 */
#include <string.h>

#include "hestia_lwip.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "port/kernel.h"
#include "port/netdev.h"

#define FRAME_MAX 1536 /* 1514 and a little: the MTU is 1500 */

static struct netif nif;
static struct netdev *nic;
/* A jumbo link's buffers are allocated when it starts: every image carries the .bss. */
static uint8_t small_out[FRAME_MAX], small_in[2048];
static uint8_t *frame_out = small_out, *frame_in = small_in;
static size_t frame_out_size = sizeof small_out, frame_in_size = sizeof small_in;
static unsigned long frames_dropped;

static err_t link_output(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (p->tot_len > frame_out_size)
        return ERR_BUF;
    u16_t len = pbuf_copy_partial(p, frame_out, p->tot_len, 0);
    return netdev_send(nic, frame_out, len) < 0 ? ERR_IF : ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->mtu = 1500;
    unsigned mtu = netdev_mtu(nic);
    if (mtu > n->mtu) { /* two frames of mtu + 14 bytes, whole pages */
        unsigned pages = (mtu + 14 + HESTIA_PAGE_SIZE - 1) / HESTIA_PAGE_SIZE;
        long g = frames_alloc(2 * pages);
        if (g >= 0) {
            frame_out = gfn_to_va((uint64_t)g);
            frame_in = gfn_to_va((uint64_t)g + pages);
            frame_out_size = frame_in_size = (size_t)pages * HESTIA_PAGE_SIZE;
            n->mtu = (u16_t)mtu;
        }
    }
    n->hwaddr_len = ETH_HWADDR_LEN;
    netdev_mac(nic, n->hwaddr);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->linkoutput = link_output;
    return ERR_OK;
}

int hestia_netif_start(struct netdev *dev, const struct hestia_netif_config *cfg)
{
    ip4_addr_t addr, mask, gw;
    nic = dev;
    ip4_addr_set_u32(&addr, cfg->dhcp ? 0 : lwip_htonl(cfg->addr));
    ip4_addr_set_u32(&mask, cfg->dhcp ? 0 : lwip_htonl(cfg->mask));
    ip4_addr_set_u32(&gw, cfg->dhcp ? 0 : lwip_htonl(cfg->gw));
    if (!netif_add(&nif, &addr, &mask, &gw, NULL, netif_setup, ethernet_input))
        return -1;
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    if (cfg->dhcp && dhcp_start(&nif) != ERR_OK)
        return -1;
    return 0;
}

uint32_t hestia_netif_address(void)
{
    return lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&nif)));
}

unsigned hestia_netif_poll(void)
{
    unsigned got = 0;
    if (!nic)
        return 0; /* not started yet */
    /* A bounded burst, so lwIP's timers and the senders get their turn. */
    while (got < 64) {
        long n = netdev_recv(nic, frame_in, frame_in_size);
        if (n <= 0)
            break;
        got++;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (!p) {
            frames_dropped++; /* TCP retransmits; ARP and DHCP retry */
            continue;
        }
        pbuf_take(p, frame_in, (u16_t)n);
        if (nif.input(p, &nif) != ERR_OK)
            pbuf_free(p);
    }
    return got;
}

void hestia_netif_wait(uint64_t deadline_ns)
{
    if (nic)
        netdev_wait(nic, deadline_ns);
    else
        thread_sleep_until(deadline_ns);
}
