/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plots through gnuplot: series of points with 95% CI error bars, written
 * as NAME.dat and a NAME.gp script that can be re-run by hand, rendered
 * to NAME.png and NAME.svg. The report and the comparison draw with it.
 */
#ifndef __PLOT_H
#define __PLOT_H

#include <stdbool.h>
#include <stddef.h>

#define PLOT_MAX_SERIES	8	/* more lines than this are unreadable */

/* gnuplot to use; NULL: search PATH (tests use a missing path). */
void plot_set_gnuplot(const char *path);
/* True when gnuplot runs and has PNG and SVG terminals; the reason otherwise. */
bool plot_have_gnuplot(char *why, size_t why_len);

/* 10GbE line rate in Mpps for a frame size (incl. FCS; +20 B preamble/IFG). */
double plot_line_rate_mpps(int frame_size);

struct plot_xy {
	double x, y, lo, hi;	/* lo/hi: 95% CI, drawn as error bars */
};

struct plot_series {
	char label[160];
	struct plot_xy *xy;
	int nr;
	int color;		/* 0: the palette's cycle; else 0xRRGGBB */
	bool points_only;	/* scatter instead of lines */
};

struct plot {
	char name[128];		/* file base name, no extension */
	char title[256];
	char xlabel[128];
	char ylabel[128];
	bool logx, logy;
	bool frame_size_x;	/* x is a frame size: tics at the sizes */
	bool line_rate;		/* draw the 10GbE line rate (y in Mpps) */
	bool y_signed;		/* y can be negative: no axis from 0 */
	double hline[2];	/* dashed horizontal lines, NAN for none */
	struct plot_series *series;
	int nr_series;
};

/* Add a series (NULL: no memory; earlier series pointers move) / a point. */
struct plot_series *plot_add_series(struct plot *pl, const char *label);
int plot_add_xy(struct plot_series *s, double x, double y, double lo,
		double hi);
void plot_free(struct plot *pl);
/*
 * Write dir/NAME.dat and NAME.gp and run gnuplot for dir/NAME.png and
 * NAME.svg. -ENOENT without gnuplot, -EIO when gnuplot failed (its
 * messages are in dir/gnuplot.log). dir is opened and checked
 * (outdir.h) at its first plot and kept open for the rest of the run:
 * every later plot of dir goes to that same directory, and gnuplot runs
 * in it by its fd and gets its script already open, so that nobody who
 * can rename a directory on the way can swap the tree under a check.
 */
int plot_render(const struct plot *pl, const char *dir);

#endif /* __PLOT_H */
