// SPDX-License-Identifier: GPL-2.0
/*
 * What identifies a point of a dataset (dataset.h): the order of keys,
 * their text for messages, sorting with duplicates refused, and the
 * environment and profile fields of a dataset.
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

int ds_key_cmp(const struct ds_point *a, const struct ds_point *b)
{
	int c;

	if ((c = strcmp(a->test, b->test)) ||
	    (c = strcmp(a->subtest, b->subtest)) ||
	    (c = strcmp(a->property, b->property)))
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	if ((c = strcmp(a->variant, b->variant)) || (c = strcmp(a->op, b->op)))
		return c;
	if (a->frame_size != b->frame_size)
		return a->frame_size < b->frame_size ? -1 : 1;
	if ((c = strcmp(a->mode, b->mode)))
		return c;
	return strcmp(a->metric, b->metric);
}

void ds_key_str(const struct ds_point *p, char *buf, size_t len)
{
	int used;

	used = snprintf(buf, len, "%s%s%s", p->test, p->subtest[0] ? "/" : "",
			p->subtest);
	if (p->property[0] && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %s", p->property);
	if (p->n >= 0 && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " N=%ld", p->n);
	if (p->variant[0] && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %s", p->variant);
	if (p->op[0] && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %s", p->op);
	if (p->frame_size && used >= 0 && (size_t)used < len)
		used += snprintf(buf + used, len - used, " %dB", p->frame_size);
	if (used >= 0 && (size_t)used < len)
		snprintf(buf + used, len - used, " %s %s", p->mode, p->metric);
}

static int cmp_points(const void *a, const void *b)
{
	return ds_key_cmp(a, b);
}

int ds_sort(struct dataset *ds, char *err, size_t err_len)
{
	char key[512];

	qsort(ds->pts, ds->nr_pts, sizeof(*ds->pts), cmp_points);
	for (int i = 1; i < ds->nr_pts; i++) {
		if (ds_key_cmp(&ds->pts[i - 1], &ds->pts[i]))
			continue;
		ds_key_str(&ds->pts[i], key, sizeof(key));
		perf_msg(err, err_len, "%s: point measured twice: %s",
			ds->source, key);
		return -EEXIST;
	}
	return 0;
}
