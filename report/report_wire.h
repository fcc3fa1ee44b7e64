/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's wire section: the DUT's zero-loss rate (a lower bound "≥"
 * where the generator could not outrun it), its CPU per packet, and CPU
 * use and latency against offered load per XDP mode; the generator
 * against the bare live-frames loop; the wire against test_run.
 */
#ifndef __REPORT_WIRE_H
#define __REPORT_WIRE_H

#include <stdbool.h>
#include "doc.h"
#include "report_fig.h"

/*
 * Write the section (nothing without wire points). Its plots go to
 * plot_dir when can_plot; the points they show are marked in fs->plotted.
 */
void report_write_wire(struct fig_set *fs, const char *plot_dir,
		       bool can_plot, struct doc *d);

#endif /* __REPORT_WIRE_H */
