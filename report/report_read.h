/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's reading of its figures: the "Automatic reading" section
 * and the "Cost model" section (docs/report.md describes their rules).
 */
#ifndef __REPORT_READ_H
#define __REPORT_READ_H

#include "doc.h"
#include "report_fig.h"

#define REPORT_MAX_ROWS	400	/* rows of a table: the rest is in the files */

void report_write_reading(const struct fig_set *fs, struct doc *d);
/* dir holds cost-model.csv (when the sweeps wrote one). */
void report_write_cost_model(const struct fig_set *fs, const char *dir,
			     struct doc *d);

#endif /* __REPORT_READ_H */
