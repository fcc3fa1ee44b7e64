// SPDX-License-Identifier: GPL-2.0
/*
 * gnuplot: found once, asked for its PNG, SVG and PDF terminals, run with
 * a timeout. Every plot is written as data (.dat, .csv) and a script
 * (.gp) that runs in its directory, then rendered to PNG and SVG for the
 * screen and to PDF at a paper's column width, in one gnuplot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "outdir.h"
#include "plot.h"
#include "util.h"
#include "vis.h"

#define GNUPLOT_TIMEOUT_MS	60000
#define LOG_Y_RATIO		8	/* log y axis when max/min exceeds this */
#define MANY_POINTS		200	/* error bars without caps above this */
#define PANEL_COLUMNS		3	/* small multiples: panels per row */
#define MAX_PLOT_DIRS		8	/* a run plots into one or two */

/* ---- gnuplot ---- */

static const char *gnuplot_override;
static int gnuplot_state;	/* 0 unknown, 1 usable, -1 not */
static bool gnuplot_pdf;	/* has pdfcairo */
static enum plot_style style;
static char gnuplot_png[16];
static char gnuplot_why[PATH_MAX + 64];

void plot_set_gnuplot(const char *path)
{
	gnuplot_override = path;
	gnuplot_state = 0;
}

/*
 * gnuplot with one to three arguments, in directory fd dir_fd (0: here)
 * with its output appended to log there (NULL: discarded), reading
 * script_fd as its stdin (0: /dev/null). Its exit status; 127 when it
 * could not be run, or -errno.
 */
static int run_gnuplot(int dir_fd, const char *log, int script_fd,
		       const char *arg1, const char *arg2, const char *arg3)
{
	const char *argv[] = { gnuplot_override ?: "gnuplot", arg1, arg2, arg3,
			       NULL };
	const struct run_opts opts = {
		.dir_fd = dir_fd, .stdin_fd = script_fd, .log_path = log,
		.timeout_ms = GNUPLOT_TIMEOUT_MS,
	};

	return run_cmd(argv, &opts);
}

/* 0 when gnuplot has this terminal. */
static int probe_terminal(const char *term)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "set terminal %s", term);
	return run_gnuplot(0, NULL, 0, "-e", cmd, NULL);
}

static void probe_gnuplot(void)
{
	const char *name = gnuplot_override ?: "gnuplot";
	int ret;

	gnuplot_state = -1;
	ret = probe_terminal("pngcairo");
	if (ret == 127 || ret < 0) {
		snprintf(gnuplot_why, sizeof(gnuplot_why),
			 "gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
		return;
	}
	if (!ret)
		snprintf(gnuplot_png, sizeof(gnuplot_png), "pngcairo");
	else if (!probe_terminal("png"))
		snprintf(gnuplot_png, sizeof(gnuplot_png), "png");
	else {
		snprintf(gnuplot_why, sizeof(gnuplot_why),
			 "%s has no PNG terminal (neither pngcairo nor png)",
			 name);
		return;
	}
	if (probe_terminal("svg")) {
		snprintf(gnuplot_why, sizeof(gnuplot_why),
			 "%s has no SVG terminal", name);
		return;
	}
	gnuplot_pdf = !probe_terminal("pdfcairo");
	gnuplot_state = 1;
}

bool plot_have_gnuplot(char *why, size_t why_len)
{
	if (gnuplot_state == 0)
		probe_gnuplot();
	if (gnuplot_state < 0 && why)
		snprintf(why, why_len, "%s", gnuplot_why);
	return gnuplot_state > 0;
}

bool plot_have_pdf(void)
{
	return plot_have_gnuplot(NULL, 0) && gnuplot_pdf;
}

void plot_set_style(enum plot_style s)
{
	style = s;
}

enum plot_style plot_get_style(void)
{
	return style;
}

double plot_line_rate_mpps(int frame_size)
{
	/* 8 B preamble + 12 B inter-frame gap ride with every frame */
	return 10e9 / ((frame_size + 20) * 8.0) / 1e6;
}

/* ---- plots ---- */

struct plot_series *plot_add_series(struct plot *pl, const char *label)
{
	struct plot_series *s;

	s = realloc(pl->series, (pl->nr_series + 1) * sizeof(*s));
	if (!s)
		return NULL;
	pl->series = s;
	s = &s[pl->nr_series++];
	memset(s, 0, sizeof(*s));
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->panel = pl->nr_panels ? pl->nr_panels - 1 : 0;
	return s;
}

int plot_add_panel(struct plot *pl, const char *title)
{
	char (*p)[96];

	if (pl->nr_panels >= PLOT_MAX_PANELS)
		return -E2BIG;
	p = realloc(pl->panels, (pl->nr_panels + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	pl->panels = p;
	snprintf(p[pl->nr_panels], sizeof(p[0]), "%s", title);
	return pl->nr_panels++;
}

int plot_add_xy(struct plot_series *s, double x, double y, double lo,
		double hi)
{
	struct plot_xy *xy = realloc(s->xy, (s->nr + 1) * sizeof(*xy));

	if (!xy)
		return -ENOMEM;
	s->xy = xy;
	xy[s->nr++] = (struct plot_xy){
		.x = x, .y = y,
		/* no spread estimate (one repetition): no error bar */
		.lo = isnan(lo) ? y : lo, .hi = isnan(hi) ? y : hi,
	};
	return 0;
}

void plot_free(struct plot *pl)
{
	for (int i = 0; i < pl->nr_series; i++)
		free(pl->series[i].xy);
	free(pl->series);
	free(pl->panels);
	pl->series = NULL;
	pl->panels = NULL;
	pl->nr_series = 0;
	pl->nr_panels = 0;
}

/*
 * A gnuplot single-quoted string: nothing is substituted inside one (no
 * backquote command, no @macro, no backslash escape) and '' is a quote;
 * only a line break would end it and start a command of its own, so
 * control characters are written as their visible escapes (vis.h).
 */
static void gp_str(FILE *f, const char *s)
{
	char *v = vis_dup(s);

	fputc('\'', f);
	for (const char *c = v ?: ""; *c; c++) {
		if (*c == '\'')
			fputc('\'', f);
		fputc(*c, f);
	}
	fputc('\'', f);
	free(v);
}

/* A comment line of the .dat file: one line, whatever the text holds. */
static void dat_comment(FILE *f, const char *prefix, const char *s)
{
	char *v = vis_dup(s);

	fprintf(f, "%s# %s\n", prefix, v ?: "");
	free(v);
}

/* "panel: label" of a series of small multiples, the label otherwise. */
static void series_name(const struct plot *pl, const struct plot_series *s,
			char *buf, size_t len)
{
	if (pl->nr_panels)
		snprintf(buf, len, "%s: %s", pl->panels[s->panel], s->label);
	else
		snprintf(buf, len, "%s", s->label);
}

static void write_plot_data(const struct plot *pl, FILE *f)
{
	char name[300];

	dat_comment(f, "", pl->title);
	fprintf(f, "# x y ci95_low ci95_high, one block per series\n");
	for (int i = 0, block = 0; i < pl->nr_series; i++) {
		const struct plot_series *s = &pl->series[i];

		if (!s->nr)
			continue;
		series_name(pl, s, name, sizeof(name));
		dat_comment(f, block++ ? "\n\n" : "", name);
		for (int j = 0; j < s->nr; j++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", s->xy[j].x,
				s->xy[j].y, s->xy[j].lo, s->xy[j].hi);
	}
}

static const struct plot_xy *xy_at(const struct plot_series *s, double x)
{
	for (int i = 0; i < s->nr; i++)
		if (s->xy[i].x == x)
			return &s->xy[i];
	return NULL;
}

/* Every x of the plot, sorted, each once; how many (NULL: no memory). */
static double *distinct_x(const struct plot *pl, int *nr)
{
	double *xs;
	int n = 0, k = 0;

	for (int i = 0; i < pl->nr_series; i++)
		n += pl->series[i].nr;
	xs = malloc((n ?: 1) * sizeof(*xs));
	if (!xs)
		return NULL;
	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr; j++)
			xs[k++] = pl->series[i].xy[j].x;
	qsort(xs, n, sizeof(*xs), cmp_double);
	for (int i = 0; i < n; i++)
		if (!i || xs[i] != xs[*nr - 1])
			xs[(*nr)++] = xs[i];
	return xs;
}

/*
 * The same numbers for a spreadsheet: x down, three columns per series
 * (mean, CI low, CI high) across, empty where a series has no point.
 */
static void write_plot_csv(const struct plot *pl, FILE *f)
{
	char name[320];
	double *xs;
	int nr = 0;

	csv_write_str(f, pl->x_name[0] ? pl->x_name : "x");
	for (int i = 0; i < pl->nr_series; i++) {
		series_name(pl, &pl->series[i], name, sizeof(name) - 16);
		fputc(',', f);
		csv_write_str(f, name);
		strcat(name, " ci95_low");
		fputc(',', f);
		csv_write_str(f, name);
		strcpy(name + strlen(name) - 3, "high");
		fputc(',', f);
		csv_write_str(f, name);
	}
	fputc('\n', f);
	xs = distinct_x(pl, &nr);
	for (int k = 0; xs && k < nr; k++) {
		fprintf(f, "%.10g", xs[k]);
		for (int i = 0; i < pl->nr_series; i++) {
			const struct plot_xy *xy = xy_at(&pl->series[i], xs[k]);

			if (xy)
				fprintf(f, ",%.10g,%.10g,%.10g", xy->y, xy->lo,
					xy->hi);
			else
				fputs(",,,", f);
		}
		fputc('\n', f);
	}
	free(xs);
}

static void plot_range(const struct plot *pl, double *xmin, double *xmax,
		       double *ymin, double *ymax)
{
	*xmin = *ymin = INFINITY;
	*xmax = *ymax = -INFINITY;
	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr; j++) {
			const struct plot_xy *xy = &pl->series[i].xy[j];

			*xmin = fmin(*xmin, xy->x);
			*xmax = fmax(*xmax, xy->x);
			*ymin = fmin(*ymin, fmin(xy->lo, xy->y));
			*ymax = fmax(*ymax, fmax(xy->hi, xy->y));
		}
}

/* Frame-size tics: exactly the sizes measured. */
static void write_size_tics(FILE *f, const struct plot *pl)
{
	double seen[64];
	int nr = 0;

	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr && nr < 64; j++) {
			double x = pl->series[i].xy[j].x;
			int k;

			for (k = 0; k < nr && seen[k] != x; k++)
				;
			if (k == nr)
				seen[nr++] = x;
		}
	fprintf(f, "set xtics (");
	for (int k = 0; k < nr; k++)
		fprintf(f, "%s%g", k ? ", " : "", seen[k]);
	fprintf(f, ")\n");
}

static int plot_points(const struct plot *pl)
{
	int n = 0;

	for (int i = 0; i < pl->nr_series; i++)
		n += pl->series[i].nr;
	return n;
}

static const int palette[PLOT_MAX_SERIES] = {
	0x1f77b4, 0xd62728, 0x2ca02c, 0x9467bd, 0xff7f0e, 0x8c564b,
	0xe377c2, 0x17becf,
};

/* A series' line type: the same label has the same colour in every panel. */
static int series_lt(const struct plot *pl, int idx)
{
	int lt = 0;

	for (int i = 0; i < pl->nr_series; i++) {
		bool first = true;

		for (int j = 0; j < i && first; j++)
			first = strcmp(pl->series[j].label, pl->series[i].label);
		if (!first)
			continue;
		if (!strcmp(pl->series[i].label, pl->series[idx].label))
			return lt % PLOT_MAX_SERIES + 1;
		lt++;
	}
	return 1;
}

static void write_plot_axes(FILE *f, const struct plot *pl)
{
	double xmin, xmax, ymin, ymax;
	bool logx = pl->logx, logy = pl->logy;

	plot_range(pl, &xmin, &xmax, &ymin, &ymax);
	/* log axes cannot show 0 or negative values: fall back to linear */
	logx = logx && xmin > 0;
	/* and a log y only helps when the values span an order of magnitude */
	logy = logy && ymin > 0 && ymax / ymin > LOG_Y_RATIO;
	/* in a paper the caption says what a figure is */
	if (style == PLOT_STYLE_SCREEN && !pl->nr_panels) {
		fprintf(f, "set title ");
		gp_str(f, pl->title);
		fprintf(f, "\n");
	}
	fprintf(f, "set xlabel ");
	gp_str(f, pl->xlabel);
	fprintf(f, "\nset ylabel ");
	gp_str(f, pl->ylabel);
	fprintf(f, "\nset grid lc rgb '#c8c8c8' lw 0.5 dt 3\nset key below\nset border 3\n"
		"set xtics nomirror\nset ytics nomirror\n");
	/* a palette without yellow: every line readable on white */
	for (int i = 0; i < PLOT_MAX_SERIES; i++)
		fprintf(f, "set linetype %d lc rgb '#%06x' lw 1.5 pt 7\n", i + 1,
			palette[i]);
	fprintf(f, "set linetype cycle %d\n", PLOT_MAX_SERIES);
	/* thousands of error bars: their caps would merge into blocks */
	if (plot_points(pl) > MANY_POINTS)
		fprintf(f, "set bars 0\n");
	if (logx)
		fprintf(f, "set logscale x 2\nset xrange [%g:%g]\n",
			xmin / 1.15, xmax * 1.15);
	/* counts up to millions (working sets): 1Ki, 32Ki, 1Mi */
	if (logx && xmax >= 1e5)
		fprintf(f, "set format x '%%.0b%%B'\n");
	else if (pl->y_signed)
		fprintf(f, "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n");
	else
		fprintf(f, "set xrange [%g:*]\nset offsets 0, graph 0.03, graph 0.05, 0\n",
			xmin);
	for (int i = 0; i < 2; i++)
		if (!isnan(pl->hline[i]))
			fprintf(f, "set arrow %d from graph 0, first %.10g to graph 1, first %.10g nohead dt 3 lc rgb '#888888'\n",
				i + 1, pl->hline[i], pl->hline[i]);
	if (pl->frame_size_x)
		write_size_tics(f, pl);
	if (logy)
		fprintf(f, "set logscale y 10\nset yrange [%.10g:%.10g]\n",
			ymin / 1.5, ymax * 1.5);
	else if (pl->y_signed)
		fprintf(f, "set xzeroaxis lt -1\n");
	else
		fprintf(f, "set yrange [0:*]\n");
	/* small multiples share the y axis: panels compare at a glance */
	if (pl->nr_panels && !logy && ymax > ymin)
		fprintf(f, "set yrange [%.10g:%.10g]\n",
			pl->y_signed ? ymin : 0, ymax * 1.05);
}

/* The plot command of the series of one panel (-1: all of them). */
static void write_plot_cmd(FILE *f, const struct plot *pl, const char *dat,
			   int panel)
{
	const char *sep = "plot ";

	for (int i = 0, block = 0; i < pl->nr_series; i++) {
		const struct plot_series *s = &pl->series[i];

		if (!s->nr)
			continue;
		if (panel >= 0 && s->panel != panel) {
			block++;
			continue;
		}
		fprintf(f, "%s", sep);
		gp_str(f, dat);
		fprintf(f, " index %d using 1:2:3:4 with %s lt %d pt 7 ps 0.6",
			block++, s->points_only ? "yerrorbars" : "yerrorlines lw 1.5",
			series_lt(pl, i));
		if (s->color)
			fprintf(f, " lc rgb '#%06x'", s->color);
		fprintf(f, " title ");
		gp_str(f, s->label);
		sep = ", \\\n     ";
	}
	if (pl->line_rate)
		fprintf(f, "%s10e9/((x+20)*8)/1e6 with lines dt 2 lw 1.5 lc rgb '#555555' title '10GbE line rate'",
			sep);
	fprintf(f, "\n");
}

static void panel_grid(const struct plot *pl, int *rows, int *cols)
{
	*cols = pl->nr_panels < PANEL_COLUMNS ? pl->nr_panels : PANEL_COLUMNS;
	*rows = (pl->nr_panels + *cols - 1) / *cols;
}

/*
 * Small multiples: one graph per panel, the key in the first one only,
 * axis labels on the outer panels; fixed margins keep the graphs aligned
 * whatever each one's labels take.
 */
static void write_panels(FILE *f, const struct plot *pl, const char *dat)
{
	int rows, cols;

	panel_grid(pl, &rows, &cols);
	fprintf(f, "set multiplot layout %d,%d", rows, cols);
	if (style == PLOT_STYLE_SCREEN) {
		fprintf(f, " title ");
		gp_str(f, pl->title);
	}
	fprintf(f, "\nset key inside top right opaque box samplen 2\n"
		"set lmargin 12\nset bmargin 3.5\n");
	for (int p = 0; p < pl->nr_panels; p++) {
		fprintf(f, "set title ");
		gp_str(f, pl->panels[p]);
		fprintf(f, "\nset ylabel ");
		gp_str(f, p % cols ? "" : pl->ylabel);
		fprintf(f, "\nset xlabel ");
		gp_str(f, p + cols >= pl->nr_panels ? pl->xlabel : "");
		fprintf(f, "\n");
		write_plot_cmd(f, pl, dat, p);
		if (!p)
			fprintf(f, "unset key\n");
	}
	fprintf(f, "unset multiplot\n");
}

/* What each terminal draws: the same axes and lines every time. */
static void write_plot_body(FILE *f, const struct plot *pl)
{
	char dat[160];

	write_plot_axes(f, pl);
	/* relative names: the script runs in its directory */
	snprintf(dat, sizeof(dat), "%s.dat", pl->name);
	if (pl->nr_panels)
		write_panels(f, pl, dat);
	else
		write_plot_cmd(f, pl, dat, -1);
}

static void write_output(FILE *f, const struct plot *pl, const char *ext)
{
	char name[160];

	snprintf(name, sizeof(name), "%s.%s", pl->name, ext);
	fprintf(f, "set output outdir.");
	gp_str(f, name);
	fprintf(f, "\n");
}

/*
 * Sizes: 960 px wide on the screen (a report page is 1000 px), 3.5 in for
 * a paper's column with 8 pt text, small multiples across the full text
 * width (7 in), each row of panels as high as a graph in a column.
 */
static void write_plot_script(const struct plot *pl, FILE *f)
{
	int rows = 1, cols = 1, px_h = 600;
	double in_w = 3.5, in_h = 2.5;

	if (pl->nr_panels) {
		panel_grid(pl, &rows, &cols);
		px_h = 330 * rows + 70;
		in_w = cols > 1 ? 7.0 : 3.5;
		in_h = 2.3 * rows + 0.3;
	}
	/*
	 * Outputs go to outdir, '' when the script is re-run by hand in its
	 * directory; test_perf sets a private directory (see render_private).
	 */
	fprintf(f, "# gnuplot script written by xdp-perf; run it in this directory\n"
		"if (!exists(\"outdir\")) outdir = ''\n"
		"set terminal %s size 960,%d noenhanced font 'sans,10'\n",
		gnuplot_png, px_h);
	write_output(f, pl, "png");
	write_plot_body(f, pl);
	fprintf(f, "set terminal svg size 960,%d dynamic noenhanced font 'sans,11' background rgb 'white'\n",
		px_h);
	write_output(f, pl, "svg");
	write_plot_body(f, pl);
	if (gnuplot_pdf) {
		fprintf(f, "set terminal pdfcairo size %.1fin,%.1fin noenhanced font 'sans,8' linewidth 1\n",
			in_w, in_h);
		write_output(f, pl, "pdf");
		write_plot_body(f, pl);
	}
	fprintf(f, "set output\n");
}

/* DIR/NAME.EXT written whole by fn, in directory fd dfd. */
static int write_plot_file(const struct plot *pl, int dfd, const char *ext,
			   void (*fn)(const struct plot *, FILE *))
{
	struct outfile of;
	char name[160];
	int ret;

	snprintf(name, sizeof(name), "%s.%s", pl->name, ext);
	ret = outfile_openat(&of, dfd, name, NULL, 0);
	if (ret)
		return ret;
	fn(pl, of.f);
	return outfile_commit(&of);
}

/*
 * gnuplot opens its outputs itself, following symlinks: it writes them
 * into a private directory (mode 0700) in dfd, from where they are
 * renamed into place. It runs in dfd (fchdir) and reads the script from
 * its stdin, opened here (/dev/fd/0 is the open file, not a path in the
 * tree): nothing is looked up by path after the check.
 */
static int render_private(const struct plot *pl, int dfd)
{
	static const char *const exts[] = { "png", "svg", "pdf" };
	char tmp[64], var[96], gp[160], out[160];
	int tfd, sfd, ret;

	snprintf(gp, sizeof(gp), "%s.gp", pl->name);
	sfd = openat(dfd, gp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return -errno;
	ret = outdir_mkdtemp(dfd, tmp, sizeof(tmp));
	if (ret) {
		close(sfd);
		return ret;
	}
	snprintf(var, sizeof(var), "outdir='%s/'", tmp);
	/* /dev/fd/0 rather than "-": its errors then say the line */
	ret = run_gnuplot(dfd, "gnuplot.log", sfd, "-e", var, "/dev/fd/0") ?
	      -EIO : 0;
	close(sfd);
	tfd = openat(dfd, tmp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (size_t i = 0; i < ARRAY_SIZE(exts) - !gnuplot_pdf; i++) {
		snprintf(out, sizeof(out), "%s.%s", pl->name, exts[i]);
		if (tfd >= 0 && !ret && renameat(tfd, out, dfd, out))
			ret = -errno;
		if (tfd >= 0)
			unlinkat(tfd, out, 0);
	}
	if (tfd >= 0)
		close(tfd);
	unlinkat(dfd, tmp, AT_REMOVEDIR);
	return ret;
}

/*
 * The directories plotted into, each checked once and then held open by
 * its fd for the rest of the run (see plot.h). Never closed: the process
 * ends them.
 */
static struct plot_dir {
	char *path;
	int fd;
} plot_dirs[MAX_PLOT_DIRS];
static int nr_plot_dirs;

static int plot_dir_fd(const char *dir)
{
	struct plot_dir *d;
	int fd;

	for (int i = 0; i < nr_plot_dirs; i++)
		if (!strcmp(plot_dirs[i].path, dir))
			return plot_dirs[i].fd;
	fd = outdir_open(dir, false, NULL, 0);
	if (fd < 0)
		return fd;
	/* the table is full: the oldest makes room */
	if (nr_plot_dirs == MAX_PLOT_DIRS) {
		close(plot_dirs[0].fd);
		free(plot_dirs[0].path);
		memmove(plot_dirs, plot_dirs + 1,
			(MAX_PLOT_DIRS - 1) * sizeof(*plot_dirs));
		nr_plot_dirs--;
	}
	d = &plot_dirs[nr_plot_dirs];
	d->path = strdup(dir);
	if (!d->path) {
		close(fd);
		return -ENOMEM;
	}
	d->fd = fd;
	nr_plot_dirs++;
	return fd;
}

int plot_render(const struct plot *pl, const char *dir)
{
	int dfd, ret;

	if (!plot_have_gnuplot(NULL, 0))
		return -ENOENT;
	dfd = plot_dir_fd(dir);
	if (dfd < 0)
		return dfd;
	ret = write_plot_file(pl, dfd, "dat", write_plot_data);
	if (!ret)
		ret = write_plot_file(pl, dfd, "csv", write_plot_csv);
	if (!ret)
		ret = write_plot_file(pl, dfd, "gp", write_plot_script);
	return ret ?: render_private(pl, dfd);
}
