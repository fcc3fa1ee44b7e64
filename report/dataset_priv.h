/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the dataset readers (dataset.c, dataset_csv.c, dataset_check.c):
 * a new point, and the checks of data files taken from others (numbers in
 * range, exit 2 beyond; names without control characters). What names a
 * point is point_id.h's.
 */
#ifndef __DATASET_PRIV_H
#define __DATASET_PRIV_H

#include <stddef.h>
#include "point_id.h"

struct ds_point;
struct json_value;
struct num_rule;

#define DS_MAX_FILE	(1L << 30)	/* a data file is far smaller */

struct dataset;
/* A zeroed point appended to ds (NULL: out of memory). */
struct ds_point *ds_new_point(struct dataset *ds);

/* Numeric columns of a point: name, where it goes. */
struct num_field {
	const char *name;
	double *dst;
};
/* The numeric fields of p's statistics into f[8]; how many. */
int ds_point_nums(struct ds_point *p, struct num_field *f);

/* Numbers of points[idx] of data.json, before any is cast. */
int ds_check_json_numbers(const struct json_value *o, int idx, char *why,
			  size_t why_len);
/* The rule of each of the (at most 64) columns of a data.csv header. */
int ds_csv_header_rules(const char *line, const struct num_rule **rules,
			char *why, size_t why_len);
int ds_check_csv_numbers(char **cells, int n, const struct num_rule **rules,
			 char *why, size_t why_len);
/* Refuse control characters in the suite's names, escape them in labels. */
/* Key fields of a JSON point for point_id_parse() (dataset.c). */
void ds_id_text_json(const struct json_value *o,
		     const char *text[POINT_ID_NR_FIELDS],
		     char nums[POINT_ID_NR_FIELDS][32]);
int ds_check_point_strings(struct ds_point *p, int idx, char *why,
			   size_t why_len);

/*
 * The round lines of a journal (dataset_journal.c): collected line by
 * line, then made points of where the journal lacks the point itself.
 */
struct round_line;
struct journal_rounds {
	struct round_line *lines;
	int nr;
	size_t cap;
};
int ds_journal_round_line(struct journal_rounds *jr,
			  const struct json_value *o, int idx, char *err,
			  size_t len);
int ds_journal_rounds_finish(struct dataset *ds, struct journal_rounds *jr,
			     char *err, size_t len);
void ds_journal_rounds_free(struct journal_rounds *jr);

#endif /* __DATASET_PRIV_H */
