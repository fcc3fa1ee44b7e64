// SPDX-License-Identifier: GPL-2.0
/*
 * The evaluation report (--report): after the run, the data files are read
 * back and turned into plots, report.md and report.html.
 *
 * Which plot a point lands in is decided from its key alone (see
 * .notes/report-readme.md, "What goes into which plot"):
 *   ns_per_pkt with N >= 0                  -> ns/pkt vs N per property
 *   ns_per_pkt, N < 0, mode test_run        -> ns/pkt vs frame size
 *   unit Mpps, a program measured on a wire -> Mpps vs frame size, line rate
 *   metric latency_*, wire modes            -> latency vs frame size per mode
 *   unit ns (not latency), wire programs    -> CPU ns/pkt per mode
 * Anything else is listed in a table, so nothing measured is left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "test_perf.h"
#include "dataset.h"
#include "report.h"
#include "results.h"
#include "compare.h"

#define PLOT_MAX_SERIES		8	/* more lines than this are unreadable */
#define GNUPLOT_TIMEOUT_S	60
#define TABLE_MAX_ROWS		400	/* "other metrics": the rest is in data.csv */
#define NOISY_REL_CI		0.05	/* CI half-width above 5% of the mean */
#define NONLINEAR_R2		0.9
#define MODE_MICRO		"test_run"
#define LOG_Y_RATIO		8	/* log y axis when max/min exceeds this */
#define MANY_POINTS		200	/* error bars without caps above this */

/* ---- small helpers ---- */

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

double report_line_rate_mpps(int frame_size)
{
	/* 8 B preamble + 12 B inter-frame gap ride with every frame */
	return 10e9 / ((frame_size + 20) * 8.0) / 1e6;
}

/* Decimals that keep ~3-4 significant digits of a value of this size. */
static int decimals_for(double v)
{
	v = fabs(v);
	if (v >= 1000)
		return 0;
	if (v >= 100)
		return 1;
	if (v >= 10)
		return 2;
	if (v >= 1)
		return 3;
	return 4;
}

static void fmt_val_ci(char *buf, size_t len, double y, double lo, double hi)
{
	int d = decimals_for(y);

	if (isnan(y))
		snprintf(buf, len, "n/a");
	else if (isnan(lo) || isnan(hi) || hi <= lo)
		snprintf(buf, len, "%.*f", d, y);
	else
		snprintf(buf, len, "%.*f ±%.*f", d, y, d, (hi - lo) / 2);
}

void report_fmt_stat(char *buf, size_t len, const struct sample_stats *st)
{
	fmt_val_ci(buf, len, st->mean, st->ci95_low, st->ci95_high);
}

/* ---- gnuplot ---- */

static const char *gnuplot_override;
static int gnuplot_state;	/* 0 unknown, 1 usable, -1 not */
static char gnuplot_path[PATH_MAX];
static char gnuplot_png[16];
static char gnuplot_why[PATH_MAX + 64];

void report_set_gnuplot(const char *path)
{
	gnuplot_override = path;
	gnuplot_state = 0;
}

static bool find_in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";
	char *dirs = strdup(path), *save = NULL;
	bool found = false;

	for (char *d = strtok_r(dirs, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		found = access(out, X_OK) == 0;
	}
	free(dirs);
	return found;
}

/*
 * Run gnuplot with args in dir, its output appended to log (or discarded).
 * Returns its exit status, or -errno when it could not be run.
 */
static int run_gnuplot(const char *dir, const char *log, const char *arg1,
		       const char *arg2)
{
	int status, fd;
	pid_t pid, w;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) :
			   open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (dir && chdir(dir))
			_exit(127);
		execl(gnuplot_path, "gnuplot", arg1, arg2, (char *)NULL);
		_exit(127);
	}
	for (int waited = 0;; waited++) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0)
			return -errno;
		if (waited >= GNUPLOT_TIMEOUT_S * 20) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		usleep(50000);
	}
	if (!WIFEXITED(status))
		return -EIO;
	return WEXITSTATUS(status);
}

bool report_have_gnuplot(char *why, size_t why_len)
{
	if (gnuplot_state == 0) {
		gnuplot_state = -1;
		if (gnuplot_override)
			snprintf(gnuplot_path, sizeof(gnuplot_path), "%s",
				 gnuplot_override);
		if (gnuplot_override ? access(gnuplot_path, X_OK) :
				       !find_in_path("gnuplot", gnuplot_path,
						     sizeof(gnuplot_path))) {
			snprintf(gnuplot_why, sizeof(gnuplot_why),
				 "gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
		} else if (!run_gnuplot(NULL, NULL, "-e",
					"set terminal pngcairo")) {
			snprintf(gnuplot_png, sizeof(gnuplot_png), "pngcairo");
			gnuplot_state = 1;
		} else if (!run_gnuplot(NULL, NULL, "-e", "set terminal png")) {
			snprintf(gnuplot_png, sizeof(gnuplot_png), "png");
			gnuplot_state = 1;
		} else {
			snprintf(gnuplot_why, sizeof(gnuplot_why),
				 "%s has no PNG terminal (neither pngcairo nor png)",
				 gnuplot_path);
		}
		if (gnuplot_state == 1 &&
		    run_gnuplot(NULL, NULL, "-e", "set terminal svg")) {
			snprintf(gnuplot_why, sizeof(gnuplot_why),
				 "%s has no SVG terminal", gnuplot_path);
			gnuplot_state = -1;
		}
	}
	if (gnuplot_state < 0 && why)
		snprintf(why, why_len, "%s", gnuplot_why);
	return gnuplot_state > 0;
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

/* gnuplot single-quoted string: only ' needs doubling. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_plot_data(const struct plot *pl, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "# %s\n# x y ci95_low ci95_high, one block per series\n",
		pl->title);
	for (int i = 0, block = 0; i < pl->nr_series; i++) {
		const struct plot_series *s = &pl->series[i];

		if (!s->nr)
			continue;
		fprintf(f, "%s# %s\n", block++ ? "\n\n" : "", s->label);
		for (int j = 0; j < s->nr; j++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", s->xy[j].x,
				s->xy[j].y, s->xy[j].lo, s->xy[j].hi);
	}
	return fclose(f) ? -errno : 0;
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

int plot_render(const struct plot *pl, const char *dir)
{
	char dat[PATH_MAX], gp[PATH_MAX], log[PATH_MAX], name[160];
	FILE *f;
	int ret;

	if (!report_have_gnuplot(NULL, 0))
		return -ENOENT;
	snprintf(dat, sizeof(dat), "%s/%s.dat", dir, pl->name);
	snprintf(gp, sizeof(gp), "%s/%s.gp", dir, pl->name);
	snprintf(log, sizeof(log), "%s/gnuplot.log", dir);
	ret = write_plot_data(pl, dat);
	if (ret)
		return ret;
	f = fopen(gp, "w");
	if (!f)
		return -errno;
	/* relative names: the script runs in dir and can be re-run there */
	snprintf(name, sizeof(name), "%s.dat", pl->name);
	fprintf(f, "# gnuplot script written by xdp-perf; run it in this directory\n"
		"set terminal %s size 960,600 noenhanced font 'sans,10'\n"
		"set output '%s.png'\n", gnuplot_png, pl->name);
	write_plot_axes(f, pl);
	write_plot_cmd(f, pl, name);
	fprintf(f, "set terminal svg size 960,600 dynamic noenhanced font 'sans,11' background rgb 'white'\n"
		"set output '%s.svg'\nreplot\nset output\n", pl->name);
	if (fclose(f))
		return -errno;
	snprintf(name, sizeof(name), "%s.gp", pl->name);
	ret = run_gnuplot(dir, log, name, NULL);
	return ret ? -EIO : 0;
}

/* ---- documents ---- */

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Markdown table cells: a '|' would split the cell. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static const char html_style[] =
	"body{font-family:sans-serif;max-width:1000px;margin:2em auto;"
	"padding:0 1em;color:#222}\n"
	"table{border-collapse:collapse;margin:1em 0;font-size:90%}\n"
	"td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}\n"
	"th{background:#eee}\nimg{max-width:100%}\n"
	"figure{margin:1em 0}figcaption{font-size:90%;color:#555}\n"
	".warn{background:#fff3cd;border-left:4px solid #e0a800;"
	"padding:.5em 1em}\n";

int doc_open(struct doc *d, const char *dir, const char *base,
	     const char *title)
{
	char path[PATH_MAX];

	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/%s.md", dir, base);
	d->md = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/%s.html", dir, base);
	d->html = d->md ? fopen(path, "w") : NULL;
	if (!d->md || !d->html) {
		int err = -errno;

		if (d->md)
			fclose(d->md);
		return err;
	}
	fprintf(d->md, "# %s\n\n", title);
	fprintf(d->html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>");
	html_esc(d->html, title);
	fprintf(d->html, "</title>\n<style>\n%s</style></head>\n<body>\n<h1>",
		html_style);
	html_esc(d->html, title);
	fprintf(d->html, "</h1>\n");
	return 0;
}

static void doc_flow(struct doc *d)
{
	if (d->in_list) {
		fprintf(d->md, "\n");
		fprintf(d->html, "</ul>\n");
		d->in_list = false;
	}
}

void doc_list_end(struct doc *d)
{
	doc_flow(d);
}

int doc_close(struct doc *d)
{
	int err = 0;

	doc_flow(d);
	fprintf(d->html, "</body></html>\n");
	if (fclose(d->md))
		err = -errno;
	if (fclose(d->html))
		err = -errno;
	return err;
}

static void doc_vtext(struct doc *d, const char *md_pre, const char *html_tag,
		      const char *fmt, va_list ap)
{
	char text[4096];

	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(d->md, "%s%s\n", md_pre, text);
	fprintf(d->html, "<%s>", html_tag);
	html_esc(d->html, text);
	fprintf(d->html, "</%s>\n", html_tag[0] == 'p' ? "p" : html_tag);
}

void doc_heading(struct doc *d, int level, const char *fmt, ...)
{
	static const char *const pre[] = { "# ", "## ", "### ", "#### " };
	char tag[4];
	va_list ap;

	doc_flow(d);
	level = level < 1 ? 1 : level > 4 ? 4 : level;
	snprintf(tag, sizeof(tag), "h%d", level);
	fprintf(d->md, "\n");
	va_start(ap, fmt);
	doc_vtext(d, pre[level - 1], tag, fmt, ap);
	va_end(ap);
	fprintf(d->md, "\n");
}

void doc_para(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	doc_flow(d);
	va_start(ap, fmt);
	doc_vtext(d, "", "p", fmt, ap);
	va_end(ap);
	fprintf(d->md, "\n");
}

void doc_warning(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	doc_flow(d);
	va_start(ap, fmt);
	doc_vtext(d, "> **Warning:** ", "p class=\"warn\"", fmt, ap);
	va_end(ap);
	fprintf(d->md, "\n");
}

void doc_item(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->in_list) {
		fprintf(d->html, "<ul>\n");
		d->in_list = true;
	}
	va_start(ap, fmt);
	doc_vtext(d, "- ", "li", fmt, ap);
	va_end(ap);
}

void doc_table_head(struct doc *d, int nr, const char *const *cells)
{
	doc_flow(d);
	fprintf(d->md, "|");
	fprintf(d->html, "<table>\n<tr>");
	for (int i = 0; i < nr; i++) {
		fprintf(d->md, " ");
		md_cell(d->md, cells[i]);
		fprintf(d->md, " |");
		fprintf(d->html, "<th>");
		html_esc(d->html, cells[i]);
		fprintf(d->html, "</th>");
	}
	fprintf(d->md, "\n|");
	for (int i = 0; i < nr; i++)
		fprintf(d->md, "---|");
	fprintf(d->md, "\n");
	fprintf(d->html, "</tr>\n");
	d->in_table = true;
}

void doc_table_row(struct doc *d, int nr, const char *const *cells)
{
	fprintf(d->md, "|");
	fprintf(d->html, "<tr>");
	for (int i = 0; i < nr; i++) {
		fprintf(d->md, " ");
		md_cell(d->md, cells[i]);
		fprintf(d->md, " |");
		fprintf(d->html, "<td>");
		html_esc(d->html, cells[i]);
		fprintf(d->html, "</td>");
	}
	fprintf(d->md, "\n");
	fprintf(d->html, "</tr>\n");
}

void doc_table_end(struct doc *d)
{
	if (!d->in_table)
		return;
	fprintf(d->md, "\n");
	fprintf(d->html, "</table>\n");
	d->in_table = false;
}

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The PNG inlined as a data: URI, so report.html needs no other file. */
static int html_inline_png(FILE *out, const char *path)
{
	unsigned char in[3];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	fputs("data:image/png;base64,", out);
	while ((n = fread(in, 1, 3, f)) > 0) {
		unsigned int v = in[0] << 16 | (n > 1 ? in[1] << 8 : 0) |
				 (n > 2 ? in[2] : 0);

		fputc(b64_chars[v >> 18 & 63], out);
		fputc(b64_chars[v >> 12 & 63], out);
		fputc(n > 1 ? b64_chars[v >> 6 & 63] : '=', out);
		fputc(n > 2 ? b64_chars[v & 63] : '=', out);
	}
	fclose(f);
	return 0;
}

void doc_image(struct doc *d, const char *rel, const char *caption)
{
	char png[sizeof(d->dir) + 256];

	doc_flow(d);
	fprintf(d->md, "![%s](%s.png)\n\n*%s* ([SVG](%s.svg), [data](%s.dat))\n\n",
		caption, rel, caption, rel, rel);
	snprintf(png, sizeof(png), "%s/%s.png", d->dir, rel);
	fprintf(d->html, "<figure id=\"%s\"><img alt=\"", rel);
	html_esc(d->html, caption);
	fprintf(d->html, "\" src=\"");
	if (html_inline_png(d->html, png))
		fprintf(d->html, "%s.png", rel);
	fprintf(d->html, "\"><figcaption>");
	html_esc(d->html, caption);
	fprintf(d->html, " (<a href=\"%s.svg\">SVG</a>, <a href=\"%s.dat\">data</a>)</figcaption></figure>\n",
		rel, rel);
}

void doc_file(struct doc *d, const char *rel, const char *what)
{
	if (!d->in_list) {
		fprintf(d->html, "<ul>\n");
		d->in_list = true;
	}
	fprintf(d->md, "- [%s](%s): %s\n", rel, rel, what);
	fprintf(d->html, "<li><a href=\"%s\">%s</a>: ", rel, rel);
	html_esc(d->html, what);
	fprintf(d->html, "</li>\n");
}

/* ---- from points to figures ---- */

enum fig_kind { FIG_PROP, FIG_SIZE, FIG_TPUT, FIG_LAT, FIG_CPU, NR_FIG_KINDS };

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

struct fig_ref {
	const struct ds_point *p;
	char fig[600];
	char ser[600];
	double x;
};

struct report_ctx {
	const struct dataset *ds;
	const char *dir;
	char plot_dir[PATH_MAX];
	bool *plotted;			/* per point: shown in a figure */
	bool *swept;			/* per point: part of an N sweep */
	struct figure *figs;
	int nr_figs;
	int nr_rendered;
	char no_plots[PATH_MAX + 128];	/* why there are no plots, "" if some */
};

static bool is_wire_mode(const char *mode)
{
	return strcmp(mode, MODE_MICRO) != 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A program's identity across modes and tests: what the DUT ran. */
static void identity(const struct ds_point *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%ld|%s|%s", p->property, p->n, p->variant,
		 p->op);
}

static void describe_program(const struct ds_point *p, char *buf, size_t len)
{
	const char *prop = p->property[0] ? p->property : "base";
	int used;

	if (!strcmp(prop, "base"))
		used = snprintf(buf, len, "base forwarder");
	else
		used = snprintf(buf, len, "%s", prop);
	if (p->n > 0 && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " N=%ld", p->n);
	if (p->variant[0] && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %s", p->variant);
	if (p->op[0] && used >= 0 && (size_t)used < len)
		snprintf(buf + used, len - used, " %s", p->op);
}

/* What N counts, per property: "(N) extra instructions". */
static const char *unit_word(const char *property, bool plural)
{
	static const struct { const char *key, *one, *many; } words[] = {
		{ "insn", "instruction", "instructions" },
		{ "branch", "conditional block", "conditional blocks" },
		{ "map", "map access", "map accesses" },
		{ "payload", "payload byte", "payload bytes" },
		{ "tail", "tail call", "tail calls" },
		{ "loop", "loop iteration", "loop iterations" },
		{ "alu", "ALU operation", "ALU operations" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(property, words[i].key))
			return plural ? words[i].many : words[i].one;
	return plural ? "units of N" : "unit of N";
}

static void slug(char *out, size_t len, const char *in)
{
	size_t j = 0;

	for (; *in && j + 1 < len; in++) {
		char c = *in;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			out[j++] = c;
		else if (c >= 'A' && c <= 'Z')
			out[j++] = c - 'A' + 'a';
		else if (j && out[j - 1] != '-')
			out[j++] = '-';
	}
	while (j && out[j - 1] == '-')
		j--;
	out[j] = '\0';
}

/*
 * Which figure a point belongs to for one kind of figure, and its x. Returns
 * false when the point is not for this kind. swept: its property was
 * measured at two or more N (a sweep); a lone N (the base forwarder at N=0)
 * is plotted against frame size instead.
 */
static bool select_point(enum fig_kind kind, const struct ds_point *p,
			 bool swept, struct fig_ref *r)
{
	char id[256];

	identity(p, id, sizeof(id));
	switch (kind) {
	case FIG_PROP:
		if (strcmp(p->metric, "ns_per_pkt") || !swept)
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s|%s", p->property,
			 p->mode);
		r->x = p->n;
		return true;
	case FIG_SIZE:
		if (strcmp(p->metric, "ns_per_pkt") || swept ||
		    is_wire_mode(p->mode) || p->frame_size <= 0)
			return false;
		snprintf(r->fig, sizeof(r->fig), "size");
		break;
	case FIG_TPUT:
		if (strcmp(p->unit, "Mpps") || p->frame_size <= 0)
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s", id);
		break;
	case FIG_LAT:
		if (!starts_with(p->metric, "latency") || p->frame_size <= 0 ||
		    !is_wire_mode(p->mode))
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s|%s", id, p->mode);
		break;
	case FIG_CPU:
		if (strcmp(p->unit, "ns") || starts_with(p->metric, "latency") ||
		    p->frame_size <= 0)
			return false;
		snprintf(r->fig, sizeof(r->fig), "%s", id);
		break;
	default:
		return false;
	}
	r->x = p->frame_size;
	return true;
}

/* swept[i]: another point of the same property and mode has another N. */
static void mark_sweeps(const struct dataset *ds, bool *swept)
{
	for (int i = 0; i < ds->nr_pts; i++) {
		const struct ds_point *p = &ds->pts[i];

		if (swept[i] || p->n < 0)
			continue;
		for (int j = 0; j < ds->nr_pts; j++) {
			const struct ds_point *q = &ds->pts[j];

			if (q->n >= 0 && q->n != p->n &&
			    !strcmp(q->property, p->property) &&
			    !strcmp(q->mode, p->mode)) {
				swept[i] = true;
				break;
			}
		}
	}
}

static int cmp_ref_fig(const void *a, const void *b)
{
	return strcmp(((const struct fig_ref *)a)->fig,
		      ((const struct fig_ref *)b)->fig);
}

static int cmp_ref_ser(const void *pa, const void *pb)
{
	const struct fig_ref *a = pa, *b = pb;
	int c = strcmp(a->ser, b->ser);

	if (c)
		return c;
	return (a->x > b->x) - (a->x < b->x);
}

/*
 * A property figure shows one frame size: the one with the most points
 * (ties: the smallest), since payload sweeps only reach large N on large
 * frames. Points of other sizes are dropped from the figure.
 */
static int prop_frame_size(struct fig_ref *r, int nr)
{
	int best = 0, best_count = 0;

	for (int i = 0; i < nr; i++) {
		int size = r[i].p->frame_size, count = 0;

		for (int j = 0; j < nr; j++)
			count += r[j].p->frame_size == size;
		if (count > best_count ||
		    (count == best_count && size < best)) {
			best = size;
			best_count = count;
		}
	}
	return best;
}

static void series_key(enum fig_kind kind, const struct ds_point *p,
		       char *key, size_t len)
{
	switch (kind) {
	case FIG_PROP:
		snprintf(key, len, "%s|%s|%s|%s", p->variant, p->op,
			 p->subtest, p->test);
		break;
	case FIG_SIZE:
		snprintf(key, len, "%s|%s|%s|%s|%s", p->test, p->subtest,
			 p->property, p->variant, p->op);
		break;
	case FIG_LAT:
		snprintf(key, len, "%s|%s", p->metric, p->test);
		break;
	default:
		snprintf(key, len, "%s|%s|%s", p->mode, p->metric, p->test);
	}
}

static void series_label(enum fig_kind kind, const struct ds_point *p,
			 char *buf, size_t len)
{
	switch (kind) {
	case FIG_PROP:
		if (p->variant[0] || p->op[0])
			snprintf(buf, len, "%s%s%s", p->variant,
				 p->variant[0] && p->op[0] ? " " : "", p->op);
		else
			snprintf(buf, len, "%s", p->subtest[0] ? p->subtest :
				 p->test);
		break;
	case FIG_SIZE:
		snprintf(buf, len, "%s%s%s%s%s%s%s", p->test,
			 p->subtest[0] ? "/" : "", p->subtest,
			 p->variant[0] ? " " : "", p->variant,
			 p->op[0] ? " " : "", p->op);
		break;
	case FIG_LAT:
		snprintf(buf, len, "%s", p->metric);
		break;
	case FIG_TPUT:
		if (!strcmp(p->metric, "mpps"))
			snprintf(buf, len, "%s", p->mode);
		else
			snprintf(buf, len, "%s %s", p->mode, p->metric);
		break;
	default:
		snprintf(buf, len, "%s %s", p->mode, p->metric);
	}
}

/* The same label twice (two tests measured it): name the tests. */
static void dedup_labels(struct figure *fg, const char **tests)
{
	for (int i = 0; i < fg->pl.nr_series; i++)
		for (int j = i + 1; j < fg->pl.nr_series; j++) {
			if (strcmp(fg->pl.series[i].label,
				   fg->pl.series[j].label))
				continue;
			for (int k = 0; k < fg->pl.nr_series; k++) {
				char *l = fg->pl.series[k].label;
				size_t len = strlen(l);

				if (!strchr(l, '['))
					snprintf(l + len,
						 sizeof(fg->pl.series[k].label) - len,
						 " [%s]", tests[k]);
			}
			return;
		}
}

static void fig_titles(struct figure *fg, const struct ds_point *p, int part,
		       int parts)
{
	struct plot *pl = &fg->pl;
	char prog[160], sl[200], partstr[32] = "";

	describe_program(p, prog, sizeof(prog));
	if (parts > 1)
		snprintf(partstr, sizeof(partstr), " (%d/%d)", part + 1, parts);
	switch (fg->kind) {
	case FIG_PROP:
		snprintf(fg->subject, sizeof(fg->subject), "%s", p->property);
		snprintf(fg->mode, sizeof(fg->mode), "%s", p->mode);
		snprintf(pl->title, sizeof(pl->title),
			 "%s: ns per packet vs N, %s, %d B frames%s",
			 p->property, p->mode, fg->frame_size, partstr);
		snprintf(pl->xlabel, sizeof(pl->xlabel), "N (%s per packet)",
			 unit_word(p->property, true));
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "time per packet (ns), mean and 95%% CI");
		snprintf(fg->x_name, sizeof(fg->x_name), "N");
		snprintf(sl, sizeof(sl), "prop-%s-%s", p->property, p->mode);
		break;
	case FIG_SIZE:
		snprintf(fg->subject, sizeof(fg->subject), "microbenchmark");
		snprintf(pl->title, sizeof(pl->title),
			 "Microbenchmark (%s): ns per packet vs frame size%s",
			 MODE_MICRO, partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "time per packet (ns), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "size-ns");
		break;
	case FIG_TPUT:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(pl->title, sizeof(pl->title),
			 "Throughput vs frame size: %s%s", prog, partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "throughput (Mpps), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "tput-%s", prog);
		pl->line_rate = true;
		pl->logy = true;
		break;
	case FIG_LAT:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(fg->mode, sizeof(fg->mode), "%s", p->mode);
		snprintf(pl->title, sizeof(pl->title),
			 "Latency percentiles, %s mode: %s%s", p->mode, prog,
			 partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "one-way latency (%s), mean and 95%% CI", p->unit);
		snprintf(sl, sizeof(sl), "lat-%s-%s", prog, p->mode);
		pl->logy = true;
		break;
	default:
		snprintf(fg->subject, sizeof(fg->subject), "%s", prog);
		snprintf(pl->title, sizeof(pl->title),
			 "CPU time per packet by mode: %s%s", prog, partstr);
		snprintf(pl->ylabel, sizeof(pl->ylabel),
			 "CPU time per packet (ns), mean and 95%% CI");
		snprintf(sl, sizeof(sl), "cpu-%s", prog);
	}
	if (fg->kind != FIG_PROP) {
		snprintf(pl->xlabel, sizeof(pl->xlabel),
			 "frame size on the wire, incl. FCS (B)");
		snprintf(fg->x_name, sizeof(fg->x_name), "frame size (B)");
		pl->frame_size_x = true;
		pl->logx = true;
	}
	if (parts > 1)
		snprintf(sl + strlen(sl), sizeof(sl) - strlen(sl), "-%d",
			 part + 1);
	slug(pl->name, sizeof(pl->name), sl);
}

/* Two figures must not write the same files: number the later one. */
static void unique_name(struct report_ctx *c, struct figure *fg)
{
	char base[sizeof(fg->pl.name)];

	memcpy(base, fg->pl.name, sizeof(base));
	for (int n = 2;; n++) {
		int i;

		for (i = 0; i < c->nr_figs; i++)
			if (&c->figs[i] != fg &&
			    !strcmp(c->figs[i].pl.name, fg->pl.name))
				break;
		if (i == c->nr_figs)
			return;
		snprintf(fg->pl.name, sizeof(fg->pl.name), "%.100s-%d", base, n);
	}
}

static struct figure *new_figure(struct report_ctx *c, enum fig_kind kind)
{
	struct figure *f = realloc(c->figs, (c->nr_figs + 1) * sizeof(*f));

	if (!f)
		return NULL;
	c->figs = f;
	f = &f[c->nr_figs++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->pl.hline[0] = f->pl.hline[1] = NAN;
	return f;
}

/* Figures from r[0..nr-1] (one figure key, sorted by series then x). */
static int emit_figures(struct report_ctx *c, enum fig_kind kind,
			struct fig_ref *r, int nr, int frame_size)
{
	const char *tests[PLOT_MAX_SERIES];
	int nr_series = 0, parts, part = -1, ret = 0;
	struct figure *fg = NULL;
	struct plot_series *s = NULL;
	char label[160];

	for (int i = 0; i < nr; i++)
		nr_series += !i || strcmp(r[i].ser, r[i - 1].ser);
	parts = (nr_series + PLOT_MAX_SERIES - 1) / PLOT_MAX_SERIES;
	for (int i = 0, si = -1; i < nr && !ret; i++) {
		const struct ds_point *p = r[i].p;

		if (!i || strcmp(r[i].ser, r[i - 1].ser)) {
			si++;
			if (si % PLOT_MAX_SERIES == 0) {
				if (fg)
					dedup_labels(fg, tests);
				fg = new_figure(c, kind);
				if (!fg)
					return -ENOMEM;
				fg->frame_size = frame_size;
				fig_titles(fg, p, ++part, parts);
				unique_name(c, fg);
			}
			series_label(kind, p, label, sizeof(label));
			s = plot_add_series(&fg->pl, label);
			fg->meta = realloc(fg->meta, fg->pl.nr_series *
					   sizeof(*fg->meta));
			if (!s || !fg->meta)
				return -ENOMEM;
			tests[fg->pl.nr_series - 1] = p->test;
			snprintf(fg->meta[fg->pl.nr_series - 1].mode, 32, "%s",
				 p->mode);
			snprintf(fg->meta[fg->pl.nr_series - 1].metric, 64, "%s",
				 p->metric);
			snprintf(fg->meta[fg->pl.nr_series - 1].unit, 16, "%s",
				 p->unit);
		}
		ret = plot_add_xy(s, r[i].x, p->st.mean, p->st.ci95_low,
				  p->st.ci95_high);
		c->plotted[p - c->ds->pts] = true;
	}
	if (fg)
		dedup_labels(fg, tests);
	return ret;
}

/* TPUT and CPU figures only for programs that were measured on a wire. */
static bool has_wire_point(const struct fig_ref *r, int nr)
{
	for (int i = 0; i < nr; i++)
		if (is_wire_mode(r[i].p->mode))
			return true;
	return false;
}

static int build_kind(struct report_ctx *c, enum fig_kind kind)
{
	const struct dataset *ds = c->ds;
	struct fig_ref *r = calloc(ds->nr_pts ?: 1, sizeof(*r));
	int nr = 0, ret = 0;

	if (!r)
		return -ENOMEM;
	for (int i = 0; i < ds->nr_pts; i++) {
		r[nr].p = &ds->pts[i];
		if (select_point(kind, &ds->pts[i], c->swept[i], &r[nr]))
			nr++;
	}
	qsort(r, nr, sizeof(*r), cmp_ref_fig);
	for (int a = 0, b; a < nr && !ret; a = b) {
		int size = 0, kept = 0;

		for (b = a; b < nr && !strcmp(r[a].fig, r[b].fig); b++)
			;
		if ((kind == FIG_TPUT || kind == FIG_CPU) &&
		    !has_wire_point(r + a, b - a))
			continue;
		if (kind == FIG_PROP)
			size = prop_frame_size(r + a, b - a);
		/* keep the figure's points at the front of the run */
		for (int i = a; i < b; i++) {
			if (kind == FIG_PROP && r[i].p->frame_size != size)
				continue;
			r[a + kept] = r[i];
			series_key(kind, r[a + kept].p, r[a + kept].ser,
				   sizeof(r[a + kept].ser));
			kept++;
		}
		qsort(r + a, kept, sizeof(*r), cmp_ref_ser);
		ret = emit_figures(c, kind, r + a, kept, size);
	}
	free(r);
	return ret;
}

/* ---- automatic reading ---- */

struct fit_row {
	const struct figure *fg;
	const struct plot_series *s;
	struct linear_fit fit;
};

static int cmp_fit_b(const void *pa, const void *pb)
{
	const struct fit_row *a = pa, *b = pb;

	return (a->fit.b < b->fit.b) - (a->fit.b > b->fit.b);
}

/* Least squares of each property series with >= 3 distinct N. */
static int collect_fits(struct report_ctx *c, struct fit_row **out)
{
	struct fit_row *rows = NULL;
	int nr = 0;

	for (int i = 0; i < c->nr_figs; i++) {
		const struct figure *fg = &c->figs[i];

		if (fg->kind != FIG_PROP)
			continue;
		for (int j = 0; j < fg->pl.nr_series; j++) {
			const struct plot_series *s = &fg->pl.series[j];
			double x[256], y[256];
			int n = s->nr < 256 ? s->nr : 256;
			struct fit_row *grown;
			struct linear_fit fit;

			for (int k = 0; k < n; k++) {
				x[k] = s->xy[k].x;
				y[k] = s->xy[k].y;
			}
			if (stats_linear_fit(x, y, n, &fit))
				continue;
			grown = realloc(rows, (nr + 1) * sizeof(*rows));
			if (!grown)
				break;
			rows = grown;
			rows[nr++] = (struct fit_row){ fg, s, fit };
		}
	}
	qsort(rows, nr, sizeof(*rows), cmp_fit_b);
	*out = rows;
	return nr;
}

static void read_costs(struct doc *d, const struct fit_row *fits, int nr)
{
	char seen[64][160];
	int nr_seen = 0, nonlinear = 0, unresolved = 0;

	if (!nr)
		return;
	/* per property, its most expensive series (fits are sorted by b) */
	for (int i = 0; i < nr && nr_seen < 64; i++) {
		const struct fit_row *f = &fits[i];
		int k;

		for (k = 0; k < nr_seen && strcmp(seen[k], f->fg->subject); k++)
			;
		if (k < nr_seen)
			continue;
		snprintf(seen[nr_seen++], sizeof(seen[0]), "%s",
			 f->fg->subject);
		doc_item(d, "%s %s: %.3g ns per %s (95%% CI %.3g to %.3g, R² %.3f; %s, %d B)%s",
			 nr_seen == 1 ? "Costs most per unit:" : "Then",
			 f->fg->subject, f->fit.b,
			 unit_word(f->fg->subject, false), f->fit.b_ci95_low,
			 f->fit.b_ci95_high, f->fit.r2, f->s->label,
			 f->fg->frame_size,
			 f->fit.b_ci95_low <= 0 && f->fit.b_ci95_high >= 0 ?
				" - not resolved, the CI includes 0" : "");
	}
	for (int i = 0; i < nr; i++) {
		nonlinear += fits[i].fit.r2 < NONLINEAR_R2;
		unresolved += fits[i].fit.b_ci95_low <= 0 &&
			      fits[i].fit.b_ci95_high >= 0;
	}
	if (nonlinear)
		doc_item(d, "%d of %d fitted series are not linear in N (R² < %.1f): the line a + b·N hides their shape, read their plots.",
			 nonlinear, nr, NONLINEAR_R2);
	if (unresolved)
		doc_item(d, "%d of %d series have a per-unit cost whose 95%% CI includes 0: below what this run resolves.",
			 unresolved, nr);
}

static const struct plot_xy *xy_at(const struct plot_series *s, double x)
{
	for (int i = 0; i < s->nr; i++)
		if (s->xy[i].x == x)
			return &s->xy[i];
	return NULL;
}

/*
 * Forwarding rates: "mpps" (a microbenchmark or --dut-dev), the wire's
 * "mpps_max" and "mpps_zero_loss"; not the offered load.
 */
static bool is_rate_metric(const char *metric)
{
	return starts_with(metric, "mpps") && !strstr(metric, "offered");
}

/*
 * Wire series measured at a single frame size (the property sweeps' wire
 * points) would each give a sentence: they are counted, and read in their
 * tables; the reading keeps to programs measured across frame sizes.
 */
static void read_line_rate(struct doc *d, const struct figure *fg,
			   int *nr_single)
{
	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];
		char below[256] = "";
		size_t used = 0;
		int nr_below = 0, first_ok = 0;

		if (!is_rate_metric(fg->meta[j].metric) ||
		    !is_wire_mode(fg->meta[j].mode))
			continue;
		if (s->nr < 2) {
			++*nr_single;
			continue;
		}
		for (int k = 0; k < s->nr; k++) {
			double rate = report_line_rate_mpps(s->xy[k].x);

			if (s->xy[k].hi < rate) {
				nr_below++;
				if (used < sizeof(below))
					used += snprintf(below + used,
							 sizeof(below) - used,
							 "%s%g B (%.0f%%)",
							 used ? ", " : "",
							 s->xy[k].x,
							 100 * s->xy[k].y / rate);
			} else if (!first_ok) {
				first_ok = (int)s->xy[k].x;
			}
		}
		if (!nr_below)
			doc_item(d, "%s, %s: at 10GbE line rate for every frame size measured.",
				 fg->subject, s->label);
		else
			doc_item(d, "%s, %s: below 10GbE line rate at %s%s.",
				 fg->subject, s->label, below,
				 nr_below == s->nr ? " - every size measured" : "");
	}
}

/* Ratio of two modes at every common frame size: "1.8x to 2.3x". */
static void read_mode_ratio(struct doc *d, const struct figure *fg,
			    const char *metric, const char *what)
{
	/* wire modes only: test_run is no wire and would not compare */
	static const char *const modes[] = { "generic", "native", "offload" };
	const int nr_modes = sizeof(modes) / sizeof(modes[0]);

	for (int a = 0; a < nr_modes; a++)
		for (int b = a + 1; b < nr_modes; b++) {
			const struct plot_series *sa = NULL, *sb = NULL;
			double lo = INFINITY, hi = -INFINITY;
			int n = 0;

			for (int j = 0; j < fg->pl.nr_series; j++) {
				if (strcmp(fg->meta[j].metric, metric))
					continue;
				if (!strcmp(fg->meta[j].mode, modes[a]))
					sa = &fg->pl.series[j];
				if (!strcmp(fg->meta[j].mode, modes[b]))
					sb = &fg->pl.series[j];
			}
			if (!sa || !sb)
				continue;
			for (int k = 0; k < sb->nr; k++) {
				const struct plot_xy *xa = xy_at(sa, sb->xy[k].x);

				if (!xa || xa->y <= 0)
					continue;
				lo = fmin(lo, sb->xy[k].y / xa->y);
				hi = fmax(hi, sb->xy[k].y / xa->y);
				n++;
			}
			if (n >= 2)
				doc_item(d, "%s: %s %s is %.2fx to %.2fx that of %s over %d frame sizes.",
					 fg->subject, modes[b], what, lo, hi,
					 modes[a], n);
		}
}

/* 3500 ns reads better as 3.5 us. */
static void fmt_time(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "ns") && v >= 1000)
		snprintf(buf, len, "%.1f us", v / 1000);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}

static void read_latency(struct doc *d, const struct figure *fg)
{
	char first[32], last[32];

	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];

		if (strcmp(fg->meta[j].metric, "latency_p99") || !s->nr)
			continue;
		fmt_time(first, sizeof(first), s->xy[0].y, fg->meta[j].unit);
		fmt_time(last, sizeof(last), s->xy[s->nr - 1].y,
			 fg->meta[j].unit);
		doc_item(d, "%s, %s mode: p99 latency %s at %g B, %s at %g B.",
			 fg->subject, fg->mode, first, s->xy[0].x, last,
			 s->xy[s->nr - 1].x);
	}
}

static void read_micro(struct doc *d, const struct figure *fg)
{
	for (int j = 0; j < fg->pl.nr_series; j++) {
		const struct plot_series *s = &fg->pl.series[j];

		if (!s->nr)
			continue;
		doc_item(d, "%s (%s): %.3g ns per packet at %g B, %.3g ns at %g B (%.3g Mpps per core at the smallest size).",
			 s->label, MODE_MICRO, s->xy[0].y, s->xy[0].x,
			 s->xy[s->nr - 1].y, s->xy[s->nr - 1].x,
			 s->xy[0].y > 0 ? 1000 / s->xy[0].y : 0);
	}
}

static void read_noise(struct doc *d, const struct dataset *ds)
{
	int noisy = 0, outliers = 0, tested = 0;
	double worst = 0;
	char key[512] = "";

	for (int i = 0; i < ds->nr_pts; i++) {
		const struct sample_stats *st = &ds->pts[i].st;
		double rel;

		outliers += st->outliers;
		if (st->n < 2 || !(st->mean > 0) || isnan(st->ci95_high))
			continue;
		tested++;
		rel = (st->ci95_high - st->ci95_low) / 2 / st->mean;
		noisy += rel > NOISY_REL_CI;
		if (rel > worst) {
			worst = rel;
			ds_key_str(&ds->pts[i], key, sizeof(key));
		}
	}
	doc_item(d, "Noise: %d of %d points have a 95%% CI wider than ±%.0f%% of the mean; the widest is ±%.1f%% (%s). %d repetitions in all were IQR outliers (kept in the statistics).",
		 noisy, tested, NOISY_REL_CI * 100, worst * 100, key, outliers);
}

static void write_reading(struct report_ctx *c, struct doc *d)
{
	struct fit_row *fits = NULL;
	int nr_fits = collect_fits(c, &fits), nr_single = 0;

	doc_heading(d, 2, "Automatic reading");
	doc_para(d, "Generated from the data by rules (see the README); read it with the plots and the caveats below.");
	if (ds_emulated(c->ds))
		doc_item(d, "Every timing below comes from an emulated CPU: it measures the emulator, not the kernel.");
	for (int i = 0; i < c->nr_figs; i++)
		if (c->figs[i].kind == FIG_SIZE)
			read_micro(d, &c->figs[i]);
	read_costs(d, fits, nr_fits);
	for (int i = 0; i < c->nr_figs; i++) {
		const struct figure *fg = &c->figs[i];

		if (fg->kind == FIG_TPUT) {
			read_line_rate(d, fg, &nr_single);
			read_mode_ratio(d, fg, "mpps", "throughput");
			read_mode_ratio(d, fg, "mpps_max", "maximum rate");
			read_mode_ratio(d, fg, "mpps_zero_loss",
					"zero-loss rate");
		} else if (fg->kind == FIG_CPU) {
			read_mode_ratio(d, fg, "cpu_prog_ns",
					"program run time per packet (bpf_stats)");
			read_mode_ratio(d, fg, "cpu_host_ns",
					"host CPU time per packet");
		} else if (fg->kind == FIG_LAT) {
			read_latency(d, fg);
		}
	}
	if (nr_single)
		doc_item(d, "%d wire rates measured at a single frame size (the property sweeps' wire points) are in the tables below, not read here.",
			 nr_single);
	read_noise(d, c->ds);
	doc_list_end(d);
	free(fits);
}

/* ---- sections ---- */

static void write_env(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;
	const char *head[] = { "field", "value" };

	doc_heading(d, 2, "Environment");
	if (!ds->nr_env) {
		doc_warning(d, "No environment block (%s has none): the results cannot be tied to a kernel or CPU.",
			    ds->source);
	} else {
		doc_table_head(d, 2, head);
		for (int i = 0; i < ds->nr_env; i++) {
			const char *row[] = { ds->env[i].key, ds->env[i].value };

			doc_table_row(d, 2, row);
		}
		doc_table_end(d);
	}
	if (!ds->nr_profile)
		return;
	doc_para(d, "Measurement profile:");
	doc_table_head(d, 2, head);
	for (int i = 0; i < ds->nr_profile; i++) {
		const char *row[] = { ds->profile[i].key, ds->profile[i].value };

		doc_table_row(d, 2, row);
	}
	doc_table_end(d);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* x down, series across: what the figure shows, as numbers. */
static void write_fig_table(struct doc *d, const struct figure *fg)
{
	const struct plot *pl = &fg->pl;
	const char *head[PLOT_MAX_SERIES + 1];
	char cells[PLOT_MAX_SERIES + 1][48];
	const char *row[PLOT_MAX_SERIES + 1];
	double xs[1024];
	int nr_x = 0;

	for (int i = 0; i < pl->nr_series; i++)
		for (int j = 0; j < pl->series[i].nr && nr_x < 1024; j++)
			xs[nr_x++] = pl->series[i].xy[j].x;
	qsort(xs, nr_x, sizeof(*xs), cmp_double);
	head[0] = fg->x_name;
	for (int i = 0; i < pl->nr_series; i++)
		head[i + 1] = pl->series[i].label;
	doc_table_head(d, pl->nr_series + 1, head);
	for (int k = 0; k < nr_x; k++) {
		if (k && xs[k] == xs[k - 1])
			continue;
		snprintf(cells[0], sizeof(cells[0]), "%g", xs[k]);
		row[0] = cells[0];
		for (int i = 0; i < pl->nr_series; i++) {
			const struct plot_xy *xy = xy_at(&pl->series[i], xs[k]);

			if (xy)
				fmt_val_ci(cells[i + 1], sizeof(cells[i + 1]),
					   xy->y, xy->lo, xy->hi);
			else
				snprintf(cells[i + 1], sizeof(cells[i + 1]), "-");
			row[i + 1] = cells[i + 1];
		}
		doc_table_row(d, pl->nr_series + 1, row);
	}
	doc_table_end(d);
}

static void write_figure(struct report_ctx *c, struct doc *d,
			 const struct figure *fg)
{
	char rel[200];

	doc_heading(d, 3, "%s", fg->pl.title);
	if (fg->rendered) {
		snprintf(rel, sizeof(rel), "plots/%s", fg->pl.name);
		doc_image(d, rel, fg->pl.title);
	}
	if (fg->kind == FIG_TPUT)
		doc_para(d, "The dashed line is the 10GbE line rate: 10e9 / ((frame size + 20 B) x 8) frames per second, 14.88 Mpps at 64 B.");
	write_fig_table(d, fg);
}

static const char *const kind_heading[NR_FIG_KINDS] = {
	[FIG_PROP] = "Cost per property: ns per packet vs N",
	[FIG_SIZE] = "Microbenchmark: ns per packet vs frame size",
	[FIG_TPUT] = "Throughput vs frame size, per XDP mode",
	[FIG_LAT] = "Latency percentiles per mode and frame size",
	[FIG_CPU] = "CPU time per packet, per mode",
};

static const char *const kind_intro[NR_FIG_KINDS] = {
	[FIG_PROP] = "BPF_PROG_TEST_RUN microbenchmarks: one line per variant, one frame size per plot (the size with the most points). The slope is the cost of one unit of N.",
	[FIG_SIZE] = "Programs measured without a property sweep, for every frame size.",
	[FIG_TPUT] = "Forwarding rate measured on the veth wire per XDP mode; test_run lines (if any) are the CPU-only microbenchmark of the same program.",
	[FIG_LAT] = "One-way latency through the DUT, from the sink's histogram.",
	[FIG_CPU] = "CPU time the DUT spends per packet (bpf_stats run time and softirq/system time), next to the microbenchmark figure of the same program.",
};

static void write_figures(struct report_ctx *c, struct doc *d)
{
	for (int k = 0; k < NR_FIG_KINDS; k++) {
		bool any = false;

		for (int i = 0; i < c->nr_figs; i++) {
			if (c->figs[i].kind != (enum fig_kind)k)
				continue;
			if (!any) {
				doc_heading(d, 2, "%s", kind_heading[k]);
				doc_para(d, "%s", kind_intro[k]);
				any = true;
			}
			write_figure(c, d, &c->figs[i]);
		}
	}
}

static void write_fits(struct report_ctx *c, struct doc *d)
{
	static const char *const head[] = {
		"property", "series", "mode", "frame (B)", "a (ns)",
		"b (ns per unit)", "b 95% CI", "R²", "points",
	};
	struct fit_row *fits = NULL;
	int nr = collect_fits(c, &fits);

	if (!nr)
		return;
	doc_para(d, "Least-squares fits ns/pkt = a + b·N of the plotted series, computed by the report (sorted by b):");
	doc_table_head(d, 9, head);
	for (int i = 0; i < nr; i++) {
		const struct fit_row *f = &fits[i];
		char cell[6][48];
		const char *row[9];

		snprintf(cell[0], 48, "%d", f->fg->frame_size);
		snprintf(cell[1], 48, "%.3f", f->fit.a);
		snprintf(cell[2], 48, "%.4f", f->fit.b);
		snprintf(cell[3], 48, "%.4f to %.4f", f->fit.b_ci95_low,
			 f->fit.b_ci95_high);
		snprintf(cell[4], 48, "%.3f", f->fit.r2);
		snprintf(cell[5], 48, "%d", f->fit.n);
		row[0] = f->fg->subject;
		row[1] = f->s->label;
		row[2] = f->fg->mode;
		for (int j = 0; j < 6; j++)
			row[3 + j] = cell[j];
		doc_table_row(d, 9, row);
	}
	doc_table_end(d);
	free(fits);
}

static int cmp_ref_full(const void *pa, const void *pb)
{
	const struct fig_ref *a = pa, *b = pb;
	int c = strcmp(a->fig, b->fig);

	return c ? c : cmp_ref_ser(pa, pb);
}

static void fit_cell(char *buf, size_t len, const struct fig_ref *r, int nr)
{
	double x[256], y[256];
	struct linear_fit fit;
	int n = nr < 256 ? nr : 256;

	for (int i = 0; i < n; i++) {
		x[i] = r[i].x;
		y[i] = r[i].p->st.mean;
	}
	if (stats_linear_fit(x, y, n, &fit))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3g (R² %.2f)", fit.b, fit.r2);
}

/* Row of the by-size table: one sweep series, its b at every size. */
static void fits_row(struct doc *d, const struct fig_ref *r, int nr,
		     const int *sizes, int nr_sizes)
{
	char cells[PERF_MAX_SIZES][48], label[160];
	const char *row[PERF_MAX_SIZES + 3];

	series_label(FIG_PROP, r->p, label, sizeof(label));
	row[0] = r->p->property;
	row[1] = label;
	row[2] = r->p->mode;
	for (int k = 0; k < nr_sizes; k++) {
		int a, b;

		for (a = 0; a < nr && r[a].p->frame_size != sizes[k]; a++)
			;
		for (b = a; b < nr && r[b].p->frame_size == sizes[k]; b++)
			;
		if (a < nr)
			fit_cell(cells[k], sizeof(cells[k]), r + a, b - a);
		else
			snprintf(cells[k], sizeof(cells[k]), "-");
		row[3 + k] = cells[k];
	}
	doc_table_row(d, nr_sizes + 3, row);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* b of every sweep at every frame size: does the unit cost depend on it? */
static void write_fits_by_size(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;
	struct fig_ref *r = calloc(ds->nr_pts ?: 1, sizeof(*r));
	int sizes[PERF_MAX_SIZES], nr_sizes = 0, nr = 0;
	char head_sizes[PERF_MAX_SIZES][16], ser[600];
	const char *head[PERF_MAX_SIZES + 3] = { "property", "series", "mode" };

	for (int i = 0; i < ds->nr_pts && r; i++) {
		const struct ds_point *p = &ds->pts[i];
		int k;

		if (!c->swept[i] || strcmp(p->metric, "ns_per_pkt"))
			continue;
		for (k = 0; k < nr_sizes && sizes[k] != p->frame_size; k++)
			;
		if (k == nr_sizes && nr_sizes < PERF_MAX_SIZES)
			sizes[nr_sizes++] = p->frame_size;
		series_key(FIG_PROP, p, ser, sizeof(ser));
		r[nr].p = p;
		snprintf(r[nr].fig, sizeof(r[nr].fig), "%s|%s|%.400s",
			 p->property, p->mode, ser);
		/* by frame size within a series, then by N */
		snprintf(r[nr].ser, sizeof(r[nr].ser), "%08d", p->frame_size);
		r[nr++].x = p->n;
	}
	if (nr_sizes < 2) {
		free(r);
		return;
	}
	qsort(r, nr, sizeof(*r), cmp_ref_full);
	qsort(sizes, nr_sizes, sizeof(*sizes), cmp_int);
	for (int k = 0; k < nr_sizes; k++) {
		snprintf(head_sizes[k], sizeof(head_sizes[k]), "%d B", sizes[k]);
		head[3 + k] = head_sizes[k];
	}
	doc_para(d, "Per-unit cost b (ns) of every sweep at every frame size, with R²:");
	doc_table_head(d, nr_sizes + 3, head);
	for (int a = 0, b; a < nr; a = b) {
		for (b = a; b < nr && !strcmp(r[a].fig, r[b].fig); b++)
			;
		fits_row(d, r + a, b - a, sizes, nr_sizes);
	}
	doc_table_end(d);
	free(r);
}

/* cost-model.csv from the generator, shown as it is. */
static void write_cost_model(struct report_ctx *c, struct doc *d)
{
	char path[PATH_MAX], *line = NULL, *cells[32];
	int nr_cols = 0, rows = 0;
	size_t cap = 0;
	FILE *f;

	doc_heading(d, 2, "Cost model");
	snprintf(path, sizeof(path), "%s/cost-model.csv", c->dir);
	f = fopen(path, "r");
	if (!f) {
		doc_para(d, "No cost-model.csv in this directory (the property sweeps did not run, or wrote none).");
	} else {
		doc_para(d, "From the property sweeps (cost-model.csv, cost-model.json):");
		while (getline(&line, &cap, f) >= 0 && rows <= TABLE_MAX_ROWS) {
			int n = 0;

			line[strcspn(line, "\r\n")] = '\0';
			if (!*line)
				continue;
			for (char *tok = line; tok && n < 32; n++) {
				cells[n] = tok;
				tok = strchr(tok, ',');
				if (tok)
					*tok++ = '\0';
			}
			if (!rows++) {
				nr_cols = n;
				doc_table_head(d, n, (const char *const *)cells);
				continue;
			}
			while (n < nr_cols)
				cells[n++] = "";
			doc_table_row(d, nr_cols, (const char *const *)cells);
		}
		doc_table_end(d);
		free(line);
		fclose(f);
	}
	write_fits(c, d);
	write_fits_by_size(c, d);
}

/*
 * Points the figures leave out but the reader does not need one by one:
 * sweeps at the other frame sizes (fitted per size above) and the
 * microbenchmark Mpps, which is 1000 / ns_per_pkt of a point shown.
 */
static bool summarised(const struct report_ctx *c, int i)
{
	const struct ds_point *p = &c->ds->pts[i];

	if (c->swept[i] && !strcmp(p->metric, "ns_per_pkt"))
		return true;
	return !is_wire_mode(p->mode) && !strcmp(p->metric, "mpps");
}

static void write_others(struct report_ctx *c, struct doc *d)
{
	static const char *const head[] = {
		"point", "mean ±95% CI", "unit", "reps",
	};
	const struct dataset *ds = c->ds;
	int nr = 0, nr_summarised = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		if (c->plotted[i])
			continue;
		if (summarised(c, i))
			nr_summarised++;
		else
			nr++;
	}
	if (!nr && !nr_summarised)
		return;
	doc_heading(d, 2, "Other measurements");
	if (nr_summarised)
		doc_para(d, "%d points are in data.csv only: property sweeps at the frame sizes not plotted (their per-unit costs are in the table by frame size above) and microbenchmark Mpps (1000 / ns per packet).",
			 nr_summarised);
	if (!nr)
		return;
	doc_para(d, "Points not shown in a plot (%d)%s.", nr,
		 nr > TABLE_MAX_ROWS ? "; the first ones, all are in data.csv" : "");
	doc_table_head(d, 4, head);
	for (int i = 0, shown = 0; i < ds->nr_pts && shown < TABLE_MAX_ROWS; i++) {
		const struct ds_point *p = &ds->pts[i];
		char key[512], val[64], reps[16];
		const char *row[4] = { key, val, p->unit, reps };

		if (c->plotted[i] || summarised(c, i))
			continue;
		shown++;
		ds_key_str(p, key, sizeof(key));
		report_fmt_stat(val, sizeof(val), &p->st);
		snprintf(reps, sizeof(reps), "%d", p->st.n);
		doc_table_row(d, 4, row);
	}
	doc_table_end(d);
}

/* compare.csv beside the data (--baseline): its verdicts, counted. */
static void write_baseline(struct report_ctx *c, struct doc *d)
{
	int count[5] = { 0 };
	char path[PATH_MAX];

	if (compare_count_verdicts(c->dir, count))
		return;
	snprintf(path, sizeof(path), "%s/plots/compare.png", c->dir);
	doc_heading(d, 2, "Comparison with the baseline");
	doc_para(d, "%d slower, %d faster, %d unchanged, %d without a test, %d missing or extra points: see compare.md and compare.csv.",
		 count[CMP_SLOWER], count[CMP_FASTER], count[CMP_UNCHANGED],
		 count[CMP_UNTESTABLE], count[4]);
	if (access(path, R_OK) == 0)
		doc_image(d, "plots/compare",
			  "Change against the baseline per point");
}

static void write_caveats(struct report_ctx *c, struct doc *d)
{
	const char *jit = ds_env(c->ds, "jit_enable");
	const char *harden = ds_env(c->ds, "jit_harden");
	const char *stats = ds_env(c->ds, "bpf_stats");
	const char *virt = ds_env(c->ds, "virt");

	doc_heading(d, 2, "Caveats");
	doc_item(d, "Microbenchmarks (mode test_run) run one packet through the program in a loop on one CPU with hot caches and the same flow every time: no driver, DMA, NAPI, memory copies, cache misses from real traffic or contention between CPUs. Their ns/pkt is a throughput figure (loop iterations overlap in the CPU), not the latency of one packet.");
	doc_item(d, "The wire tests run on veth pairs inside one machine: generator, DUT and sink share the CPUs, and native XDP on veth is not a NIC driver. Use them to compare modes and programs, not as NIC figures.");
	doc_item(d, "Confidence intervals come from the repetitions of one run: they cover noise within the run, not between boots, kernel builds or machines. Frequency scaling, SMT siblings and other load move every number; compare runs with --compare, which tests each difference and ignores those below the minimum effect.");
	doc_item(d, "Fits a + b·N assume cost linear in N; R² says how well that holds. Short dependent chains overlap with the next packet, so small N can cost less per unit than large N.");
	if (jit && strcmp(jit, "1") && strcmp(jit, "2"))
		doc_item(d, "The BPF JIT was off (jit_enable %s): these are interpreter timings.",
			 jit);
	if (harden && strcmp(harden, "0") && *harden)
		doc_item(d, "JIT hardening was on (jit_harden %s): constant blinding adds instructions to every program.",
			 harden);
	if (stats && strcmp(stats, "0") && *stats)
		doc_item(d, "kernel.bpf_stats_enabled was on during the run: it adds two clock reads per program run (15-35 ns measured) and serializes the iterations.");
	if (virt && *virt)
		doc_item(d, "The machine is virtualized (%s): steal time and timer virtualization add noise.",
			 virt);
	doc_list_end(d);
}

static void write_files(struct report_ctx *c, struct doc *d)
{
	static const struct { const char *name, *what; } files[] = {
		{ "data.csv", "every measured point, one row per metric" },
		{ "data.json", "the same points with the environment and profile" },
		{ "cost-model.csv", "per-unit cost fits from the property sweeps" },
		{ "cost-model.json", "the same as JSON" },
		{ "compare.md", "comparison with the baseline" },
		{ "compare.csv", "the same, one row per point" },
		{ "report.html", "this report with the plots inlined" },
	};

	doc_heading(d, 2, "Files");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (file_exists(c->dir, files[i].name))
			doc_file(d, files[i].name, files[i].what);
	if (c->nr_rendered)
		doc_file(d, "plots/", "every plot as PNG and SVG, its data (.dat) and gnuplot script (.gp)");
	doc_list_end(d);
}

static void write_doc(struct report_ctx *c, struct doc *d)
{
	const struct dataset *ds = c->ds;
	const char *kernel = ds_env(ds, "kernel");
	const char *cpu = ds_env(ds, "cpu_model");

	doc_para(d, "Kernel %s on %s, %d points from %s.", kernel ?: "unknown",
		 cpu ?: "an unknown CPU", ds->nr_pts, ds->source);
	if (ds_emulated(ds))
		doc_warning(d, "These results were measured on an emulated CPU (environment \"emulated\": true, e.g. QEMU TCG). Emulated timings measure the emulator's code translation, not the CPU or the kernel: use them as functional checks only. --compare refuses to compare them with native results.");
	if (test__stopping())
		doc_warning(d, "The run was interrupted: this report covers the points measured before the stop.");
	if (c->no_plots[0])
		doc_warning(d, "No plots: %s. The data and tables are complete.",
			    c->no_plots);
	write_reading(c, d);
	write_baseline(c, d);
	write_env(c, d);
	write_figures(c, d);
	write_cost_model(c, d);
	write_others(c, d);
	write_caveats(c, d);
	write_files(c, d);
}

static void free_ctx(struct report_ctx *c)
{
	for (int i = 0; i < c->nr_figs; i++) {
		plot_free(&c->figs[i].pl);
		free(c->figs[i].meta);
	}
	free(c->figs);
	free(c->plotted);
	free(c->swept);
}

static void render_all(struct report_ctx *c)
{
	char why[200];
	int failed = 0;

	if (!report_have_gnuplot(why, sizeof(why))) {
		snprintf(c->no_plots, sizeof(c->no_plots), "%s", why);
		return;
	}
	if (results_mkdir_p(c->plot_dir)) {
		snprintf(c->no_plots, sizeof(c->no_plots), "cannot create %s: %s",
			 c->plot_dir, strerror(errno));
		return;
	}
	for (int i = 0; i < c->nr_figs; i++) {
		c->figs[i].rendered = !plot_render(&c->figs[i].pl, c->plot_dir);
		c->nr_rendered += c->figs[i].rendered;
		failed += !c->figs[i].rendered;
	}
	if (failed && !c->nr_rendered)
		snprintf(c->no_plots, sizeof(c->no_plots),
			 "gnuplot failed on every plot, see plots/gnuplot.log");
	else if (failed)
		fprintf(stderr, "report: %d plots failed, see %s/gnuplot.log\n",
			failed, c->plot_dir);
}

int report_build(const char *dir, const struct dataset *ds, char *err,
		 size_t err_len)
{
	struct report_ctx c = { .ds = ds, .dir = dir };
	char title[sizeof(ds->source) + 64];
	struct doc d;
	int ret = 0;

	snprintf(c.plot_dir, sizeof(c.plot_dir), "%s/plots", dir);
	c.plotted = calloc(ds->nr_pts ?: 1, sizeof(*c.plotted));
	c.swept = calloc(ds->nr_pts ?: 1, sizeof(*c.swept));
	if (!c.plotted || !c.swept) {
		free(c.plotted);
		free(c.swept);
		return -ENOMEM;
	}
	mark_sweeps(ds, c.swept);
	for (int k = 0; k < NR_FIG_KINDS && !ret; k++)
		ret = build_kind(&c, k);
	if (ret) {
		perf_msg(err, err_len, "out of memory building the figures");
		goto out;
	}
	render_all(&c);
	snprintf(title, sizeof(title), "xdp-perf report: %s",
		 ds_env(ds, "kernel") ?: ds->source);
	ret = doc_open(&d, dir, "report", title);
	if (ret) {
		perf_msg(err, err_len, "cannot write %s/report.md: %s", dir,
			strerror(-ret));
		goto out;
	}
	write_doc(&c, &d);
	ret = doc_close(&d);
	if (ret)
		perf_msg(err, err_len, "cannot write the report in %s: %s", dir,
			strerror(-ret));
out:
	free_ctx(&c);
	return ret;
}

/* ---- --report ---- */

static bool report_on;
static const char *report_from;
static char default_out[PATH_MAX];

/* results/<date>-<kernel release>; the time of day keeps runs apart. */
static int report_start(void)
{
	struct utsname u;
	char date[32];
	time_t now = time(NULL);
	int err;

	if (report_from)
		perf_usage_error("--report runs the tests, --report-from only rebuilds: use one");
	if (!env.out_dir) {
		uname(&u);
		strftime(date, sizeof(date), "%Y-%m-%d-%H%M%S",
			 localtime(&now));
		snprintf(default_out, sizeof(default_out), "results/%s-%s",
			 date, u.release);
		env.out_dir = default_out;
	}
	err = results_mkdir_p(env.out_dir);
	if (err)
		perf_usage_error("cannot create the result directory %s: %s",
				 env.out_dir, strerror(-err));
	if (!env.ktap)
		printf("Report: results go to %s/\n", env.out_dir);
	return 0;
}

static int report_finish(void)
{
	struct dataset ds;
	char err[512], why[200];
	int ret;

	/* a baseline comparison goes first: the report shows its verdicts */
	compare_baseline_finish();
	if (!results_count()) {
		fprintf(stderr, "report: nothing was measured (every test skipped or failed?), no report written\n");
		return 1;
	}
	/* test_perf.c writes the data files before the finish hooks */
	if (!file_exists(env.out_dir, "data.json") &&
	    results_write(env.out_dir)) {
		fprintf(stderr, "report: cannot write the data files into %s\n",
			env.out_dir);
		return 1;
	}
	ret = ds_load(env.out_dir, &ds, err, sizeof(err));
	if (!ret) {
		ret = report_build(env.out_dir, &ds, err, sizeof(err));
		ds_free(&ds);
	}
	if (ret) {
		fprintf(stderr, "report: %s\n", err);
		return 1;
	}
	if (!report_have_gnuplot(why, sizeof(why)))
		fprintf(stderr, "report: no plots: %s\n", why);
	if (!env.ktap)
		printf("Report: %s/report.md and %s/report.html\n",
		       env.out_dir, env.out_dir);
	return 0;
}

/* --report-from DIR: plots and report again from DIR's data files. */
static int report_from_main(int argc, char **argv)
{
	struct dataset ds;
	char err[1024];
	int ret;

	if (argc)
		perf_usage_error("--report-from takes no operand ('%s')", argv[0]);
	if (ds_load(report_from, &ds, err, sizeof(err)))
		perf_usage_error("--report-from: %s", err);
	ret = report_build(report_from, &ds, err, sizeof(err));
	ds_free(&ds);
	if (ret) {
		fprintf(stderr, "test_perf: report: %s\n", err);
		return 1;
	}
	printf("Report: %s/report.md and %s/report.html\n", report_from,
	       report_from);
	return 0;
}

static int parse_report_from(const char *arg)
{
	report_from = arg;
	perf_set_main(report_from_main);
	return 0;
}

static int parse_report(const char *arg)
{
	if (!report_on) {
		report_on = true;
		perf_at_start(report_start);
		perf_at_finish(report_finish);
	}
	return 0;
}

PERF_OPTION(report, .name = "report",
	    .help = "run the evaluation and write plots, report.md and report.html (default --out results/<date>-<kernel>)",
	    .parse = parse_report);
PERF_OPTION(report_from, .name = "report-from", .arg = "DIR",
	    .help = "rebuild plots and report of a result directory from its data files; runs no test",
	    .parse = parse_report_from);
