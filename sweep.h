/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Property sweeps: the generated programs of gen-progs/sweep.conf measured
 * with the engine, checked on the loaded code, fitted into the cost model.
 * Each prog_tests/ property test is one call of sweep_run().
 */
#ifndef __SWEEP_H
#define __SWEEP_H

#include <stdbool.h>
#include "gen/gen_spec.h"

struct sweep_opts {
	enum gen_prop prop;
	/* what one unit of N is, for the cost model ("instruction", ...) */
	const char *unit;
	/*
	 * Frame sizes: every size of the profile (the property depends on
	 * the frame), or only the smallest, middle and largest of them.
	 */
	bool all_sizes;
	/*
	 * Variants whose per-unit cost must be resolved: slope b > 0 with a
	 * 95% CI that excludes 0. NULL: none (the fit is still reported).
	 */
	bool (*must_cost)(const struct gen_spec *spec);
};

void sweep_run(const struct sweep_opts *opts);

#endif /* __SWEEP_H */
