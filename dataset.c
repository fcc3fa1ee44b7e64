// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of our own data files (see results.h and .notes/HELPERS.md for the
 * format). The JSON reader is a plain recursive descent parser into a small
 * tree: enough for the files results_write() produces, strict enough that a
 * truncated or hand-edited file is refused with the offset of the problem
 * instead of being half read.
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
#include "dataset.h"
#include "results.h"

#define JSON_MAX_DEPTH	32
#define DATA_FORMAT	"xdp-perf-data/"

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	double num;		/* JV_NUM, JV_BOOL (0/1) */
	char *str;		/* JV_STR */
	char **keys;		/* JV_OBJ: keys[i] names items[i] */
	struct jv *items;	/* JV_ARR, JV_OBJ */
	int n, cap;
};

struct jparser {
	const char *start, *p, *end;
	int depth;
	char *err;
	size_t err_len;
};

static int jerr(struct jparser *jp, const char *what)
{
	perf_msg(jp->err, jp->err_len, "JSON error at byte %ld: %s",
		(long)(jp->p - jp->start), what);
	return -EINVAL;
}

static void jv_free(struct jv *v)
{
	for (int i = 0; i < v->n; i++) {
		jv_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

static void skip_ws(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
				   *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static int put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (cp >> 18);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

static int parse_hex4(struct jparser *jp, unsigned int *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++, jp->p++) {
		char c = jp->p < jp->end ? *jp->p : 0;

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*cp |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*cp |= c - 'A' + 10;
		else
			return jerr(jp, "bad \\u escape");
	}
	return 0;
}

static int parse_escape(struct jparser *jp, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned int cp, lo;
	const char *e;

	if (jp->p >= jp->end)
		return jerr(jp, "unterminated string");
	e = strchr(from, *jp->p);
	if (e && *jp->p) {
		jp->p++;
		*out = to[e - from];
		return 1;
	}
	if (*jp->p++ != 'u')
		return jerr(jp, "bad escape");
	if (parse_hex4(jp, &cp))
		return -EINVAL;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (jp->end - jp->p < 6 || jp->p[0] != '\\' || jp->p[1] != 'u')
			return jerr(jp, "lone surrogate");
		jp->p += 2;
		if (parse_hex4(jp, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return jerr(jp, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return jerr(jp, "lone surrogate");
	}
	if (cp == 0)
		return jerr(jp, "NUL in string");
	return put_utf8(out, cp);
}

/* Source length up to the closing quote; the decoded string is not longer. */
static long string_span(const struct jparser *jp)
{
	const char *q = jp->p;

	while (q < jp->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	return q < jp->end ? q - jp->p : -1;
}

static int parse_string(struct jparser *jp, char **out)
{
	long span;
	char *s;
	int len = 0, r;

	if (jp->p >= jp->end || *jp->p != '"')
		return jerr(jp, "string expected");
	jp->p++;
	span = string_span(jp);
	if (span < 0)
		return jerr(jp, "unterminated string");
	s = malloc(span + 1);
	if (!s)
		return -ENOMEM;
	while (jp->p < jp->end && *jp->p != '"') {
		unsigned char c = *jp->p;

		if (c < 0x20) {
			free(s);
			return jerr(jp, "control character in string");
		}
		if (c == '\\') {
			jp->p++;
			r = parse_escape(jp, s + len);
			if (r < 0) {
				free(s);
				return r;
			}
			len += r;
			continue;
		}
		s[len++] = c;
		jp->p++;
	}
	if (jp->p >= jp->end) {
		free(s);
		return jerr(jp, "unterminated string");
	}
	jp->p++;
	s[len] = '\0';
	*out = s;
	return 0;
}

/* JSON's number grammar, checked before strtod (which accepts more). */
static int parse_number(struct jparser *jp, double *num)
{
	const char *q = jp->p;
	char buf[64], *end;
	size_t len;

	if (q < jp->end && *q == '-')
		q++;
	if (q >= jp->end || *q < '0' || *q > '9')
		return jerr(jp, "value expected");
	if (*q == '0' && q + 1 < jp->end && q[1] >= '0' && q[1] <= '9')
		return jerr(jp, "leading zero");
	while (q < jp->end && ((*q >= '0' && *q <= '9') || *q == '.' ||
			       *q == 'e' || *q == 'E' || *q == '+' || *q == '-'))
		q++;
	len = q - jp->p;
	if (len >= sizeof(buf))
		return jerr(jp, "number too long");
	memcpy(buf, jp->p, len);
	buf[len] = '\0';
	errno = 0;
	*num = strtod(buf, &end);
	if (*end || (errno && isinf(*num)))
		return jerr(jp, "bad number");
	jp->p = q;
	return 0;
}

static int parse_value(struct jparser *jp, struct jv *v);

static int jv_grow(struct jv *v)
{
	struct jv *items;
	char **keys;
	int cap = v->cap ? v->cap * 2 : 8;

	if (v->n < v->cap)
		return 0;
	items = realloc(v->items, cap * sizeof(*items));
	if (!items)
		return -ENOMEM;
	v->items = items;
	if (v->type == JV_OBJ) {
		keys = realloc(v->keys, cap * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		v->keys = keys;
	}
	v->cap = cap;
	return 0;
}

/* Array or object: open char consumed by the caller, close expected. */
static int parse_container(struct jparser *jp, struct jv *v, char close)
{
	int err;

	if (++jp->depth > JSON_MAX_DEPTH)
		return jerr(jp, "nested too deep");
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		err = jv_grow(v);
		if (err)
			return err;
		skip_ws(jp);
		if (v->type == JV_OBJ) {
			err = parse_string(jp, &key);
			if (err)
				return err;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				free(key);
				return jerr(jp, "':' expected");
			}
			jp->p++;
			v->keys[v->n] = key;
		}
		memset(&v->items[v->n], 0, sizeof(struct jv));
		v->n++;
		err = parse_value(jp, &v->items[v->n - 1]);
		if (err)
			return err;
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			jp->depth--;
			return 0;
		}
		return jerr(jp, close == '}' ? "',' or '}' expected" :
				"',' or ']' expected");
	}
}

static bool match_word(struct jparser *jp, const char *w)
{
	size_t len = strlen(w);

	if ((size_t)(jp->end - jp->p) < len || memcmp(jp->p, w, len))
		return false;
	jp->p += len;
	return true;
}

static int parse_value(struct jparser *jp, struct jv *v)
{
	skip_ws(jp);
	if (jp->p >= jp->end)
		return jerr(jp, "unexpected end");
	switch (*jp->p) {
	case '{':
		jp->p++;
		v->type = JV_OBJ;
		return parse_container(jp, v, '}');
	case '[':
		jp->p++;
		v->type = JV_ARR;
		return parse_container(jp, v, ']');
	case '"':
		v->type = JV_STR;
		return parse_string(jp, &v->str);
	}
	if (match_word(jp, "true")) {
		v->type = JV_BOOL;
		v->num = 1;
		return 0;
	}
	if (match_word(jp, "false")) {
		v->type = JV_BOOL;
		return 0;
	}
	if (match_word(jp, "null")) {
		v->type = JV_NULL;
		return 0;
	}
	v->type = JV_NUM;
	return parse_number(jp, &v->num);
}

static int json_parse(const char *text, size_t len, struct jv *root,
		      char *err, size_t err_len)
{
	struct jparser jp = {
		.start = text, .p = text, .end = text + len,
		.err = err, .err_len = err_len,
	};
	int ret;

	memset(root, 0, sizeof(*root));
	ret = parse_value(&jp, root);
	if (!ret) {
		skip_ws(&jp);
		if (jp.p != jp.end)
			ret = jerr(&jp, "trailing characters");
	}
	if (ret)
		jv_free(root);
	return ret;
}

static const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->type != JV_OBJ)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

/* ---- dataset ---- */

void ds_free(struct dataset *ds)
{
	for (int i = 0; i < ds->nr_pts; i++) {
		struct ds_point *p = &ds->pts[i];

		free(p->test);
		free(p->subtest);
		free(p->property);
		free(p->variant);
		free(p->op);
		free(p->mode);
		free(p->metric);
		free(p->unit);
	}
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

static struct ds_point *ds_new_point(struct dataset *ds)
{
	struct ds_point *pts;

	if (ds->nr_pts == ds->cap_pts) {
		int cap = ds->cap_pts ? ds->cap_pts * 2 : 256;

		pts = realloc(ds->pts, cap * sizeof(*pts));
		if (!pts)
			return NULL;
		ds->pts = pts;
		ds->cap_pts = cap;
	}
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
	f[*nr].key = strdup(key);
	f[*nr].value = strdup(value);
	if (!f[*nr].key || !f[*nr].value) {
		free(f[*nr].key);
		free(f[*nr].value);
		return -ENOMEM;
	}
	(*nr)++;
	return 0;
}

static void fmt_num(char *buf, size_t len, double x)
{
	if (x == floor(x) && fabs(x) < 1e15)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.10g", x);
}

/* A scalar (or an array of scalars) as text; -EINVAL for nested objects. */
static int jv_text(const struct jv *v, char *buf, size_t len)
{
	size_t used = 0;
	char item[128];

	switch (v->type) {
	case JV_NULL:
		snprintf(buf, len, "%s", "");
		return 0;
	case JV_BOOL:
		snprintf(buf, len, "%s", v->num ? "true" : "false");
		return 0;
	case JV_NUM:
		fmt_num(buf, len, v->num);
		return 0;
	case JV_STR:
		snprintf(buf, len, "%s", v->str);
		return 0;
	case JV_ARR:
		buf[0] = '\0';
		for (int i = 0; i < v->n && used < len; i++) {
			if (v->items[i].type == JV_ARR ||
			    v->items[i].type == JV_OBJ)
				return -EINVAL;
			jv_text(&v->items[i], item, sizeof(item));
			used += snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", item);
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static int read_fields(const struct jv *obj, struct ds_field **fields,
		       int *nr, const char *what, char *err, size_t err_len)
{
	char text[1024];

	if (!obj)
		return 0;
	if (obj->type != JV_OBJ) {
		perf_msg(err, err_len, "\"%s\" is not an object", what);
		return -EINVAL;
	}
	for (int i = 0; i < obj->n; i++) {
		if (jv_text(&obj->items[i], text, sizeof(text))) {
			perf_msg(err, err_len, "%s.%s is not a scalar", what,
				obj->keys[i]);
			return -EINVAL;
		}
		if (add_field(fields, nr, obj->keys[i], text))
			return -ENOMEM;
	}
	return 0;
}

static const char *const key_fields[] = {
	"test", "subtest", "property", "variant", "op", "mode", "metric", "unit",
};

static char **point_str(struct ds_point *p, int i)
{
	char **f[] = { &p->test, &p->subtest, &p->property, &p->variant,
		       &p->op, &p->mode, &p->metric, &p->unit };

	return f[i];
}

/* Numeric columns of a point: name, where it goes. */
struct num_field {
	const char *name;
	double *dst;
};

static int point_nums(struct ds_point *p, struct num_field *f)
{
	struct num_field all[] = {
		{ "mean", &p->st.mean }, { "median", &p->st.median },
		{ "stddev", &p->st.stddev }, { "ci95_low", &p->st.ci95_low },
		{ "ci95_high", &p->st.ci95_high }, { "min", &p->st.min },
		{ "max", &p->st.max },
	};

	memcpy(f, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

static int json_point(const struct jv *o, struct ds_point *p, int idx,
		      char *err, size_t err_len)
{
	struct num_field nums[8];
	const struct jv *v;
	int nr_nums = point_nums(p, nums);

	if (o->type != JV_OBJ) {
		perf_msg(err, err_len, "points[%d] is not an object", idx);
		return -EINVAL;
	}
	for (int i = 0; i < 8; i++) {
		v = jv_get(o, key_fields[i]);
		*point_str(p, i) = strdup(v && v->type == JV_STR ? v->str : "");
		if (!*point_str(p, i))
			return -ENOMEM;
	}
	if (!p->test[0] || !p->metric[0]) {
		perf_msg(err, err_len, "points[%d] has no test or metric", idx);
		return -EINVAL;
	}
	v = jv_get(o, "n");
	p->n = v && v->type == JV_NUM ? (long)v->num : -1;
	v = jv_get(o, "frame_size");
	p->frame_size = v && v->type == JV_NUM ? (int)v->num : 0;
	v = jv_get(o, "reps");
	p->st.n = v && v->type == JV_NUM ? (int)v->num : 0;
	v = jv_get(o, "outliers");
	p->st.outliers = v && v->type == JV_NUM ? (int)v->num : 0;
	for (int i = 0; i < nr_nums; i++) {
		v = jv_get(o, nums[i].name);
		/* null: not computable (e.g. stddev of one repetition) */
		*nums[i].dst = v && v->type == JV_NUM ? v->num : NAN;
	}
	return 0;
}

static int ds_from_json(const struct jv *root, struct dataset *ds, char *err,
			size_t err_len)
{
	const struct jv *fmt, *pts;
	int ret;

	fmt = jv_get(root, "format");
	if (!fmt || fmt->type != JV_STR ||
	    strncmp(fmt->str, DATA_FORMAT, strlen(DATA_FORMAT))) {
		perf_msg(err, err_len, "not an xdp-perf data file (\"format\" is not %s*)",
			DATA_FORMAT);
		return -EINVAL;
	}
	ret = read_fields(jv_get(root, "environment"), &ds->env, &ds->nr_env,
			  "environment", err, err_len);
	if (!ret)
		ret = read_fields(jv_get(root, "profile"), &ds->profile,
				  &ds->nr_profile, "profile", err, err_len);
	if (ret)
		return ret;
	pts = jv_get(root, "points");
	if (!pts || pts->type != JV_ARR) {
		perf_msg(err, err_len, "no \"points\" array");
		return -EINVAL;
	}
	for (int i = 0; i < pts->n; i++) {
		struct ds_point *p = ds_new_point(ds);

		if (!p)
			return -ENOMEM;
		ret = json_point(&pts->items[i], p, i, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

int ds_parse_json(const char *text, size_t len, struct dataset *ds,
		  char *err, size_t err_len)
{
	struct jv root;
	int ret;

	memset(ds, 0, sizeof(*ds));
	ret = json_parse(text, len, &root, err, err_len);
	if (ret)
		return ret;
	ret = ds_from_json(&root, ds, err, err_len);
	jv_free(&root);
	if (ret)
		ds_free(ds);
	return ret;
}

static char *read_file(const char *file, size_t *len, char *err,
		       size_t err_len)
{
	FILE *f = fopen(file, "r");
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

/* ---- data.csv ---- */

enum { NR_CSV_STR = 8, NR_CSV_COLS = 19 };

static const char *const csv_cols[NR_CSV_COLS] = {
	"test", "subtest", "property", "variant", "op", "mode", "metric",
	"unit", "n", "frame_size", "reps", "outliers", "mean", "median",
	"stddev", "ci95_low", "ci95_high", "min", "max",
};

static int split_csv(char *line, char **cells, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *c = line;; c++) {
		if (n == max)
			return -1;
		cells[n++] = c;
		c = strchr(c, ',');
		if (!c)
			return n;
		*c = '\0';
	}
}

/* Empty is "not applicable"; strtod reads results.c's nan/-nan too. */
static int csv_number(const char *cell, double *out)
{
	char *end;

	if (!*cell) {
		*out = NAN;
		return 0;
	}
	*out = strtod(cell, &end);
	return *end ? -EINVAL : 0;
}

/* Cell of column i; "" for an optional column the file does not have. */
static const char *cell(char **cells, const int *col, int i)
{
	return col[i] < 0 ? "" : cells[col[i]];
}

static int csv_row(char **cells, const int *col, struct ds_point *p)
{
	struct num_field nums[8];
	int nr_nums = point_nums(p, nums);
	double v[4];

	for (int i = 0; i < NR_CSV_STR; i++) {
		*point_str(p, i) = strdup(cell(cells, col, i));
		if (!*point_str(p, i))
			return -ENOMEM;
	}
	for (int i = 0; i < 4; i++)
		if (csv_number(cell(cells, col, NR_CSV_STR + i), &v[i]))
			return -EINVAL;
	p->n = isnan(v[0]) ? -1 : (long)v[0];
	p->frame_size = isnan(v[1]) ? 0 : (int)v[1];
	p->st.n = isnan(v[2]) ? 0 : (int)v[2];
	p->st.outliers = isnan(v[3]) ? 0 : (int)v[3];
	for (int i = 0; i < nr_nums; i++)
		if (csv_number(cell(cells, col, NR_CSV_STR + 4 + i),
			       nums[i].dst))
			return -EINVAL;
	return p->test[0] && p->metric[0] ? 0 : -EINVAL;
}

/* Map header names to cell indices; outliers is optional (older files). */
static int csv_header(char *line, int *col, char *err, size_t err_len)
{
	char *cells[64];
	int n = split_csv(line, cells, 64);

	for (int i = 0; i < NR_CSV_COLS; i++) {
		col[i] = -1;
		for (int j = 0; j < n; j++)
			if (!strcmp(cells[j], csv_cols[i]))
				col[i] = j;
		if (col[i] < 0 && strcmp(csv_cols[i], "outliers")) {
			perf_msg(err, err_len, "no column '%s' in the header",
				csv_cols[i]);
			return -EINVAL;
		}
	}
	return n;
}

int ds_load_csv(const char *file, struct dataset *ds, char *err,
		size_t err_len)
{
	int col[NR_CSV_COLS], nr_cols, lineno = 1, ret = 0;
	char *line = NULL, *cells[64];
	size_t cap = 0;
	FILE *f;

	memset(ds, 0, sizeof(*ds));
	f = fopen(file, "r");
	if (!f) {
		perf_msg(err, err_len, "cannot open %s: %s", file,
			strerror(errno));
		return -errno;
	}
	if (getline(&line, &cap, f) < 0) {
		perf_msg(err, err_len, "%s: empty file", file);
		ret = -EINVAL;
		goto out;
	}
	nr_cols = csv_header(line, col, err, err_len);
	if (nr_cols < 0) {
		ret = nr_cols;
		goto out;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct ds_point *p;

		lineno++;
		if (line[strspn(line, "\r\n")] == '\0')
			continue;
		if (split_csv(line, cells, 64) != nr_cols) {
			perf_msg(err, err_len, "%s:%d: %s", file, lineno,
				"wrong number of fields");
			ret = -EINVAL;
			goto out;
		}
		p = ds_new_point(ds);
		ret = p ? csv_row(cells, col, p) : -ENOMEM;
		if (ret) {
			perf_msg(err, err_len, "%s:%d: bad row", file, lineno);
			goto out;
		}
	}
	snprintf(ds->source, sizeof(ds->source), "%s", file);
out:
	free(line);
	fclose(f);
	if (ret)
		ds_free(ds);
	return ret;
}

int ds_load(const char *path, struct dataset *ds, char *err, size_t err_len)
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
		return ds_load_json(file, ds, err, err_len);
	}
	if (len > 4 && !strcmp(path + len - 4, ".csv"))
		return ds_load_csv(path, ds, err, err_len);
	return ds_load_json(path, ds, err, err_len);
}

/* ---- this run's results ---- */

/* The same keys and spelling as the "environment" block of data.json. */
static int env_from_results(struct dataset *ds)
{
	const struct perf_environment *e = results_env();
	char num[4][16];
	int ret = 0;

	if (!e)
		return 0;
	snprintf(num[0], sizeof(num[0]), "%d", e->nr_cpus);
	snprintf(num[1], sizeof(num[1]), "%d", e->jit_enable);
	snprintf(num[2], sizeof(num[2]), "%d", e->jit_harden);
	snprintf(num[3], sizeof(num[3]), "%d", e->bpf_stats);
	const char *kv[][2] = {
		{ "kernel", e->kernel }, { "cpu_model", e->cpu_model },
		{ "nr_cpus", num[0] }, { "jit_enable", num[1] },
		{ "jit_harden", num[2] }, { "bpf_stats", num[3] },
		{ "mitigations", e->mitigations }, { "clang", e->clang },
		{ "libbpf", e->libbpf }, { "git_rev", e->git_rev },
		{ "date", e->date }, { "hostname", e->hostname },
		{ "emulated", e->emulated ? "true" : "false" },
		{ "virt", e->virt },
	};

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]) && !ret; i++)
		ret = add_field(&ds->env, &ds->nr_env, kv[i][0], kv[i][1]);
	return ret;
}

int ds_from_results(struct dataset *ds)
{
	int nr = results_count(), ret;

	memset(ds, 0, sizeof(*ds));
	snprintf(ds->source, sizeof(ds->source), "%s", "this run");
	ret = env_from_results(ds);
	for (int i = 0; i < nr && !ret; i++) {
		const struct result_row *r = results_row(i);
		const char *s[NR_CSV_STR] = {
			results_test(i), results_subtest(i), r->key.property,
			r->key.variant, r->key.op, r->key.mode, r->metric,
			r->unit,
		};
		struct ds_point *p = ds_new_point(ds);

		if (!p) {
			ret = -ENOMEM;
			break;
		}
		for (int j = 0; j < NR_CSV_STR; j++) {
			*point_str(p, j) = strdup(s[j] ?: "");
			if (!*point_str(p, j))
				ret = -ENOMEM;
		}
		p->n = r->key.n;
		p->frame_size = r->key.frame_size;
		p->st = r->st;
	}
	if (ret)
		ds_free(ds);
	return ret;
}

/* ---- keys ---- */

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

bool ds_lower_is_better(const struct ds_point *p)
{
	static const char *const higher[] = {
		"Mpps", "Kpps", "pps", "Gbit/s", "Mbit/s", "bit/s",
	};

	for (size_t i = 0; i < sizeof(higher) / sizeof(higher[0]); i++)
		if (!strcmp(p->unit, higher[i]))
			return false;
	return true;
}
