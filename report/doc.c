// SPDX-License-Identifier: GPL-2.0
/*
 * The Markdown + HTML document writer (see doc.h). The HTML is one file:
 * style inline, plots as data: URIs, so it can be mailed or attached.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "outdir.h"
#include "vis.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * HTML text and attribute values: markup characters as entities, after
 * control characters and the like were made visible (vis.h).
 */
static void html_esc(FILE *f, const char *s)
{
	static const char *const ent[] = {
		['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;",
		['"'] = "&quot;", ['\''] = "&#39;",
	};
	char *v = vis_dup(s);

	for (const unsigned char *c = (void *)(v ?: ""); *c; c++) {
		if (*c < ARRAY_SIZE(ent) && ent[*c])
			fputs(ent[*c], f);
		else
			fputc(*c, f);
	}
	free(v);
}

/*
 * Markdown shown literally: every character Markdown gives a meaning
 * (emphasis, code, links, raw HTML, entities, tables, headings) escaped
 * with a backslash, and at the start of a block a list or heading marker.
 * An underscore inside a word means nothing and stays as it is.
 */
static void md_text(FILE *f, const char *s, bool block_start)
{
	char *v = vis_dup(s);
	const char *c = v ?: "";
	size_t digits = strspn(c, "0123456789");

	if (block_start && (*c == '-' || *c == '+' || *c == '='))
		fputc('\\', f);
	for (size_t i = 0; c[i]; i++) {
		bool in_word = c[i] == '_' && i && isalnum((unsigned char)c[i - 1]) &&
			       isalnum((unsigned char)c[i + 1]);

		if ((strchr("\\`*_[]<>|#~&", c[i]) && !in_word) ||
		    (block_start && digits && i == digits &&
		     (c[i] == '.' || c[i] == ')')))
			fputc('\\', f);
		fputc(c[i], f);
	}
	free(v);
}

static void md_esc(FILE *f, const char *s)
{
	md_text(f, s, false);
}

/* A relative link target: anything but [A-Za-z0-9._/-] percent-encoded. */
static void url_out(FILE *f, const char *s)
{
	for (const unsigned char *c = (const void *)s; *c; c++) {
		if (isalnum(*c) || strchr("._/-", *c))
			fputc(*c, f);
		else
			fprintf(f, "%%%02X", *c);
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
	char name[256];
	int err;

	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(name, sizeof(name), "%s.md", base);
	err = outfile_open(&d->md_of, dir, name, NULL, 0);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s.html", base);
	err = outfile_open(&d->html_of, dir, name, NULL, 0);
	if (err) {
		outfile_discard(&d->md_of);
		return err;
	}
	d->md = d->md_of.f;
	d->html = d->html_of.f;
	fprintf(d->md, "# ");
	md_esc(d->md, title);
	fprintf(d->md, "\n\n");
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
	err = outfile_commit(&d->md_of);
	if (err)
		outfile_discard(&d->html_of);
	else
		err = outfile_commit(&d->html_of);
	d->md = d->html = NULL;
	return err;
}

static void doc_vtext(struct doc *d, const char *md_pre, const char *html_tag,
		      const char *fmt, va_list ap)
{
	char text[4096];

	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(d->md, "%s", md_pre);
	/* a paragraph's or list item's text starts a block */
	md_text(d->md, text, !*md_pre || !strcmp(md_pre, "- "));
	fprintf(d->md, "\n");
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
		md_esc(d->md, cells[i]);
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
	FILE *f = outdir_fopen_read(path, 64L << 20);

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

/* [text](rel + ext) */
static void md_link(FILE *f, const char *text, const char *rel,
		    const char *ext)
{
	fputc('[', f);
	md_esc(f, text);
	fputs("](", f);
	url_out(f, rel);
	fprintf(f, "%s)", ext);
}

/* <a href="rel + ext">text</a> */
static void html_link(FILE *f, const char *text, const char *rel,
		      const char *ext)
{
	fputs("<a href=\"", f);
	url_out(f, rel);
	fprintf(f, "%s\">", ext);
	html_esc(f, text);
	fputs("</a>", f);
}

/* " (SVG, data)": a figure's other files, with link() of the format. */
static void figure_links(FILE *f, const char *rel,
			 void (*link)(FILE *, const char *, const char *,
				      const char *))
{
	fputs(" (", f);
	link(f, "SVG", rel, ".svg");
	fputs(", ", f);
	link(f, "data", rel, ".dat");
	fputc(')', f);
}

void doc_image(struct doc *d, const char *rel, const char *caption)
{
	char png[sizeof(d->dir) + 256];

	doc_flow(d);
	fputc('!', d->md);
	md_link(d->md, caption, rel, ".png");
	fputs("\n\n*", d->md);
	md_esc(d->md, caption);
	fputc('*', d->md);
	figure_links(d->md, rel, md_link);
	fputs("\n\n", d->md);
	snprintf(png, sizeof(png), "%s/%s.png", d->dir, rel);
	fprintf(d->html, "<figure id=\"");
	url_out(d->html, rel);
	fprintf(d->html, "\"><img alt=\"");
	html_esc(d->html, caption);
	fprintf(d->html, "\" src=\"");
	if (html_inline_png(d->html, png)) {
		url_out(d->html, rel);
		fprintf(d->html, ".png");
	}
	fprintf(d->html, "\"><figcaption>");
	html_esc(d->html, caption);
	figure_links(d->html, rel, html_link);
	fputs("</figcaption></figure>\n", d->html);
}

void doc_file(struct doc *d, const char *rel, const char *what)
{
	if (!d->in_list) {
		fprintf(d->html, "<ul>\n");
		d->in_list = true;
	}
	fputs("- ", d->md);
	md_link(d->md, rel, rel, "");
	fputs(": ", d->md);
	md_esc(d->md, what);
	fputc('\n', d->md);
	fputs("<li>", d->html);
	html_link(d->html, rel, rel, "");
	fputs(": ", d->html);
	html_esc(d->html, what);
	fputs("</li>\n", d->html);
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
