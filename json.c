// SPDX-License-Identifier: GPL-2.0
/*
 * JSON literals for the writers and a plain recursive descent reader into
 * a small tree (see json.h): enough for the files the suite writes, strict
 * enough that a truncated or hand-edited file is refused with the offset
 * of the problem instead of being half read.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"
#include "vis.h"

/* ---- writing ---- */

/*
 * Control characters, line separators and bidi overrides as \u escapes
 * (lossless); a byte that is not UTF-8 as the \u00XX of its value, so
 * that the file stays valid JSON.
 */
void json_write_string(FILE *f, const char *s)
{
	char esc[8];
	int n, skip;

	fputc('"', f);
	for (; s && *s; s += n) {
		n = vis_char(s, esc, &skip);
		if (!n) {
			if (skip == 1)
				fprintf(f, "\\u%04x", (unsigned char)*s);
			else
				fputs(esc, f);	/* "\uXXXX" */
			n = skip;
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else {
			fwrite(s, 1, n, f);
		}
	}
	fputc('"', f);
}

/* JSON has no NaN or infinity: those become null */
void json_write_num(FILE *f, const char *name, double v, bool last)
{
	if (!isfinite(v))
		fprintf(f, "\"%s\": null%s", name, last ? "" : ", ");
	else
		fprintf(f, "\"%s\": %.10g%s", name, v, last ? "" : ", ");
}

/* ---- reading ---- */

struct jparser {
	const char *start, *p, *end;
	int depth;
	size_t mem;		/* bytes of tree and strings allocated */
	char *err;
	size_t err_len;
};

static int jerr(struct jparser *jp, const char *what)
{
	if (jp->err && jp->err_len)
		snprintf(jp->err, jp->err_len, "JSON error at byte %ld: %s",
			 (long)(jp->p - jp->start), what);
	return -EINVAL;
}

/*
 * Memory for the tree, charged before it is allocated: a value takes 32
 * bytes however few its text has ("0," is two), so the text's size alone
 * does not bound what a file can make the reader allocate.
 */
static int charge(struct jparser *jp, size_t bytes)
{
	if (bytes > JSON_MAX_MEM - jp->mem)
		return jerr(jp, "the file needs more memory than the reader's limit (" JSON_MAX_MEM_STR "; docs/data-format.md#limits)");
	jp->mem += bytes;
	return 0;
}

void json_free(struct json_value *v)
{
	switch (v->type) {
	case JSON_STR:
		free(v->str);
		break;
	case JSON_ARR:
	case JSON_OBJ:
		for (int i = 0; i < v->n; i++) {
			json_free(&v->items[i]);
			if (v->keys)
				free(v->keys[i]);
		}
		free(v->items);
		free(v->keys);
		break;
	default:
		break;
	}
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
	if (charge(jp, span + 1))
		return -E2BIG;
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

static int parse_value(struct jparser *jp, struct json_value *v);

/*
 * Room for one more item (and key: keys[] grows in step with items[]),
 * charged to the parse's memory limit.
 */
static int grow_container(struct jparser *jp, struct json_value *v)
{
	size_t each = sizeof(struct json_value) +
		      (v->type == JSON_OBJ ? sizeof(char *) : 0);
	size_t cap = v->cap, key_cap = v->cap;

	if (v->n < v->cap)
		return 0;
	if (grow_array(&v->items, &cap, v->n + 1, sizeof(*v->items)))
		return -ENOMEM;
	if (v->type == JSON_OBJ &&
	    grow_array(&v->keys, &key_cap, v->n + 1, sizeof(*v->keys)))
		return -ENOMEM;
	/* the limit holds cap far below INT_MAX */
	if (charge(jp, (cap - v->cap) * each))
		return -E2BIG;
	v->cap = cap;
	return 0;
}

/* A closed container gives back the room it grew for and did not use. */
static void shrink_container(struct jparser *jp, struct json_value *v)
{
	size_t spare = v->cap - v->n;
	struct json_value *items;
	char **keys;

	if (!spare || !v->n)
		return;
	items = realloc(v->items, v->n * sizeof(*items));
	if (!items)
		return;		/* kept as it was, still charged */
	v->items = items;
	jp->mem -= spare * sizeof(*items);
	if (v->type == JSON_OBJ) {
		keys = realloc(v->keys, v->n * sizeof(*keys));
		if (keys) {
			v->keys = keys;
			jp->mem -= spare * sizeof(*keys);
		}
	}
	v->cap = v->n;
}

/* Array or object: open char consumed by the caller, close expected. */
static int parse_container(struct jparser *jp, struct json_value *v,
			   char close)
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

		err = grow_container(jp, v);
		if (err)
			return err;
		skip_ws(jp);
		if (v->type == JSON_OBJ) {
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
		memset(&v->items[v->n], 0, sizeof(struct json_value));
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
			shrink_container(jp, v);
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

static int parse_value(struct jparser *jp, struct json_value *v)
{
	skip_ws(jp);
	if (jp->p >= jp->end)
		return jerr(jp, "unexpected end");
	switch (*jp->p) {
	case '{':
		jp->p++;
		v->type = JSON_OBJ;
		return parse_container(jp, v, '}');
	case '[':
		jp->p++;
		v->type = JSON_ARR;
		return parse_container(jp, v, ']');
	case '"':
		v->type = JSON_STR;
		return parse_string(jp, &v->str);
	}
	if (match_word(jp, "true")) {
		v->type = JSON_BOOL;
		v->num = 1;
		return 0;
	}
	if (match_word(jp, "false")) {
		v->type = JSON_BOOL;
		return 0;
	}
	if (match_word(jp, "null")) {
		v->type = JSON_NULL;
		return 0;
	}
	v->type = JSON_NUM;
	return parse_number(jp, &v->num);
}

int json_parse(const char *text, size_t len, struct json_value *root,
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
		json_free(root);
	return ret;
}

const struct json_value *json_get(const struct json_value *obj,
				  const char *key)
{
	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

static void fmt_num(char *buf, size_t len, double x)
{
	if (x == floor(x) && fabs(x) < 1e15)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.10g", x);
}

int json_text(const struct json_value *v, char *buf, size_t len)
{
	size_t used = 0;
	char item[128];

	switch (v->type) {
	case JSON_NULL:
		snprintf(buf, len, "%s", "");
		return 0;
	case JSON_BOOL:
		snprintf(buf, len, "%s", v->num ? "true" : "false");
		return 0;
	case JSON_NUM:
		fmt_num(buf, len, v->num);
		return 0;
	case JSON_STR:
		snprintf(buf, len, "%s", v->str);
		return 0;
	case JSON_ARR:
		buf[0] = '\0';
		for (int i = 0; i < v->n && used < len; i++) {
			if (v->items[i].type == JSON_ARR ||
			    v->items[i].type == JSON_OBJ)
				return -EINVAL;
			json_text(&v->items[i], item, sizeof(item));
			used += snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", item);
		}
		return 0;
	default:
		return -EINVAL;
	}
}
