/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Documents written twice at once: NAME.md (Markdown) and NAME.html (one
 * self-contained page, images inlined as base64 PNG), with headings,
 * sections with anchors and a table of contents, paragraphs, lists,
 * tables, images and warnings; every string escaped for where it goes
 * (all text is shown literally: Markdown and HTML markup in it is
 * escaped, control characters are made visible). Also the formatting of
 * a value with its CI.
 *
 *	doc_open(&d, dir, "report", "Title");
 *	doc_contents(&d);			the contents go here
 *	doc_section(&d, "results", "Results");	listed in them
 *	doc_subsection(&d, "results-a", "A");	listed under Results
 *	doc_close(&d);
 */
#ifndef __DOC_H
#define __DOC_H

#include <stdbool.h>
#include <stdio.h>
#include "outdir.h"
#include "stats.h"

struct doc_anchor {
	int level;		/* 2: a section, 3: a subsection */
	char id[64];
	char title[160];
};

struct doc {
	FILE *md, *html;	/* in memory until doc_close */
	char *md_buf, *html_buf;
	size_t md_len, html_len;
	long md_toc, html_toc;	/* where the contents go; -1: none */
	struct doc_anchor *anchors;
	int nr_anchors;
	size_t cap_anchors;
	struct outfile md_of, html_of;
	char dir[4096];		/* where the document is, for inlined images */
	bool in_list;
	bool in_table;
};

/* dir/base.md and dir/base.html with title as first heading; 0 or -errno. */
int doc_open(struct doc *d, const char *dir, const char *base,
	     const char *title);
/* Write both files (each whole or not at all); 0 or -errno. */
int doc_close(struct doc *d);
void doc_heading(struct doc *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A heading with an anchor id ([a-z0-9-]; other characters become '-')
 * that the table of contents links to: level 2 for a section, 3 for a
 * subsection listed under it.
 */
void doc_section(struct doc *d, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doc_subsection(struct doc *d, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The table of contents goes here: every section, written at doc_close. */
void doc_contents(struct doc *d);
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

/* "12.3 ±0.4": y and the half-width of [lo, hi] with sensible digits. */
void doc_fmt_val_ci(char *buf, size_t len, double y, double lo, double hi);
/* The same for a mean and its 95% CI. */
void doc_fmt_stat(char *buf, size_t len, const struct sample_stats *st);

#endif /* __DOC_H */
