// SPDX-License-Identifier: GPL-2.0
/* Reader of data.csv (docs/data-format.md), for ds_load() of dataset.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_perf.h"
#include "csv.h"
#include "dataset.h"
#include "dataset_priv.h"
#include "outdir.h"
#include "results.h"
#include "util.h"

/* The columns after the key's (point_id_names): col[] of a file. */
enum {
	CSV_FIRST_STAT_COL = POINT_ID_NR_FIELDS,
	CSV_FIRST_ROUND_COL = CSV_FIRST_STAT_COL + 9,
	NR_CSV_COLS = CSV_FIRST_ROUND_COL + 7,
};

static const char *const stat_cols[NR_CSV_COLS - CSV_FIRST_STAT_COL] = {
	"reps", "outliers", "mean", "median", "stddev", "ci95_low",
	"ci95_high", "min", "max",
	/* optional: files from before rounds do not have them */
	"rounds", "loops", "within_sd", "seed", "flagged", "marks",
	"round_values",
};

static const char *col_name(int i)
{
	return i < CSV_FIRST_STAT_COL ? point_id_names[i] :
	       stat_cols[i - CSV_FIRST_STAT_COL];
}

/* Empty is "not applicable"; strtod reads results.c's nan/-nan too. */
static int cell_number(const char *cell, double *out)
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

/*
 * The space-separated round values of a cell; NULL when empty. -E2BIG
 * beyond RESULTS_MAX_ROUNDS of them.
 */
static int csv_values(const char *c, double **out, int *n)
{
	size_t cap = 0;
	char *end;

	*out = NULL;
	*n = 0;
	for (;;) {
		double v;

		c += strspn(c, " ");
		if (!*c)
			return 0;
		v = strtod(c, &end);
		if (end == c)
			return -EINVAL;
		if (*n == RESULTS_MAX_ROUNDS)
			return -E2BIG;
		if (grow_array(out, &cap, *n + 1, sizeof(**out)))
			return -ENOMEM;
		(*out)[(*n)++] = v;
		c = end;
	}
}

static int csv_rounds(char **cells, const int *col, struct ds_rounds *r)
{
	double v[5];
	int i = CSV_FIRST_ROUND_COL;

	for (int k = 0; k < 5; k++)
		if (cell_number(cell(cells, col, i + k), &v[k]))
			return -EINVAL;
	r->rounds = isnan(v[0]) ? 0 : (int)v[0];
	r->loops = isnan(v[1]) ? 0 : (int)v[1];
	r->within_sd = v[2];
	r->seed = isnan(v[3]) ? 0 : (unsigned int)v[3];
	r->flagged = isnan(v[4]) ? 0 : (int)v[4];
	r->marks = results_marks_parse(cell(cells, col, i + 5));
	return csv_values(cell(cells, col, i + 6), &r->values, &r->nr_values);
}

static int csv_row(char **cells, const int *col, struct ds_point *p,
		   char *why, size_t why_len)
{
	const char *text[POINT_ID_NR_FIELDS];
	struct num_field nums[8];
	int nr_nums = ds_point_nums(p, nums), ret;
	double v[2];

	for (int i = 0; i < POINT_ID_NR_FIELDS; i++)
		text[i] = cell(cells, col, i);
	ret = point_id_parse(&p->id, text, why, why_len);
	if (ret)
		return ret;
	for (int i = 0; i < 2; i++)
		if (cell_number(cell(cells, col, CSV_FIRST_STAT_COL + i),
				&v[i]))
			return -EINVAL;
	p->st.n = isnan(v[0]) ? 0 : (int)v[0];
	p->st.outliers = isnan(v[1]) ? 0 : (int)v[1];
	for (int i = 0; i < nr_nums; i++)
		if (cell_number(cell(cells, col, CSV_FIRST_STAT_COL + 2 + i),
			       nums[i].dst))
			return -EINVAL;
	ret = csv_rounds(cells, col, &p->r);
	if (ret == -E2BIG)
		perf_msg(why, why_len, "round_values holds more values than a point can have (%d, the most --rounds measures)",
			 RESULTS_MAX_ROUNDS);
	if (ret)
		return ret == -ENOMEM ? ret : -EINVAL;
	return 0;
}

/* Map header names to cell indices; outliers is optional (older files). */
static int csv_header(char *line, int *col, char *err, size_t err_len)
{
	char *cells[64];
	int n = csv_split(line, cells, 64);

	for (int i = 0; i < NR_CSV_COLS; i++) {
		col[i] = -1;
		for (int j = 0; j < n; j++)
			if (!strcmp(cells[j], col_name(i)))
				col[i] = j;
		if (col[i] < 0 && strcmp(col_name(i), "outliers") &&
		    i < CSV_FIRST_ROUND_COL) {
			perf_msg(err, err_len, "no column '%s' in the header",
				col_name(i));
			return -EINVAL;
		}
	}
	return n;
}

int ds_load_csv(const char *file, struct dataset *ds, char *err,
		size_t err_len)
{
	int col[NR_CSV_COLS], nr_cols, lineno = 1, ret = 0;
	const struct num_rule *ranges[64];
	char *line = NULL, *cells[64], sub[256] = "";
	size_t cap = 0;
	FILE *f;

	memset(ds, 0, sizeof(*ds));
	f = outdir_fopen_read(file, DS_MAX_FILE);
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
	ret = ds_csv_header_rules(line, ranges, err, err_len);
	if (ret)
		goto out;
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
		if (!csv_line_clean(line)) {
			perf_msg(err, err_len, "%s:%d: a control character (the suite writes none)",
				 file, lineno);
			ret = -EINVAL;
			goto out;
		}
		if (csv_split(line, cells, 64) != nr_cols) {
			perf_msg(err, err_len, "%s:%d: %s", file, lineno,
				"wrong number of fields");
			ret = -EINVAL;
			goto out;
		}
		ret = ds_check_csv_numbers(cells, nr_cols, ranges, sub,
					sizeof(sub));
		if (ret) {
			perf_msg(err, err_len, "%s:%d: %s", file, lineno, sub);
			goto out;
		}
		p = ds_new_point(ds);
		ret = p ? csv_row(cells, col, p, sub, sizeof(sub)) : -ENOMEM;
		if (!ret)
			ret = ds_check_point_strings(p, ds->nr_pts - 1, sub,
						  sizeof(sub));
		if (ret) {
			perf_msg(err, err_len, "%s:%d: %s", file, lineno,
				 ret == -ENOMEM ? "out of memory" :
				 sub[0] ? sub : "bad row");
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

