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
#include "point_id.h"
#include "stats.h"

/* Why a point's rounds disagree with each other (marks column). */
enum round_mark {
	ROUND_MARK_DRIFT = 1 << 0,	/* the round values trend over the run */
	ROUND_MARK_BIMODAL = 1 << 1,	/* they fall into two separate groups */
	ROUND_MARK_PARTIAL = 1 << 2,	/* fewer rounds than planned: stopped */
};

/*
 * How a point's values were taken. The engine measures a point in rounds
 * spread over its test: the values summarised are the rounds' means, each
 * of `loops` timed loops. Points measured in one block of consecutive
 * repetitions (the wire tests) have rounds = 1 and no values.
 */
/*
 * The most rounds a point has: --rounds' limit, and what the readers of
 * data files accept (docs/data-format.md), so that a file's round values
 * never size an allocation or a comparison beyond it.
 */
#define RESULTS_MAX_ROUNDS	1000

struct round_info {
	int rounds;		/* independent rounds summarised; 1: one block */
	int loops;		/* timed loops per round; 0: not applicable */
	double within_sd;	/* pooled sd of the loops inside a round; NAN */
	unsigned int seed;	/* seed of the test's round order; 0: none */
	int flagged;		/* rounds in which the test's reference moved */
	unsigned int marks;	/* enum round_mark */
	double *values;		/* [rounds] round values; NULL: not kept */
	double *times;		/* [rounds] s since the start of the run; NULL */
};

struct result_row {
	struct point_id id;	/* owns its strings */
	struct sample_stats st;
	struct round_info rounds;
};

/*
 * Record one metric of the current (sub)test: id says property, n,
 * variant, op, frame size and mode (NULL: test_run); its test, subtest,
 * metric and unit are those of the running (sub)test and of metric.
 */
void results_add(const struct point_id *id, enum metric_id metric,
		 const struct sample_stats *st);
/*
 * The same for a point measured in rounds: ri's values and times (when
 * not NULL) are copied, st summarises them.
 */
void results_add_rounds(const struct point_id *id, enum metric_id metric,
			const struct sample_stats *st,
			const struct round_info *ri);
/*
 * One round of a point measured in rounds, into the journal as soon as it
 * is measured (the point itself goes there when it is recorded): a run
 * killed before that keeps its finished rounds, and --report-from makes a
 * point of them, marked partial when it has fewer than planned. key and
 * subtest as the point will be recorded (frame size included); the line
 * carries both metrics a round measures.
 */
struct round_entry {
	int round;		/* 0, 1, ...: the rounds before it are done */
	int planned;		/* rounds the set was to measure */
	int loops;
	unsigned int seed;
	double ns_per_pkt;	/* the round's value (round_info.values) */
	double mpps;
	double time;		/* s since the run's first round */
};
void results_journal_round(const struct point_id *key, const char *subtest,
			   const struct round_entry *e);

/* "drift bimodal ..." of enum round_mark bits, "" for none. */
void results_marks_str(unsigned int marks, char *buf, size_t len);
/* The bits of a marks string; unknown words are ignored. */
unsigned int results_marks_parse(const char *s);

int results_count(void);
const struct result_row *results_row(int i);

/*
 * Cost model: ns/pkt = a + b * x fitted over the ns_per_pkt points of the
 * current (sub)test that share id's property, variant, op, frame size and
 * mode, x = x_of(N, frame size) (NULL: N itself; e.g. the payload bytes a
 * frame really has). Least squares weighted by each point's variance of
 * the mean (from its rounds) with a lack-of-fit test, and the marginal
 * slope between the two largest x with its 95% CI: what one more unit
 * costs there, whatever the curve does below. "what" names one unit for
 * the table. The fit is kept for cost-model.csv/.json and the printed
 * table. 0, or -EINVAL when fewer than three distinct x were measured.
 */
struct sweep_fit {
	struct linear_fit fit;
	double marg_b, marg_low, marg_high;	/* marginal slope and 95% CI */
	long x_lo, x_hi;			/* the two x it is taken between */
	/* from the smallest to the largest x: the average cost per unit */
	double span_b, span_low, span_high;
};
int results_fit_sweep(const struct point_id *id, const char *what,
		      long (*x_of)(long n, int frame_size),
		      struct sweep_fit *sf);
/* Keep a fit of the current (sub)test for the cost-model files (cost_fit.c). */
int results_add_fit(const struct point_id *id, const char *what,
		    int points, long x_min, long x_max, bool weighted,
		    const struct sweep_fit *sf);
/*
 * A key of the "profile" block of data.json beside the command line's
 * (e.g. "rounds": 10): json is the value as JSON text. Later calls with
 * the same key replace it.
 */
void results_profile_add(const char *key, const char *json);

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

/* The first line of cost-model.csv, and the format of cost-model.json. */
#define RESULTS_COST_CSV_HEADER \
	"test,subtest,property,variant,op,frame_size,mode,unit,points,n_min,n_max,a,b,b_ci95_low,b_ci95_high,a_ci95_low,a_ci95_high,se_b,r2,weighted,chi2,lof_p,marg_b,marg_ci95_low,marg_ci95_high,marg_n_lo,marg_n_hi"
#define RESULTS_COST_JSON_FORMAT	"xdp-perf-cost-model/1"

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
