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
#include <unistd.h>

#include "doc.h"
#include "outdir.h"
#include "util.h"
#include "vis.h"

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
	"th{background:#eee}\nimg{max-width:100%;height:auto}\n"
	"figure{margin:1em 0}figcaption{font-size:90%;color:#555}\n"
	".warn{background:#fff3cd;border-left:4px solid #e0a800;"
	"padding:.5em 1em}\n"
	/* a wide table scrolls in its box, the page keeps its width */
	".tw{overflow-x:auto;max-width:100%}\n"
	"td{overflow-wrap:anywhere}\n"
	"nav{background:#f4f6f8;border:1px solid #d0d7de;padding:.4em .8em;"
	"font-size:90%;line-height:1.6}\nnav b{margin-right:.5em}\n";

int doc_open(struct doc *d, const char *dir, const char *base,
	     const char *title)
{
	char name[256];
	int err;

	memset(d, 0, sizeof(*d));
	d->md_toc = d->html_toc = -1;
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
	/* in memory: the contents are known only at the end */
	d->md = open_memstream(&d->md_buf, &d->md_len);
	d->html = open_memstream(&d->html_buf, &d->html_len);
	if (!d->md || !d->html) {
		err = -errno;
		if (d->md)
			fclose(d->md);
		if (d->html)
			fclose(d->html);
		free(d->md_buf);
		free(d->html_buf);
		outfile_discard(&d->md_of);
		outfile_discard(&d->html_of);
		return err;
	}
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

/* Markdown: a list, a section's subsections on its line. */
static void md_contents(const struct doc *d, FILE *f)
{
	fputs("**Contents**\n\n", f);
	for (int i = 0; i < d->nr_anchors; i++) {
		const struct doc_anchor *a = &d->anchors[i];
		bool sub = a->level > 2;

		if (sub)
			fputs(i && d->anchors[i - 1].level > 2 ? " · " : ": ", f);
		else
			fputs(i ? "\n- " : "- ", f);
		fputc('[', f);
		md_esc(f, a->title);
		fprintf(f, "](#%s)", a->id);
	}
	fputs("\n\n", f);
}

/* HTML: the sections on a line, each one's subsections after it in (). */
static void html_contents(const struct doc *d, FILE *f)
{
	fputs("<nav id=\"contents\"><b>Contents</b>", f);
	for (int i = 0; i < d->nr_anchors; i++) {
		const struct doc_anchor *a = &d->anchors[i];
		bool after_sub = i && d->anchors[i - 1].level > 2;

		if (a->level > 2)
			fputs(after_sub ? ", " : " (", f);
		else if (i)
			fputs(after_sub ? ") · " : " · ", f);
		fprintf(f, "<a href=\"#%s\">", a->id);
		html_esc(f, a->title);
		fputs("</a>", f);
	}
	if (d->nr_anchors && d->anchors[d->nr_anchors - 1].level > 2)
		fputc(')', f);
	fputs("</nav>\n", f);
}

/* buf with the contents at mark (-1: none). */
static void write_with_contents(FILE *out, const char *buf, size_t len,
				long mark, const struct doc *d,
				void (*contents)(const struct doc *, FILE *))
{
	if (mark < 0 || (size_t)mark > len) {
		fwrite(buf, 1, len, out);
		return;
	}
	fwrite(buf, 1, mark, out);
	contents(d, out);
	fwrite(buf + mark, 1, len - mark, out);
}

int doc_close(struct doc *d)
{
	int err = 0;

	doc_flow(d);
	fprintf(d->html, "</body></html>\n");
	if (fclose(d->md))
		err = -errno;
	if (fclose(d->html) && !err)
		err = -errno;
	d->md = d->html = NULL;
	if (!err) {
		write_with_contents(d->md_of.f, d->md_buf, d->md_len, d->md_toc,
				    d, md_contents);
		write_with_contents(d->html_of.f, d->html_buf, d->html_len,
				    d->html_toc, d, html_contents);
	}
	free(d->md_buf);
	free(d->html_buf);
	free(d->anchors);
	d->anchors = NULL;
	if (err) {
		outfile_discard(&d->md_of);
		outfile_discard(&d->html_of);
		return err;
	}
	err = outfile_commit(&d->md_of);
	if (err)
		outfile_discard(&d->html_of);
	else
		err = outfile_commit(&d->html_of);
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

void doc_contents(struct doc *d)
{
	doc_flow(d);
	fflush(d->md);
	fflush(d->html);
	d->md_toc = ftell(d->md);
	d->html_toc = ftell(d->html);
}

/* An anchor id: [a-z0-9-] only, so it needs no escaping anywhere. */
static void anchor_id(char *out, size_t len, const char *in)
{
	size_t j = 0;

	for (; *in && j + 1 < len; in++) {
		unsigned char c = *in;

		out[j++] = isalnum(c) ? tolower(c) : '-';
	}
	out[j] = '\0';
}

static void doc_vanchored(struct doc *d, int level, const char *id,
			  const char *fmt, va_list ap)
{
	struct doc_anchor *a = NULL;
	char title[160];
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(title, sizeof(title), fmt, copy);
	va_end(copy);
	doc_flow(d);
	/* out of memory: the heading is written, the contents miss it */
	if (!grow_array(&d->anchors, &d->cap_anchors, d->nr_anchors + 1,
			sizeof(*d->anchors))) {
		a = &d->anchors[d->nr_anchors++];
		a->level = level;
		anchor_id(a->id, sizeof(a->id), id);
		snprintf(a->title, sizeof(a->title), "%s", title);
	}
	fprintf(d->md, "\n");
	if (a)
		fprintf(d->md, "<a id=\"%s\"></a>\n\n", a->id);
	fprintf(d->md, "%s ", level == 2 ? "##" : "###");
	md_text(d->md, title, false);
	fprintf(d->md, "\n\n");
	fprintf(d->html, "<h%d", level);
	if (a)
		fprintf(d->html, " id=\"%s\"", a->id);
	fprintf(d->html, ">");
	html_esc(d->html, title);
	fprintf(d->html, "</h%d>\n", level);
}

void doc_section(struct doc *d, const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vanchored(d, 2, id, fmt, ap);
	va_end(ap);
}

void doc_subsection(struct doc *d, const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	doc_vanchored(d, 3, id, fmt, ap);
	va_end(ap);
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
	fprintf(d->html, "<div class=\"tw\"><table>\n");
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
	fprintf(d->html, "</table></div>\n");
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

/* dir/rel + ext is there (gnuplot may have no PDF terminal). */
static bool beside(const struct doc *d, const char *rel, const char *ext)
{
	char path[sizeof(d->dir) + 256];

	snprintf(path, sizeof(path), "%s/%s%s", d->dir, rel, ext);
	return access(path, F_OK) == 0;
}

/*
 * " (SVG, PDF; data: NAME.csv)": a figure's other files, with link() of
 * the format; the data file is named, a reader looks for it by name.
 */
static void figure_links(const struct doc *d, FILE *f, const char *rel,
			 void (*link)(FILE *, const char *, const char *,
				      const char *))
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char name[256];

	fputs(" (", f);
	link(f, "SVG", rel, ".svg");
	if (beside(d, rel, ".pdf")) {
		fputs(", ", f);
		link(f, "PDF", rel, ".pdf");
	}
	fputs("; data: ", f);
	if (beside(d, rel, ".csv")) {
		snprintf(name, sizeof(name), "%s.csv", base);
		link(f, name, rel, ".csv");
	} else {
		snprintf(name, sizeof(name), "%s.dat", base);
		link(f, name, rel, ".dat");
	}
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
	figure_links(d, d->md, rel, md_link);
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
	figure_links(d, d->html, rel, html_link);
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
