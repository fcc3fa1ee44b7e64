/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's first section: what ran (tests, profile, machine, kernel,
 * duration) and how it ended, failed tests and subtests named; the base
 * forwarder on every path (test_run ns/pkt and Mpps; per XDP mode the
 * zero-loss rate, the DUT's CPU per packet, p99 latency at 50% load);
 * the cost of one unit of each property with its CI; the noise of the
 * run; then the automatic reading.
 */
#ifndef __REPORT_HEAD_H
#define __REPORT_HEAD_H

#include "doc.h"
#include "report_fig.h"
#include "report_run.h"

void report_write_headline(const struct fig_set *fs, const struct run_info *ri,
			   struct doc *d);

#endif /* __REPORT_HEAD_H */
