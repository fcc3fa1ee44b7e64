/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rounds: how the engine spreads a point's repetitions over its test.
 *
 * A round loads every program of a test afresh (new JIT image, new map
 * memory), holds it in the XDP dispatcher, validates and calibrates it and
 * times `loops` loops at each of its frame sizes; the programs, and the
 * reference (the base forwarder), come in a seeded random order that is
 * drawn again for every round. A point's mean, median and CI are those of
 * its round values, so they cover what varies between loads and over the
 * test's duration, not only the noise of back-to-back loops; the spread of
 * the loops inside a round is kept as a diagnostic.
 *
 *	struct round_set rs;
 *
 *	rounds_init(&rs);
 *	prog_a.key = key;			// journaled round by round
 *	rounds_add(&rs, &prog_a);		// a struct round_prog of yours
 *	rounds_add_reference(&rs, sizes, nr);	// the base forwarder
 *	rounds_run(&rs);
 *	rounds_record(&rs, &prog_a, 0, &key);	// ns_per_pkt, mpps, rel_ref
 *	rounds_free(&rs);
 */
#ifndef __ROUNDS_H
#define __ROUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "test_perf.h"
#include "results.h"

struct measure_tune;
struct measure_result;
struct round_info;
struct round_prog;
struct sample_stats;

/* What the scheduler needs from a program; ctx of round_prog is yours. */
struct round_prog_ops {
	/* A fresh instance, prepared and checked: 0, or -errno with why. */
	int (*load)(struct round_prog *p, char *why, size_t why_len);
	/* Program fd of the loaded instance (held in the dispatcher). */
	int (*prog_fd)(struct round_prog *p);
	/* Measure the loaded instance at a frame size (measure_point()). */
	int (*measure)(struct round_prog *p, int frame_size,
		       const struct measure_tune *tune,
		       struct measure_result *res);
	void (*unload)(struct round_prog *p);
};

/* The rounds of one program at one frame size. */
struct round_series {
	double *ns;		/* [rounds] mean ns/pkt of the round's loops */
	double *mpps;		/* [rounds] mean of 1000 / ns over the loops */
	double *within_var;	/* [rounds] variance of the loops; NAN */
	double *kernel_ns;	/* [rounds] the kernel's median duration */
	double *t;		/* [rounds] seconds since the first round */
	__u32 *verdict;		/* [rounds] verdict of the validation run */
	int done;		/* rounds measured */
	int err;		/* -errno once a round failed: no more rounds */
	char why[192];
};

struct round_prog {
	const struct round_prog_ops *ops;
	void *ctx;
	const char *name;			/* for messages */
	int sizes[PERF_MAX_SIZES];
	int nr_sizes;
	/*
	 * What its points will be recorded under: rounds_record()'s key
	 * (the frame size is each series') and subtest (NULL: the one
	 * running when a round is measured). With key.property set, every
	 * round goes to the journal as it is measured, so that a run
	 * killed half way keeps it (results_journal_round()).
	 */
	struct point_id key;
	const char *subtest;
	/* filled by rounds_run() */
	struct round_series series[PERF_MAX_SIZES];
	int load_err;			/* a load failed: no more rounds */
	char load_why[256];
	bool loaded;
};

struct round_set {
	struct round_prog **progs;
	int nr_progs;
	struct round_prog *ref;		/* the reference, or NULL */
	int rounds, loops;
	unsigned int seed;		/* of the order of every round */
	/* --vs: per frame size, every program in turn, all loaded per round */
	bool paired;
	bool keep_loaded;		/* --no-reload: one load, re-attached */
	bool *ref_moved;		/* [rounds] the reference moved */
	int rounds_done;
};

/*
 * Rounds and loops of the profile (--rounds, --loops, --quick), the
 * reload policy and a seed drawn from --seed and the running test's name.
 */
int rounds_init(struct round_set *rs);
/* The same with other defaults (--rounds and --loops still win). */
int rounds_init_with(struct round_set *rs, int rounds, int loops);
int rounds_add(struct round_set *rs, struct round_prog *p);
/*
 * The reference of the set: the base forwarder (bpf/xdp_fwd.bpf.o) at
 * these frame sizes, measured in every round like the other programs,
 * recorded as property "reference", variant "xdp_fwd", N 0.
 */
int rounds_add_reference(struct round_set *rs, const int *sizes, int nr);
/* Run every round; failures are kept per program and series. */
void rounds_run(struct round_set *rs);
void rounds_free(struct round_set *rs);

/* The loaded program of a forwarder object file (the reference's kind). */
struct round_prog *round_prog_fwd_file(const char *path, const char *name,
				       const int *sizes, int nr);
void round_prog_fwd_file_free(struct round_prog *p);

/*
 * Summary of series s of p: round values, within-round spread, reference
 * flags, marks (partial: fewer rounds than the set's, the run stopped).
 * ns may be NULL. 0, or -ENODATA when no round was measured.
 */
int rounds_summary(const struct round_set *rs, const struct round_prog *p,
		   int s, struct sample_stats *ns, struct round_info *ri);
/*
 * Record series s of p under key (the frame size is the series'):
 * ns_per_pkt, mpps and, when the set has a reference and p is not it,
 * rel_ref. Prints the point with -v. 0, or -ENODATA / the series' error.
 */
int rounds_record(const struct round_set *rs, const struct round_prog *p,
		  int s, const struct point_id *key);
/* The reference's own points (property "reference"), one per size. */
void rounds_record_reference(const struct round_set *rs);
/* Rounds in which the reference moved beyond its own spread. */
int rounds_ref_moved(const struct round_set *rs);

/* The profile's rounds and loops per round (for messages). */
int rounds_profile_rounds(void);
int rounds_profile_loops(void);

#endif /* __ROUNDS_H */
