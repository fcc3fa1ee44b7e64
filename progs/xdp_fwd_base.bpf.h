/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The base IPv4 forwarder, as an inline function every measured program is
 * built on. progs/xdp_fwd.bpf.c wraps it as is; gen/xdpgen wraps it with a
 * generated extension placed on the per-packet forwarding path:
 *
 *   #define XDP_FWD_EXTRA(ctx, data, data_end, iph) my_extension(...)
 *
 * The extension runs on every frame that is about to be forwarded (after all
 * validation, before the rewrite) and returns a __u64 that the forwarder
 * consumes, so that nothing it computes can be optimised away. It returns
 * FWD_EXTRA_PASS only to force XDP_PASS, which generated code never does.
 *
 * Defining XDP_FWD_OFFLOAD builds the variant the Netronome nfp can run:
 * no devmap (XDP_TX only) and a shared ARRAY with atomic adds for counters.
 */
#ifndef __XDP_FWD_BASE_BPF_H
#define __XDP_FWD_BASE_BPF_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdp_fwd.h"

#define FWD_EXTRA_PASS 0x5a5a5a5a5a5a5a5aULL

struct fwd_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fwd_config);
} fwd_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FWD_PORT_MAX);
	__type(key, __u32);
	__type(value, struct fwd_port);
} fwd_ports SEC(".maps");

#ifdef XDP_FWD_OFFLOAD
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FWD_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} fwd_stats SEC(".maps");

static __always_inline void fwd_count(__u32 reason)
{
	__u64 *cnt = bpf_map_lookup_elem(&fwd_stats, &reason);

	if (cnt)
		__sync_fetch_and_add(cnt, 1);	/* nfp: atomic add only */
}
#else
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FWD_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} fwd_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, FWD_PORT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} fwd_tx_ports SEC(".maps");

static __always_inline void fwd_count(__u32 reason)
{
	__u64 *cnt = bpf_map_lookup_elem(&fwd_stats, &reason);

	if (cnt)
		*cnt += 1;
}
#endif

static __always_inline int fwd_pass(__u32 reason)
{
	fwd_count(reason);
	return XDP_PASS;
}

/* RFC 1624 update for TTL - 1, as the kernel's ip_decrease_ttl() does. */
static __always_inline void fwd_decrease_ttl(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xFFFF));
	iph->ttl--;
}

static __always_inline int xdp_fwd_run(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct fwd_config *cfg;
	struct fwd_port *port;
	struct iphdr *iph;
	__u32 key = 0, egress, tot_len, reason;
	__u16 proto, old_check;
	__u8 old_ttl;
	int act;

	if ((void *)(eth + 1) > data_end)
		return fwd_pass(FWD_PASS_TRUNC_ETH);
	proto = eth->h_proto;
	iph = (void *)(eth + 1);
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct fwd_vlan_hdr *vh = (void *)(eth + 1);

		if ((void *)(vh + 1) > data_end)
			return fwd_pass(FWD_PASS_TRUNC_ETH);
		proto = vh->encap_proto;
		iph = (void *)(vh + 1);
	}
	if (proto != bpf_htons(ETH_P_IP))
		return fwd_pass(FWD_PASS_NOT_IPV4);
	if ((void *)(iph + 1) > data_end)
		return fwd_pass(FWD_PASS_TRUNC_IP);
	if (iph->version != 4)
		return fwd_pass(FWD_PASS_BAD_VERSION);
	if (iph->ihl < 5)
		return fwd_pass(FWD_PASS_BAD_IHL);
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < (__u32)iph->ihl * 4 || tot_len > data_end - (void *)iph)
		return fwd_pass(FWD_PASS_BAD_TOTLEN);
	if (iph->ttl <= 1)
		return fwd_pass(FWD_PASS_TTL);

	cfg = bpf_map_lookup_elem(&fwd_cfg, &key);
	if (!cfg)
		return fwd_pass(FWD_PASS_NO_PORT);

#ifdef XDP_FWD_EXTRA
	if (XDP_FWD_EXTRA(ctx, data, data_end, iph) == FWD_EXTRA_PASS)
		return fwd_pass(FWD_PASS_EXTRA);
#endif

	egress = ctx->ingress_ifindex == cfg->port_a_ifindex ?
		 FWD_PORT_B : FWD_PORT_A;
	port = bpf_map_lookup_elem(&fwd_ports, &egress);
	if (!port)
		return fwd_pass(FWD_PASS_NO_PORT);

#ifdef XDP_FWD_OFFLOAD
	act = XDP_TX;
#else
	if (cfg->use_tx) {
		act = XDP_TX;
	} else {
		/* Before any rewrite: a missing port passes the frame intact. */
		act = bpf_redirect_map(&fwd_tx_ports, egress, 0);
		if (act != XDP_REDIRECT)
			return fwd_pass(FWD_PASS_NO_PORT);
	}
#endif
	old_ttl = iph->ttl;
	old_check = iph->check;
	fwd_decrease_ttl(iph);
	__builtin_memcpy(eth->h_source, port->src_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, port->dst_mac, ETH_ALEN);
	/*
	 * BPF_PROG_TEST_RUN reuses one buffer for every repetition, so a
	 * benchmark would see TTL 64, 63, ... 1 and then time the TTL-expired
	 * path. The harness sets rearm for timed runs only (never on the wire).
	 */
	if (cfg->rearm) {
		iph->ttl = old_ttl;
		iph->check = old_check;
	}
	reason = act == XDP_TX ? FWD_TX : FWD_REDIRECT;
	fwd_count(reason);
	return act;
}

#endif /* __XDP_FWD_BASE_BPF_H */
