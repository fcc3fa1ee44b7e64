// SPDX-License-Identifier: GPL-2.0
/*
 * Sorting the points of a dataset (dataset.h) by key (point_id.h) with
 * duplicates refused, and the environment and profile fields of a
 * dataset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "dataset.h"

static const char *field_value(const struct ds_field *f, int nr,
			       const char *key)
{
	for (int i = 0; i < nr; i++)
		if (!strcmp(f[i].key, key))
			return f[i].value;
	return NULL;
}

const char *ds_env(const struct dataset *ds, const char *key)
{
	return field_value(ds->env, ds->nr_env, key);
}

const char *ds_profile(const struct dataset *ds, const char *key)
{
	return field_value(ds->profile, ds->nr_profile, key);
}

bool ds_emulated(const struct dataset *ds)
{
	const char *v = ds_env(ds, "emulated");

	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

static int cmp_points(const void *a, const void *b)
{
	const struct ds_point *x = a, *y = b;

	return point_id_cmp(&x->id, &y->id);
}

int ds_sort(struct dataset *ds, char *err, size_t err_len)
{
	char key[512];

	qsort(ds->pts, ds->nr_pts, sizeof(*ds->pts), cmp_points);
	for (int i = 1; i < ds->nr_pts; i++) {
		if (point_id_cmp(&ds->pts[i - 1].id, &ds->pts[i].id))
			continue;
		point_id_str(&ds->pts[i].id, POINT_ID_KEY, key, sizeof(key));
		perf_msg(err, err_len, "%s: point measured twice: %s",
			ds->source, key);
		return -EEXIST;
	}
	return 0;
}
