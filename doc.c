// SPDX-License-Identifier: GPL-2.0
/*
 * The Markdown + HTML document writer (see doc.h). The HTML is one file:
 * style inline, plots as data: URIs, so it can be mailed or attached.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "doc.h"

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

/* A paragraph of its own: ends a list, a blank line after it. */
static void doc_vblock(struct doc *d, const char *md_pre, const char *tag,
		       const char *fmt, va_list ap)
{
	doc_flow(d);
	doc_vtext(d, md_pre, tag, fmt, ap);
	fprintf(d->md, "\n");
}

void doc_para(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vblock(d, "", "p", fmt, ap);
	va_end(ap);
}

void doc_warning(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vblock(d, "> **Warning:** ", "p class=\"warn\"", fmt, ap);
	va_end(ap);
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

/* One table row, as th or td cells. */
static void table_cells(struct doc *d, int nr, const char *const *cells,
			const char *tag)
{
	fprintf(d->md, "|");
	fprintf(d->html, "<tr>");
	for (int i = 0; i < nr; i++) {
		fprintf(d->md, " ");
		md_cell(d->md, cells[i]);
		fprintf(d->md, " |");
		fprintf(d->html, "<%s>", tag);
		html_esc(d->html, cells[i]);
		fprintf(d->html, "</%s>", tag);
	}
	fprintf(d->md, "\n");
	fprintf(d->html, "</tr>\n");
}

void doc_table_head(struct doc *d, int nr, const char *const *cells)
{
	doc_flow(d);
	fprintf(d->html, "<table>\n");
	table_cells(d, nr, cells, "th");
	fprintf(d->md, "|");
	for (int i = 0; i < nr; i++)
		fprintf(d->md, "---|");
	fprintf(d->md, "\n");
	d->in_table = true;
}

void doc_table_row(struct doc *d, int nr, const char *const *cells)
{
	table_cells(d, nr, cells, "td");
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

/* ---- values ---- */

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

void doc_fmt_val_ci(char *buf, size_t len, double y, double lo, double hi)
{
	int d = decimals_for(y);

	if (isnan(y))
		snprintf(buf, len, "n/a");
	else if (isnan(lo) || isnan(hi) || hi <= lo)
		snprintf(buf, len, "%.*f", d, y);
	else
		snprintf(buf, len, "%.*f ±%.*f", d, y, d, (hi - lo) / 2);
}

void doc_fmt_stat(char *buf, size_t len, const struct sample_stats *st)
{
	doc_fmt_val_ci(buf, len, st->mean, st->ci95_low, st->ci95_high);
}
