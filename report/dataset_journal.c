// SPDX-License-Identifier: GPL-2.0
/*
 * The round lines of a journal (results_journal_round(), docs/data-format.md):
 * each round of a point measured in rounds is journaled as it is measured,
 * the point itself only when its test records it. A run killed in between
 * leaves rounds without their point: they become one, ns_per_pkt and mpps,
 * marked partial when it has fewer rounds than its set planned. Rounds of
 * a point the journal has are left out (the point says more: marks,
 * rel_ref, the within-round spread).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "dataset.h"
#include "dataset_priv.h"
#include "json.h"
#include "metrics.h"
#include "results.h"
#include "util.h"

struct round_line {
	struct point_id id;	/* the point's key, metric ns_per_pkt */
	int round, planned, loops;
	unsigned int seed;
	double ns, mpps, t;
};

static const enum metric_id round_metrics[] = {
	METRIC_NS_PER_PKT, METRIC_MPPS,
};

/*
 * The key of a round line: a point's key without a metric (the line
 * holds two). All lines of a point get the same stand-in metric, so that
 * they sort and group as one point's.
 */
static int key_from_json(const struct json_value *o, struct point_id *id,
			 int idx, char *err, size_t len)
{
	char nums[POINT_ID_NR_FIELDS][32], why[128];
	const char *text[POINT_ID_NR_FIELDS];
	struct ds_point tmp;
	int ret;

	if (json_get(o, "metric")) {
		perf_msg(err, len, "points[%d]: a round line with a metric", idx);
		return -EINVAL;
	}
	ds_id_text_json(o, text, nums);
	text[POINT_ID_METRIC] = metric_def(round_metrics[0])->name;
	ret = point_id_parse(id, text, why, sizeof(why));
	if (ret) {
		perf_msg(err, len, "points[%d]: %s", idx, why);
		return ret;
	}
	tmp.id = *id;
	ret = ds_check_point_strings(&tmp, idx, err, len);
	*id = tmp.id;	/* strings may have been made visible */
	return ret;
}

static double num_or_nan(const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);

	return v && v->type == JSON_NUM ? v->num : NAN;
}

static void free_line(struct round_line *l)
{
	point_id_free(&l->id);
}

int ds_journal_round_line(struct journal_rounds *jr,
			  const struct json_value *o, int idx, char *err,
			  size_t len)
{
	double round, planned, loops, seed;
	struct round_line *l;
	int ret;

	ret = ds_check_json_numbers(o, idx, err, len);
	if (ret)
		return ret;
	if (grow_array(&jr->lines, &jr->cap, jr->nr + 1, sizeof(*l)))
		return -ENOMEM;
	l = &jr->lines[jr->nr++];
	memset(l, 0, sizeof(*l));
	ret = key_from_json(o, &l->id, idx, err, len);
	if (ret)
		return ret;
	round = num_or_nan(o, "round");
	planned = num_or_nan(o, "rounds_planned");
	loops = num_or_nan(o, "loops");
	seed = num_or_nan(o, "seed");
	l->ns = num_or_nan(o, "ns_per_pkt");
	l->mpps = num_or_nan(o, "mpps");
	l->t = num_or_nan(o, "round_time");
	/* the ranges are checked already: what is left is that they are there */
	if (isnan(round) || isnan(planned) || isnan(loops) || isnan(seed) ||
	    round >= planned || !isfinite(l->ns) || !isfinite(l->mpps) ||
	    !isfinite(l->t)) {
		perf_msg(err, len, "a round line without its round, rounds_planned, loops, seed, ns_per_pkt, mpps or round_time, or a round not below rounds_planned");
		return -EINVAL;
	}
	l->loops = (int)loops;
	l->seed = (unsigned int)seed;
	l->round = (int)round;
	l->planned = (int)planned;
	return 0;
}

void ds_journal_rounds_free(struct journal_rounds *jr)
{
	for (int i = 0; i < jr->nr; i++)
		free_line(&jr->lines[i]);
	free(jr->lines);
	memset(jr, 0, sizeof(*jr));
}

/* By point, then round. */
static int cmp_lines(const void *pa, const void *pb)
{
	const struct round_line *a = pa, *b = pb;
	int c = point_id_cmp(&a->id, &b->id);

	return c ?: (a->round > b->round) - (a->round < b->round);
}

static int cmp_point_ptrs(const void *pa, const void *pb)
{
	return point_id_cmp(&(*(const struct ds_point *const *)pa)->id,
			    &(*(const struct ds_point *const *)pb)->id);
}

/* Whether the journal has the point of key with metric m (sorted index). */
static bool recorded(const struct ds_point *const *index, int nr,
		     const struct point_id *key, enum metric_id m)
{
	struct ds_point want = { .id = *key };
	const struct ds_point *w = &want;

	want.id.metric = metric_def(m)->name;
	return bsearch(&w, index, nr, sizeof(*index), cmp_point_ptrs);
}

/* The rounds l[0..n-1] of one point: 0, 1, ... in order, one plan. */
static int check_group(const struct round_line *l, int n, char *err,
		       size_t len)
{
	char key[512];

	for (int i = 0; i < n; i++) {
		if (l[i].round == i && l[i].planned == l[0].planned)
			continue;
		point_id_str(&l[0].id, POINT_ID_KEY & ~POINT_ID_BIT(POINT_ID_METRIC),
			     key, sizeof(key));
		perf_msg(err, len, "round %d of %d twice or out of order, of a point not recorded: %s",
			 l[i].round + 1, l[i].planned, key);
		return -EINVAL;
	}
	return 0;
}

/* The point of metric m from the rounds l[0..n-1]. */
static int add_point(struct dataset *ds, const struct round_line *l, int n,
		     enum metric_id m)
{
	const struct metric_def *def = metric_def(m);
	struct ds_point *p = ds_new_point(ds);
	struct ds_rounds *r;

	if (!p || point_id_dup(&p->id, &l[0].id) ||
	    ds_set_str(&p->id.metric, def->name) ||
	    ds_set_str(&p->id.unit, def->unit))
		return -ENOMEM;
	r = &p->r;
	r->values = malloc(n * sizeof(double));
	r->times = malloc(n * sizeof(double));
	if (!r->values || !r->times)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		r->values[i] = m == METRIC_NS_PER_PKT ? l[i].ns : l[i].mpps;
		r->times[i] = l[i].t;
	}
	r->nr_values = r->rounds = n;
	r->planned = l[0].planned;
	r->loops = l[0].loops;
	r->seed = l[0].seed;
	r->within_sd = NAN;
	r->marks = n < r->planned ? ROUND_MARK_PARTIAL : 0;
	return stats_compute(r->values, n, &p->st);	/* finite, n >= 1 */
}

/* Which groups need a point of which metric: bits per group start. */
static int mark_missing(const struct dataset *ds, struct round_line *l,
			int nr, unsigned char *need)
{
	const struct ds_point **index = malloc(sizeof(*index) *
					       (ds->nr_pts ?: 1));
	int n = 0;

	if (!index)
		return -ENOMEM;
	for (int i = 0; i < ds->nr_pts; i++)
		index[n++] = &ds->pts[i];
	qsort(index, n, sizeof(*index), cmp_point_ptrs);
	for (int a = 0, b; a < nr; a = b) {
		for (b = a + 1; b < nr && !point_id_cmp(&l[a].id, &l[b].id); b++)
			;
		for (size_t k = 0; k < ARRAY_SIZE(round_metrics); k++)
			if (!recorded(index, n, &l[a].id, round_metrics[k]))
				need[a] |= 1u << k;
	}
	free(index);
	return 0;
}

int ds_journal_rounds_finish(struct dataset *ds, struct journal_rounds *jr,
			     char *err, size_t len)
{
	struct round_line *l = jr->lines;
	unsigned char *need;
	int nr = jr->nr, ret;

	if (!nr)
		return 0;
	need = calloc(nr, 1);
	if (!need)
		return -ENOMEM;
	qsort(l, nr, sizeof(*l), cmp_lines);
	/* found before any point is added: ds->pts may move then */
	ret = mark_missing(ds, l, nr, need);
	for (int a = 0, b; a < nr && !ret; a = b) {
		for (b = a + 1; b < nr && !point_id_cmp(&l[a].id, &l[b].id); b++)
			;
		/* rounds of a point the journal has are not read further */
		if (!need[a])
			continue;
		ret = check_group(l + a, b - a, err, len);
		for (size_t k = 0; k < ARRAY_SIZE(round_metrics) && !ret; k++)
			if (need[a] & 1u << k)
				ret = add_point(ds, l + a, b - a,
						round_metrics[k]);
	}
	if (ret == -ENOMEM)
		perf_msg(err, len, "out of memory");
	free(need);
	return ret;
}
