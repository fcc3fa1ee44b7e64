/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What names a measured point, once for every side: the tests and the
 * engine fill one in for results_add() (results.h), the data files hold
 * it as their key columns (data.csv, data.json, the journal: see
 * docs/data-format.md), the readers load it back (report/dataset.h) and
 * --compare matches points on it (report/compare.h). One formatter for
 * the files and one for labels, one parser, one order.
 *
 *	struct point_id id = {
 *		.property = "insns", .n = 64, .variant = "insns",
 *		.frame_size = 64,
 *	};
 *
 *	results_add(&id, METRIC_NS_PER_PKT, &st);	// test, mode, metric
 *
 * An id either borrows its strings (as above) or owns them (after
 * point_id_dup() or point_id_parse(); point_id_free() frees them).
 */
#ifndef __POINT_ID_H
#define __POINT_ID_H

#include <stdbool.h>
#include <stdio.h>

struct point_id {
	const char *test;	/* the test that measured it */
	const char *subtest;	/* "" if none */
	const char *property;	/* base, insns, branches, map, payload, ... */
	long n;			/* property size N; -1 when not applicable */
	const char *variant;	/* map type, ALU op, loop kind; "" if none */
	const char *op;		/* lookup_hit, update_miss, ...; "" if none */
	int frame_size;		/* bytes on the wire incl. FCS; 0 if none */
	const char *mode;	/* test_run, generic, native, offload */
	const char *metric;	/* ns_per_pkt, mpps, latency_p99, ... */
	const char *unit;	/* ns, Mpps, Gbit/s, % ...; not in the key */
};

/* The fields in the order of the data files' columns. */
enum point_id_field {
	POINT_ID_TEST,
	POINT_ID_SUBTEST,
	POINT_ID_PROPERTY,
	POINT_ID_N,
	POINT_ID_VARIANT,
	POINT_ID_OP,
	POINT_ID_FRAME_SIZE,
	POINT_ID_MODE,
	POINT_ID_METRIC,
	POINT_ID_UNIT,
	POINT_ID_NR_FIELDS,
};

/* Column and JSON key of each field: "test", "subtest", ... */
extern const char *const point_id_names[POINT_ID_NR_FIELDS];
/* The first columns of data.csv and compare.csv. */
#define POINT_ID_CSV_COLUMNS \
	"test,subtest,property,n,variant,op,frame_size,mode,metric,unit"

/* n and frame_size are numbers; the other fields are strings. */
bool point_id_numeric(enum point_id_field f);
/* Where string field f of id is; NULL for a numeric field. */
const char **point_id_string(struct point_id *id, enum point_id_field f);

/*
 * Order of points: test, subtest, property, n, variant, op, frame size,
 * mode, metric (a NULL string is ""). Two points with the same key are
 * the same point (the unit follows from the metric).
 */
int point_id_cmp(const struct point_id *a, const struct point_id *b);

/* Fields of a label: POINT_ID_BIT(POINT_ID_N) | ... */
#define POINT_ID_BIT(f)		(1u << (f))
/* Everything that tells points apart: all but the unit. */
#define POINT_ID_KEY		(POINT_ID_BIT(POINT_ID_UNIT) - 1)
/* What a test's -v line says of a point it measured. */
#define POINT_ID_IN_TEST	(POINT_ID_BIT(POINT_ID_PROPERTY) |	\
				 POINT_ID_BIT(POINT_ID_N) |		\
				 POINT_ID_BIT(POINT_ID_VARIANT) |	\
				 POINT_ID_BIT(POINT_ID_OP) |		\
				 POINT_ID_BIT(POINT_ID_FRAME_SIZE))

/*
 * The label of messages and tables, of the fields asked for that apply
 * (a string not empty, n >= 0, a frame size): "test/subtest property
 * N=8 variant op 64B mode metric unit".
 */
void point_id_str(const struct point_id *id, unsigned int fields, char *buf,
		  size_t len);

/* The POINT_ID_CSV_COLUMNS of a row, each followed by a comma (csv.h). */
void point_id_write_csv(FILE *f, const struct point_id *id);
/* "test": ..., "subtest": ..., ..., "unit": ... of a JSON object. */
void point_id_write_json(FILE *f, const struct point_id *id);

/*
 * An id from its fields as a file holds them, text[f] for field f in
 * point_id_names order (NULL: absent). Strings are copied (absent: ""),
 * n and frame_size read as whole numbers (absent or empty: -1 and 0).
 * 0, or -EINVAL with the reason in why (no test or metric, a number that
 * does not read), or -ENOMEM; free id with point_id_free() either way.
 */
int point_id_parse(struct point_id *id,
		   const char *const text[POINT_ID_NR_FIELDS], char *why,
		   size_t why_len);
/* dst owns copies of src's strings (NULL: ""). 0 or -ENOMEM. */
int point_id_dup(struct point_id *dst, const struct point_id *src);
/* Free the strings of an id that owns them. */
void point_id_free(struct point_id *id);

#endif /* __POINT_ID_H */
