// SPDX-License-Identifier: GPL-2.0
/* The identity of a measured point, written and read one way (point_id.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "json.h"
#include "point_id.h"

const char *const point_id_names[POINT_ID_NR_FIELDS] = {
	[POINT_ID_TEST] = "test",
	[POINT_ID_SUBTEST] = "subtest",
	[POINT_ID_PROPERTY] = "property",
	[POINT_ID_N] = "n",
	[POINT_ID_VARIANT] = "variant",
	[POINT_ID_OP] = "op",
	[POINT_ID_FRAME_SIZE] = "frame_size",
	[POINT_ID_MODE] = "mode",
	[POINT_ID_METRIC] = "metric",
	[POINT_ID_UNIT] = "unit",
};

bool point_id_numeric(enum point_id_field f)
{
	return f == POINT_ID_N || f == POINT_ID_FRAME_SIZE;
}

const char **point_id_string(struct point_id *id, enum point_id_field f)
{
	switch (f) {
	case POINT_ID_TEST:
		return &id->test;
	case POINT_ID_SUBTEST:
		return &id->subtest;
	case POINT_ID_PROPERTY:
		return &id->property;
	case POINT_ID_VARIANT:
		return &id->variant;
	case POINT_ID_OP:
		return &id->op;
	case POINT_ID_MODE:
		return &id->mode;
	case POINT_ID_METRIC:
		return &id->metric;
	case POINT_ID_UNIT:
		return &id->unit;
	default:
		return NULL;
	}
}

/* The same as point_id_string() for an id that is only read. */
static const char *string_of(const struct point_id *id,
			     enum point_id_field f)
{
	const char **s = point_id_string((struct point_id *)id, f);

	return s && *s ? *s : "";
}

static int cmp_long(long a, long b)
{
	return (a > b) - (a < b);
}

int point_id_cmp(const struct point_id *a, const struct point_id *b)
{
	int c = 0;

	for (int f = 0; f < POINT_ID_UNIT && !c; f++) {
		if (f == POINT_ID_N)
			c = cmp_long(a->n, b->n);
		else if (f == POINT_ID_FRAME_SIZE)
			c = cmp_long(a->frame_size, b->frame_size);
		else
			c = strcmp(string_of(a, f), string_of(b, f));
	}
	return c;
}

/* Field f as a label shows it, "" when it does not apply. */
static void label_word(const struct point_id *id, enum point_id_field f,
		       char *buf, size_t len)
{
	buf[0] = '\0';
	if (f == POINT_ID_N && id->n >= 0)
		snprintf(buf, len, "N=%ld", id->n);
	else if (f == POINT_ID_FRAME_SIZE && id->frame_size)
		snprintf(buf, len, "%dB", id->frame_size);
	else if (!point_id_numeric(f))
		snprintf(buf, len, "%s", string_of(id, f));
}

void point_id_str(const struct point_id *id, unsigned int fields, char *buf,
		  size_t len)
{
	size_t used = 0;
	bool had_test = false;
	char word[256];

	if (len)
		buf[0] = '\0';
	for (int f = 0; f < POINT_ID_NR_FIELDS && used < len; f++) {
		if (!(fields & POINT_ID_BIT(f)))
			continue;
		label_word(id, f, word, sizeof(word));
		if (!word[0])
			continue;
		/* the subtest goes with its test: "test/subtest" */
		used += snprintf(buf + used, len - used, "%s%s",
				 !used ? "" : f == POINT_ID_SUBTEST && had_test ?
				 "/" : " ", word);
		had_test = f == POINT_ID_TEST;
	}
}

void point_id_write_csv(FILE *f, const struct point_id *id)
{
	for (int i = 0; i < POINT_ID_NR_FIELDS; i++) {
		if (i == POINT_ID_N)
			fprintf(f, "%ld", id->n);
		else if (i == POINT_ID_FRAME_SIZE)
			fprintf(f, "%d", id->frame_size);
		else
			csv_write_str(f, string_of(id, i));
		fputc(',', f);
	}
}

void point_id_write_json(FILE *f, const struct point_id *id)
{
	for (int i = 0; i < POINT_ID_NR_FIELDS; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", point_id_names[i]);
		if (i == POINT_ID_N)
			fprintf(f, "%ld", id->n);
		else if (i == POINT_ID_FRAME_SIZE)
			fprintf(f, "%d", id->frame_size);
		else
			json_write_string(f, string_of(id, i));
	}
}

/* A whole number in [lo, hi]; absent or empty is dflt. */
static int parse_whole(const char *text, long lo, long hi, long dflt,
		       long *out)
{
	char *end;
	double v;

	if (!text || !*text) {
		*out = dflt;
		return 0;
	}
	v = strtod(text, &end);
	if (end == text || *end || v != floor(v) || v < lo || v > hi)
		return -EINVAL;
	*out = (long)v;
	return 0;
}

static int parse_numbers(struct point_id *id,
			 const char *const text[POINT_ID_NR_FIELDS],
			 char *why, size_t why_len)
{
	long fs;

	if (parse_whole(text[POINT_ID_N], LONG_MIN, LONG_MAX, -1, &id->n)) {
		snprintf(why, why_len, "n is not a whole number");
		return -EINVAL;
	}
	if (parse_whole(text[POINT_ID_FRAME_SIZE], INT_MIN, INT_MAX, 0, &fs)) {
		snprintf(why, why_len, "frame_size is not a whole number");
		return -EINVAL;
	}
	id->frame_size = fs;
	return 0;
}

int point_id_parse(struct point_id *id,
		   const char *const text[POINT_ID_NR_FIELDS], char *why,
		   size_t why_len)
{
	const char **s;

	memset(id, 0, sizeof(*id));
	for (int f = 0; f < POINT_ID_NR_FIELDS; f++) {
		s = point_id_string(id, f);
		if (!s)
			continue;
		*s = strdup(text[f] ?: "");
		if (!*s) {
			snprintf(why, why_len, "out of memory");
			return -ENOMEM;
		}
	}
	if (!id->test[0] || !id->metric[0]) {
		snprintf(why, why_len, "no test or metric");
		return -EINVAL;
	}
	return parse_numbers(id, text, why, why_len);
}

int point_id_dup(struct point_id *dst, const struct point_id *src)
{
	const char **s;

	*dst = *src;
	for (int f = 0; f < POINT_ID_NR_FIELDS; f++) {
		s = point_id_string(dst, f);
		if (s)
			*s = NULL;
	}
	for (int f = 0; f < POINT_ID_NR_FIELDS; f++) {
		s = point_id_string(dst, f);
		if (!s)
			continue;
		*s = strdup(string_of(src, f));
		if (!*s) {
			point_id_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

void point_id_free(struct point_id *id)
{
	const char **s;

	for (int f = 0; f < POINT_ID_NR_FIELDS; f++) {
		s = point_id_string(id, f);
		if (!s)
			continue;
		free((char *)*s);
		*s = NULL;
	}
}
