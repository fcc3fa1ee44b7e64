/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Measured points and the environment that produced them, written as
 * data.csv and data.json into --out DIR at the end of a run, and into its
 * journal as they are measured.
 */
#ifndef __RESULTS_H
#define __RESULTS_H

#include <stdio.h>
#include "metrics.h"
#include "stats.h"

/* What identifies a point; test and subtest come from the running test. */
struct point_key {
	const char *property;	/* base, insns, branches, map, payload, ... */
	long n;			/* property size N; -1 when not applicable */
	const char *variant;	/* map type, ALU op, loop kind; "" if none */
	const char *op;		/* lookup_hit, update_miss, ...; "" if none */
	int frame_size;		/* bytes on the wire incl. FCS; 0 if none */
	const char *mode;	/* test_run, generic, native, offload */
};

struct result_row {
	struct point_key key;
	const char *metric;	/* ns_per_pkt, mpps, latency_p99, ... */
	const char *unit;	/* ns, Mpps, Gbit/s, % ... */
	struct sample_stats st;
};

/* Record one metric of the current (sub)test. */
void results_add(const struct point_key *key, enum metric_id metric,
		 const struct sample_stats *st);

int results_count(void);
const struct result_row *results_row(int i);
/* Test and subtest names of row i. */
const char *results_test(int i);
const char *results_subtest(int i);

/*
 * Cost model: ns/pkt = a + b * N fitted (least squares on the points' means)
 * over the ns_per_pkt points of the current (sub)test that share key's
 * property, variant, op, frame size and mode. "what" names one unit of N
 * for the table ("one hash lookup (hit)"). The fit is kept for
 * cost-model.csv/.json and the printed table. 0, or -EINVAL when fewer than
 * three distinct N were measured.
 */
int results_fit_sweep(const struct point_key *key, const char *what,
		      struct linear_fit *fit);
/* Print the cost model table (nothing when no fit was made). */
void results_print_cost_model(FILE *f);

/* Environment block: kernel, CPU, JIT, mitigations, tool versions, git. */
struct perf_environment {
	char kernel[128];
	char cpu_model[128];
	int nr_cpus;
	int jit_enable;		/* net.core.bpf_jit_enable, -1 unknown */
	int jit_harden;		/* net.core.bpf_jit_harden */
	int bpf_stats;		/* kernel.bpf_stats_enabled */
	char mitigations[1024];	/* /sys/devices/system/cpu/vulnerabilities */
	char clang[64];
	char libbpf[32];
	char git_rev[64];
	char date[32];		/* ISO 8601 UTC */
	char hostname[80];
	int emulated;		/* 1: hypervisor says TCG/emulated CPU */
	char virt[32];		/* hypervisor vendor, "" for bare metal */
	/* data caches of CPU 0 in bytes (L1d, L2, last level), 0 unknown */
	long cache_l1d, cache_l2, cache_llc;
};

void results_probe_env(struct perf_environment *e);
const struct perf_environment *results_env(void);

/* mkdir -p the safe way (outdir_open() of outdir.h); 0 or -errno. */
int results_mkdir_p(const char *dir);

/*
 * Write data.csv and data.json into dir (created if missing), and
 * cost-model.csv and cost-model.json when fits were made; each file whole
 * or not at all (outdir.h). Then the journal is removed.
 */
int results_write(const char *dir);

/*
 * Journal every point from now on into dir's OUTDIR_JOURNAL (outdir.h):
 * a line with the environment and profile, then one line per point as
 * results_add() records it. 0 or -errno.
 */
int results_journal_start(const char *dir);

#endif /* __RESULTS_H */
