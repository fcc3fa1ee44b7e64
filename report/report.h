/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The evaluation report: plots (gnuplot, PNG and SVG), report.md and a
 * self-contained report.html (plots inlined as base64 PNG) written beside
 * data.csv/data.json. Options --report and --report-from.
 */
#ifndef __REPORT_H
#define __REPORT_H

#include <stddef.h>
#include "dataset.h"

struct cmp_result;	/* compare.h */

/*
 * Build plots/, report.md and report.html in dir from ds; dir also holds
 * the data files (cost-model.csv is read from there). baseline: the
 * --baseline comparison of this run, shown in its own section; NULL for
 * none. Without gnuplot the report is still written and says why it has
 * no plots. 0 or -errno with a one-line reason in why.
 */
int report_build(const char *dir, const struct dataset *ds,
		 const struct cmp_result *baseline, char *why, size_t why_len);

/* The --report-from DIR mode (main.c): report of DIR, runs no test. */
int report_from_main(int argc, char **argv);

#endif /* __REPORT_H */
