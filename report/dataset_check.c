// SPDX-License-Identifier: GPL-2.0
/*
 * What a data file from someone else may hold (dataset_priv.h): numbers
 * in range before any is cast to an integer type, no control character
 * in the names the suite gives.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "csv.h"
#include "dataset.h"
#include "dataset_priv.h"
#include "json.h"
#include "results.h"
#include "util.h"
#include "vis.h"

#define DS_MAX_ABS	1e15		/* no statistic of a packet gets near */

/* A numeric field: a whole number in [lo, hi], or a real up to DS_MAX_ABS. */
struct num_rule {
	const char *name;
	bool integer;
	double lo, hi;
};

static const struct num_rule num_rules[] = {
	{ "n", true, -1, 1e9 },
	{ "frame_size", true, 0, 65536 },
	{ "reps", true, 0, 1e7 },
	{ "outliers", true, 0, 1e7 },
	/* round columns (docs/data-format.md) */
	{ "rounds", true, 0, RESULTS_MAX_ROUNDS },
	{ "loops", true, 0, INT_MAX },
	{ "flagged", true, 0, RESULTS_MAX_ROUNDS },
	{ "seed", true, 0, UINT_MAX },
	{ "mean" }, { "median" }, { "stddev" }, { "ci95_low" },
	{ "ci95_high" }, { "min" }, { "max" }, { "within_sd" },
	/* the round lines of a journal */
	{ "round", true, 0, RESULTS_MAX_ROUNDS - 1 },
	{ "rounds_planned", true, 1, RESULTS_MAX_ROUNDS },
	{ "ns_per_pkt" }, { "mpps" }, { "round_time" },
};

static const struct num_rule *num_rule_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(num_rules); i++)
		if (!strcmp(num_rules[i].name, name))
			return &num_rules[i];
	return NULL;
}

/* NaN is "not applicable" (JSON null, CSV nan), for reals only. */
static int check_num(const struct num_rule *r, double v, char *err,
		     size_t len)
{
	if (!r->integer && (isnan(v) || fabs(v) <= DS_MAX_ABS))
		return 0;
	if (r->integer && v >= r->lo && v <= r->hi && v == floor(v))
		return 0;
	if (r->integer)
		perf_msg(err, len, "%s is %g, not a whole number in [%g, %g]",
			 r->name, v, r->lo, r->hi);
	else
		perf_msg(err, len, "%s is %g, beyond %g", r->name, v,
			 DS_MAX_ABS);
	return -EINVAL;
}

/* Before any number of a point is cast to an integer type. */
int ds_check_json_numbers(const struct json_value *o, int idx,
			      char *err, size_t len)
{
	const struct num_rule *r;
	char sub[160];

	for (int i = 0; o->type == JSON_OBJ && i < o->n; i++) {
		r = num_rule_of(o->keys[i]);
		if (!r || o->items[i].type != JSON_NUM ||
		    !check_num(r, o->items[i].num, sub, sizeof(sub)))
			continue;
		perf_msg(err, len, "points[%d]: %s", idx, sub);
		return -EINVAL;
	}
	return 0;
}

/* The rule of each column of a data.csv header (NULL: not a number). */
int ds_csv_header_rules(const char *line, const struct num_rule **rules,
			    char *err, size_t len)
{
	char *copy, *cells[64];
	int n;

	if (!csv_line_clean(line)) {
		perf_msg(err, len, "a control character in the header");
		return -EINVAL;
	}
	copy = strdup(line);
	if (!copy)
		return -ENOMEM;
	n = csv_split(copy, cells, 64);
	for (int i = 0; i < 64; i++)
		rules[i] = i < n ? num_rule_of(cells[i]) : NULL;
	free(copy);
	return 0;
}

int ds_check_csv_numbers(char **cells, int n,
			     const struct num_rule **rules, char *err,
			     size_t len)
{
	char *end;
	double v;

	for (int i = 0; i < n; i++) {
		if (!rules[i] || !*cells[i])	/* empty: not applicable */
			continue;
		v = strtod(cells[i], &end);
		if (end == cells[i] || *end || (isnan(v) && rules[i]->integer)) {
			perf_msg(err, len, "%s is not a number", rules[i]->name);
			return -EINVAL;
		}
		if (check_num(rules[i], v, err, len))
			return -EINVAL;
	}
	return 0;
}

/*
 * The names the suite gives (test, subtest, mode, metric, unit) never
 * hold a control character in a file it wrote: one there refuses the
 * file. Labels that can come from a user's program or options (property,
 * variant, op) are kept, with such characters shown escaped (vis.h).
 */
int ds_check_point_strings(struct ds_point *p, int idx, char *err,
			       size_t len)
{
	static const char *const strict = "test subtest mode metric unit";
	const char **s;
	char *v;

	for (int i = 0; i < POINT_ID_NR_FIELDS; i++) {
		s = point_id_string(&p->id, i);
		if (!s || vis_clean(*s))
			continue;
		if (strstr(strict, point_id_names[i])) {
			perf_msg(err, len, "points[%d]: %s holds a control character or a byte that is not UTF-8 (the suite writes none)",
				 idx, point_id_names[i]);
			return -EINVAL;
		}
		v = vis_dup(*s);
		if (!v)
			return -ENOMEM;
		free((char *)*s);
		*s = v;
	}
	return 0;
}

int ds_point_nums(struct ds_point *p, struct num_field *f)
{
	struct num_field all[] = {
		{ "mean", &p->st.mean }, { "median", &p->st.median },
		{ "stddev", &p->st.stddev }, { "ci95_low", &p->st.ci95_low },
		{ "ci95_high", &p->st.ci95_high }, { "min", &p->st.min },
		{ "max", &p->st.max },
	};

	memcpy(f, all, sizeof(all));
	return ARRAY_SIZE(all);
}
