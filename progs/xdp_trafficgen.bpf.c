// SPDX-License-Identifier: GPL-2.0
/*
 * Wire traffic generator, run with BPF_PROG_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES: every run turns the template frame into a
 * fresh IPv4/UDP frame and returns XDP_TX, which live test_run sends out of
 * the device named by the context's ingress_ifindex (the generator's veth).
 *
 * Live frames live in a page pool and are recycled without being copied
 * again from the template, and the DUT rewrites TTL and MACs in place; so
 * every field that anybody changes is written here on every run, never
 * assumed from the template. Per frame: random source and destination inside
 * the configured prefixes, a sequence number and (on a sample of the frames)
 * a send timestamp in the payload, IPv4 checksum recomputed over the 20 B
 * header and the UDP checksum updated incrementally (RFC 1624) for the words
 * that changed.
 *
 * What each part costs decides how far the generator outruns a DUT: the
 * random numbers come from a counter-based mix (wire_gen_rnd(), two helper
 * calls of bpf_get_prandom_u32 cost more than everything else together but
 * the clock), and the clock is read for 1 frame in stamp_mask + 1. Where
 * the kernel refuses live frames, wire/wire_afpacket.c makes the same
 * frames in user space.
 *
 * The program is also attached to the generator's veth so that it stays in
 * the XDP dispatcher: test_run then skips the dispatcher update (and its
 * RCU grace periods, ~16 ms) it would otherwise do around every call. Frames
 * that reach it from the wire are not ours and are dropped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "wire_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wire_gen_cfg);
} gen_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wire_gen_stats);
} gen_stats SEC(".maps");

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 eqn. 3 for one 16-bit word: HC' = ~(~HC + ~m + m'). */
static __always_inline __u32 csum_replace16(__u32 sum, __u16 old, __u16 new)
{
	return sum + (__u16)~old + new;
}

static __always_inline __u16 ipv4_csum(const struct iphdr *iph)
{
	const __u16 *w = (const void *)iph;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < (int)sizeof(*iph) / 2; i++)
		sum += w[i];
	return ~csum_fold(sum);
}

struct pace_wait {
	__u64 due_ps;
	__u64 now_ns;
};

static long pace_spin(__u32 i, void *ctx)
{
	struct pace_wait *p = ctx;

	p->now_ns = bpf_ktime_get_ns();
	return p->now_ns * 1000 >= p->due_ps;
}

/*
 * Wait until the frame is due; the clock read on the way (0 if none).
 * Late by more than catchup_ps: the schedule restarts from now.
 */
static __always_inline __u64 pace(struct wire_gen_stats *st,
				  const struct wire_gen_cfg *cfg)
{
	struct pace_wait p = { .now_ns = bpf_ktime_get_ns() };
	__u64 now_ps = p.now_ns * 1000;

	if (!st->next_ps || now_ps > st->next_ps + cfg->catchup_ps) {
		if (st->next_ps)
			st->behind++;
		st->next_ps = now_ps;
	}
	if (now_ps < st->next_ps) {
		p.due_ps = st->next_ps;
		bpf_loop(1 << 20, pace_spin, &p, 0);
	}
	st->next_ps += cfg->interval_ps;
	return p.now_ns;
}

SEC("xdp")
int xdp_trafficgen(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct udphdr *udph = (void *)(iph + 1);
	struct wire_payload *pl = (void *)(udph + 1);
	struct wire_payload new_pl = {};
	struct wire_gen_stats *st;
	struct wire_gen_cfg *cfg;
	__u32 key = 0, saddr, daddr, sum, cpu;
	__u64 rnd, now = 0;
	__u16 check;
	const __u16 *old_w, *new_w;
	int i;

	st = bpf_map_lookup_elem(&gen_stats, &key);
	cfg = bpf_map_lookup_elem(&gen_config, &key);
	if (!st || !cfg)
		return XDP_ABORTED;
	if ((void *)(pl + 1) > data_end) {
		st->short_frames++;
		return XDP_DROP;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP) ||
	    iph->protocol != IPPROTO_UDP || pl->magic != WIRE_MAGIC) {
		st->foreign++;
		return XDP_DROP;
	}

	cpu = bpf_get_smp_processor_id();
	rnd = wire_gen_rnd(st->sent, cpu, cfg->seed);
	saddr = bpf_htonl(cfg->src_addr | ((__u32)rnd & cfg->src_host_mask));
	daddr = bpf_htonl(cfg->dst_addr |
			  ((__u32)(rnd >> 32) & cfg->dst_host_mask));
	if (cfg->interval_ps)
		now = pace(st, cfg);
	if (!(st->sent & cfg->stamp_mask))
		new_pl.ts_ns = (now ?: bpf_ktime_get_ns()) - cfg->ts_offset_ns;
	new_pl.seq = (__u32)st->sent;
	new_pl.stream = (__u16)cpu;
	new_pl.magic = WIRE_MAGIC;

	/* UDP checksum: pseudo-header addresses and payload words change. */
	if (udph->check) {
		sum = (__u16)~udph->check;
		sum = csum_replace16(sum, iph->saddr >> 16, saddr >> 16);
		sum = csum_replace16(sum, iph->saddr & 0xffff, saddr & 0xffff);
		sum = csum_replace16(sum, iph->daddr >> 16, daddr >> 16);
		sum = csum_replace16(sum, iph->daddr & 0xffff, daddr & 0xffff);
		old_w = (const void *)pl;
		new_w = (const void *)&new_pl;
#pragma unroll
		for (i = 0; i < (int)sizeof(new_pl) / 2; i++)
			sum = csum_replace16(sum, old_w[i], new_w[i]);
		check = ~csum_fold(sum);
		udph->check = check ?: 0xffff;	/* 0 would mean "none" */
	}
	__builtin_memcpy(pl, &new_pl, sizeof(new_pl));

	__builtin_memcpy(eth->h_dest, cfg->dst_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, cfg->src_mac, ETH_ALEN);
	iph->ttl = cfg->ttl;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = 0;
	iph->check = ipv4_csum(iph);

	st->sent++;
	st->bytes += data_end - data;
	return XDP_TX;
}

/*
 * The bare live-frames loop: the template sent as it is, no per-frame work.
 * What the generator above is measured against (generator efficiency).
 */
SEC("xdp")
int xdp_bare_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
