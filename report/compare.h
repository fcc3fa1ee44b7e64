/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baseline comparison: two sets of points (OLD, NEW) matched by key, each
 * pair of a gated metric classified against a minimum effect, the family
 * corrected for multiplicity. --compare OLD NEW, --baseline OLD (during a
 * run), --vs (two programs in the same rounds: paired), --gate for CI.
 *
 * Only the registry's gated metrics (primary, with a direction: see
 * metrics.h) are classified slower or faster and can fail the gate.
 * Diagnostic metrics, metrics without a direction and names the registry
 * does not know are shown with their change as "info", never judged.
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
	CMP_INFO,		/* not a gated metric: shown, never judged */
	NR_CMP_VERDICTS
};

struct cmp_opts {
	/* CIs at 1 - alpha; false discovery rate alpha (default 0.05) */
	double alpha;
	double min_effect;	/* relative, default 0.05 (5%) */
	/* the sides were measured in the same rounds: pair them (--vs) */
	bool paired;
};

/* How a pair was tested. */
enum cmp_method {
	CMP_M_NONE,
	CMP_M_PAIRED,		/* t on the per-round log ratios */
	CMP_M_RANKS,		/* Mann-Whitney / Hodges-Lehmann on rounds */
	CMP_M_WELCH,		/* Welch on the summaries (no round values) */
};

struct cmp_row {
	const struct ds_point *old, *new;
	double diff;			/* new mean - old mean */
	double rel;			/* estimated change, new / old - 1 */
	double rel_low, rel_high;	/* its CI at 1 - alpha */
	double p;			/* two-sided, of "no change"; NAN */
	/*
	 * One-sided p of "slower (faster) by at least the minimum effect",
	 * and the same adjusted over the family (Benjamini-Hochberg). The
	 * verdict needs q <= alpha / 2: the CI beyond the minimum effect.
	 */
	double p_slow, p_fast, q_slow, q_fast;
	/*
	 * Minimum detectable effect: the change this point's noise lets
	 * the comparison call slower about half of the time, at the
	 * strictest level of the family (alpha / m).
	 */
	double mde;
	/* rel signed so that > 0 is slower; NAN without a direction */
	double worse;
	enum cmp_method method;
	unsigned int marks;		/* either side's (results.h) */
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
	/* judged first, most slowed down first; then info, untestable */
	struct cmp_row *rows;
	int nr_rows;
	const struct ds_point **missing;	/* in OLD only */
	int nr_missing;
	const struct ds_point **extra;		/* in NEW only */
	int nr_extra;
	struct cmp_env_diff env[32];
	int nr_env;
	bool env_mismatch;		/* a critical field differs */
	bool both_emulated;
	int count[NR_CMP_VERDICTS];
	int family;			/* gated, testable rows (BH's m) */
	int marked;			/* rows whose rounds disagree */
};

void cmp_opts_default(struct cmp_opts *o);
/* "5%" or "0.05" -> 0.05; -EINVAL otherwise (0 <= effect < 1). */
int cmp_parse_effect(const char *arg, double *effect);
int cmp_parse_alpha(const char *arg, double *alpha);

/*
 * Match and classify. Sorts both datasets by key. -EXDEV with the reason
 * in why when one side is emulated and the other not; -EEXIST when a
 * dataset holds the same key twice.
 */
int cmp_run(struct dataset *old, struct dataset *new,
	    const struct cmp_opts *opts, struct cmp_result *res, char *why,
	    size_t why_len);
void cmp_free(struct cmp_result *res);
/* --gate: 1 when a gated metric is significantly slower beyond the effect. */
int cmp_gate(const struct cmp_result *res);
const char *cmp_verdict_str(enum cmp_verdict v);
const char *cmp_method_str(enum cmp_method m);

/*
 * For other modules' options (--vs): claim --gate, --alpha and
 * --min-effect, and read them. *effect_set says whether --min-effect was
 * given (the caller's default applies otherwise).
 */
void cmp_cli_claim(void);
const struct cmp_opts *cmp_cli_opts(bool *gate, bool *effect_set);
/* The modes (main.c): --compare OLD NEW, and --vs B.o (ab.c). */
int compare_main(int argc, char **argv);
int vs_main(int argc, char **argv);
/* Terminal, files in dir (NULL: none) and the gate's line. */
int cmp_show(const struct cmp_result *res, const char *dir, bool gate);

/* ---- output (compare_out.c) ---- */

/* Terminal table: verdict counts, environment, the changed points. */
void cmp_print(FILE *f, const struct cmp_result *res, bool all);
/* compare.md, compare.csv, plots/compare.png/.svg (gnuplot permitting). */
int cmp_write(const char *dir, const struct cmp_result *res, char *why,
	      size_t why_len);

/*
 * --baseline: this run compared with OLD, once (printed, and written into
 * --out); the result stays valid until exit. NULL without --baseline or
 * when the comparison could not be made.
 */
const struct cmp_result *cmp_baseline(void);

#endif /* __COMPARE_H */
