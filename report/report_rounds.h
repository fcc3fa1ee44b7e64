/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's section on how the microbenchmarks were measured: rounds,
 * the reference forwarder's drift over the run (a plot), the rounds in
 * which it moved, and the points whose rounds disagree (drift, bimodal).
 */
#ifndef __REPORT_ROUNDS_H
#define __REPORT_ROUNDS_H

#include <stdbool.h>

struct dataset;
struct doc;
struct ds_point;

/* Points this section covers (references, rel_ref): no other table needs them. */
bool report_rounds_point(const struct ds_point *p);

/* How noisy the run was, for the headline. */
struct rounds_noise {
	int nr_refs;			/* tests with a reference */
	double sd_min_pct, sd_max_pct;	/* its sd between rounds, % of mean */
	char worst_test[64];		/* where it was largest */
	int rounds, flagged;		/* its rounds, those it moved in */
	int drift, bimodal, moved;	/* ns_per_pkt points so marked */
	int nr_points;			/* ns_per_pkt points in all */
};
void report_rounds_noise(const struct dataset *ds, struct rounds_noise *n);
/*
 * The warning of a report on a killed run's journal: how many points have
 * fewer rounds than planned (mark partial), listed by the section. Nothing
 * when none has.
 */
void report_write_partial(const struct dataset *ds, struct doc *d);
/*
 * Write the section (nothing without round data). plot_dir: where the
 * drift plot goes, NULL when plots cannot be drawn.
 */
void report_write_rounds(const struct dataset *ds, const char *plot_dir,
			 struct doc *d);

#endif /* __REPORT_ROUNDS_H */
