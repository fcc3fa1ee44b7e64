/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON as the suite writes and reads it: string and number literals for
 * the writers (data.json, cost-model.json, --json-summary), and a small
 * strict reader of our own (no external library) into a tree. The reader
 * refuses a truncated or hand-broken file with the offset of the problem
 * instead of reading half of it.
 */
#ifndef __JSON_H
#define __JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A JSON string literal of s (quotes, escapes); NULL is "". */
void json_write_string(FILE *f, const char *s);
/* "name": v followed by ", " unless last; NaN and infinities are null. */
void json_write_num(FILE *f, const char *name, double v, bool last);

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

/* 32 bytes: what is read of a value is what its type says it has. */
struct json_value {
	enum json_type type;
	int n, cap;			/* JSON_ARR, JSON_OBJ: items */
	union {
		double num;		/* JSON_NUM, JSON_BOOL (0/1) */
		char *str;		/* JSON_STR */
		struct {
			char **keys;	/* JSON_OBJ: keys[i] names items[i] */
			struct json_value *items; /* JSON_ARR, JSON_OBJ */
		};
	};
};

/*
 * What one parse may build: nesting, and the memory of the tree and its
 * strings (a value takes 32 bytes: 512 MiB hold some 16 million, far
 * more than a data file of the suite has; docs/data-format.md).
 */
#define JSON_MAX_DEPTH		32
#define JSON_MAX_MEM		(512UL << 20)
#define JSON_MAX_MEM_STR	"512 MiB"

/*
 * Parse text[0..len-1] (one value, nothing after it). 0, or -EINVAL with
 * "JSON error at byte N: ..." in why (-E2BIG beyond JSON_MAX_MEM), or
 * -ENOMEM. Free root with json_free() after success only.
 */
int json_parse(const char *text, size_t len, struct json_value *root,
	       char *why, size_t why_len);
void json_free(struct json_value *v);
/* Member key of an object; NULL when obj is no object or has no key. */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);
/*
 * A scalar as text (null "", numbers as printed, booleans true/false) or
 * an array of scalars as "a,b,c"; -EINVAL for objects and nested arrays.
 */
int json_text(const struct json_value *v, char *buf, size_t len);

#endif /* __JSON_H */
