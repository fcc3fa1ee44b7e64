// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP output of test_perf, checked by a strict KTAP version 1 parser.
 *
 * Kernel CI (kselftest's runner, KernelCI, LKFT) reads what run_tests.sh
 * prints: "KTAP version 1", a plan "1..N", one "ok"/"not ok" line per test
 * numbered from 1, "# SKIP reason" on skips, subtests as a nested KTAP
 * document indented by 4 spaces right before their parent's result line,
 * and '#' in front of everything else. The parser below enforces exactly
 * that; it is first shown to reject known-bad documents (each for the
 * expected reason), then run on the output of test_perf started as a child:
 * as root on unit tests, with a selection that filters every subtest out,
 * as an unprivileged user (tests that need BPF skip with a reason), and
 * run_tests.sh unprivileged (the whole collection skipped: "1..0 # SKIP").
 * The exit status must agree with the results (0 pass, 1 fail, 4 skip).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>

#include "test_perf.h"
#include "testing_helpers.h"
#include "util.h"

#define KTAP_INDENT		4
#define KTAP_MAX_RESULTS	64
#define CHILD_TIMEOUT_MS	120000

enum ktap_err {
	KTAP_OK,
	KTAP_E_VERSION,		/* missing or misplaced "KTAP version 1" */
	KTAP_E_PLAN,		/* missing, malformed or repeated plan */
	KTAP_E_COUNT,		/* number of results differs from the plan */
	KTAP_E_NUMBER,		/* results not numbered 1, 2, 3, ... */
	KTAP_E_RESULT,		/* malformed result line */
	KTAP_E_SKIP,		/* SKIP without a reason, or on "not ok" */
	KTAP_E_DIRECTIVE,	/* unknown directive after " # " */
	KTAP_E_INDENT,		/* nesting not by 4 spaces with a version line */
	KTAP_E_ORPHAN,		/* nested document without its parent's result */
	KTAP_E_LINE,		/* neither KTAP nor a '#' diagnostic line */
	KTAP_E_TOTALS,		/* kselftest "# Totals:" disagrees */
};

static const char *const ktap_err_names[] = {
	[KTAP_OK] = "ok",
	[KTAP_E_VERSION] = "version",
	[KTAP_E_PLAN] = "plan",
	[KTAP_E_COUNT] = "count",
	[KTAP_E_NUMBER] = "number",
	[KTAP_E_RESULT] = "result",
	[KTAP_E_SKIP] = "skip",
	[KTAP_E_DIRECTIVE] = "directive",
	[KTAP_E_INDENT] = "indent",
	[KTAP_E_ORPHAN] = "orphan",
	[KTAP_E_LINE] = "line",
	[KTAP_E_TOTALS] = "totals",
};

/* A top-level result and what its nested document said. */
struct ktap_result {
	char name[64];
	bool ok, skip;
	int nested, nested_fail, nested_skip;
};

struct ktap_doc {
	struct ktap_result res[KTAP_MAX_RESULTS];
	int nr_res;
	int plan;			/* top-level plan */
	bool skip_all;			/* "1..0 # SKIP reason" */
	bool totals_seen;
	int nested_docs, nested_results;
	int skips;			/* every SKIP line, any depth */
};

struct ktap_parser {
	char **lines;
	int nr, pos;
	enum ktap_err err;
	int err_line;			/* 1-based */
	char msg[200];
	struct ktap_doc *doc;
};

/* Counts of one (nested) document, for its parent's result. */
struct ktap_block {
	int results, fail, skip;
};

static bool ktap_fail(struct ktap_parser *p, enum ktap_err err,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool ktap_fail(struct ktap_parser *p, enum ktap_err err,
		      const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return false;
	p->err = err;
	p->err_line = p->pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	return false;
}

static int indent_of(const char *s)
{
	int n = 0;

	while (s[n] == ' ')
		n++;
	return n;
}

/* A decimal number without sign or leading zero; end after it. */
static bool parse_num(const char *s, int *val, const char **end)
{
	long v = 0;
	int i = 0;

	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && isdigit((unsigned char)s[1])))
		return false;
	for (; isdigit((unsigned char)s[i]); i++) {
		v = v * 10 + s[i] - '0';
		if (v > 1000000)
			return false;
	}
	*val = (int)v;
	*end = s + i;
	return true;
}

/* " # SKIP reason" (or another KTAP directive); s points after " # ". */
static bool parse_directive(struct ktap_parser *p, const char *s, bool ok,
			    bool *skip)
{
	static const char *const others[] = {
		"TODO", "XFAIL", "TIMEOUT", "ERROR",
	};
	size_t i;

	*skip = false;
	if (!strncmp(s, "SKIP", 4) && (s[4] == ' ' || !s[4])) {
		const char *reason = s + 4;

		while (*reason == ' ')
			reason++;
		if (!*reason)
			return ktap_fail(p, KTAP_E_SKIP, "SKIP without a reason");
		if (!ok)
			return ktap_fail(p, KTAP_E_SKIP,
					 "SKIP on a \"not ok\" line");
		*skip = true;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		size_t n = strlen(others[i]);

		if (!strncmp(s, others[i], n) && (s[n] == ' ' || !s[n]))
			return true;
	}
	return ktap_fail(p, KTAP_E_DIRECTIVE, "unknown directive \"%.40s\"", s);
}

/* "ok N name[ # DIRECTIVE ...]" or "not ok N ...", without the indent. */
static bool parse_result(struct ktap_parser *p, const char *s, int expect,
			 bool *ok, bool *skip, char *name, size_t name_len)
{
	const char *desc, *hash;
	int num;

	if (!strncmp(s, "ok ", 3)) {
		*ok = true;
		s += 3;
	} else if (!strncmp(s, "not ok ", 7)) {
		*ok = false;
		s += 7;
	} else {
		return ktap_fail(p, KTAP_E_RESULT, "not a result line");
	}
	if (!parse_num(s, &num, &desc))
		return ktap_fail(p, KTAP_E_RESULT, "result without a number");
	if (num != expect)
		return ktap_fail(p, KTAP_E_NUMBER, "result %d where %d was due",
				 num, expect);
	if (*desc != ' ' || !desc[1] || desc[1] == ' ' || desc[1] == '#')
		return ktap_fail(p, KTAP_E_RESULT, "result without a description");
	desc++;
	hash = strstr(desc, " # ");
	if (strchr(desc, '#') && (!hash || strchr(desc, '#') != hash + 1))
		return ktap_fail(p, KTAP_E_RESULT,
				 "'#' in a description, not as \" # \"");
	snprintf(name, name_len, "%.*s",
		 (int)(hash ? hash - desc : (long)strlen(desc)), desc);
	if (name[strlen(name) - 1] == ' ')
		return ktap_fail(p, KTAP_E_RESULT, "trailing blank in a description");
	*skip = false;
	return !hash || parse_directive(p, hash + 3, *ok, skip);
}

/* kselftest: "# Totals: pass:P fail:F xfail:X xpass:XP skip:S error:E" */
static bool check_totals(struct ktap_parser *p, const char *s)
{
	const struct ktap_doc *d = p->doc;
	int pass, fail, xfail, xpass, skip, error, i, r_pass = 0, r_fail = 0,
	    r_skip = 0;

	if (sscanf(s, "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d",
		   &pass, &fail, &xfail, &xpass, &skip, &error) != 6)
		return ktap_fail(p, KTAP_E_TOTALS, "malformed Totals line");
	for (i = 0; i < d->nr_res; i++) {
		r_fail += !d->res[i].ok;
		r_skip += d->res[i].ok && d->res[i].skip;
		r_pass += d->res[i].ok && !d->res[i].skip;
	}
	if (pass != r_pass || fail != r_fail || skip != r_skip || xfail ||
	    xpass || error)
		return ktap_fail(p, KTAP_E_TOTALS,
				 "Totals pass:%d fail:%d skip:%d, results say %d, %d, %d",
				 pass, fail, skip, r_pass, r_fail, r_skip);
	p->doc->totals_seen = true;
	return true;
}

static bool parse_plan(struct ktap_parser *p, const char *s, int *plan,
		       bool *skip_all)
{
	bool skip = false;
	const char *end;

	*skip_all = false;
	if (strncmp(s, "1..", 3) || !parse_num(s + 3, plan, &end))
		return ktap_fail(p, KTAP_E_PLAN, "plan \"1..N\" expected");
	if (!*end)
		return true;
	if (strncmp(end, " # ", 3) || *plan != 0)
		return ktap_fail(p, KTAP_E_PLAN,
				 "only an empty plan may carry a directive");
	if (!parse_directive(p, end + 3, true, &skip))
		return false;
	if (!skip)
		return ktap_fail(p, KTAP_E_PLAN, "empty plan without SKIP");
	*skip_all = true;
	return true;
}

static bool parse_doc(struct ktap_parser *p, int indent, struct ktap_block *b);

/* A nested document, then its parent's result line at this level. */
static bool parse_nested(struct ktap_parser *p, int indent,
			 struct ktap_block *sub)
{
	const char *l;

	if (!parse_doc(p, indent + KTAP_INDENT, sub))
		return false;
	p->doc->nested_docs++;
	p->doc->nested_results += sub->results;
	/* diagnostics may come between the subtests and the parent result */
	while (p->pos < p->nr) {
		l = p->lines[p->pos];
		if (indent_of(l) != indent || l[indent] != '#')
			break;
		p->pos++;
	}
	l = p->pos < p->nr ? p->lines[p->pos] : "";
	if (indent_of(l) != indent ||
	    (strncmp(l + indent, "ok ", 3) && strncmp(l + indent, "not ok ", 7)))
		return ktap_fail(p, KTAP_E_ORPHAN,
				 "nested document not followed by its parent's result");
	return true;
}

static void record_result(struct ktap_parser *p, const char *name, bool ok,
			  bool skip, const struct ktap_block *sub)
{
	struct ktap_result *r;

	if (p->doc->nr_res >= KTAP_MAX_RESULTS)
		return;
	r = &p->doc->res[p->doc->nr_res++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->ok = ok;
	r->skip = skip;
	r->nested = sub ? sub->results : 0;
	r->nested_fail = sub ? sub->fail : 0;
	r->nested_skip = sub ? sub->skip : 0;
}

static bool parse_line(struct ktap_parser *p, int indent, struct ktap_block *b,
		       struct ktap_block *pending, bool *has_pending)
{
	const char *l = p->lines[p->pos], *s = l + indent;
	char name[64];
	bool ok = false, skip = false;

	if (*s == '#') {
		if (!indent && !strncmp(s, "# Totals:", 9))
			return check_totals(p, s);
		return true;
	}
	if (!strncmp(s, "KTAP version", 12))
		return ktap_fail(p, KTAP_E_VERSION, "second version line");
	if (!strncmp(s, "1..", 3))
		return ktap_fail(p, KTAP_E_PLAN, "second plan");
	if (strncmp(s, "ok ", 3) && strncmp(s, "not ok ", 7))
		return ktap_fail(p, KTAP_E_LINE,
				 "neither KTAP nor a '#' diagnostic: \"%.40s\"", s);
	if (!parse_result(p, s, b->results + 1, &ok, &skip, name, sizeof(name)))
		return false;
	b->results++;
	b->fail += !ok;
	b->skip += skip;
	p->doc->skips += skip;
	if (!indent)
		record_result(p, name, ok, skip, *has_pending ? pending : NULL);
	*has_pending = false;
	return true;
}

/* One KTAP document whose lines are indented by indent spaces. */
static bool parse_doc(struct ktap_parser *p, int indent, struct ktap_block *b)
{
	struct ktap_block pending = {};
	bool has_pending = false, skip_all;
	int plan, ind;
	const char *l;

	memset(b, 0, sizeof(*b));
	l = p->pos < p->nr ? p->lines[p->pos] : "";
	if (indent_of(l) != indent || strcmp(l + indent, "KTAP version 1"))
		return ktap_fail(p, KTAP_E_VERSION, "\"KTAP version 1\" expected");
	p->pos++;
	l = p->pos < p->nr ? p->lines[p->pos] : "";
	if (indent_of(l) != indent)
		return ktap_fail(p, KTAP_E_PLAN, "plan expected after the version");
	if (!parse_plan(p, l + indent, &plan, &skip_all))
		return false;
	if (!indent) {
		p->doc->plan = plan;
		p->doc->skip_all = skip_all;
	}
	for (p->pos++; p->pos < p->nr; p->pos++) {
		l = p->lines[p->pos];
		ind = indent_of(l);
		if (!l[ind])
			return ktap_fail(p, KTAP_E_LINE, "empty line");
		if (ind < indent)
			break;		/* back to the parent document */
		if (ind > indent) {
			if (ind != indent + KTAP_INDENT ||
			    strcmp(l + ind, "KTAP version 1"))
				return ktap_fail(p, KTAP_E_INDENT,
						 "indented by %d: only a nested \"KTAP version 1\" at %d may start here",
						 ind, indent + KTAP_INDENT);
			if (has_pending)
				return ktap_fail(p, KTAP_E_ORPHAN,
						 "two nested documents for one result");
			if (!parse_nested(p, indent, &pending))
				return false;
			has_pending = true;
			p->pos--;	/* the parent result is read next */
			continue;
		}
		if (!parse_line(p, indent, b, &pending, &has_pending))
			return false;
	}
	if (has_pending)
		return ktap_fail(p, KTAP_E_ORPHAN,
				 "nested document without its parent's result");
	if (b->results != plan)
		return ktap_fail(p, KTAP_E_COUNT, "plan 1..%d, %d results", plan,
				 b->results);
	return true;
}

/* Parse a whole document; KTAP_OK or the first error, with p->msg. */
static enum ktap_err ktap_parse(const char *text, struct ktap_doc *doc,
				char *msg, size_t msg_len)
{
	struct ktap_parser p = { .doc = doc };
	struct ktap_block top;
	char *copy = strdup(text), *save = NULL, *line;
	size_t len = strlen(text);
	int cap = 16;

	memset(doc, 0, sizeof(*doc));
	p.lines = malloc(cap * sizeof(*p.lines));
	if (!copy || !p.lines) {
		free(copy);
		free(p.lines);
		snprintf(msg, msg_len, "out of memory");
		return KTAP_E_LINE;
	}
	/* strtok would merge empty lines: split by hand */
	for (line = copy; line && *line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		if (p.nr == cap) {
			cap *= 2;
			p.lines = realloc(p.lines, cap * sizeof(*p.lines));
		}
		p.lines[p.nr++] = line;
	}
	if (len && text[len - 1] != '\n')
		ktap_fail(&p, KTAP_E_LINE, "last line without a newline");
	else if (parse_doc(&p, 0, &top) && p.pos < p.nr)
		ktap_fail(&p, KTAP_E_INDENT, "indented line after the document");
	snprintf(msg, msg_len, "line %d: %s", p.err_line, p.msg);
	free(p.lines);
	free(copy);
	return p.err;
}

/* ---- the parser on known documents ---- */

struct ktap_sample {
	const char *name;
	const char *text;
	enum ktap_err expect;
};

static const struct ktap_sample samples[] = {
	{ "nested", "KTAP version 1\n1..2\n# a diagnostic\n"
	  "    KTAP version 1\n    1..2\n    ok 1 a\n"
	  "    ok 2 b # SKIP not here\n# log of t1\nok 1 t1\n"
	  "ok 2 t2 # SKIP needs root\n"
	  "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0\n", KTAP_OK },
	{ "skip_all", "KTAP version 1\n1..0 # SKIP needs root\n", KTAP_OK },
	{ "no_version", "1..1\nok 1 a\n", KTAP_E_VERSION },
	{ "tap13", "TAP version 13\n1..1\nok 1 a\n", KTAP_E_VERSION },
	{ "no_plan", "KTAP version 1\nok 1 a\n", KTAP_E_PLAN },
	{ "two_plans", "KTAP version 1\n1..1\n1..1\nok 1 a\n", KTAP_E_PLAN },
	{ "plan_short", "KTAP version 1\n1..3\nok 1 a\nok 2 b\n", KTAP_E_COUNT },
	{ "plan_long", "KTAP version 1\n1..1\nok 1 a\nok 2 b\n", KTAP_E_COUNT },
	{ "numbering", "KTAP version 1\n1..2\nok 1 a\nok 3 b\n", KTAP_E_NUMBER },
	{ "zero_based", "KTAP version 1\n1..1\nok 0 a\n", KTAP_E_NUMBER },
	{ "no_desc", "KTAP version 1\n1..1\nok 1\n", KTAP_E_RESULT },
	{ "skip_no_reason", "KTAP version 1\n1..1\nok 1 a # SKIP\n", KTAP_E_SKIP },
	{ "skip_blank_reason", "KTAP version 1\n1..1\nok 1 a # SKIP  \n",
	  KTAP_E_SKIP },
	{ "skip_not_ok", "KTAP version 1\n1..1\nnot ok 1 a # SKIP x\n",
	  KTAP_E_SKIP },
	{ "directive", "KTAP version 1\n1..1\nok 1 a # MAYBE\n",
	  KTAP_E_DIRECTIVE },
	{ "indent_2", "KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n"
	  "  ok 1 s\nok 1 a\n", KTAP_E_INDENT },
	{ "nested_no_version", "KTAP version 1\n1..1\n    1..1\n    ok 1 s\n"
	  "ok 1 a\n", KTAP_E_INDENT },
	{ "nested_plan", "KTAP version 1\n1..1\n    KTAP version 1\n    1..2\n"
	  "    ok 1 s\nok 1 a\n", KTAP_E_COUNT },
	{ "nested_orphan", "KTAP version 1\n1..1\nok 1 a\n    KTAP version 1\n"
	  "    1..1\n    ok 1 s\n", KTAP_E_ORPHAN },
	{ "stray_line", "KTAP version 1\n1..1\nhello\nok 1 a\n", KTAP_E_LINE },
	{ "empty_line", "KTAP version 1\n1..1\n\nok 1 a\n", KTAP_E_LINE },
	{ "totals", "KTAP version 1\n1..1\nnot ok 1 a\n"
	  "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0\n",
	  KTAP_E_TOTALS },
};

static void subtest_parser(void)
{
	struct ktap_doc *doc = calloc(1, sizeof(*doc));
	enum ktap_err err;
	char msg[256];
	size_t i;

	if (!ASSERT_OK_PTR(doc, "calloc"))
		return;
	for (i = 0; i < ARRAY_SIZE(samples); i++) {
		err = ktap_parse(samples[i].text, doc, msg, sizeof(msg));
		test__info("%-18s -> %s%s%s", samples[i].name,
			   ktap_err_names[err], err ? ", " : "", err ? msg : "");
		if (err != samples[i].expect)
			test__log("sample %s: parser said %s (%s), expected %s",
				  samples[i].name, ktap_err_names[err], msg,
				  ktap_err_names[samples[i].expect]);
		ASSERT_EQ(err, samples[i].expect, samples[i].name);
	}
	/* the good nested sample, as read */
	err = ktap_parse(samples[0].text, doc, msg, sizeof(msg));
	if (ASSERT_EQ(err, KTAP_OK, "nested sample") &&
	    ASSERT_EQ(doc->nr_res, 2, "nested sample results")) {
		ASSERT_EQ(doc->res[0].nested, 2, "subtests of t1");
		ASSERT_EQ(doc->res[0].nested_skip, 1, "skipped subtests of t1");
		ASSERT_TRUE(doc->res[1].skip, "t2 skipped");
		ASSERT_TRUE(doc->totals_seen, "Totals line checked");
	}
	free(doc);
}

/* ---- test_perf's own output ---- */

/* The exit status kselftest expects from these results. */
static int expected_status(const struct ktap_doc *d)
{
	int pass = 0, fail = 0, i;

	for (i = 0; i < d->nr_res; i++) {
		fail += !d->res[i].ok;
		pass += d->res[i].ok && !d->res[i].skip;
	}
	return fail ? 1 : pass ? 0 : 4;
}

/* Our runner's rules on top of KTAP: failed subtests fail the test. */
static void check_rules(const struct ktap_doc *d)
{
	int i;

	for (i = 0; i < d->nr_res; i++) {
		const struct ktap_result *r = &d->res[i];

		if (r->nested_fail)
			ASSERT_FALSE(r->ok, "test with a failed subtest is not ok");
		if (r->nested && r->nested_skip == r->nested)
			ASSERT_TRUE(r->skip, "test whose subtests all skipped is skipped");
	}
}

struct ktap_run {
	const char *name;
	bool nobody;
	const char *args[8];		/* after the binary */
	int min_results, min_nested, min_skips;
	bool skip_all;
};

static bool validate_run(const struct ktap_run *run,
			 const struct self_run *child)
{
	struct ktap_doc *doc = calloc(1, sizeof(*doc));
	enum ktap_err err;
	char msg[256];
	bool ok = false;

	if (!ASSERT_OK_PTR(doc, "calloc"))
		return false;
	err = ktap_parse(child->out, doc, msg, sizeof(msg));
	if (!ASSERT_EQ(err, KTAP_OK, "KTAP parse")) {
		test__log("%s: %s: %s", run->name, ktap_err_names[err], msg);
		goto out;
	}
	test__info("%s: exit %d, %d results, %d nested documents with %d results, %d skips",
		   run->name, child->status, doc->nr_res, doc->nested_docs,
		   doc->nested_results, doc->skips);
	ok = ASSERT_EQ(child->status, expected_status(doc), "exit status");
	ok &= ASSERT_EQ(doc->skip_all, run->skip_all, "whole run skipped");
	ok &= ASSERT_GE(doc->nr_res, run->min_results, "results");
	ok &= ASSERT_GE(doc->nested_docs, run->min_nested, "nested documents");
	ok &= ASSERT_GE(doc->skips, run->min_skips, "skip lines");
	if (!run->skip_all)
		ok &= ASSERT_TRUE(doc->totals_seen, "kselftest Totals line");
	check_rules(doc);
out:
	free(doc);
	return ok;
}

/* exe: beside test_perf; NULL: test_perf itself. */
static void run_and_check(const struct ktap_run *run, const char *exe)
{
	const struct self_opts opts = {
		.timeout_ms = CHILD_TIMEOUT_MS, .exe = exe,
		.as_nobody = run->nobody,
	};
	struct self_run child = {};
	int ret;

	ret = run_self_argv(&child, &opts, run->args);
	if (!ASSERT_GE(ret, 0, "run child"))
		goto out;
	if (ret == 126 || ret == 127) {
		/* e.g. the suite lies in a directory uid 65534 cannot enter */
		test__skip("cannot run %s%s (exit %d)", exe ?: "test_perf",
			   run->nobody ? " as uid 65534" : "", ret);
		goto out;
	}
	if (!validate_run(run, &child)) {
		log_output("stdout", child.out, true);
		log_output("stderr", child.err, true);
	} else if (child.status == 1) {
		/* valid KTAP of a failing run: not this test's failure */
		log_output("stdout of the failing run", child.out, false);
	}
out:
	self_run_free(&child);
}

static const struct ktap_run runs[] = {
	/* unit tests only: nested documents, every subtest passes */
	{ "root", false, { "--ktap", "-a", "stats,packets" }, 2, 2, 0, false },
	/* every subtest filtered out: the test is skipped with the reason */
	{ "filtered", false, { "--ktap", "-a", "stats/no_such_subtest" },
	  1, 0, 1, false },
	/* BPF tests skip for an unprivileged user, some subtests too */
	{ "unprivileged", true, { "--ktap", "-a", "stats,report,xdp_fwd" },
	  3, 2, 1, false },
};

static void subtest_output(const struct ktap_run *run)
{
	if (run->nobody && geteuid() != 0) {
		test__skip("needs root to switch to uid 65534");
		return;
	}
	run_and_check(run, NULL);
}

/* run_tests.sh as a user: the whole collection skipped, "1..0 # SKIP". */
static void subtest_run_tests_sh(void)
{
	static const struct ktap_run run = {
		"run_tests.sh", true, { NULL }, 0, 0, 0, true,
	};
	char path[PATH_MAX];

	if (geteuid() != 0) {
		test__skip("needs root to switch to uid 65534");
		return;
	}
	if (test__path(path, sizeof(path), "run_tests.sh")) {
		test__skip("no run_tests.sh beside test_perf (built with OUTPUT= elsewhere: run the installed copy)");
		return;
	}
	run_and_check(&run, "run_tests.sh");
}

void test_ktap(void)
{
	size_t i;

	if (test__start_subtest("parser"))
		subtest_parser();
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		char name[48];

		snprintf(name, sizeof(name), "output_%s", runs[i].name);
		if (test__start_subtest(name))
			subtest_output(&runs[i]);
	}
	if (test__start_subtest("run_tests_sh"))
		subtest_run_tests_sh();
}
