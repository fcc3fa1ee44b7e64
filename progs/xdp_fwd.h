/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ABI shared by the base forwarder (BPF side) and the harness (user side):
 * verdict reasons, the per-port table and the configuration record.
 */
#ifndef __XDP_FWD_H
#define __XDP_FWD_H

/* Why the forwarder returned what it returned; index of fwd_stats. */
enum fwd_reason {
	FWD_REDIRECT = 0,	/* forwarded with XDP_REDIRECT */
	FWD_TX,			/* forwarded with XDP_TX */
	FWD_PASS_NOT_IPV4,	/* ARP, IPv6, QinQ, ...: left to the stack */
	FWD_PASS_TRUNC_ETH,	/* shorter than Ethernet (+ VLAN) header */
	FWD_PASS_TRUNC_IP,	/* shorter than a 20 B IPv4 header */
	FWD_PASS_BAD_VERSION,	/* EtherType IPv4 but version != 4 */
	FWD_PASS_BAD_IHL,	/* IHL < 5 */
	FWD_PASS_BAD_TOTLEN,	/* total length < IHL*4 or beyond the frame */
	FWD_PASS_TTL,		/* TTL <= 1: the stack sends ICMP time exceeded */
	FWD_PASS_NO_PORT,	/* egress port missing from the devmap */
	FWD_PASS_EXTRA,		/* generated extension asked to pass (never in practice) */
	FWD_REASON_MAX
};

enum fwd_port_id {
	FWD_PORT_A = 0,
	FWD_PORT_B = 1,
	FWD_PORT_MAX
};

/* Egress rewrite for one port: our MAC as source, next hop as destination. */
struct fwd_port {
	unsigned char src_mac[6];
	unsigned char dst_mac[6];
};

/* Single-entry configuration, in a plain ARRAY so that offload can use it. */
struct fwd_config {
	unsigned int port_a_ifindex;	/* frames from it go to B, others to A */
	unsigned int use_tx;		/* XDP_TX instead of XDP_REDIRECT */
	unsigned int rearm;		/* restore TTL/checksum after the rewrite */
	unsigned int pad;
};

#endif /* __XDP_FWD_H */
