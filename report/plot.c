// SPDX-License-Identifier: GPL-2.0
/*
 * gnuplot: found once, asked for its PNG and SVG terminals, run with a
 * timeout. Every plot is written as data (.dat) and a script (.gp) that
 * runs in its directory, then rendered to PNG and SVG.
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

#include "outdir.h"
#include "plot.h"
#include "util.h"
#include "vis.h"

#define GNUPLOT_TIMEOUT_MS	60000
#define LOG_Y_RATIO		8	/* log y axis when max/min exceeds this */
#define MANY_POINTS		200	/* error bars without caps above this */
#define MAX_PLOT_DIRS		8	/* a run plots into one or two */

/* ---- gnuplot ---- */

static const char *gnuplot_override;
static int gnuplot_state;	/* 0 unknown, 1 usable, -1 not */
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
	return s;
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
	pl->series = NULL;
	pl->nr_series = 0;
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

static void write_plot_data(const struct plot *pl, FILE *f)
{
	dat_comment(f, "", pl->title);
	fprintf(f, "# x y ci95_low ci95_high, one block per series\n");
	for (int i = 0, block = 0; i < pl->nr_series; i++) {
		const struct plot_series *s = &pl->series[i];

		if (!s->nr)
			continue;
		dat_comment(f, block++ ? "\n\n" : "", s->label);
		for (int j = 0; j < s->nr; j++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", s->xy[j].x,
				s->xy[j].y, s->xy[j].lo, s->xy[j].hi);
	}
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

static void write_plot_axes(FILE *f, const struct plot *pl)
{
	double xmin, xmax, ymin, ymax;
	bool logx = pl->logx, logy = pl->logy;

	plot_range(pl, &xmin, &xmax, &ymin, &ymax);
	/* log axes cannot show 0 or negative values: fall back to linear */
	logx = logx && xmin > 0;
	/* and a log y only helps when the values span an order of magnitude */
	logy = logy && ymin > 0 && ymax / ymin > LOG_Y_RATIO;
	fprintf(f, "set title ");
	gp_str(f, pl->title);
	fprintf(f, "\nset xlabel ");
	gp_str(f, pl->xlabel);
	fprintf(f, "\nset ylabel ");
	gp_str(f, pl->ylabel);
	fprintf(f, "\nset grid\nset key below\nset border 3\n"
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
			fprintf(f, "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead dt 3 lc rgb '#888888'\n",
				pl->hline[i], pl->hline[i]);
	if (pl->frame_size_x)
		write_size_tics(f, pl);
	if (logy)
		fprintf(f, "set logscale y 10\n");
	else if (pl->y_signed)
		fprintf(f, "set xzeroaxis lt -1\n");
	else
		fprintf(f, "set yrange [0:*]\n");
}

static void write_plot_cmd(FILE *f, const struct plot *pl, const char *dat)
{
	const char *sep = "plot ";

	for (int i = 0, block = 0; i < pl->nr_series; i++) {
		const struct plot_series *s = &pl->series[i];

		if (!s->nr)
			continue;
		fprintf(f, "%s", sep);
		gp_str(f, dat);
		fprintf(f, " index %d using 1:2:3:4 with %s pt 7 ps 0.6",
			block++, s->points_only ? "yerrorbars" : "yerrorlines lw 1.5");
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

static void write_plot_script(const struct plot *pl, FILE *f)
{
	char name[160];

	/*
	 * Outputs go to outdir, '' when the script is re-run by hand in its
	 * directory; test_perf sets a private directory (see render_private).
	 */
	fprintf(f, "# gnuplot script written by xdp-perf; run it in this directory\n"
		"if (!exists(\"outdir\")) outdir = ''\n"
		"set terminal %s size 960,600 noenhanced font 'sans,10'\n"
		"set output outdir.", gnuplot_png);
	snprintf(name, sizeof(name), "%s.png", pl->name);
	gp_str(f, name);
	fprintf(f, "\n");
	write_plot_axes(f, pl);
	/* relative names: the script runs in its directory */
	snprintf(name, sizeof(name), "%s.dat", pl->name);
	write_plot_cmd(f, pl, name);
	fprintf(f, "set terminal svg size 960,600 dynamic noenhanced font 'sans,11' background rgb 'white'\n"
		"set output outdir.");
	snprintf(name, sizeof(name), "%s.svg", pl->name);
	gp_str(f, name);
	fprintf(f, "\nreplot\nset output\n");
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
	static const char *const exts[] = { "png", "svg" };
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
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
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
		ret = write_plot_file(pl, dfd, "gp", write_plot_script);
	return ret ?: render_private(pl, dfd);
}
