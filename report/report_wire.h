/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's wire parts: the DUT's zero-loss rate (a lower bound "≥"
 * where the generator could not outrun it) and its CPU per packet, the
 * generator against the bare live-frames loop (the modes section); CPU
 * use (the CPU section) and latency (the latency section) against offered
 * load per XDP mode.
 */
#ifndef __REPORT_WIRE_H
#define __REPORT_WIRE_H

#include <stdbool.h>
#include "doc.h"
#include "report_fig.h"

enum wire_load_part { WIRE_LOAD_CPU, WIRE_LOAD_LATENCY };

/* Zero-loss rates or generator figures / load curves were measured. */
bool report_wire_has_modes(const struct fig_set *fs);
bool report_wire_has_loads(const struct fig_set *fs);
/*
 * The zero-loss table and the generator, as subsections (nothing without
 * them); the points shown are marked in fs->plotted.
 */
void report_write_wire_modes(struct fig_set *fs, struct doc *d);
/*
 * Per program, CPU or latency against offered load: plots to plot_dir
 * when can_plot, the load table with the CPU part.
 */
void report_write_wire_loads(struct fig_set *fs, const char *plot_dir,
			     bool can_plot, enum wire_load_part part,
			     struct doc *d);

#endif /* __REPORT_WIRE_H */
