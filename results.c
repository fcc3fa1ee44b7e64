// SPDX-License-Identifier: GPL-2.0
/*
 * Measured points and their environment, kept in memory during the run and
 * written as data.csv / data.json. Every figure carries the environment that
 * produced it: a number without its kernel, CPU and mitigations is useless
 * for comparison.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sys/stat.h>

#include "test_perf.h"
#include "csv.h"
#include "json.h"
#include "outdir.h"
#include "results.h"
#include "util.h"

static struct result_row *rows;
static int nr_rows;
static size_t cap_rows;
struct stored_fit {
	struct point_id id;	/* n -1, no metric; unit: what one x is */
	int points;
	long n_min, n_max;
	bool weighted;
	struct sweep_fit sf;
};

static struct stored_fit *fits;
static int nr_fits;
static struct {
	char key[32];
	char json[64];
} profile_extra[16];
static int nr_profile_extra;

static void journal_row(int i);

/*
 * id of a point of the running (sub)test, as it is kept (point_id_dup()):
 * an id without a mode is a BPF_PROG_TEST_RUN microbenchmark.
 */
static int own_id(struct point_id *dst, const struct point_id *id,
		  const char *metric, const char *unit)
{
	struct point_id full = *id;

	full.test = env.test_name;
	full.subtest = env.subtest_name;
	full.mode = id->mode ?: "test_run";
	full.metric = metric;
	full.unit = unit;
	return point_id_dup(dst, &full);
}

static struct result_row *add_row(const struct point_id *id,
				  enum metric_id metric,
				  const struct sample_stats *st)
{
	const struct metric_def *m = metric_def(metric);
	struct result_row *r;

	if (grow_array(&rows, &cap_rows, nr_rows + 1, sizeof(*rows)))
		return NULL;
	r = &rows[nr_rows];
	memset(r, 0, sizeof(*r));
	if (own_id(&r->id, id, m->name, m->unit))
		return NULL;
	nr_rows++;
	r->st = *st;
	/* one block of consecutive repetitions, unless the engine says more */
	r->rounds.rounds = 1;
	r->rounds.within_sd = NAN;
	return r;
}

void results_add(const struct point_id *id, enum metric_id metric,
		 const struct sample_stats *st)
{
	if (add_row(id, metric, st))
		journal_row(nr_rows - 1);
}

static double *dup_values(const double *v, int n)
{
	double *d;

	if (!v || n < 1)
		return NULL;
	d = malloc(n * sizeof(*d));
	if (d)
		memcpy(d, v, n * sizeof(*d));
	return d;
}

void results_add_rounds(const struct point_id *id, enum metric_id metric,
			const struct sample_stats *st,
			const struct round_info *ri)
{
	struct result_row *r = add_row(id, metric, st);

	if (!r)
		return;
	r->rounds = *ri;
	r->rounds.values = dup_values(ri->values, ri->rounds);
	r->rounds.times = dup_values(ri->times, ri->rounds);
	journal_row(nr_rows - 1);
}

static const char *const mark_names[] = { "drift", "bimodal", "partial" };

void results_marks_str(unsigned int marks, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(mark_names); i++)
		if (marks & (1u << i) && used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? " " : "", mark_names[i]);
}

/*
 * Word by word in one pass: sscanf() measured the whole rest of the
 * string for every word (quadratic on a long one from a file) and cut a
 * long word into pieces that could read as a mark.
 */
unsigned int results_marks_parse(const char *s)
{
	static const char *const space = " \t\n\r\f\v";
	unsigned int marks = 0;
	size_t len;

	for (s = s ?: ""; *(s += strspn(s, space)); s += len) {
		len = strcspn(s, space);
		for (size_t i = 0; i < ARRAY_SIZE(mark_names); i++)
			if (len == strlen(mark_names[i]) &&
			    !memcmp(s, mark_names[i], len))
				marks |= 1u << i;
	}
	return marks;
}

int results_count(void)
{
	return nr_rows;
}

const struct result_row *results_row(int i)
{
	return i >= 0 && i < nr_rows ? &rows[i] : NULL;
}

/* ---- cost model ---- */

int results_add_fit(const struct point_id *id, const char *what,
		    int points, long x_min, long x_max, bool weighted,
		    const struct sweep_fit *sf)
{
	struct stored_fit *f = realloc(fits, (nr_fits + 1) * sizeof(*fits));

	if (!f)
		return -ENOMEM;
	fits = f;
	f = &fits[nr_fits];
	if (own_id(&f->id, id, "", what))
		return -ENOMEM;
	nr_fits++;
	f->id.n = -1;			/* a fit spans the sweep's N */
	f->points = points;
	f->n_min = x_min;
	f->n_max = x_max;
	f->weighted = weighted;
	f->sf = *sf;
	return 0;
}

void results_print_cost_model(FILE *out)
{
	int i;

	if (!nr_fits)
		return;
	fprintf(out, "Cost model: ns/pkt = a + b*N (least squares weighted by each point's variance; 95%% CI of b; lack-of-fit p; slope between the two largest N)\n");
	fprintf(out, "  %-34s %6s %10s %23s %8s %7s %10s %23s\n", "sweep",
		"frame", "b (ns)", "95% CI of b", "a (ns)", "lof p", "marginal",
		"95% CI");
	for (i = 0; i < nr_fits; i++) {
		const struct stored_fit *f = &fits[i];
		const struct linear_fit *fit = &f->sf.fit;
		char name[64], ci[48], mci[48];

		snprintf(name, sizeof(name), "%s/%s", f->id.test,
			 f->id.subtest);
		snprintf(ci, sizeof(ci), "[%.4f, %.4f]", fit->b_ci95_low,
			 fit->b_ci95_high);
		snprintf(mci, sizeof(mci), "[%.4f, %.4f]", f->sf.marg_low,
			 f->sf.marg_high);
		fprintf(out, "  %-34s %5dB %10.4f %23s %8.2f %7.3g %10.4f %23s  per %s\n",
			name, f->id.frame_size, fit->b, ci, fit->a, fit->lof_p,
			f->sf.marg_b, mci, f->id.unit);
	}
}

static int write_cost_csv(FILE *f)
{
	fprintf(f, RESULTS_COST_CSV_HEADER "\n");
	for (int i = 0; i < nr_fits; i++) {
		const struct stored_fit *c = &fits[i];
		const struct linear_fit *fit = &c->sf.fit;
		const char *names[] = { c->id.test, c->id.subtest,
					c->id.property, c->id.variant,
					c->id.op };

		for (int k = 0; k < 5; k++) {
			csv_write_str(f, names[k]);
			fputc(',', f);
		}
		fprintf(f, "%d,", c->id.frame_size);
		csv_write_str(f, c->id.mode);
		fputc(',', f);
		csv_write_str(f, c->id.unit);
		fprintf(f, ",%d,%ld,%ld,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g",
			c->points, c->n_min, c->n_max, fit->a, fit->b,
			fit->b_ci95_low, fit->b_ci95_high, fit->a_ci95_low,
			fit->a_ci95_high, fit->se_b, fit->r2);
		fprintf(f, ",%d,%.10g,%.10g,%.10g,%.10g,%.10g,%ld,%ld\n",
			c->weighted, fit->chi2, fit->lof_p, c->sf.marg_b,
			c->sf.marg_low, c->sf.marg_high, c->sf.x_lo,
			c->sf.x_hi);
	}
	return 0;
}

static void write_env_json(FILE *f);

static int write_cost_json(FILE *f)
{
	fprintf(f, "{\n  \"format\": \"" RESULTS_COST_JSON_FORMAT "\",\n");
	write_env_json(f);
	fprintf(f, "  \"fits\": [\n");
	for (int i = 0; i < nr_fits; i++) {
		const struct stored_fit *c = &fits[i];
		const char *names[] = { "test", "subtest", "property",
					"variant", "op", "mode", "unit" };
		const char *vals[] = { c->id.test, c->id.subtest,
				       c->id.property, c->id.variant, c->id.op,
				       c->id.mode, c->id.unit };

		fprintf(f, "    {");
		for (int k = 0; k < 7; k++) {
			fprintf(f, "\"%s\": ", names[k]);
			json_write_string(f, vals[k]);
			fprintf(f, ", ");
		}
		fprintf(f, "\"frame_size\": %d, \"points\": %d, \"n_min\": %ld, \"n_max\": %ld, ",
			c->id.frame_size, c->points, c->n_min, c->n_max);
		json_write_num(f, "a", c->sf.fit.a, false);
		json_write_num(f, "b", c->sf.fit.b, false);
		json_write_num(f, "b_ci95_low", c->sf.fit.b_ci95_low, false);
		json_write_num(f, "b_ci95_high", c->sf.fit.b_ci95_high, false);
		json_write_num(f, "a_ci95_low", c->sf.fit.a_ci95_low, false);
		json_write_num(f, "a_ci95_high", c->sf.fit.a_ci95_high, false);
		json_write_num(f, "se_b", c->sf.fit.se_b, false);
		json_write_num(f, "r2", c->sf.fit.r2, false);
		fprintf(f, "\"weighted\": %s, ", c->weighted ? "true" : "false");
		json_write_num(f, "chi2", c->sf.fit.chi2, false);
		json_write_num(f, "lof_p", c->sf.fit.lof_p, false);
		json_write_num(f, "marg_b", c->sf.marg_b, false);
		json_write_num(f, "marg_ci95_low", c->sf.marg_low, false);
		json_write_num(f, "marg_ci95_high", c->sf.marg_high, false);
		fprintf(f, "\"marg_n_lo\": %ld, \"marg_n_hi\": %ld",
			c->sf.x_lo, c->sf.x_hi);
		fprintf(f, "}%s\n", i + 1 < nr_fits ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return 0;
}

/* ---- files ---- */

int results_mkdir_p(const char *dir)
{
	int fd = outdir_open(dir, true, NULL, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static void write_env_json(FILE *f)
{
	const struct perf_environment *e = results_env();

	fprintf(f, "  \"environment\": {\"kernel\": ");
	json_write_string(f, e->kernel);
	fprintf(f, ", \"cpu_model\": ");
	json_write_string(f, e->cpu_model);
	fprintf(f, ", \"nr_cpus\": %d, \"jit_enable\": %d, \"jit_harden\": %d, \"bpf_stats\": %d,\n    \"mitigations\": ",
		e->nr_cpus, e->jit_enable, e->jit_harden, e->bpf_stats);
	json_write_string(f, e->mitigations);
	fprintf(f, ",\n    \"clang\": ");
	json_write_string(f, e->clang);
	fprintf(f, ", \"libbpf\": ");
	json_write_string(f, e->libbpf);
	fprintf(f, ", \"git_rev\": ");
	json_write_string(f, e->git_rev);
	fprintf(f, ", \"date\": ");
	json_write_string(f, e->date);
	fprintf(f, ", \"hostname\": ");
	json_write_string(f, e->hostname);
	fprintf(f, ", \"emulated\": %s, \"virt\": ",
		e->emulated ? "true" : "false");
	json_write_string(f, e->virt);
	fprintf(f, ",\n    \"cache_l1d\": %ld, \"cache_l2\": %ld, \"cache_llc\": %ld",
		e->cache_l1d, e->cache_l2, e->cache_llc);
	fprintf(f, "},\n");
}

static void write_profile_json(FILE *f)
{
	fprintf(f, "  \"profile\": {\"reps\": %d, \"sizes\": [", env.reps);
	for (int i = 0; i < env.nr_sizes; i++)
		fprintf(f, "%s%d", i ? "," : "", env.sizes[i]);
	fprintf(f, "], \"quick\": %s, \"target_ms\": %.3f, \"seed\": %u, \"cpu\": %d",
		env.quick ? "true" : "false", env.target_ms, env.seed,
		env.cpu);
	for (int i = 0; i < nr_profile_extra; i++) {
		fprintf(f, ", ");
		json_write_string(f, profile_extra[i].key);
		fprintf(f, ": %s", profile_extra[i].json);
	}
	fprintf(f, "},\n");
}

void results_profile_add(const char *key, const char *json)
{
	int i;

	for (i = 0; i < nr_profile_extra; i++)
		if (!strcmp(profile_extra[i].key, key))
			break;
	if (i == (int)ARRAY_SIZE(profile_extra))
		return;
	snprintf(profile_extra[i].key, sizeof(profile_extra[i].key), "%s", key);
	snprintf(profile_extra[i].json, sizeof(profile_extra[i].json), "%s",
		 json);
	if (i == nr_profile_extra)
		nr_profile_extra++;
}

static void write_values_json(FILE *f, const char *name, const double *v,
			      int n)
{
	fprintf(f, ", \"%s\": [", name);
	for (int i = 0; v && i < n; i++) {
		if (isfinite(v[i]))
			fprintf(f, "%s%.10g", i ? ", " : "", v[i]);
		else
			fprintf(f, "%snull", i ? ", " : "");
	}
	fputc(']', f);
}

/* How the point was measured: rounds, loops, its round values. */
static void write_rounds_json(FILE *f, const struct round_info *ri)
{
	char marks[64];

	results_marks_str(ri->marks, marks, sizeof(marks));
	fprintf(f, "\"rounds\": %d, \"loops\": %d, ", ri->rounds, ri->loops);
	json_write_num(f, "within_sd", ri->within_sd, false);
	fprintf(f, "\"seed\": %u, \"flagged\": %d, \"marks\": ", ri->seed,
		ri->flagged);
	json_write_string(f, marks);
	if (ri->values)
		write_values_json(f, "round_values", ri->values, ri->rounds);
	if (ri->times)
		write_values_json(f, "round_times", ri->times, ri->rounds);
}

/* The same as CSV columns: rounds,...,marks,round_values (space-separated). */
static void write_rounds_csv(FILE *f, const struct round_info *ri)
{
	char marks[64];

	results_marks_str(ri->marks, marks, sizeof(marks));
	fprintf(f, ",%d,%d,%.10g,%u,%d,%s,", ri->rounds, ri->loops,
		ri->within_sd, ri->seed, ri->flagged, marks);
	for (int i = 0; ri->values && i < ri->rounds; i++)
		fprintf(f, "%s%.10g", i ? " " : "", ri->values[i]);
}

static void write_point_json(FILE *f, int i)
{
	const struct result_row *r = &rows[i];
	const struct sample_stats *s = &r->st;

	fprintf(f, "    {");
	point_id_write_json(f, &r->id);
	fprintf(f, ", \"reps\": %d, ", s->n);
	json_write_num(f, "mean", s->mean, false);
	json_write_num(f, "median", s->median, false);
	json_write_num(f, "stddev", s->stddev, false);
	json_write_num(f, "ci95_low", s->ci95_low, false);
	json_write_num(f, "ci95_high", s->ci95_high, false);
	json_write_num(f, "min", s->min, false);
	json_write_num(f, "max", s->max, false);
	fprintf(f, "\"outliers\": %d, ", s->outliers);
	write_rounds_json(f, &r->rounds);
	fprintf(f, "}%s\n", i + 1 < nr_rows ? "," : "");
}

static int write_json(FILE *f)
{
	fprintf(f, "{\n  \"format\": \"xdp-perf-data/1\",\n");
	write_env_json(f);
	write_profile_json(f);
	fprintf(f, "  \"points\": [\n");
	for (int i = 0; i < nr_rows; i++)
		write_point_json(f, i);
	fprintf(f, "  ]\n}\n");
	return 0;
}

static int write_csv(FILE *f)
{
	fprintf(f, POINT_ID_CSV_COLUMNS ",reps,mean,median,stddev,ci95_low,ci95_high,min,max,outliers" CSV_ROUND_COLUMNS "\n");
	for (int i = 0; i < nr_rows; i++) {
		const struct result_row *r = &rows[i];
		const struct sample_stats *s = &r->st;

		point_id_write_csv(f, &r->id);
		fprintf(f, "%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%d",
			s->n, s->mean, s->median, s->stddev, s->ci95_low,
			s->ci95_high, s->min, s->max, s->outliers);
		write_rounds_csv(f, &r->rounds);
		fputc('\n', f);
	}
	return 0;
}

/* dir/name written whole by fn, through a temporary file (outdir.h). */
static int write_file(const char *dir, const char *name, int (*fn)(FILE *))
{
	struct outfile of;
	char why[512];
	int err;

	err = outfile_open(&of, dir, name, why, sizeof(why));
	if (!err) {
		err = fn(of.f);
		if (err)
			outfile_discard(&of);
		else
			err = outfile_commit(&of);
		snprintf(why, sizeof(why), "cannot write %s/%s: %s", dir, name,
			 strerror(-err));
	}
	if (err)
		fprintf(stderr, "test_perf: %s\n", why);
	return err;
}

int results_write(const char *dir)
{
	int err;

	err = write_file(dir, "data.csv", write_csv);
	if (!err)
		err = write_file(dir, "data.json", write_json);
	if (!err && nr_fits)
		err = write_file(dir, "cost-model.csv", write_cost_csv);
	if (!err && nr_fits)
		err = write_file(dir, "cost-model.json", write_cost_json);
	/* the data files hold every point now: the journal has done its job */
	if (!err)
		outdir_journal_close(true);
	return err;
}

/* ---- the journal: every point on disk as it is measured ---- */

/* What fn writes, as one line: JSON strings hold no raw line break. */
static char *json_line(void (*fn)(FILE *, int), int i, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	fn(m, i);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	for (size_t k = 0; k + 1 < *len; k++)
		if (buf[k] == '\n')
			buf[k] = ' ';
	return buf;
}

static void write_journal_head(FILE *f, int unused)
{
	fprintf(f, "{\"format\": \"xdp-perf-journal/1\",\n");
	write_env_json(f);
	write_profile_json(f);
	fprintf(f, "  \"points\": \"one a line below\"}\n");
}

int results_journal_start(const char *dir)
{
	size_t len;
	char *head = json_line(write_journal_head, 0, &len);
	int err;

	if (!head)
		return -ENOMEM;
	err = outdir_journal_open(dir, head, len);
	free(head);
	return err;
}

/* Row i into the journal: a killed run keeps it for --report-from. */
static void journal_row(int i)
{
	size_t len;
	char *line;

	if (!outdir_journal_active())
		return;
	line = json_line(write_point_json, i, &len);
	if (line)
		outdir_journal_append(line, len);
	free(line);
}

/* The line of one round (results.h): the point's key, no metric. */
static void write_round_json(FILE *f, const struct point_id *key,
			     const char *subtest, const struct round_entry *e)
{
	struct point_id id = *key;

	id.test = env.test_name;
	id.subtest = subtest;
	id.mode = key->mode ?: "test_run";
	fprintf(f, "{");
	/* the key's fields up to the metric: a round line holds two */
	for (int i = 0; i < POINT_ID_METRIC; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", point_id_names[i]);
		if (i == POINT_ID_N)
			fprintf(f, "%ld", id.n);
		else if (i == POINT_ID_FRAME_SIZE)
			fprintf(f, "%d", id.frame_size);
		else
			json_write_string(f, *point_id_string(&id, i) ?: "");
	}
	fprintf(f, ", \"round\": %d, \"rounds_planned\": %d, \"loops\": %d, \"seed\": %u, ",
		e->round, e->planned, e->loops, e->seed);
	json_write_num(f, "ns_per_pkt", e->ns_per_pkt, false);
	json_write_num(f, "mpps", e->mpps, false);
	json_write_num(f, "round_time", e->time, true);
	fprintf(f, "}\n");
}

void results_journal_round(const struct point_id *key, const char *subtest,
			   const struct round_entry *e)
{
	size_t len;
	char *line = NULL;
	FILE *m;

	if (!outdir_journal_active())
		return;
	m = open_memstream(&line, &len);
	if (!m)
		return;
	write_round_json(m, key, subtest, e);
	if (!fclose(m))
		outdir_journal_append(line, len);
	free(line);
}
