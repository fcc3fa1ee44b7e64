/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metric registry: every metric the suite writes, with its unit, the
 * direction in which it gets better and its role. Writers name metrics by
 * id (the compiler catches a typo); readers look names up, and a name the
 * registry does not know is shown but never judged.
 *
 * Primary metrics answer the suite's questions (cost, rate, latency) and
 * are the only ones a comparison tests and a gate fails on. Diagnostic
 * metrics explain a measurement (offered load, the generator's CPU share,
 * figures derived from a primary one) and are never gated.
 */
#ifndef __METRICS_H
#define __METRICS_H

#include <stdbool.h>

enum metric_dir {
	METRIC_DIR_NONE,	/* neither way is better: never compared */
	METRIC_LOWER_BETTER,
	METRIC_HIGHER_BETTER,
};

enum metric_role {
	METRIC_PRIMARY,
	METRIC_DIAGNOSTIC,
};

/* What a metric measures: decides which figure of the report shows it. */
enum metric_kind {
	METRIC_KIND_OTHER,	/* unknown metrics: listed, never plotted */
	METRIC_KIND_TIME,	/* time per packet (ns): cost, CPU time */
	METRIC_KIND_RATE,	/* packets per second forwarded */
	METRIC_KIND_LOAD,	/* packets per second offered or arriving */
	METRIC_KIND_BITRATE,	/* bits per second */
	METRIC_KIND_LATENCY,	/* one-way latency of a frame */
	METRIC_KIND_CPU_SHARE,	/* share of a CPU (%) */
	METRIC_KIND_LOSS,	/* share of the frames lost (%) */
};

enum metric_id {
	/* BPF_PROG_TEST_RUN microbenchmarks */
	METRIC_NS_PER_PKT,
	METRIC_MPPS,
	/* wire: full-load trial */
	METRIC_MPPS_MAX,
	METRIC_GBPS_MAX,
	METRIC_MPPS_OFFERED_MAX,
	METRIC_LOSS_PCT_MAX,
	/* wire: RFC 2544 search */
	METRIC_MPPS_ZERO_LOSS,
	METRIC_GBPS_ZERO_LOSS,
	/* wire: latency at a fraction of the load (op "load_<N>pct") */
	METRIC_LATENCY_P50,
	METRIC_LATENCY_P90,
	METRIC_LATENCY_P99,
	METRIC_LATENCY_P999,
	METRIC_LATENCY_MAX,
	/* wire: CPU */
	METRIC_CPU_HOST_NS,
	METRIC_CPU_HOST_PCT,
	METRIC_CPU_PROG_NS,
	METRIC_CPU_PROG_PCT,
	METRIC_GEN_CPU_PCT,
	METRIC_KSOFTIRQD_PCT,
	/* --dut-dev: traffic from an external generator */
	METRIC_MPPS_IN,
	METRIC_MPPS_FWD,
	METRIC_MPPS_OUT,
	METRIC_GBPS_OUT,
	METRIC_DROP_PCT_IN,
	/* microbenchmarks: ns_per_pkt over the reference's, round by round */
	METRIC_REL_REF,
	/* wire: the DUT on a CPU of its own (docs/wire.md) */
	METRIC_GENERATOR_LIMITED,
	METRIC_LOSS_DUT_PCT_MAX,
	METRIC_MPPS_OFFERED,
	METRIC_DUT_CPU_PCT,
	METRIC_CPU_DUT_NS,
	METRIC_LATENCY_BATCH_NS,
	METRIC_MPPS_GEN,
	METRIC_MPPS_GEN_BARE,
	METRIC_GEN_BARE_RATIO,
	METRIC_WIRE_NS,
	METRIC_PATH_NS,
	METRIC_TEST_RUN_RATIO,
	METRIC_GEN_SENDER,
	METRIC__COUNT
};

struct metric_def {
	const char *name;	/* column "metric" of data.csv */
	const char *unit;	/* column "unit" */
	enum metric_dir dir;
	enum metric_role role;
	enum metric_kind kind;
	const char *what;	/* a few words for tables and axis labels */
};

/* The definition of id (always valid for id < METRIC__COUNT). */
const struct metric_def *metric_def(enum metric_id id);
/* By name; NULL for a name this build does not know. */
const struct metric_def *metric_by_name(const char *name);
/* True when name is the name of metric id. */
bool metric_is(const char *name, enum metric_id id);
/* Direction of a metric by name; METRIC_DIR_NONE when unknown. */
enum metric_dir metric_dir_of(const char *name);
/* Kind of a metric by name; METRIC_KIND_OTHER when unknown. */
enum metric_kind metric_kind_of(const char *name);
/*
 * True for primary metrics with a direction: the only ones a comparison
 * classifies as slower or faster and a gate may fail on.
 */
bool metric_gated(const char *name);

#endif /* __METRICS_H */
