/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ABI shared by the wire programs (xdp_trafficgen, xdp_sink) and the harness
 * (wire_*.c): the payload every generated frame carries, how its addresses
 * are drawn, the per-CPU counters and the latency histogram layout.
 *
 * Both ends run on the same host, so the payload is in host byte order and
 * the timestamps come from one clock (bpf_ktime_get_ns, CLOCK_MONOTONIC).
 */
#ifndef __WIRE_ABI_H
#define __WIRE_ABI_H

#include <linux/types.h>

/* Marks a frame of ours; anything else reaching the sink is "foreign". */
#define WIRE_MAGIC		0x5850
/* 14 B Ethernet + 20 B IPv4 + 8 B UDP: where the payload starts. */
#define WIRE_PAYLOAD_OFF	42
/* Bytes of the first frame the sink copies for the functional checks. */
#define WIRE_CAPTURE_LEN	60
/* Streams are generator CPUs: one sequence space per CPU. */
#define WIRE_MAX_STREAMS	64

/* 16 B, fits the 18 B of payload a 64 B frame leaves after the headers. */
struct wire_payload {
	__u64 ts_ns;		/* CLOCK_MONOTONIC at generation - offset, 0: none */
	__u32 seq;		/* per stream, from 0 at the start of a trial */
	__u16 stream;		/* generator CPU */
	__u16 magic;		/* WIRE_MAGIC */
};

/*
 * Generator configuration (map gen_config, one entry): a trial changes it
 * without a reload. Addresses in host byte order, host bits set in masks.
 */
struct wire_gen_cfg {
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u32 src_addr;
	__u32 src_host_mask;
	__u32 dst_addr;
	__u32 dst_host_mask;
	__u16 sport;
	__u16 dport;
	__u32 ttl;
	__u64 ts_offset_ns;	/* stamp this much in the past (latency test) */
	__u64 seed;		/* of the addresses (--seed) */
	/*
	 * Frames whose sequence number has none of these bits set carry a
	 * timestamp, the others 0: reading the clock costs more than all
	 * the rest of the per-frame work, and latency percentiles need a
	 * sample, not every frame.
	 */
	__u32 stamp_mask;
	__u32 pad;
	/*
	 * Pacing inside the program, 0: none. Each frame leaves no earlier
	 * than interval_ps after the one before on its CPU (a bpf_loop() on
	 * the clock), so that a long test_run call offers a steady rate
	 * instead of a burst at the generator's speed; a frame later than
	 * catchup_ps behind its schedule restarts the schedule instead of
	 * catching up in a burst.
	 */
	__u64 interval_ps;
	__u64 catchup_ps;
};

/*
 * The generator's 64 random bits of a frame (its source and destination
 * host bits): splitmix64's finaliser of a counter made of the stream's
 * sequence number, the stream and the seed. The XDP generator and the
 * AF_PACKET sender (wire/wire_afpacket.c) share it: both send the same
 * addresses for the same (sequence number, stream, seed).
 */
static inline __u64 wire_gen_rnd(__u64 seq, __u32 stream, __u64 seed)
{
	__u64 x = (seq + ((__u64)stream << 40)) * 0x9e3779b97f4a7c15ULL + seed;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Per CPU = per stream on the generator side. */
struct wire_gen_stats {
	__u64 sent;		/* frames returned with XDP_TX = next seq */
	__u64 bytes;		/* their buffer bytes (frame size - FCS) */
	__u64 short_frames;	/* template shorter than header + payload */
	__u64 foreign;		/* frames received from the wire: dropped */
	__u64 next_ps;		/* pacing: when the next frame is due, 0: now */
	__u64 behind;		/* pacing: schedule restarts (fell behind) */
};

/* Per CPU on the sink side. */
struct wire_sink_stats {
	__u64 pkts;		/* frames of ours */
	__u64 bytes;		/* their buffer bytes */
	__u64 foreign;		/* anything else (not IPv4/UDP or no magic) */
	__u64 bad_stream;	/* stream id >= WIRE_MAX_STREAMS */
	__u64 clock_neg;	/* timestamp in the future: not histogrammed */
	__u64 stamped;		/* frames of ours with a timestamp */
	__u64 lat_min;		/* 0 = none yet */
	__u64 lat_max;
};

/* Per CPU and stream, on the sink side. */
struct wire_stream_stats {
	__u64 received;
	__u64 next_seq;		/* highest sequence seen + 1 */
	__u64 reordered;	/* arrived after a higher sequence number */
};

/* A device of the topology: ifindex alone is only unique inside a netns. */
struct wire_dev_key {
	__u32 netns_ino;
	__u32 ifindex;
};

/* Kernel drops on the XDP paths of one device, from the xdp tracepoints. */
struct wire_dev_drops {
	__u64 xmit_drops;	/* xdp_devmap_xmit: ndo_xdp_xmit refused (to_dev) */
	__u64 redirect_err;	/* xdp_redirect_err: redirect failed (rx dev) */
	__u64 exception;	/* xdp_exception: aborted or invalid verdict */
};

/* The sink copies one frame when state goes ARMED -> DONE. */
enum wire_capture_state {
	WIRE_CAPTURE_IDLE = 0,
	WIRE_CAPTURE_ARMED,
	WIRE_CAPTURE_BUSY,
	WIRE_CAPTURE_DONE,
};

struct wire_capture {
	__u32 state;
	__u32 len;		/* frame buffer length */
	__u8 data[WIRE_CAPTURE_LEN];
};

/*
 * Log-linear latency histogram: values below 2^SUB_BITS ns have a bucket of
 * their own; above, each power of two is split into 2^SUB_BITS buckets, so
 * a bucket is at most 1/128 = 0.78% of its lower bound wide.
 */
#define WIRE_HIST_SUB_BITS	7
#define WIRE_HIST_SUB		(1U << WIRE_HIST_SUB_BITS)
#define WIRE_HIST_BUCKETS	(WIRE_HIST_SUB + (64 - WIRE_HIST_SUB_BITS) * WIRE_HIST_SUB)

/* Most significant bit set in v (v > 0), without loops or clz. */
static inline __u32 wire_msb64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

static inline __u32 wire_hist_index(__u64 v)
{
	__u32 msb, shift;

	if (v < WIRE_HIST_SUB)
		return (__u32)v;
	msb = wire_msb64(v);
	shift = msb - WIRE_HIST_SUB_BITS;
	return WIRE_HIST_SUB + shift * WIRE_HIST_SUB +
	       (__u32)((v >> shift) - WIRE_HIST_SUB);
}

/* Smallest value that falls into bucket idx. */
static inline __u64 wire_hist_lower(__u32 idx)
{
	__u32 shift;

	if (idx < WIRE_HIST_SUB)
		return idx;
	shift = (idx - WIRE_HIST_SUB) / WIRE_HIST_SUB;
	return (__u64)(WIRE_HIST_SUB + (idx - WIRE_HIST_SUB) % WIRE_HIST_SUB)
	       << shift;
}

/* Width of bucket idx (values lower .. lower + width - 1). */
static inline __u64 wire_hist_width(__u32 idx)
{
	if (idx < WIRE_HIST_SUB)
		return 1;
	return 1ULL << ((idx - WIRE_HIST_SUB) / WIRE_HIST_SUB);
}

#endif /* __WIRE_ABI_H */
