/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evaluation report: plots (gnuplot, PNG and SVG), report.md and a
 * self-contained report.html (plots inlined as base64 PNG) written beside
 * data.csv/data.json. Also the small document and plot writers the baseline
 * comparison (compare.c) uses for its own files.
 */
#ifndef __REPORT_H
#define __REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "dataset.h"

/* 10GbE line rate in Mpps for a frame size (incl. FCS; +20 B preamble/IFG). */
double report_line_rate_mpps(int frame_size);

/*
 * Build plots/, report.md and report.html in dir from ds. Without gnuplot
 * the report is still written and says why it has no plots. 0 or -errno
 * with a one-line reason in err.
 */
int report_build(const char *dir, const struct dataset *ds, char *err,
		 size_t err_len);

/* gnuplot to use; NULL: search PATH (tests use a missing path). */
void report_set_gnuplot(const char *path);
/* True when gnuplot runs and has a PNG terminal; the reason otherwise. */
bool report_have_gnuplot(char *why, size_t why_len);

/* ---- plots ---- */

struct plot_xy {
	double x, y, lo, hi;	/* lo/hi: 95% CI, drawn as error bars */
};

struct plot_series {
	char label[160];
	struct plot_xy *xy;
	int nr;
	int color;		/* 0: gnuplot's cycle; else 0xRRGGBB */
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
 * messages are in dir/gnuplot.log).
 */
int plot_render(const struct plot *pl, const char *dir);

/* ---- documents: the same text as Markdown and as HTML ---- */

struct doc {
	FILE *md, *html;
	char dir[4096];		/* where the document is, for inlined images */
	bool in_list;
	bool in_table;
};

int doc_open(struct doc *d, const char *dir, const char *base,
	     const char *title);
int doc_close(struct doc *d);
void doc_heading(struct doc *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doc_para(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void doc_item(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void doc_list_end(struct doc *d);
void doc_warning(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void doc_table_head(struct doc *d, int nr, const char *const *cells);
void doc_table_row(struct doc *d, int nr, const char *const *cells);
void doc_table_end(struct doc *d);
/* A plot: rel is the path of NAME.png/.svg relative to d->dir, no ext. */
void doc_image(struct doc *d, const char *rel, const char *caption);
/* A link to a file beside the document. */
void doc_file(struct doc *d, const char *rel, const char *what);

/* "12.3 ±0.4": mean and 95% CI half-width with sensible digits. */
void report_fmt_stat(char *buf, size_t len, const struct sample_stats *st);

#endif /* __REPORT_H */
