// SPDX-License-Identifier: GPL-2.0
/*
 * run.json (see report_run.h): the outcome of every test of a --report
 * run, in the shape of -J's summary, with the start and the duration.
 * Read back as a file from someone else: its size bounded, every field
 * checked, names shown with control characters made visible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "outdir.h"
#include "report_run.h"
#include "test_perf.h"
#include "test_run.h"
#include "util.h"
#include "vis.h"

#define RUN_FORMAT	"xdp-perf-run/1"
#define RUN_MAX_BYTES	(16L << 20)
#define RUN_MAX_ITEMS	100000	/* tests, or subtests of one test */

static char run_started[40];
static double run_start_s = -1;

void run_info_start(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(run_started, sizeof(run_started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	run_start_s = mono_s();
}

static void write_item(FILE *f, const char *name, enum test_state state,
		       const char *reason)
{
	fprintf(f, "{\"name\": ");
	json_write_string(f, name);
	fprintf(f, ", \"result\": \"%s\", \"message\": ",
		test_run_state_str(state));
	json_write_string(f, reason);
}

int run_info_write(const char *dir)
{
	struct outfile of;
	FILE *f;
	int ret;

	ret = outfile_open(&of, dir, RUN_FILE, NULL, 0);
	if (ret)
		return ret;
	f = of.f;
	fprintf(f, "{\"format\": \"%s\", \"started\": ", RUN_FORMAT);
	json_write_string(f, run_started);
	fprintf(f, ", ");
	json_write_num(f, "duration_s",
		       run_start_s < 0 ? -1 : mono_s() - run_start_s, false);
	fprintf(f, "\"interrupted\": %s, \"results\": [",
		test_run_stop_signal() ? "true" : "false");
	for (int i = 0; i < test_run_count(); i++) {
		const struct test_result *r = test_run_result(i);

		fprintf(f, "%s\n ", i ? "," : "");
		write_item(f, r->def->name, r->state, r->reason);
		fprintf(f, ", \"subtests\": [");
		for (int j = 0; j < r->nr_subs; j++) {
			fprintf(f, "%s", j ? ", " : "");
			write_item(f, r->subs[j].name, r->subs[j].state,
				   r->subs[j].reason);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
	return outfile_commit(&of);
}

/* ---- reading ---- */

void run_info_free(struct run_info *ri)
{
	for (int i = 0; i < ri->nr_tests; i++) {
		struct run_test *t = &ri->tests[i];

		for (int j = 0; j < t->nr_subs; j++) {
			free(t->subs[j].name);
			free(t->subs[j].reason);
		}
		free(t->subs);
		free(t->name);
		free(t->reason);
	}
	free(ri->tests);
	memset(ri, 0, sizeof(*ri));
}

/* A string member, shown literally (vis.h); "" for null. NULL: not one. */
static char *str_member(const struct json_value *o, const char *key,
			bool required)
{
	const struct json_value *v = json_get(o, key);

	if (!v || v->type == JSON_NULL)
		return required ? NULL : strdup("");
	if (v->type != JSON_STR)
		return NULL;
	return vis_dup(v->str);
}

static int read_item(const struct json_value *o, char **name,
		     enum run_state *state, char **reason)
{
	static const char *const states[] = {
		[RUN_OK] = "OK", [RUN_SKIP] = "SKIP", [RUN_FAIL] = "FAIL",
	};
	const struct json_value *v = json_get(o, "result");
	size_t i;

	if (!v || v->type != JSON_STR)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(states) && strcmp(v->str, states[i]); i++)
		;
	if (i == ARRAY_SIZE(states))
		return -EINVAL;
	*state = i;
	*name = str_member(o, "name", true);
	*reason = str_member(o, "message", false);
	return *name && *reason ? 0 : -EINVAL;
}

static int read_test(const struct json_value *o, struct run_test *t)
{
	const struct json_value *subs = json_get(o, "subtests");
	int ret;

	if (o->type != JSON_OBJ)
		return -EINVAL;
	ret = read_item(o, &t->name, &t->state, &t->reason);
	if (ret || !subs)
		return ret;
	if (subs->type != JSON_ARR || subs->n > RUN_MAX_ITEMS)
		return -EINVAL;
	t->subs = calloc(subs->n ?: 1, sizeof(*t->subs));
	if (!t->subs)
		return -ENOMEM;
	for (int j = 0; j < subs->n; j++) {
		struct run_sub *s = &t->subs[t->nr_subs++];

		if (subs->items[j].type != JSON_OBJ)
			return -EINVAL;
		ret = read_item(&subs->items[j], &s->name, &s->state,
				&s->reason);
		if (ret)
			return ret;
	}
	return 0;
}

static int run_from_json(const struct json_value *root, struct run_info *ri)
{
	const struct json_value *fmt = json_get(root, "format");
	const struct json_value *res = json_get(root, "results");
	const struct json_value *v;
	int ret = 0;

	if (!fmt || fmt->type != JSON_STR || strcmp(fmt->str, RUN_FORMAT) ||
	    !res || res->type != JSON_ARR || res->n > RUN_MAX_ITEMS)
		return -EINVAL;
	v = json_get(root, "started");
	if (v && v->type == JSON_STR)
		json_text(v, ri->started, sizeof(ri->started));
	v = json_get(root, "duration_s");
	ri->duration_s = v && v->type == JSON_NUM && v->num >= 0 &&
			 v->num < 1e9 ? v->num : -1;
	v = json_get(root, "interrupted");
	ri->interrupted = v && v->type == JSON_BOOL && v->num;
	ri->tests = calloc(res->n ?: 1, sizeof(*ri->tests));
	if (!ri->tests)
		return -ENOMEM;
	for (int i = 0; i < res->n && !ret; i++)
		ret = read_test(&res->items[i], &ri->tests[ri->nr_tests++]);
	return ret;
}

int run_info_read_path(const char *path, const char *shown,
		       struct run_info *ri, char *why, size_t why_len)
{
	char jwhy[200] = "cannot read it", *text = NULL;
	struct json_value root;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int ret;

	memset(ri, 0, sizeof(*ri));
	ri->duration_s = -1;
	f = outdir_fopen_read(path, RUN_MAX_BYTES);
	if (!f) {
		ret = -errno;
		if (ret != -ENOENT)
			perf_msg(why, why_len, "%s: %s", shown, strerror(-ret));
		return ret;
	}
	do {
		ret = grow_array(&text, &cap, len + 65536, 1);
		if (ret)
			break;
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	ret = ret ?: ferror(f) ? -EIO : 0;
	fclose(f);
	if (!ret)
		ret = json_parse(text, len, &root, jwhy, sizeof(jwhy));
	free(text);
	if (ret) {
		perf_msg(why, why_len, "%s: %s", shown,
			 ret == -ENOMEM ? "out of memory" : jwhy);
		return ret;
	}
	ret = run_from_json(&root, ri);
	json_free(&root);
	if (ret) {
		perf_msg(why, why_len, "%s: not a run file of the suite (\"format\": \"%s\" with every test's \"name\" and \"result\")",
			 shown, RUN_FORMAT);
		run_info_free(ri);
		return ret;
	}
	ri->known = true;
	return 0;
}

int run_info_read(const char *dir, struct run_info *ri, char *why,
		  size_t why_len)
{
	char path[4096 + 16];

	snprintf(path, sizeof(path), "%s/%s", dir, RUN_FILE);
	return run_info_read_path(path, path, ri, why, why_len);
}
