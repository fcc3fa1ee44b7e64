/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baseline comparison: two sets of points (OLD, NEW) matched by key, each
 * pair classified with Welch's t-test and a minimum effect size.
 * --compare OLD NEW, --baseline OLD (during a run), --gate for CI.
 */
#ifndef __COMPARE_H
#define __COMPARE_H

#include <stdbool.h>
#include <stdio.h>
#include "dataset.h"

enum cmp_verdict {
	CMP_UNCHANGED,		/* not significant, or below the minimum effect */
	CMP_FASTER,
	CMP_SLOWER,
	CMP_UNTESTABLE,		/* fewer than 2 repetitions on a side */
};

struct cmp_opts {
	double alpha;		/* significance level, default 0.05 */
	double min_effect;	/* relative, default 0.05 (5%) */
};

struct cmp_row {
	const struct ds_point *old, *new;
	double diff, rel;		/* new - old, (new - old) / old */
	double rel_low, rel_high;	/* 95% CI of rel (old mean as exact) */
	double p;			/* Welch, two-sided; NAN if untestable */
	double worse;			/* rel signed so that > 0 is slower */
	bool significant;		/* p < alpha */
	enum cmp_verdict verdict;
};

/* An environment field that differs between OLD and NEW. */
struct cmp_env_diff {
	char key[48];		/* environment key, or "profile.<key>" */
	const char *old, *new;	/* "" when absent */
	bool critical;		/* makes timings incomparable: flagged */
};

struct cmp_result {
	struct cmp_opts opts;
	const struct dataset *old, *new;
	struct cmp_row *rows;		/* sorted: most slowed down first */
	int nr_rows;
	const struct ds_point **missing;	/* in OLD only */
	int nr_missing;
	const struct ds_point **extra;		/* in NEW only */
	int nr_extra;
	struct cmp_env_diff env[32];
	int nr_env;
	bool env_mismatch;		/* a critical field differs */
	bool both_emulated;
	int count[4];			/* per verdict */
};

void cmp_opts_default(struct cmp_opts *o);
/* "5%" or "0.05" -> 0.05; -EINVAL otherwise (0 <= effect < 1). */
int cmp_parse_effect(const char *arg, double *effect);
int cmp_parse_alpha(const char *arg, double *alpha);

/*
 * Match and classify. Sorts both datasets by key. -EXDEV with the reason
 * in err when one side is emulated and the other not; -EEXIST when a
 * dataset holds the same key twice.
 */
int cmp_run(struct dataset *old, struct dataset *new,
	    const struct cmp_opts *opts, struct cmp_result *res, char *err,
	    size_t err_len);
void cmp_free(struct cmp_result *res);

/* Terminal table: verdict counts, environment, the changed points. */
void cmp_print(FILE *f, const struct cmp_result *res, bool all);
/* compare.md, compare.csv, compare.png/.svg (gnuplot permitting) in dir. */
int cmp_write(const char *dir, const struct cmp_result *res, char *err,
	      size_t err_len);
/* --gate: 1 when a point is significantly slower beyond the effect. */
int cmp_gate(const struct cmp_result *res);

const char *cmp_verdict_str(enum cmp_verdict v);

/*
 * Counts of compare.csv's verdicts in dir: count[CMP_*] and count[4] for
 * missing + extra points. -ENOENT when there is no compare.csv.
 */
int compare_count_verdicts(const char *dir, int count[5]);

/* --baseline: compare this run once (the report calls it first). */
int compare_baseline_finish(void);

#endif /* __COMPARE_H */
