// SPDX-License-Identifier: GPL-2.0
/* Selection of tests and subtests (-t/-b/-a/-d/-n), see test_select.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_select.h"

struct select_filter {
	char *test;
	char *sub;		/* NULL: every subtest */
	bool glob;		/* -a/-d: fnmatch; -t/-b: substring */
};

struct select_set {
	struct select_filter *f;
	int cnt;
};

/* -n: ranges of test numbers */
struct select_range {
	long lo, hi;
};

static struct select_set allow, deny;
static bool numbers_given;	/* else every number */
static struct select_range *ranges;
static int nr_ranges;

int select_add(const char *list, bool is_deny, bool glob)
{
	struct select_set *set = is_deny ? &deny : &allow;
	char *copy = strdup(list), *save = NULL, *tok;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct select_filter *f, *grown;
		char *slash;

		grown = realloc(set->f, (set->cnt + 1) * sizeof(*set->f));
		if (!grown) {
			free(copy);
			return -ENOMEM;
		}
		set->f = grown;
		f = &set->f[set->cnt++];
		slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		f->test = strdup(tok);
		f->sub = slash ? strdup(slash + 1) : NULL;
		f->glob = glob;
	}
	free(copy);
	return 0;
}

static bool name_match(const char *pattern, const char *name, bool glob)
{
	if (glob)
		return !fnmatch(pattern, name, 0);
	return strstr(name, pattern) != NULL;
}

int select_numbers(const char *list, char *bad, size_t bad_len)
{
	char *copy = strdup(list), *save = NULL, *tok, *end;
	struct select_range *grown;

	if (!copy)
		return -ENOMEM;
	/* as in test_progs, the last -n is the one that counts */
	numbers_given = true;
	nr_ranges = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		long lo, hi;

		lo = strtol(tok, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (*end || lo < 1 || hi < lo) {
			snprintf(bad, bad_len, "%s", tok);
			free(copy);
			return -EINVAL;
		}
		grown = realloc(ranges, (nr_ranges + 1) * sizeof(*ranges));
		if (!grown) {
			free(copy);
			return -ENOMEM;
		}
		ranges = grown;
		ranges[nr_ranges].lo = lo;
		ranges[nr_ranges].hi = hi;
		nr_ranges++;
	}
	free(copy);
	return 0;
}

static bool number_selected(int num)
{
	int i;

	if (!numbers_given)
		return true;
	for (i = 0; i < nr_ranges; i++)
		if (num >= ranges[i].lo && num <= ranges[i].hi)
			return true;
	return false;
}

bool select_test(int num, const char *name)
{
	bool ok = !allow.cnt;
	int i;

	if (!number_selected(num))
		return false;
	for (i = 0; i < allow.cnt; i++)
		if (name_match(allow.f[i].test, name, allow.f[i].glob))
			ok = true;
	for (i = 0; i < deny.cnt; i++)
		if (!deny.f[i].sub &&
		    name_match(deny.f[i].test, name, deny.f[i].glob))
			ok = false;
	return ok;
}

bool select_subtest(const char *test, const char *sub)
{
	bool ok = !allow.cnt;
	int i;

	for (i = 0; i < allow.cnt; i++) {
		const struct select_filter *f = &allow.f[i];

		if (!name_match(f->test, test, f->glob))
			continue;
		if (!f->sub || name_match(f->sub, sub, f->glob))
			ok = true;
	}
	for (i = 0; i < deny.cnt; i++) {
		const struct select_filter *f = &deny.f[i];

		if (f->sub && name_match(f->test, test, f->glob) &&
		    name_match(f->sub, sub, f->glob))
			ok = false;
	}
	return ok;
}
