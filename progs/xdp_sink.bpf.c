// SPDX-License-Identifier: GPL-2.0
/*
 * Wire sink: the XDP program on the last veth of the wire topology. It counts
 * the generator's frames, follows each stream's sequence numbers (loss,
 * reordering), histograms one-way latency against the timestamp the
 * generator wrote (same host, same clock) and drops everything, so nothing
 * reaches the sink's stack.
 *
 * The tracing programs in this object count the frames the kernel drops on
 * the XDP paths of our devices (queue full in ndo_xdp_xmit, failed
 * redirects, aborted or invalid verdicts), keyed by network namespace and
 * ifindex, which only identify a device together (ifindex is per netns).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "wire_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wire_sink_stats);
} sink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WIRE_MAX_STREAMS);
	__type(key, __u32);
	__type(value, struct wire_stream_stats);
} sink_streams SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WIRE_HIST_BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} sink_latency SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wire_capture);
} sink_capture SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct wire_dev_key);
	__type(value, struct wire_dev_drops);
} wire_drops SEC(".maps");

static __always_inline void sink_latency_add(struct wire_sink_stats *st,
					     __u64 ts)
{
	__u64 now = bpf_ktime_get_ns(), lat, *bucket;
	__u32 idx;

	if (now < ts) {
		st->clock_neg++;
		return;
	}
	lat = now - ts;
	idx = wire_hist_index(lat);
	bucket = bpf_map_lookup_elem(&sink_latency, &idx);
	if (bucket)
		*bucket += 1;
	if (!st->lat_min || lat < st->lat_min)
		st->lat_min = lat;
	if (lat > st->lat_max)
		st->lat_max = lat;
}

static __always_inline void sink_sequence(const struct wire_payload *pl,
					  struct wire_sink_stats *st)
{
	struct wire_stream_stats *ss;
	__u32 stream = pl->stream;
	__u64 seq = pl->seq;

	ss = bpf_map_lookup_elem(&sink_streams, &stream);
	if (!ss) {
		st->bad_stream++;
		return;
	}
	ss->received++;
	if (seq + 1 > ss->next_seq)
		ss->next_seq = seq + 1;
	else
		ss->reordered++;
}

/* Copy the first frame after the harness armed the capture, only once. */
static __always_inline void sink_capture_frame(struct xdp_md *ctx, __u32 len)
{
	struct wire_capture *cap;
	__u32 key = 0;

	cap = bpf_map_lookup_elem(&sink_capture, &key);
	if (!cap || cap->state != WIRE_CAPTURE_ARMED)
		return;
	if (__sync_val_compare_and_swap(&cap->state, WIRE_CAPTURE_ARMED,
					WIRE_CAPTURE_BUSY) != WIRE_CAPTURE_ARMED)
		return;
	if (bpf_xdp_load_bytes(ctx, 0, cap->data, WIRE_CAPTURE_LEN) == 0)
		cap->len = len;
	__sync_lock_test_and_set(&cap->state, WIRE_CAPTURE_DONE);
}

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct udphdr *udph = (void *)(iph + 1);
	struct wire_payload *pl = (void *)(udph + 1);
	struct wire_sink_stats *st;
	__u32 key = 0, len = data_end - data;

	st = bpf_map_lookup_elem(&sink_stats, &key);
	if (!st)
		return XDP_DROP;
	if ((void *)(pl + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    iph->ihl != 5 || iph->protocol != IPPROTO_UDP ||
	    pl->magic != WIRE_MAGIC) {
		st->foreign++;
		return XDP_DROP;
	}
	st->pkts++;
	st->bytes += len;
	sink_sequence(pl, st);
	if (pl->ts_ns) {
		st->stamped++;
		sink_latency_add(st, pl->ts_ns);
	}
	sink_capture_frame(ctx, len);
	return XDP_DROP;
}

/*
 * For --dut-dev in native mode: drivers that transmit redirected frames only
 * with an XDP program of their own get this one on the egress port.
 */
SEC("xdp")
int xdp_wire_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* A DUT that only drops: what the generator alone can offer. */
SEC("xdp")
int xdp_wire_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

/* Only the fields read here; libbpf relocates them against kernel BTF. */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct bpf_prog;

struct net_device {
	struct {
		struct net *net;
	} nd_net;
	int ifindex;
} __attribute__((preserve_access_index));

static __always_inline struct wire_dev_drops *
wire_dev_lookup(const struct net_device *dev)
{
	struct wire_dev_key key = {};

	if (!dev)
		return NULL;
	key.netns_ino = dev->nd_net.net->ns.inum;
	key.ifindex = dev->ifindex;
	return bpf_map_lookup_elem(&wire_drops, &key);
}

SEC("tp_btf/xdp_devmap_xmit")
int BPF_PROG(wire_devmap_xmit, const struct net_device *from_dev,
	     const struct net_device *to_dev, int sent, int drops, int err)
{
	struct wire_dev_drops *d = wire_dev_lookup(to_dev);

	if (d && drops > 0)
		__sync_fetch_and_add(&d->xmit_drops, drops);
	return 0;
}

SEC("tp_btf/xdp_redirect_err")
int BPF_PROG(wire_redirect_err, const struct net_device *dev,
	     const struct bpf_prog *xdp, const void *tgt, int err)
{
	struct wire_dev_drops *d = wire_dev_lookup(dev);

	if (d)
		__sync_fetch_and_add(&d->redirect_err, 1);
	return 0;
}

SEC("tp_btf/xdp_exception")
int BPF_PROG(wire_exception, const struct net_device *dev,
	     const struct bpf_prog *xdp, __u32 act)
{
	struct wire_dev_drops *d;

	/*
	 * A failed XDP_TX is also in the device's own drop counters (veth
	 * rx_drops, generic tx_dropped), which the harness reads: not twice.
	 */
	if (act == XDP_TX)
		return 0;
	d = wire_dev_lookup(dev);
	if (d)
		__sync_fetch_and_add(&d->exception, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
