/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading back what results_write() wrote: data.json (points, environment
 * and profile) or data.csv (points only), for the report and the baseline
 * comparison. Metric names are kept as written: what they mean (unit,
 * direction, role) is the registry's (metrics.h), and a name it does not
 * know is shown but never judged.
 */
#ifndef __DATASET_H
#define __DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include "point_id.h"
#include "stats.h"

/*
 * How a point was measured (results.h, struct round_info): rounds = 0 when
 * the file does not say (written before rounds existed).
 */
struct ds_rounds {
	int rounds, loops, flagged;
	int planned;		/* of a killed run's journal: > rounds */
	double within_sd;
	unsigned int seed, marks;
	double *values;		/* [nr_values] round values, or NULL */
	double *times;		/* [nr_values] seconds since the run's start */
	int nr_values;
};

/* One metric of one measured point, as in a data.csv row. */
struct ds_point {
	struct point_id id;	/* owns its strings */
	struct sample_stats st;	/* st.n is the number of repetitions */
	struct ds_rounds r;	/* how it was measured */
};

/* A scalar of the environment or profile block, as text. */
struct ds_field {
	char *key;
	char *value;		/* numbers as printed, arrays "a,b,c" */
};

struct dataset {
	char source[4096];	/* the file read, for messages */
	struct ds_point *pts;
	int nr_pts;
	size_t cap_pts;
	struct ds_field *env;
	int nr_env;
	struct ds_field *profile;
	int nr_profile;
};

/*
 * Load a result directory (its data.json, else the journal a killed run
 * left), a data.json, a journal (.jsonl) or a data.csv (no environment
 * then). 0 or -errno with a one-line reason in why. What a file holds is
 * checked before it is used: numbers out of their range, and control
 * characters in the names the suite gives, refuse it; labels are kept
 * with such characters made visible (vis.h).
 */
int ds_load(const char *path, struct dataset *ds, char *why, size_t why_len);
int ds_load_json(const char *file, struct dataset *ds, char *why,
		 size_t why_len);
int ds_load_csv(const char *file, struct dataset *ds, char *why,
		size_t why_len);
/* The journal of a run (outdir.h), also of one that was killed. */
int ds_load_journal(const char *file, struct dataset *ds, char *why,
		    size_t why_len);
/* The same from a string in memory (tests, fuzzing). */
int ds_parse_json(const char *text, size_t len, struct dataset *ds,
		  char *why, size_t why_len);
/* The points measured by this process (results.h), with its environment. */
int ds_from_results(struct dataset *ds);
/* Drop the points keep() refuses (their memory is freed). */
void ds_filter(struct dataset *ds,
	       bool (*keep)(const struct ds_point *p, void *arg), void *arg);
/* Replace a text field of a point (e.g. to match two sides' keys). */
int ds_set_str(const char **field, const char *value);
void ds_free(struct dataset *ds);

/* Value of an environment / profile field; NULL when absent. */
const char *ds_env(const struct dataset *ds, const char *key);
const char *ds_profile(const struct dataset *ds, const char *key);
/* environment "emulated": true (QEMU TCG and the like). */
bool ds_emulated(const struct dataset *ds);

/*
 * Sort points by key (point_id_cmp()); duplicates (same key twice) are
 * reported as -EEXIST.
 */
int ds_sort(struct dataset *ds, char *why, size_t why_len);

#endif /* __DATASET_H */
