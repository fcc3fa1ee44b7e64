// SPDX-License-Identifier: GPL-2.0
/* The metric registry (see metrics.h). */
#include <string.h>

#include "metrics.h"
#include "util.h"

#define LOWER	METRIC_LOWER_BETTER
#define HIGHER	METRIC_HIGHER_BETTER
#define NODIR	METRIC_DIR_NONE
#define PRIM	METRIC_PRIMARY
#define DIAG	METRIC_DIAGNOSTIC
#define TIME	METRIC_KIND_TIME
#define RATE	METRIC_KIND_RATE
#define LOAD	METRIC_KIND_LOAD
#define BITS	METRIC_KIND_BITRATE
#define LAT	METRIC_KIND_LATENCY
#define CPU	METRIC_KIND_CPU_SHARE
#define LOSS	METRIC_KIND_LOSS

static const struct metric_def metrics[METRIC__COUNT] = {
	[METRIC_NS_PER_PKT] = { "ns_per_pkt", "ns", LOWER, PRIM, TIME,
		"time per packet (BPF_PROG_TEST_RUN)" },
	/* 1000 / ns_per_pkt: the same information, tested once */
	[METRIC_MPPS] = { "mpps", "Mpps", HIGHER, DIAG, RATE,
		"packets per second (1000 / ns per packet)" },
	[METRIC_MPPS_MAX] = { "mpps_max", "Mpps", HIGHER, PRIM, RATE,
		"forwarding rate at full offered load" },
	[METRIC_GBPS_MAX] = { "gbps_max", "Gbit/s", HIGHER, DIAG, BITS,
		"bit rate at full offered load" },
	[METRIC_MPPS_OFFERED_MAX] = { "mpps_offered_max", "Mpps", NODIR, DIAG, LOAD,
		"offered load of the full-load trial" },
	[METRIC_LOSS_PCT_MAX] = { "loss_pct_max", "%", LOWER, DIAG, LOSS,
		"loss at full offered load" },
	[METRIC_MPPS_ZERO_LOSS] = { "mpps_zero_loss", "Mpps", HIGHER, PRIM, RATE,
		"zero-loss throughput (RFC 2544)" },
	[METRIC_GBPS_ZERO_LOSS] = { "gbps_zero_loss", "Gbit/s", HIGHER, DIAG, BITS,
		"zero-loss bit rate" },
	[METRIC_LATENCY_P50] = { "latency_p50", "ns", LOWER, PRIM, LAT,
		"one-way latency, median" },
	[METRIC_LATENCY_P90] = { "latency_p90", "ns", LOWER, DIAG, LAT,
		"one-way latency, 90th percentile" },
	[METRIC_LATENCY_P99] = { "latency_p99", "ns", LOWER, PRIM, LAT,
		"one-way latency, 99th percentile" },
	[METRIC_LATENCY_P999] = { "latency_p999", "ns", LOWER, DIAG, LAT,
		"one-way latency, 99.9th percentile" },
	/* one frame's worst case: a scheduling event, not a property */
	[METRIC_LATENCY_MAX] = { "latency_max", "ns", LOWER, DIAG, LAT,
		"one-way latency, maximum" },
	[METRIC_CPU_HOST_NS] = { "cpu_host_ns", "ns", LOWER, PRIM, TIME,
		"host CPU time per packet" },
	[METRIC_CPU_HOST_PCT] = { "cpu_host_pct", "%", NODIR, DIAG, CPU,
		"host CPU busy share" },
	[METRIC_CPU_PROG_NS] = { "cpu_prog_ns", "ns", LOWER, PRIM, TIME,
		"program time per packet (bpf_stats)" },
	[METRIC_CPU_PROG_PCT] = { "cpu_prog_pct", "%", NODIR, DIAG, CPU,
		"program share of one core (bpf_stats)" },
	[METRIC_GEN_CPU_PCT] = { "gen_cpu_pct", "%", NODIR, DIAG, CPU,
		"generator threads' CPU share" },
	[METRIC_KSOFTIRQD_PCT] = { "ksoftirqd_pct", "%", NODIR, DIAG, CPU,
		"ksoftirqd CPU share on the generator's CPUs" },
	[METRIC_MPPS_IN] = { "mpps_in", "Mpps", NODIR, DIAG, LOAD,
		"rate arriving at the DUT's input" },
	[METRIC_MPPS_FWD] = { "mpps_fwd", "Mpps", HIGHER, PRIM, RATE,
		"rate the DUT program forwarded" },
	[METRIC_MPPS_OUT] = { "mpps_out", "Mpps", HIGHER, DIAG, RATE,
		"rate leaving the DUT's output" },
	[METRIC_GBPS_OUT] = { "gbps_out", "Gbit/s", HIGHER, DIAG, BITS,
		"bit rate leaving the DUT's output" },
	[METRIC_DROP_PCT_IN] = { "drop_pct_in", "%", LOWER, DIAG, LOSS,
		"share of input frames dropped" },
	/*
	 * ns_per_pkt / the reference's (the base forwarder measured in the
	 * same round at the same size): cancels what moves both.
	 */
	[METRIC_REL_REF] = { "rel_ref", "ratio", LOWER, DIAG, METRIC_KIND_OTHER,
		"time per packet relative to the reference forwarder" },
	/* 1: the zero-loss rate is a lower bound (the DUT kept up) */
	[METRIC_GENERATOR_LIMITED] = { "generator_limited", "0/1", NODIR, DIAG,
		METRIC_KIND_OTHER, "zero-loss rate limited by the generator" },
	[METRIC_LOSS_DUT_PCT_MAX] = { "loss_dut_pct_max", "%", LOWER, DIAG, LOSS,
		"loss at the DUT at full offered load" },
	/* the x of the load curves (op load_<P>pct): no figure of its own */
	[METRIC_MPPS_OFFERED] = { "mpps_offered", "Mpps", NODIR, DIAG,
		METRIC_KIND_OTHER, "offered load of the trial" },
	[METRIC_DUT_CPU_PCT] = { "dut_cpu_pct", "%", NODIR, DIAG, CPU,
		"DUT CPU busy share" },
	[METRIC_CPU_DUT_NS] = { "cpu_dut_ns_per_pkt", "ns", LOWER, PRIM, TIME,
		"DUT CPU time per packet" },
	/* an estimate: half a burst of generator time */
	[METRIC_LATENCY_BATCH_NS] = { "latency_batch_ns", "ns", NODIR, DIAG, LAT,
		"generator batch's share of the latency" },
	[METRIC_MPPS_GEN] = { "mpps_gen", "Mpps", HIGHER, DIAG, LOAD,
		"generator rate into a dropping DUT" },
	[METRIC_MPPS_GEN_BARE] = { "mpps_gen_bare", "Mpps", NODIR, DIAG, LOAD,
		"bare live-frames loop (XDP_TX) rate" },
	[METRIC_GEN_BARE_RATIO] = { "gen_bare_ratio", "x", HIGHER, DIAG,
		METRIC_KIND_OTHER, "generator rate / bare loop rate" },
	/* 1000 / mpps_zero_loss: the wire's time per packet */
	[METRIC_WIRE_NS] = { "wire_ns_per_pkt", "ns", LOWER, DIAG, TIME,
		"wire time per packet at the zero-loss rate" },
	[METRIC_PATH_NS] = { "path_ns_per_pkt", "ns", LOWER, DIAG, TIME,
		"path overhead per packet (wire - test_run)" },
	[METRIC_TEST_RUN_RATIO] = { "test_run_ratio", "x", NODIR, DIAG,
		METRIC_KIND_OTHER, "zero-loss rate x test_run time per packet" },
	/* which sender made a wire point's traffic: 0 live frames, 1 AF_PACKET */
	[METRIC_GEN_SENDER] = { "gen_sender", "id", NODIR, DIAG,
		METRIC_KIND_OTHER, "traffic sender (0 live frames, 1 AF_PACKET)" },
};

const struct metric_def *metric_def(enum metric_id id)
{
	return &metrics[id < METRIC__COUNT ? id : 0];
}

const struct metric_def *metric_by_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(metrics); i++)
		if (!strcmp(metrics[i].name, name))
			return &metrics[i];
	return NULL;
}

bool metric_is(const char *name, enum metric_id id)
{
	return name && id < METRIC__COUNT && !strcmp(name, metrics[id].name);
}

enum metric_dir metric_dir_of(const char *name)
{
	const struct metric_def *m = metric_by_name(name);

	return m ? m->dir : METRIC_DIR_NONE;
}

enum metric_kind metric_kind_of(const char *name)
{
	const struct metric_def *m = metric_by_name(name);

	return m ? m->kind : METRIC_KIND_OTHER;
}

bool metric_gated(const char *name)
{
	const struct metric_def *m = metric_by_name(name);

	return m && m->role == METRIC_PRIMARY && m->dir != METRIC_DIR_NONE;
}
