// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of our own data files: data.json and data.csv as results_write()
 * writes them (docs/data-format.md describes the format), through the
 * strict readers of json.c and csv.c.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_perf.h"
#include "csv.h"
#include "dataset.h"
#include "dataset_priv.h"
#include "json.h"
#include "outdir.h"
#include "results.h"
#include "util.h"
#include "vis.h"

#define DATA_FORMAT	"xdp-perf-data/"

/* ---- dataset ---- */

static void free_point(struct ds_point *p);

void ds_free(struct dataset *ds)
{
	for (int i = 0; i < ds->nr_pts; i++)
		free_point(&ds->pts[i]);
	for (int i = 0; i < ds->nr_env; i++) {
		free(ds->env[i].key);
		free(ds->env[i].value);
	}
	for (int i = 0; i < ds->nr_profile; i++) {
		free(ds->profile[i].key);
		free(ds->profile[i].value);
	}
	free(ds->pts);
	free(ds->env);
	free(ds->profile);
	memset(ds, 0, sizeof(*ds));
}

struct ds_point *ds_new_point(struct dataset *ds)
{
	struct ds_point *pts;

	if (grow_array(&ds->pts, &ds->cap_pts, ds->nr_pts + 1,
		       sizeof(*ds->pts)))
		return NULL;
	pts = &ds->pts[ds->nr_pts++];
	memset(pts, 0, sizeof(*pts));
	return pts;
}

static int add_field(struct ds_field **fields, int *nr, const char *key,
		     const char *value)
{
	struct ds_field *f = realloc(*fields, (*nr + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	*fields = f;
	/* from a file someone else wrote: shown, never interpreted */
	f[*nr].key = vis_dup(key);
	f[*nr].value = vis_dup(value);
	if (!f[*nr].key || !f[*nr].value) {
		free(f[*nr].key);
		free(f[*nr].value);
		return -ENOMEM;
	}
	(*nr)++;
	return 0;
}

static int read_fields(const struct json_value *obj,
		       struct ds_field **fields, int *nr, const char *what,
		       char *err, size_t err_len)
{
	char text[1024];

	if (!obj)
		return 0;
	if (obj->type != JSON_OBJ) {
		perf_msg(err, err_len, "\"%s\" is not an object", what);
		return -EINVAL;
	}
	for (int i = 0; i < obj->n; i++) {
		if (json_text(&obj->items[i], text, sizeof(text))) {
			/* the key is the file's: shown, never sent raw */
			char *key = vis_dup(obj->keys[i]);

			perf_msg(err, err_len, "%s.%s is not a scalar", what,
				 key ?: "(a key)");
			free(key);
			return -EINVAL;
		}
		if (add_field(fields, nr, obj->keys[i], text))
			return -ENOMEM;
	}
	return 0;
}

static double json_num_or(const struct json_value *o, const char *key,
			  double dflt)
{
	const struct json_value *v = json_get(o, key);

	return v && v->type == JSON_NUM ? v->num : dflt;
}

/* An array of numbers (null: NAN) of n entries, or NULL when absent. */
static int json_values(const struct json_value *o, const char *key, int n,
		       double **out)
{
	const struct json_value *v = json_get(o, key);

	*out = NULL;
	if (!v)
		return 0;
	if (v->type != JSON_ARR || v->n != n)
		return -EINVAL;
	*out = calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		(*out)[i] = v->items[i].type == JSON_NUM ? v->items[i].num : NAN;
	return 0;
}

/* rounds, loops, ..., round_values of a point (results.c, data-format.md) */
static int rounds_from_json(const struct json_value *o, struct ds_rounds *r,
			    int idx, char *err, size_t err_len)
{
	const struct json_value *v;
	double n;

	r->rounds = (int)json_num_or(o, "rounds", 0);
	r->loops = (int)json_num_or(o, "loops", 0);
	r->flagged = (int)json_num_or(o, "flagged", 0);
	r->within_sd = json_num_or(o, "within_sd", NAN);
	r->seed = (unsigned int)json_num_or(o, "seed", 0);
	v = json_get(o, "marks");
	r->marks = v && v->type == JSON_STR ? results_marks_parse(v->str) : 0;
	v = json_get(o, "round_values");
	n = v && v->type == JSON_ARR ? v->n : 0;
	if (n > RESULTS_MAX_ROUNDS) {
		perf_msg(err, err_len, "points[%d]: %.0f round values, more than a point can have (%d, the most --rounds measures)",
			 idx, n, RESULTS_MAX_ROUNDS);
		return -E2BIG;
	}
	if (json_values(o, "round_values", n, &r->values) ||
	    json_values(o, "round_times", n, &r->times)) {
		perf_msg(err, err_len, "points[%d]: round_times does not match round_values",
			 idx);
		return -EINVAL;
	}
	r->nr_values = r->values ? (int)n : 0;
	return 0;
}

/*
 * The key fields of JSON object o as point_id_parse() reads them: strings
 * from JSON strings, numbers (printed into nums) from numbers, NULL when
 * absent or of another type.
 */
void ds_id_text_json(const struct json_value *o,
		     const char *text[POINT_ID_NR_FIELDS],
		     char nums[POINT_ID_NR_FIELDS][32])
{
	const struct json_value *v;

	for (int i = 0; i < POINT_ID_NR_FIELDS; i++) {
		v = json_get(o, point_id_names[i]);
		text[i] = NULL;
		if (!v)
			continue;
		if (!point_id_numeric(i) && v->type == JSON_STR)
			text[i] = v->str;
		if (point_id_numeric(i) && v->type == JSON_NUM &&
		    !json_text(v, nums[i], sizeof(nums[i])))
			text[i] = nums[i];
	}
}

/* The key of a point: strings from JSON strings, numbers from numbers. */
static int id_from_json(const struct json_value *o, struct point_id *id,
			int idx, char *err, size_t err_len)
{
	char nums[POINT_ID_NR_FIELDS][32], why[128];
	const char *text[POINT_ID_NR_FIELDS];
	int ret;

	ds_id_text_json(o, text, nums);
	ret = point_id_parse(id, text, why, sizeof(why));
	if (ret)
		perf_msg(err, err_len, "points[%d]: %s", idx, why);
	return ret;
}

static int point_from_json(const struct json_value *o, struct ds_point *p,
			   int idx, char *err, size_t err_len)
{
	struct num_field nums[8];
	const struct json_value *v;
	int nr_nums = ds_point_nums(p, nums), ret;

	if (o->type != JSON_OBJ) {
		perf_msg(err, err_len, "points[%d] is not an object", idx);
		return -EINVAL;
	}
	ret = id_from_json(o, &p->id, idx, err, err_len);
	if (ret)
		return ret;
	v = json_get(o, "reps");
	p->st.n = v && v->type == JSON_NUM ? (int)v->num : 0;
	v = json_get(o, "outliers");
	p->st.outliers = v && v->type == JSON_NUM ? (int)v->num : 0;
	for (int i = 0; i < nr_nums; i++) {
		v = json_get(o, nums[i].name);
		/* null: not computable (e.g. stddev of one repetition) */
		*nums[i].dst = v && v->type == JSON_NUM ? v->num : NAN;
	}
	return rounds_from_json(o, &p->r, idx, err, err_len);
}

static int add_json_point(struct dataset *ds, const struct json_value *o,
			  int idx, char *err, size_t err_len)
{
	struct ds_point *p;
	int ret = ds_check_json_numbers(o, idx, err, err_len);

	if (ret)
		return ret;
	p = ds_new_point(ds);
	if (!p)
		return -ENOMEM;
	ret = point_from_json(o, p, idx, err, err_len);
	return ret ?: ds_check_point_strings(p, idx, err, err_len);
}

static int ds_from_json(const struct json_value *root, struct dataset *ds,
			char *err, size_t err_len)
{
	const struct json_value *fmt, *pts;
	int ret;

	fmt = json_get(root, "format");
	if (!fmt || fmt->type != JSON_STR ||
	    strncmp(fmt->str, DATA_FORMAT, strlen(DATA_FORMAT))) {
		perf_msg(err, err_len, "not an xdp-perf data file (\"format\" is not %s*)",
			DATA_FORMAT);
		return -EINVAL;
	}
	ret = read_fields(json_get(root, "environment"), &ds->env, &ds->nr_env,
			  "environment", err, err_len);
	if (!ret)
		ret = read_fields(json_get(root, "profile"), &ds->profile,
				  &ds->nr_profile, "profile", err, err_len);
	if (ret)
		return ret;
	pts = json_get(root, "points");
	if (!pts || pts->type != JSON_ARR) {
		perf_msg(err, err_len, "no \"points\" array");
		return -EINVAL;
	}
	for (int i = 0; i < pts->n; i++) {
		ret = add_json_point(ds, &pts->items[i], i, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

int ds_parse_json(const char *text, size_t len, struct dataset *ds,
		  char *err, size_t err_len)
{
	struct json_value root;
	int ret;

	memset(ds, 0, sizeof(*ds));
	ret = json_parse(text, len, &root, err, err_len);
	if (ret)
		return ret;
	ret = ds_from_json(&root, ds, err, err_len);
	json_free(&root);
	if (ret)
		ds_free(ds);
	return ret;
}

static char *read_file(const char *file, size_t *len, char *err,
		       size_t err_len)
{
	FILE *f = outdir_fopen_read(file, DS_MAX_FILE);
	char *buf = NULL;
	long size;

	if (!f) {
		perf_msg(err, err_len, "cannot open %s: %s", file,
			strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perf_msg(err, err_len, "cannot read %s: %s", file,
			strerror(errno));
		goto out;
	}
	buf = malloc(size + 1);
	if (!buf || fread(buf, 1, size, f) != (size_t)size) {
		perf_msg(err, err_len, "cannot read %s", file);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[size] = '\0';
	*len = size;
out:
	fclose(f);
	return buf;
}

int ds_load_json(const char *file, struct dataset *ds, char *err,
		 size_t err_len)
{
	char sub[256];
	size_t len;
	char *text;
	int ret;

	memset(ds, 0, sizeof(*ds));
	text = read_file(file, &len, err, err_len);
	if (!text)
		return -EIO;
	ret = ds_parse_json(text, len, ds, sub, sizeof(sub));
	free(text);
	if (ret) {
		perf_msg(err, err_len, "%s: %s", file, sub);
		return ret;
	}
	snprintf(ds->source, sizeof(ds->source), "%s", file);
	return 0;
}

/* ---- the journal of a run that was killed ---- */

#define JOURNAL_FORMAT	"xdp-perf-journal/"

/*
 * Line idx of a journal: -1 the head (environment, profile), else a point
 * or one round of a point (its "round" key).
 */
static int journal_line(struct dataset *ds, struct journal_rounds *jr,
			const char *line, size_t len, int idx, char *err,
			size_t err_len)
{
	const struct json_value *fmt;
	struct json_value v;
	int ret;

	ret = json_parse(line, len, &v, err, err_len);
	if (ret)
		return ret;
	if (idx >= 0 && json_get(&v, "round")) {
		ret = ds_journal_round_line(jr, &v, idx, err, err_len);
	} else if (idx >= 0) {
		ret = add_json_point(ds, &v, idx, err, err_len);
	} else {
		fmt = json_get(&v, "format");
		if (!fmt || fmt->type != JSON_STR ||
		    strncmp(fmt->str, JOURNAL_FORMAT, strlen(JOURNAL_FORMAT))) {
			perf_msg(err, err_len, "not an xdp-perf journal (\"format\" is not %s*)",
				 JOURNAL_FORMAT);
			ret = -EINVAL;
		}
		if (!ret)
			ret = read_fields(json_get(&v, "environment"), &ds->env,
					  &ds->nr_env, "environment", err,
					  err_len);
		if (!ret)
			ret = read_fields(json_get(&v, "profile"), &ds->profile,
					  &ds->nr_profile, "profile", err,
					  err_len);
	}
	json_free(&v);
	return ret;
}

/*
 * A last line without its '\n' is one the kill cut: it is left out. Any
 * other line that does not read refuses the file. Rounds without their
 * point (the test was killed before it recorded them) become one.
 */
int ds_load_journal(const char *file, struct dataset *ds, char *err,
		    size_t err_len)
{
	struct journal_rounds jr = { 0 };
	char sub[256] = "empty journal";
	int ret = 0, idx = -1;
	const char *p, *nl;
	size_t len;
	char *text;

	memset(ds, 0, sizeof(*ds));
	text = read_file(file, &len, err, err_len);
	if (!text)
		return -EIO;
	for (p = text; !ret && (nl = memchr(p, '\n', text + len - p));
	     p = nl + 1, idx++)
		ret = journal_line(ds, &jr, p, nl - p, idx, sub, sizeof(sub));
	if (!ret && idx < 0)
		ret = -EINVAL;
	free(text);
	if (ret) {
		perf_msg(err, err_len, "%s:%d: %s", file, idx > 0 ? idx + 1 : 1,
			 sub);
		goto fail;
	}
	ret = ds_journal_rounds_finish(ds, &jr, sub, sizeof(sub));
	if (ret) {
		perf_msg(err, err_len, "%s: %s", file, sub);
		goto fail;
	}
	ds_journal_rounds_free(&jr);
	snprintf(ds->source, sizeof(ds->source), "%s", file);
	return 0;
fail:
	ds_journal_rounds_free(&jr);
	ds_free(ds);
	return ret;
}

/*
 * What a message about a file may quote of it (a key, a path someone
 * chose) reaches a terminal: whatever a reader put there, made visible.
 */
static void msg_visible(char *err, size_t err_len)
{
	char *v;

	if (!err || !err_len || vis_clean(err))
		return;
	v = vis_dup(err);
	perf_msg(err, err_len, "%s", v ?: "a data file was refused");
	free(v);
}

static int load_path(const char *path, struct dataset *ds, char *err,
		     size_t err_len)
{
	char file[PATH_MAX];
	struct stat sb;
	size_t len = strlen(path);

	if (stat(path, &sb)) {
		perf_msg(err, err_len, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(file, sizeof(file), "%s/data.json", path);
		/* a killed run: its points are in the journal */
		if (access(file, F_OK)) {
			snprintf(file, sizeof(file), "%s/%s", path,
				 OUTDIR_JOURNAL);
			if (!access(file, F_OK))
				return ds_load_journal(file, ds, err, err_len);
			snprintf(file, sizeof(file), "%s/data.json", path);
		}
		return ds_load_json(file, ds, err, err_len);
	}
	if (len > 4 && !strcmp(path + len - 4, ".csv"))
		return ds_load_csv(path, ds, err, err_len);
	if (len > 6 && !strcmp(path + len - 6, ".jsonl"))
		return ds_load_journal(path, ds, err, err_len);
	return ds_load_json(path, ds, err, err_len);
}

int ds_load(const char *path, struct dataset *ds, char *err, size_t err_len)
{
	int ret = load_path(path, ds, err, err_len);

	if (ret)
		msg_visible(err, err_len);
	return ret;
}

/* ---- this run's results ---- */

/* The same keys and spelling as the "environment" block of data.json. */
static int env_from_results(struct dataset *ds)
{
	const struct perf_environment *e = results_env();
	char num[7][24];
	int ret = 0;

	if (!e)
		return 0;
	snprintf(num[0], sizeof(num[0]), "%d", e->nr_cpus);
	snprintf(num[1], sizeof(num[1]), "%d", e->jit_enable);
	snprintf(num[2], sizeof(num[2]), "%d", e->jit_harden);
	snprintf(num[3], sizeof(num[3]), "%d", e->bpf_stats);
	snprintf(num[4], sizeof(num[4]), "%ld", e->cache_l1d);
	snprintf(num[5], sizeof(num[5]), "%ld", e->cache_l2);
	snprintf(num[6], sizeof(num[6]), "%ld", e->cache_llc);
	const char *kv[][2] = {
		{ "kernel", e->kernel }, { "cpu_model", e->cpu_model },
		{ "nr_cpus", num[0] }, { "jit_enable", num[1] },
		{ "jit_harden", num[2] }, { "bpf_stats", num[3] },
		{ "mitigations", e->mitigations }, { "clang", e->clang },
		{ "libbpf", e->libbpf }, { "git_rev", e->git_rev },
		{ "date", e->date }, { "hostname", e->hostname },
		{ "emulated", e->emulated ? "true" : "false" },
		{ "virt", e->virt }, { "cache_l1d", num[4] },
		{ "cache_l2", num[5] }, { "cache_llc", num[6] },
	};

	for (size_t i = 0; i < ARRAY_SIZE(kv) && !ret; i++)
		ret = add_field(&ds->env, &ds->nr_env, kv[i][0], kv[i][1]);
	return ret;
}

static int rounds_from_row(const struct round_info *ri, struct ds_rounds *r)
{
	memset(r, 0, sizeof(*r));
	r->rounds = ri->rounds;
	r->loops = ri->loops;
	r->flagged = ri->flagged;
	r->within_sd = ri->within_sd;
	r->seed = ri->seed;
	r->marks = ri->marks;
	if (!ri->values)
		return 0;
	r->values = malloc(ri->rounds * sizeof(double));
	r->times = ri->times ? malloc(ri->rounds * sizeof(double)) : NULL;
	if (!r->values || (ri->times && !r->times))
		return -ENOMEM;
	memcpy(r->values, ri->values, ri->rounds * sizeof(double));
	if (ri->times)
		memcpy(r->times, ri->times, ri->rounds * sizeof(double));
	r->nr_values = ri->rounds;
	return 0;
}

int ds_from_results(struct dataset *ds)
{
	int nr = results_count(), ret;

	memset(ds, 0, sizeof(*ds));
	snprintf(ds->source, sizeof(ds->source), "%s", "this run");
	ret = env_from_results(ds);
	for (int i = 0; i < nr && !ret; i++) {
		const struct result_row *r = results_row(i);
		struct ds_point *p = ds_new_point(ds);

		if (!p) {
			ret = -ENOMEM;
			break;
		}
		ret = point_id_dup(&p->id, &r->id);
		p->st = r->st;
		if (!ret)
			ret = rounds_from_row(&r->rounds, &p->r);
	}
	if (ret)
		ds_free(ds);
	return ret;
}

static void free_point(struct ds_point *p)
{
	point_id_free(&p->id);
	free(p->r.values);
	free(p->r.times);
}

void ds_filter(struct dataset *ds,
	       bool (*keep)(const struct ds_point *p, void *arg), void *arg)
{
	int n = 0;

	for (int i = 0; i < ds->nr_pts; i++) {
		if (keep(&ds->pts[i], arg))
			ds->pts[n++] = ds->pts[i];
		else
			free_point(&ds->pts[i]);
	}
	ds->nr_pts = n;
}

int ds_set_str(const char **field, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	free((char *)*field);
	*field = v;
	return 0;
}
