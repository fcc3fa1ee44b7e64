/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Property sweeps: the generated programs of gen-progs/sweep.conf measured
 * with the engine, checked on the loaded code, fitted into the cost model.
 * Each prog_tests/ property test is one call of sweep_run(): every
 * selected point of the property (and the reference forwarder) is measured
 * in the same rounds (rounds.h), then each variant is a subtest with its
 * points and fit.
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
	/*
	 * What the fit runs over at a frame size, from N (NULL: N): e.g.
	 * the payload bytes a frame really has, when N asks for more.
	 */
	long (*x_of)(long n, int frame_size);
};

void sweep_run(const struct sweep_opts *opts);

/* p belongs to this profile: every point, or only "quick" ones with --quick. */
bool sweep_in_profile(const struct gen_point *p);
/*
 * The points property prop's sweep measures in group (a subtest name such
 * as "hash_lookup_hit"; NULL: the first group sweep.conf lists): indexes
 * into pts[0..nr-1], N ascending, at most max. Returns how many.
 */
int sweep_select(const struct gen_point *pts, int nr, enum gen_prop prop,
		 const char *group, int *idx, int max);
/*
 * The variant and op a property test records a point of the sweep with
 * (point_id.h): the map type and "lookup_hit" for a map, the ALU op,
 * pattern or loop kind, or the property's own name. A wire test gives the
 * same program the same key, so that the report draws every path of it
 * together (docs/data-format.md, "One program on every path"). spec must
 * have a property (gen_spec_primary() >= 0).
 */
void sweep_point_key(const struct gen_spec *spec, char *variant, char *op,
		     size_t len);

struct bpf_object;
struct measure_result;
struct xlated_prog;

/*
 * Load DIR/NAME.bpf.o of point p, fill its maps and check the loaded
 * program against its spec (empty: the baseline of gen_load_baseline()).
 * NULL, with the test failed, when any of that fails.
 */
struct bpf_object *sweep_load_point(const char *dir,
				    const struct xlated_prog *empty,
				    const struct gen_point *p);
/*
 * Measure a loaded point at one frame size (the forwarder's output
 * validated); its tail call and loop counters must agree. 0 or -errno
 * with why.
 */
int sweep_measure_point(struct bpf_object *obj, const struct gen_point *p,
			int size, struct measure_result *res, char *why,
			size_t why_len);

#endif /* __SWEEP_H */
