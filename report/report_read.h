/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's reading of its figures: the "Automatic reading" section
 * and the "Cost model" section (docs/report.md describes their rules).
 */
#ifndef __REPORT_READ_H
#define __REPORT_READ_H

#include "doc.h"
#include "report_fig.h"
#include "stats.h"

#define REPORT_MAX_ROWS	400	/* rows of a table: the rest is in the files */

/* The per-unit cost fit of one series of a property figure. */
struct report_fit {
	const struct figure *fg;
	const struct plot_series *s;
	struct linear_fit fit;
};

/*
 * Fits ns/pkt = a + b·N of every property series with three or more N,
 * dearest first, into *fits (free() it); how many.
 */
int report_fits(const struct fig_set *fs, struct report_fit **fits);
/* The automatic reading, as a subsection (of the headline). */
void report_write_reading(const struct fig_set *fs, struct doc *d);
/* dir holds cost-model.csv (when the sweeps wrote one). */
void report_write_cost_model(const struct fig_set *fs, const char *dir,
			     struct doc *d);

#endif /* __REPORT_READ_H */
