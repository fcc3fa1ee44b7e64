/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From points to figures: which plot each point of a dataset lands in,
 * decided from its key and its metric's kind (metrics.h) alone:
 *
 *   ns_per_pkt with two or more N      -> ns/pkt vs N per property (PROP)
 *   ns_per_pkt, one N, mode test_run   -> ns/pkt vs frame size (SIZE)
 *   packet rates of a program measured
 *   on a wire                          -> Mpps vs frame size, line rate (TPUT)
 *   latency, wire modes                -> latency vs frame size per mode (LAT)
 *   time per packet of a program
 *   measured on a wire                 -> CPU ns/pkt per mode (CPU)
 *   ns_per_pkt of property working_set -> ns/pkt vs working-set size W,
 *                                         log x, per map type (WSET)
 *
 * TPUT, CPU and LAT are small multiples: one figure per property, a panel
 * per program (N, variant, op; LAT: and mode). And per property with wire
 * points, the study's figures against N, a line per path (test_run and
 * each XDP mode; report_modes.c):
 *
 *   throughput: Mpps (test_run), mpps_max (wire)      -> MODES
 *   cpu_dut_ns_per_pkt (wire), ns_per_pkt (test_run)  -> MODES_CPU
 *   latency_p99 at 50% load (wire)                    -> MODES_LAT
 *
 * Anything else (and every unknown metric) is left for the tables, so
 * nothing measured is left out; points of the suite's self-tests
 * (fig_internal_test()) are in no figure. docs/report.md describes the
 * figures.
 */
#ifndef __REPORT_FIG_H
#define __REPORT_FIG_H

#include <stdbool.h>
#include <stddef.h>
#include "dataset.h"
#include "plot.h"

#define FIG_MODE_MICRO	"test_run"

enum fig_kind { FIG_PROP, FIG_SIZE, FIG_TPUT, FIG_LAT, FIG_CPU, FIG_WSET,
		FIG_MODES, FIG_MODES_CPU, FIG_MODES_LAT, NR_FIG_KINDS };

/* The property of working-set points (prog_tests/working_set.c). */
#define FIG_WSET_PROPERTY "working_set"

/* What each series of a figure is made of, for the automatic reading. */
struct series_meta {
	char mode[32];
	char metric[64];
	char unit[16];
};

struct figure {
	enum fig_kind kind;
	struct plot pl;
	struct series_meta *meta;	/* one per series */
	char subject[160];		/* property or program it is about */
	char mode[32];			/* FIG_PROP, FIG_LAT */
	int frame_size;			/* FIG_PROP: the size plotted */
	char x_name[32];		/* table header of x */
	bool rendered;
};

/* A point on its way into a figure: the figure and series it joins. */
struct fig_ref {
	const struct ds_point *p;
	char fig[600];
	char panel[300];		/* small multiples: its panel */
	char ser[600];
	double x;
};

struct fig_set {
	const struct dataset *ds;
	bool *plotted;			/* per point: shown in a figure */
	bool *swept;			/* per point: part of an N sweep */
	struct figure *figs;
	int nr_figs;
};

/* Every figure of ds; 0 or -ENOMEM. fig_free() in both cases. */
int fig_build(struct fig_set *fs, const struct dataset *ds);
void fig_free(struct fig_set *fs);

/* A wire mode (generic, native, offload), not the microbenchmark. */
bool fig_is_wire_mode(const char *mode);
/*
 * A test of the suite itself (rounds' scheduler, stats, ktap, ...): its
 * points check the harness, they are no finding, and stay out of every
 * figure, the headline and the reading.
 */
bool fig_internal_test(const char *test);
/* The properties in the order a reader expects them; unknown ones last. */
int fig_property_rank(const char *property);
/* The base forwarder's property: the program every path runs. */
#define FIG_BASE_PROPERTY	"base"
/* "base forwarder N=0 redirect": a program, for titles. */
void fig_describe_program(const struct ds_point *p, char *buf, size_t len);
/* A new zeroed figure of this kind (NULL: no memory; figs move). */
struct figure *fig_new(struct fig_set *fs, enum fig_kind kind);
/* The figure's file name from base: a slug, unique in the set. */
void fig_set_name(struct fig_set *fs, struct figure *fg, const char *base);
/* The study's figures per property against N (report_modes.c). */
int fig_build_modes(struct fig_set *fs);
/* What N counts for a property: "instruction(s)", "map access(es)"... */
const char *fig_unit_word(const char *property, bool plural);
/* Which series of a figure of this kind a point joins, and its label. */
void fig_series_key(enum fig_kind kind, const struct ds_point *p, char *key,
		    size_t len);
void fig_series_label(enum fig_kind kind, const struct ds_point *p,
		      char *buf, size_t len);
/* Order of fig_refs: figure, series, x. */
int fig_cmp_ref(const void *a, const void *b);
/* The point of s at x; NULL when s has none there. */
const struct plot_xy *fig_xy_at(const struct plot_series *s, double x);

#endif /* __REPORT_FIG_H */
