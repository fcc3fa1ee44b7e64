// SPDX-License-Identifier: GPL-2.0
/*
 * The report pipeline: data files in, plots and report out.
 *
 * reader     the data.json/data.csv reader on good and broken input (every
 *            prefix of a valid file is refused, never half read)
 * synthetic  a small synthetic run with every kind of plot: every file is
 *            produced, CSV and JSON parse and agree, every plot is a valid
 *            PNG, SVG and PDF of non-trivial size with its CSV, both reports
 *            reference every plot and report.html inlines each PNG; the
 *            headline and the contents open report.md, a failed subtest
 *            is named there, the study's figure of each property measured
 *            on the wire has a line per path
 * paper      --report-style paper: no title inside a figure
 * browser    report.html in headless Chromium: every image loads, every
 *            link of the contents resolves, the page fits 1280 px; a
 *            screenshot of the first screen is kept
 * no_gnuplot without gnuplot the report is still written and says why
 * emulated   results of an emulated CPU are flagged in the report
 * run        a real small run of test_perf --report (needs BPF): the files
 *            results.c writes parse, agree and make a report; run.json
 *            holds the test's outcome and the headline says it
 * run_info   run.json from someone else: refused when it is not one,
 *            names shown with control characters made visible
 * point_id   what names a point: labels, order, and the key written as
 *            CSV and JSON reads back the same
 * grow_array the readers' growing arrays: contents kept, doubling,
 *            overflow refused
 */
#define _GNU_SOURCE		/* memmem */
#include <dirent.h>
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "csv.h"
#include "outdir.h"
#include "report/dataset.h"
#include "report/plot.h"
#include "report/report.h"
#include "report/report_run.h"
#include "testing_helpers.h"
#include "util.h"

#define MIN_PLOT_BYTES	2048	/* an empty gnuplot canvas is ~1.5 KiB */
#define RUN_TIMEOUT_MS	300000

/* ---- synthetic data, written as results.c writes it ---- */

struct synth {
	FILE *csv, *json;
	int nr;
};

/* t(0.975, 9): the CI of 10 repetitions */
#define T_975_9 2.2621571627982

static void synth_point(struct synth *s, const char *test, const char *sub,
			const char *prop, long n, const char *variant,
			const char *op, int size, const char *mode,
			const char *metric, const char *unit, double mean)
{
	double sd = mean * 0.02, hw = T_975_9 * sd / sqrt(10);

	fprintf(s->csv, "%s,%s,%s,%ld,%s,%s,%d,%s,%s,%s,10,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%d\n",
		test, sub, prop, n, variant, op, size, mode, metric, unit,
		mean, mean, sd, mean - hw, mean + hw, mean - 2 * sd,
		mean + 2 * sd, s->nr % 3);
	fprintf(s->json, "%s    {\"test\": \"%s\", \"subtest\": \"%s\", \"property\": \"%s\", \"n\": %ld, \"variant\": \"%s\", \"op\": \"%s\", \"frame_size\": %d, \"mode\": \"%s\", \"metric\": \"%s\", \"unit\": \"%s\", \"reps\": 10, \"mean\": %.10g, \"median\": %.10g, \"stddev\": %.10g, \"ci95_low\": %.10g, \"ci95_high\": %.10g, \"min\": %.10g, \"max\": %.10g, \"outliers\": %d}",
		s->nr ? ",\n" : "", test, sub, prop, n, variant, op, size,
		mode, metric, unit, mean, mean, sd, mean - hw, mean + hw,
		mean - 2 * sd, mean + 2 * sd, s->nr % 3);
	s->nr++;
}

static const int synth_sizes[] = { 64, 512, 1500 };

/* Microbenchmarks: two property sweeps and the base forwarder per size. */
static void synth_micro(struct synth *s)
{
	static const long ns[] = { 0, 64, 256, 1024 };
	static const long lookups[] = { 0, 4, 8, 16 };

	for (int i = 0; i < 4; i++) {
		synth_point(s, "insn_count", "insns", "insns", ns[i], "insns",
			    "", 64, "test_run", "ns_per_pkt", "ns",
			    20 + 0.3 * ns[i]);
		synth_point(s, "insn_count", "insns", "insns", ns[i], "insns",
			    "", 64, "test_run", "mpps", "Mpps",
			    1000 / (20 + 0.3 * ns[i]));
		synth_point(s, "map_access", "hash_hit", "map", lookups[i],
			    "hash", "lookup_hit", 64, "test_run", "ns_per_pkt",
			    "ns", 20 + 6 * lookups[i]);
		synth_point(s, "map_access", "array_hit", "map", lookups[i],
			    "array", "lookup_hit", 64, "test_run", "ns_per_pkt",
			    "ns", 20 + 1.5 * lookups[i]);
	}
	/* the base forwarder as xdp_fwd/perf records it: one N, every size */
	for (int i = 0; i < 3; i++) {
		synth_point(s, "xdp_fwd", "perf", "base", 0, "redirect", "",
			    synth_sizes[i], "test_run", "ns_per_pkt", "ns",
			    18 + synth_sizes[i] / 500.0);
		synth_point(s, "xdp_fwd", "perf", "base", 0, "redirect", "",
			    synth_sizes[i], "test_run", "mpps", "Mpps",
			    1000 / (18 + synth_sizes[i] / 500.0));
	}
}

/* The same program on the wire in generic and native mode (wire.c names). */
static void synth_wire(struct synth *s)
{
	static const char *const modes[] = { "generic", "native" };
	static const char *const lat[] = { "latency_p50", "latency_p99" };

	for (int m = 0; m < 2; m++)
		for (int i = 0; i < 3; i++) {
			double rate = (m ? 9.0 : 3.5) - i;
			int size = synth_sizes[i];

			synth_point(s, "xdp_modes", modes[m], "base", 0,
				    "redirect", "", size, modes[m], "mpps_max",
				    "Mpps", rate);
			synth_point(s, "xdp_modes", modes[m], "base", 0,
				    "redirect", "", size, modes[m],
				    "mpps_zero_loss", "Mpps", rate * 0.9);
			synth_point(s, "xdp_modes", modes[m], "base", 0,
				    "redirect", "", size, modes[m], "gbps_max",
				    "Gbit/s", rate * size * 8 / 1000);
			synth_point(s, "xdp_modes", modes[m], "base", 0,
				    "redirect", "", size, modes[m],
				    "cpu_prog_ns", "ns", 1000 / rate);
			for (int l = 0; l < 2; l++)
				synth_point(s, "xdp_modes", modes[m], "base", 0,
					    "redirect", "load_50pct", size,
					    modes[m], lat[l], "ns",
					    (m ? 8000 : 20000) * (l * 3 + 1) + i);
		}
}

/*
 * Property programs on the wire as wire_props records them: the sweep's
 * key (property, N, variant, op), a few N, generic and native mode.
 */
static void synth_wire_props(struct synth *s)
{
	static const char *const modes[] = { "generic", "native" };
	static const long insns[] = { 0, 256, 1024 }, lookups[] = { 0, 8, 16 };

	for (int m = 0; m < 2; m++)
		for (int i = 0; i < 3; i++) {
			double base = m ? 4.0 : 1.5;

			synth_point(s, "wire_props", modes[m], "insns", insns[i],
				    "insns", "", 64, modes[m], "mpps_max",
				    "Mpps", base / (1 + insns[i] / 400.0));
			synth_point(s, "wire_props", modes[m], "insns", insns[i],
				    "insns", "", 64, modes[m],
				    "cpu_dut_ns_per_pkt", "ns",
				    1000 / base + 0.3 * insns[i]);
			synth_point(s, "wire_props", modes[m], "insns", insns[i],
				    "insns", "load_50pct", 64, modes[m],
				    "latency_p99", "ns", 9000 + 20.0 * insns[i]);
			synth_point(s, "wire_props", modes[m], "map",
				    lookups[i], "hash", "lookup_hit", 64,
				    modes[m], "mpps_max", "Mpps",
				    base / (1 + lookups[i] / 10.0));
			synth_point(s, "wire_props", modes[m], "map",
				    lookups[i], "hash", "lookup_hit", 64,
				    modes[m], "cpu_dut_ns_per_pkt", "ns",
				    1000 / base + 6 * lookups[i]);
		}
}

/* A metric this build does not know: listed, never plotted as a rate. */
static void synth_unknown(struct synth *s)
{
	synth_point(s, "xdp_modes", "generic", "base", 0, "redirect", "", 64,
		    "generic", "mystery_rate", "Mpps", 1.5);
}

static bool write_synthetic(const char *dir, bool emulated)
{
	char path[PATH_MAX];
	struct synth s = { 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.csv", dir);
	s.csv = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/data.json", dir);
	s.json = fopen(path, "w");
	if (!ASSERT_OK_PTR(s.csv, "open data.csv") ||
	    !ASSERT_OK_PTR(s.json, "open data.json"))
		return false;
	fprintf(s.csv, "test,subtest,property,n,variant,op,frame_size,mode,metric,unit,reps,mean,median,stddev,ci95_low,ci95_high,min,max,outliers\n");
	fprintf(s.json, "{\n  \"format\": \"xdp-perf-data/1\",\n"
		"  \"environment\": {\"kernel\": \"6.18.0-synthetic\", \"cpu_model\": \"Synthetic CPU @ 3.0GHz\", \"nr_cpus\": 2, \"jit_enable\": 1, \"jit_harden\": 0, \"bpf_stats\": 0,\n"
		"    \"mitigations\": \"spectre_v2=Mitigation: Retpolines\", \"clang\": \"14.0.6\", \"libbpf\": \"1.1.2\", \"git_rev\": \"abc1234\", \"date\": \"2026-01-01T00:00:00Z\", \"hostname\": \"synth\", \"emulated\": %s, \"virt\": \"\"},\n"
		"  \"profile\": {\"reps\": 10, \"sizes\": [64,512,1500], \"quick\": true, \"target_ms\": 5.000, \"seed\": 1, \"cpu\": 1},\n"
		"  \"points\": [\n", emulated ? "true" : "false");
	synth_micro(&s);
	synth_wire(&s);
	synth_wire_props(&s);
	synth_unknown(&s);
	fprintf(s.json, "\n  ]\n}\n");
	fclose(s.csv);
	fclose(s.json);
	snprintf(path, sizeof(path), "%s/cost-model.csv", dir);
	f = fopen(path, "w");
	if (!ASSERT_OK_PTR(f, "open cost-model.csv"))
		return false;
	fprintf(f, "property,variant,op,frame_size,a,b,b_ci95_low,b_ci95_high,r2,points\n"
		"insns,,,64,20,0.3,0.29,0.31,0.999,4\n");
	fclose(f);
	/* how the run ended: a failed subtest the headline must name */
	return ASSERT_OK(file_put(dir, "run.json",
		"{\"format\": \"xdp-perf-run/1\", \"started\": \"2026-01-01T00:00:00Z\", \"duration_s\": 185.5, \"interrupted\": false, \"results\": [\n"
		" {\"name\": \"insn_count\", \"result\": \"OK\", \"message\": null, \"subtests\": []},\n"
		" {\"name\": \"stats\", \"result\": \"OK\", \"message\": null, \"subtests\": []},\n"
		" {\"name\": \"wire_props\", \"result\": \"FAIL\", \"message\": null, \"subtests\": [{\"name\": \"generic_insns\", \"result\": \"OK\", \"message\": null}, {\"name\": \"native_map\", \"result\": \"FAIL\", \"message\": null}]},\n"
		" {\"name\": \"xdp_offload\", \"result\": \"SKIP\", \"message\": \"no offload-capable device\", \"subtests\": []}\n"
		"]}\n"), "write run.json");
}

/* ---- checks ---- */

static bool same_num(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* data.csv and data.json hold the same points with the same numbers. */
static bool check_csv_json_agree(const char *dir)
{
	struct dataset csv = { 0 }, json = { 0 };
	char path[PATH_MAX], err[512];
	bool ok = false;

	snprintf(path, sizeof(path), "%s/data.csv", dir);
	if (!ASSERT_OK(ds_load_csv(path, &csv, err, sizeof(err)), "read data.csv")) {
		test__log("%s", err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/data.json", dir);
	if (!ASSERT_OK(ds_load_json(path, &json, err, sizeof(err)), "read data.json")) {
		test__log("%s", err);
		goto out;
	}
	if (!ASSERT_GT(json.nr_pts, 0, "points") ||
	    !ASSERT_EQ(csv.nr_pts, json.nr_pts, "csv vs json points") ||
	    !ASSERT_OK(ds_sort(&csv, err, sizeof(err)), "csv keys unique") ||
	    !ASSERT_OK(ds_sort(&json, err, sizeof(err)), "json keys unique") ||
	    !ASSERT_OK_PTR(ds_env(&json, "kernel"), "environment kernel"))
		goto out;
	for (int i = 0; i < csv.nr_pts; i++) {
		const struct ds_point *a = &csv.pts[i], *b = &json.pts[i];
		char key[512];

		point_id_str(&a->id, POINT_ID_KEY, key, sizeof(key));
		if (!ASSERT_OK(point_id_cmp(&a->id, &b->id), "same key") ||
		    !ASSERT_STREQ(a->id.unit, b->id.unit, "unit") ||
		    !ASSERT_EQ(a->st.n, b->st.n, "reps") ||
		    !ASSERT_EQ(a->st.outliers, b->st.outliers, "outliers") ||
		    !ASSERT_TRUE(same_num(a->st.mean, b->st.mean), "mean") ||
		    !ASSERT_TRUE(same_num(a->st.median, b->st.median), "median") ||
		    !ASSERT_TRUE(same_num(a->st.stddev, b->st.stddev), "stddev") ||
		    !ASSERT_TRUE(same_num(a->st.ci95_low, b->st.ci95_low), "ci95_low") ||
		    !ASSERT_TRUE(same_num(a->st.ci95_high, b->st.ci95_high), "ci95_high") ||
		    !ASSERT_TRUE(same_num(a->st.min, b->st.min), "min") ||
		    !ASSERT_TRUE(same_num(a->st.max, b->st.max), "max")) {
			test__log("point %s", key);
			goto out;
		}
	}
	ok = true;
out:
	ds_free(&csv);
	ds_free(&json);
	return ok;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* PNG signature, then an IHDR chunk with a non-zero size. */
static bool check_png(const char *path, const char *name)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					      0x1a, '\n' };
	size_t len = 0;
	unsigned char *buf = (unsigned char *)file_read(path, &len);
	bool ok;

	ok = ASSERT_OK_PTR(buf, name) &&
	     ASSERT_GE(len, MIN_PLOT_BYTES, name) &&
	     ASSERT_MEMEQ(buf, sig, 8, "PNG signature") &&
	     ASSERT_MEMEQ(buf + 12, "IHDR", 4, "PNG IHDR") &&
	     ASSERT_GT((buf[16] << 24 | buf[17] << 16 | buf[18] << 8 | buf[19]),
		       0, "PNG width");
	free(buf);
	return ok;
}

/* A complete SVG document with drawn paths, not just a canvas. */
static bool check_svg(const char *path, const char *name)
{
	size_t len = 0;
	char *buf = file_read(path, &len);
	bool ok;

	ok = ASSERT_OK_PTR(buf, name) &&
	     ASSERT_GE(len, MIN_PLOT_BYTES, name) &&
	     ASSERT_OK_PTR(strstr(buf, "<svg"), "<svg element") &&
	     ASSERT_OK_PTR(strstr(buf, "</svg>"), "</svg> end") &&
	     ASSERT_OK_PTR(strstr(buf, "<path"), "SVG paths");
	free(buf);
	return ok;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The base64 of a whole file, as report.html must contain it. */
static char *base64_file(const char *path)
{
	size_t len = 0, j = 0;
	unsigned char *in = (unsigned char *)file_read(path, &len);
	char *out = in ? malloc(len / 3 * 4 + 8) : NULL;

	for (size_t i = 0; out && i < len; i += 3) {
		unsigned int v = in[i] << 16 |
				 (i + 1 < len ? in[i + 1] << 8 : 0) |
				 (i + 2 < len ? in[i + 2] : 0);

		out[j++] = b64[v >> 18 & 63];
		out[j++] = b64[v >> 12 & 63];
		out[j++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[j++] = i + 2 < len ? b64[v & 63] : '=';
	}
	if (out)
		out[j] = '\0';
	free(in);
	return out;
}

struct plot_census {
	int png, svg, pdf, csv;
	int kinds;	/* bit per prefix seen: prop, size, tput, lat, cpu, modes */
};

static const char *const kind_prefix[] = {
	"prop-", "size-", "tput-", "lat-", "cpu-", "modes-",
};

/* A PDF document of non-trivial size, as pdfcairo writes one. */
static bool check_pdf(const char *path, const char *name)
{
	size_t len = 0;
	char *buf = file_read(path, &len);
	bool ok;

	ok = ASSERT_OK_PTR(buf, name) &&
	     ASSERT_GE(len, MIN_PLOT_BYTES, name) &&
	     ASSERT_MEMEQ(buf, "%PDF-", 5, "PDF header") &&
	     ASSERT_OK_PTR(memmem(buf, len, "%%EOF", 5), "PDF end");
	free(buf);
	return ok;
}

static bool check_one_plot(const char *dir, const char *name, const char *md,
			   const char *html, struct plot_census *pc)
{
	char path[PATH_MAX], ref[PATH_MAX], *enc;
	bool ok;

	snprintf(path, sizeof(path), "%s/plots/%s", dir, name);
	snprintf(ref, sizeof(ref), "plots/%s", name);
	if (!ASSERT_OK_PTR(strstr(md, ref), "report.md references the plot")) {
		test__log("no reference to %s", ref);
		return false;
	}
	for (size_t k = 0; k < ARRAY_SIZE(kind_prefix); k++)
		if (!strncmp(name, kind_prefix[k], strlen(kind_prefix[k])))
			pc->kinds |= 1 << k;
	if (has_suffix(name, ".svg")) {
		pc->svg++;
		return check_svg(path, name) &&
		       ASSERT_OK_PTR(strstr(html, ref), "report.html links the SVG");
	}
	if (has_suffix(name, ".pdf")) {
		pc->pdf++;
		return check_pdf(path, name) &&
		       ASSERT_OK_PTR(strstr(html, ref), "report.html links the PDF");
	}
	if (has_suffix(name, ".csv")) {
		pc->csv++;
		return ASSERT_OK_PTR(strstr(html, ref), "report.html names the CSV");
	}
	pc->png++;
	if (!check_png(path, name))
		return false;
	enc = base64_file(path);
	ok = ASSERT_OK_PTR(enc, "base64") &&
	     ASSERT_OK_PTR(strstr(html, enc), "report.html inlines the PNG");
	free(enc);
	return ok;
}

/* Every PNG/SVG in plots/ is valid and referenced by both reports. */
static bool check_plots(const char *dir, struct plot_census *pc)
{
	char path[PATH_MAX], *md, *html;
	struct dirent *de;
	bool ok = true;
	DIR *d;

	memset(pc, 0, sizeof(*pc));
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = file_read(path, NULL);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	html = file_read(path, NULL);
	snprintf(path, sizeof(path), "%s/plots", dir);
	d = opendir(path);
	if (!ASSERT_OK_PTR(md, "report.md") || !ASSERT_OK_PTR(html, "report.html") ||
	    !ASSERT_OK_PTR(d, "plots/")) {
		ok = false;
		goto out;
	}
	while (ok && (de = readdir(d))) {
		if (has_suffix(de->d_name, ".png") ||
		    has_suffix(de->d_name, ".svg") ||
		    has_suffix(de->d_name, ".pdf") ||
		    has_suffix(de->d_name, ".csv"))
			ok = check_one_plot(dir, de->d_name, md, html, pc);
	}
	ok = ok && ASSERT_EQ(pc->png, pc->svg, "a PNG and an SVG per plot") &&
	     ASSERT_EQ(pc->csv, pc->png, "a CSV per plot") &&
	     ASSERT_GT(pc->png, 0, "plots");
	if (ok && plot_have_pdf())
		ok = ASSERT_EQ(pc->pdf, pc->png, "a PDF per plot");
out:
	if (d)
		closedir(d);
	free(md);
	free(html);
	return ok;
}

static bool build_report(const char *dir)
{
	struct dataset ds;
	char err[512];
	int ret;

	ret = ds_load(dir, &ds, err, sizeof(err));
	if (!ASSERT_OK(ret, "ds_load")) {
		test__log("%s", err);
		return false;
	}
	ret = report_build(dir, &ds, NULL, err, sizeof(err));
	ds_free(&ds);
	if (!ASSERT_OK(ret, "report_build"))
		test__log("%s", err);
	return ret == 0;
}

/* ---- subtests ---- */

static const char good_json[] =
	"{\"format\": \"xdp-perf-data/1\",\n"
	" \"environment\": {\"kernel\": \"6.1 \\\"q\\\" caf\\u00e9 \\ud83d\\ude00\", \"nr_cpus\": 2, \"emulated\": true},\n"
	" \"profile\": {\"sizes\": [64,1500], \"target_ms\": 2.5e1},\n"
	" \"points\": [{\"test\": \"t\", \"subtest\": \"\", \"property\": \"insns\", \"n\": 8, \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": 1, \"mean\": -1.5E-1, \"median\": 0, \"stddev\": null, \"ci95_low\": null, \"ci95_high\": null, \"min\": 0, \"max\": 0, \"outliers\": 0}]}";

static void test_reader(void)
{
	static const char *const bad[] = {
		"", "{", "[", "{}", "nul", "01", "1.", "-", "\"\\x\"",
		"{\"format\": \"other/1\", \"points\": []}",
		"{\"format\": \"xdp-perf-data/1\"}",
		"{\"format\": \"xdp-perf-data/1\", \"points\": [1]}",
		"{\"format\": \"xdp-perf-data/1\", \"points\": [{}]}",
		"{\"format\": \"xdp-perf-data/1\", \"points\": [] } x",
		"{\"format\": \"xdp-perf-data/1\", \"points\": [],}",
		"{\"format\": \"xdp-perf-data/1\", \"environment\": {\"a\": {}}, \"points\": []}",
		"{\"format\": \"xdp-perf-data/1\", \"environment\": {\"a\": \"\\ud800\"}, \"points\": []}",
		"{\"format\": \"xdp-perf-data/1\", \"environment\": {\"a\": \"\\u0000\"}, \"points\": []}",
		"{\"format\": \"xdp-perf-data/1\", \"environment\": {\"a\": \"x\ny\"}, \"points\": []}",
	};
	char deep[200], err[256];
	struct dataset ds;
	size_t len = strlen(good_json);

	if (!ASSERT_OK(ds_parse_json(good_json, len, &ds, err, sizeof(err)),
		       "parse good json")) {
		test__log("%s", err);
		return;
	}
	ASSERT_EQ(ds.nr_pts, 1, "points");
	ASSERT_STREQ(ds_env(&ds, "kernel"), "6.1 \"q\" caf\xc3\xa9 \xf0\x9f\x98\x80",
		     "escapes decoded");
	ASSERT_STREQ(ds_env(&ds, "nr_cpus"), "2", "number as text");
	ASSERT_TRUE(ds_emulated(&ds), "emulated");
	ASSERT_STREQ(ds_profile(&ds, "sizes"), "64,1500", "array as text");
	ASSERT_STREQ(ds_profile(&ds, "target_ms"), "25", "exponent");
	ASSERT_DBL_NEAR(ds.pts[0].st.mean, -0.15, 1e-12, "mean");
	ASSERT_TRUE(isnan(ds.pts[0].st.stddev), "null is NaN");
	ASSERT_EQ(ds.pts[0].id.n, 8, "n");
	ds_free(&ds);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!ASSERT_ERR(ds_parse_json(bad[i], strlen(bad[i]), &ds, err,
					      sizeof(err)), "bad json refused")) {
			test__log("accepted: %s", bad[i]);
			ds_free(&ds);
		}
	/* every truncation of a good file is refused */
	for (size_t cut = 0; cut < len; cut++)
		if (!ASSERT_ERR(ds_parse_json(good_json, cut, &ds, err,
					      sizeof(err)), "prefix refused")) {
			test__log("prefix of %zu bytes accepted", cut);
			ds_free(&ds);
			break;
		}
	memset(deep, '[', sizeof(deep));
	ASSERT_ERR(ds_parse_json(deep, sizeof(deep), &ds, err, sizeof(err)),
		   "deep nesting refused");
}

/*
 * A field with a comma or a quote survives csv_write_str and csv_split; so
 * does one a spreadsheet would run as a formula, which is written guarded.
 */
static bool check_csv_quoting(void)
{
	static const char *const fields[] = {
		"a,b", "say \"hi\"", "", "x", "=cmd|' /C calc'!A0", "'=x",
		"-2", "'", "''@y", "it's",
	};
	char *text = NULL, *cells[16];
	size_t len = 0;
	bool ok;
	FILE *f = open_memstream(&text, &len);

	if (!ASSERT_OK_PTR(f, "memstream"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		csv_write_str(f, fields[i]);
		fputc(i + 1 < ARRAY_SIZE(fields) ? ',' : '\n', f);
	}
	fclose(f);
	ok = ASSERT_EQ(csv_split(text, cells, 16), ARRAY_SIZE(fields),
		       "quoted fields");
	for (size_t i = 0; ok && i < ARRAY_SIZE(fields); i++)
		ok = ASSERT_STREQ(cells[i], fields[i], "field read back");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		return false;
	csv_write_str(f, "=1+1");
	fclose(f);
	ok = ASSERT_STREQ(text, "'=1+1", "formula guarded in the file") && ok;
	free(text);
	text = strdup("\"open,x\n");
	ok = ASSERT_ERR(csv_split(text, cells, 8), "unclosed quote") && ok;
	free(text);
	return ok;
}

static void test_reader_csv(void)
{
	char dir[64], path[PATH_MAX], err[256];
	struct dataset ds;
	bool ok = false;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	snprintf(path, sizeof(path), "%s/data.csv", dir);
	if (!ASSERT_OK(file_put(dir, "data.csv", "test,subtest,property,n,variant,op,frame_size,mode,metric,unit,reps,mean,median,stddev,ci95_low,ci95_high,min,max,outliers\n"
				"t,s,base,-1,,,64,test_run,ns_per_pkt,ns,1,5,5,-nan,nan,nan,5,5,0\n"),
		       "write data.csv"))
		goto out;
	if (!ASSERT_OK(ds_load(path, &ds, err, sizeof(err)), "csv with nan")) {
		test__log("%s", err);
		goto out;
	}
	ok = ASSERT_EQ(ds.nr_pts, 1, "csv points") &&
	     ASSERT_TRUE(isnan(ds.pts[0].st.stddev), "-nan read") &&
	     ASSERT_EQ(ds.nr_env, 0, "a csv has no environment");
	ds_free(&ds);
	if (!ASSERT_OK(file_put(dir, "data.csv",
				"test,subtest,property,n\nt,s,base,1\n"),
		       "write data.csv")) {
		ok = false;
		goto out;
	}
	ok = ASSERT_ERR(ds_load(path, &ds, err, sizeof(err)),
			"csv without columns refused") && ok;
	ok = check_csv_quoting() && ok;
out:
	drop_tmp(dir, ok);
}

/* The first nr lines of dir/name, to free(); NULL when unreadable. */
static char *head_lines(const char *dir, const char *name, int nr)
{
	char path[PATH_MAX], *text, *c;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = file_read(path, NULL);
	for (c = text; c && *c && nr; c++)
		nr -= *c == '\n';
	if (c)
		*c = '\0';
	return text;
}

/* What a researcher reads first: contents, headline, a failure named. */
static bool check_headline(const char *dir)
{
	static const char *const wanted[] = {
		"**Contents**", "[Headline](#headline)",
		"(#per-property-results)", "(#prop-insns)", "## Headline",
		"1 of 4 tests failed: wire_props (native_map)", "| run |",
		"| duration | 3 min 6 s", "| test_run | 64 |",
		"| generic | 64 |",
	};
	char *head = head_lines(dir, "report.md", 40);
	bool ok = ASSERT_OK_PTR(head, "report.md");

	for (size_t i = 0; ok && i < ARRAY_SIZE(wanted); i++)
		if (!ASSERT_OK_PTR(strstr(head, wanted[i]),
				   "in the first 40 lines of report.md"))
			test__log("missing: %s", wanted[i]);
	/* the suite's own tests are no finding */
	ok = ok && ASSERT_FALSE(strstr(head, "stats"), "no self-test named");
	free(head);
	return ok &&
	       ASSERT_TRUE(file_contains(dir, "report.html", "<nav id=\"contents\">"),
			   "contents in report.html") &&
	       ASSERT_TRUE(file_contains(dir, "report.html", "<h2 id=\"headline\">"),
			   "anchor in report.html") &&
	       ASSERT_TRUE(file_contains(dir, "report.md", "| insns | instruction | 64 | insns | 0.300"),
			   "unit cost of a property");
}

/* modes-<property>: a line per path, in the figure and in its CSV. */
static bool check_modes(const char *dir)
{
	static const char *const figs[] = { "modes-insns", "modes-map" };
	char name[64], *head;
	bool ok = true;

	for (size_t i = 0; ok && i < ARRAY_SIZE(figs); i++) {
		snprintf(name, sizeof(name), "plots/%s.csv", figs[i]);
		head = head_lines(dir, name, 1);
		ok = ASSERT_OK_PTR(head, name) &&
		     ASSERT_OK_PTR(strstr(head, "N,test_run,"), "test_run column") &&
		     ASSERT_OK_PTR(strstr(head, ",generic,"), "generic column") &&
		     ASSERT_OK_PTR(strstr(head, ",native,"), "native column");
		free(head);
	}
	return ok &&
	       ASSERT_TRUE(file_exists(dir, "plots/modes-cpu-insns.png"),
			   "CPU companion") &&
	       ASSERT_TRUE(file_exists(dir, "plots/modes-lat-insns.png"),
			   "latency companion") &&
	       ASSERT_FALSE(file_exists(dir, "plots/modes-lat-map.png"),
			    "no latency figure without latency points") &&
	       /* test_run Mpps of the map sweep: 1000 / its ns per packet */
	       ASSERT_TRUE(file_contains(dir, "plots/modes-map.csv", "\n8,14.70588235,"),
			   "test_run rate from ns per packet") &&
	       ASSERT_TRUE(file_contains(dir, "report.md", "data: [modes-insns.csv](plots/modes-insns.csv)"),
			   "the CSV named in the caption") &&
	       ASSERT_TRUE(file_contains(dir, "report.md", "insns at N = 1024 (instructions): test_run 3.06 Mpps, generic 0.421 Mpps (0.14x test_run)"),
			   "the paths read at the largest N");
}

static void test_synthetic(void)
{
	static const char *const files[] = {
		"report.md", "report.html", "data.csv", "data.json",
	};
	struct plot_census pc;
	char dir[64], path[PATH_MAX], why[256];
	bool ok = false;

	if (!plot_have_gnuplot(why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	if (!make_tmp(dir, sizeof(dir)) || !write_synthetic(dir, false) ||
	    !build_report(dir))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (!ASSERT_OK(access(path, R_OK), files[i]))
			goto out;
	}
	if (!check_csv_json_agree(dir) || !check_plots(dir, &pc) ||
	    !check_headline(dir) || !check_modes(dir))
		goto out;
	/*
	 * ns/pkt vs N of insns and map; sizes; throughput, latency and CPU
	 * of the base forwarder, throughput and CPU of insns and map,
	 * latency of insns (small multiples); per property its paths:
	 * throughput and CPU of both, latency of insns
	 */
	ok = ASSERT_EQ(pc.png, 16, "plots") &&
	     ASSERT_EQ(pc.kinds, 0x3f, "every kind of plot") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "Synthetic CPU"), "environment") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "| 0.3 | 0.29 |"), "cost model") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "below 10GbE line rate"),
			 "line rate reading") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "Costs most per unit: map"),
			 "per-unit reading") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "gbps_max"), "unplotted metric listed") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "generic mystery_rate |"),
			 "unknown metric in the table") &&
	     ASSERT_FALSE(file_contains(dir, "plots/tput-base-forwarder.dat",
				   "mystery_rate"), "unknown metric not plotted") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "native maximum rate is"),
			 "mode comparison") &&
	     ASSERT_TRUE(file_contains(dir, "plots/tput-base-forwarder.gp",
				  "10e9/((x+20)*8)/1e6"),
			 "line rate drawn") &&
	     ASSERT_TRUE(file_contains(dir, "plots/tput-insns.gp",
				  "set multiplot layout 1,3"),
			 "one figure per property, a panel per program") &&
	     ASSERT_TRUE(file_contains(dir, "plots/modes-insns.gp",
				  "set title 'insns: throughput vs N"),
			 "a title inside the figure on screen") &&
	     ASSERT_FALSE(file_contains(dir, "report.md", "emulated CPU"), "not flagged emulated");
out:
	drop_tmp(dir, ok);
}

static void test_no_gnuplot(void)
{
	char dir[64], path[PATH_MAX];
	bool ok = false;

	plot_set_gnuplot("/nonexistent/gnuplot");
	if (!make_tmp(dir, sizeof(dir)) || !write_synthetic(dir, false) ||
	    !build_report(dir))
		goto out;
	snprintf(path, sizeof(path), "%s/plots", dir);
	ok = ASSERT_TRUE(file_contains(dir, "report.md", "No plots: gnuplot is not installed"),
			 "report says why") &&
	     ASSERT_TRUE(file_contains(dir, "report.html", "No plots"), "html too") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "| 64 |"), "tables still there") &&
	     ASSERT_ERR(access(path, F_OK), "no plots directory");
out:
	plot_set_gnuplot(NULL);
	drop_tmp(dir, ok);
}

static void test_emulated(void)
{
	char dir[64];
	bool ok = false;

	plot_set_gnuplot("/nonexistent/gnuplot");
	if (!make_tmp(dir, sizeof(dir)) || !write_synthetic(dir, true) ||
	    !build_report(dir))
		goto out;
	ok = ASSERT_TRUE(file_contains(dir, "report.md", "measured on an emulated CPU"),
			 "warning in report.md") &&
	     ASSERT_TRUE(file_contains(dir, "report.html", "measured on an emulated CPU"),
			 "warning in report.html");
out:
	plot_set_gnuplot(NULL);
	drop_tmp(dir, ok);
}

/* --report-style paper: the caption says what a figure is, not the figure. */
static void test_paper(void)
{
	char dir[64], why[256];
	bool ok = false;

	if (!plot_have_gnuplot(why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	plot_set_style(PLOT_STYLE_PAPER);
	if (!make_tmp(dir, sizeof(dir)) || !write_synthetic(dir, false) ||
	    !build_report(dir))
		goto out;
	ok = ASSERT_FALSE(file_contains(dir, "plots/modes-insns.gp", "set title"),
			  "no title in a figure") &&
	     ASSERT_FALSE(file_contains(dir, "plots/tput-insns.gp",
				   "layout 1,3 title"), "no title over the panels") &&
	     ASSERT_TRUE(file_contains(dir, "plots/tput-insns.gp",
				  "set title 'N=256 insns'"), "panels keep their names") &&
	     ASSERT_TRUE(file_contains(dir, "report.md",
				  "*insns: throughput vs N per path, 64 B frames*"),
			 "the caption names the figure");
out:
	plot_set_style(PLOT_STYLE_SCREEN);
	drop_tmp(dir, ok);
}

/* ---- in a real browser ---- */

#define BROWSER_TIMEOUT_MS	90000
#define SCREEN_W		1280
#define SCREEN_H		800

/*
 * Run in the page once it has loaded: every image decoded, every link to
 * an anchor resolved, nothing wider than the window. The body is then
 * replaced by the verdict, so that --dump-dom is small.
 */
static const char check_script[] =
	"<script>\n"
	"window.addEventListener('load', function () {\n"
	"  var bad = [], imgs = document.images;\n"
	"  var links = document.querySelectorAll('a[href^=\"#\"]');\n"
	"  for (var i = 0; i < imgs.length; i++)\n"
	"    if (!imgs[i].complete || imgs[i].naturalWidth === 0)\n"
	"      bad.push('image not loaded: ' + imgs[i].alt);\n"
	"  for (var i = 0; i < links.length; i++) {\n"
	"    var id = decodeURIComponent(links[i].getAttribute('href').slice(1));\n"
	"    if (!document.getElementById(id))\n"
	"      bad.push('no anchor for the link #' + id);\n"
	"  }\n"
	"  var w = Math.max(document.documentElement.scrollWidth,\n"
	"                   document.body.scrollWidth);\n"
	"  if (w > 1280)\n"
	"    bad.push('page wider than the window: ' + w + ' px');\n"
	"  var out = document.createElement('pre');\n"
	"  out.id = 'xdp-perf-check';\n"
	"  out.textContent = 'images ' + imgs.length + ' links ' + links.length +\n"
	"    ' problems ' + bad.length + '\\n' + bad.join('\\n') + '\\nend';\n"
	"  document.body.innerHTML = '';\n"
	"  document.body.appendChild(out);\n"
	"});\n"
	"</script>\n";

/* The first chromium in PATH (Debian: chromium); false when none. */
static bool find_chromium(char *path, size_t len)
{
	static const char *const names[] = { "chromium", "chromium-browser" };
	const char *env_path = getenv("PATH") ?: "/usr/bin:/bin";
	char *dirs = strdup(env_path), *save = NULL;
	bool found = false;

	for (char *d = strtok_r(dirs, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save))
		for (size_t i = 0; i < ARRAY_SIZE(names) && !found; i++) {
			snprintf(path, len, "%s/%s", d, names[i]);
			found = access(path, X_OK) == 0;
		}
	free(dirs);
	return found;
}

/*
 * chromium headless on file://page with a profile of its own in dir:
 * --dump-dom into out (action "dump") or --screenshot=shot. Its exit
 * status; stderr (its own chatter) logged on failure.
 */
static int run_chromium(const char *chromium, const char *dir,
			const char *page, const char *shot, char *out,
			size_t out_len)
{
	char profile[PATH_MAX], url[PATH_MAX + 16], shot_arg[PATH_MAX + 16];
	char err[8192] = "";
	const char *argv[] = {
		chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--hide-scrollbars", profile,
		"--window-size=1280,800", "--virtual-time-budget=10000",
		shot ? shot_arg : "--dump-dom", url, NULL,
	};
	struct run_opts opts = {
		.out = out, .out_len = out_len, .err = err,
		.err_len = sizeof(err), .timeout_ms = BROWSER_TIMEOUT_MS,
	};
	static int nr;
	int ret;

	/* a new, empty profile every time: nothing carried over */
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile-%d",
		 dir, nr++);
	snprintf(url, sizeof(url), "file://%s/%s", dir, page);
	snprintf(shot_arg, sizeof(shot_arg), "--screenshot=%s", shot ?: "");
	ret = run_cmd(argv, &opts);
	if (ret)
		log_output("chromium stderr", err, true);
	return ret;
}

/* dir/name: report.html with the check script before its end. */
static bool write_check_page(const char *dir, const char *from,
			     const char *name)
{
	char path[PATH_MAX], *html, *end, *page;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, from);
	html = file_read(path, NULL);
	end = html ? strstr(html, "</body>") : NULL;
	if (!ASSERT_OK_PTR(end, "end of the page's body")) {
		free(html);
		return false;
	}
	*end = '\0';
	ok = asprintf(&page, "%s%s</body></html>\n", html, check_script) > 0;
	ok = ASSERT_TRUE(ok, "asprintf") &&
	     ASSERT_OK(file_put(dir, name, page), "write the check page");
	if (ok)
		free(page);
	free(html);
	return ok;
}

/* The verdict the script left; *problems its count, -1 when none came. */
static const char *check_verdict(const char *dom, int *problems)
{
	const char *v = strstr(dom, "<pre id=\"xdp-perf-check\">");
	int images, links;

	*problems = -1;
	if (v && sscanf(v + 25, "images %d links %d problems %d", &images,
			&links, problems) != 3)
		*problems = -1;
	return v;
}

static bool check_in_browser(const char *chromium, const char *dir,
			     const char *page, int want_problems)
{
	char out[16384] = "", check[64];
	const char *v;
	int ret, problems;

	snprintf(check, sizeof(check), "check-%s", page);
	if (!write_check_page(dir, page, check))
		return false;
	ret = run_chromium(chromium, dir, check, NULL, out, sizeof(out));
	if (!ASSERT_EQ(ret, 0, "chromium --dump-dom"))
		return false;
	v = check_verdict(out, &problems);
	if (!ASSERT_OK_PTR(v, "the check ran in the page") ||
	    !ASSERT_EQ(problems, want_problems, "problems found in the page")) {
		log_output("verdict", v ?: out, true);
		return false;
	}
	test__info("%s: %.*s", page, (int)strcspn(v + 25, "\n"), v + 25);
	return true;
}

/* A page that breaks each rule once: the checks can fail. */
static const char broken_page[] =
	"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n"
	"<nav><a href=\"#here\">here</a> <a href=\"#nowhere\">nowhere</a></nav>\n"
	"<h2 id=\"here\">here</h2><img alt=\"missing\" src=\"missing.png\">\n"
	"<div style=\"width:2000px\">wide</div>\n</body></html>\n";

/* PNG of the first screen: a SCREEN_W x SCREEN_H image, not an empty one. */
static bool check_screenshot(const char *path)
{
	size_t len = 0;
	unsigned char *png = (unsigned char *)file_read(path, &len);
	bool ok;

	ok = ASSERT_OK_PTR(png, "screenshot") &&
	     ASSERT_GE(len, 10000, "screenshot size") &&
	     ASSERT_MEMEQ(png + 12, "IHDR", 4, "screenshot is a PNG") &&
	     ASSERT_EQ(png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19],
		       SCREEN_W, "screenshot width") &&
	     ASSERT_EQ(png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23],
		       SCREEN_H, "screenshot height");
	free(png);
	return ok;
}

#define SCREENSHOT	"report-first-screen.png"

/*
 * The first screen, for a person to look at: into the run's --out
 * directory when it has one (written safely, as every output file);
 * nothing of the test outlives it otherwise.
 */
static bool keep_screenshot(const char *shot)
{
	char why[256] = "";
	struct outfile of;
	size_t len = 0;
	char *png;
	bool ok;

	if (!env.out_dir) {
		test__info("first screen checked; with --out DIR it is kept as DIR/%s",
			   SCREENSHOT);
		return true;
	}
	png = file_read(shot, &len);
	if (!ASSERT_OK_PTR(png, "screenshot"))
		return false;
	ok = ASSERT_OK(outfile_open(&of, env.out_dir, SCREENSHOT, why,
				    sizeof(why)), why);
	if (ok && fwrite(png, 1, len, of.f) != len) {
		outfile_discard(&of);
		ok = ASSERT_TRUE(false, "screenshot written");
	} else if (ok) {
		ok = ASSERT_OK(outfile_commit(&of), "screenshot committed");
	}
	if (ok)
		test__info("screenshot of the first screen: %s/%s",
			   env.out_dir, SCREENSHOT);
	free(png);
	return ok;
}

static void test_browser(void)
{
	char chromium[PATH_MAX], dir[64], why[256], shot[PATH_MAX];
	bool ok = false;

	if (!find_chromium(chromium, sizeof(chromium))) {
		test__skip("chromium is not installed (Debian: apt-get install chromium; scripts/install-deps.sh)");
		return;
	}
	if (!plot_have_gnuplot(why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	if (!write_synthetic(dir, false) || !build_report(dir) ||
	    !check_in_browser(chromium, dir, "report.html", 0) ||
	    !ASSERT_OK(file_put(dir, "broken.html", broken_page), "broken page") ||
	    !check_in_browser(chromium, dir, "broken.html", 3))
		goto out;
	snprintf(shot, sizeof(shot), "%s/%s", dir, SCREENSHOT);
	ok = ASSERT_EQ(run_chromium(chromium, dir, "report.html", shot, NULL, 0),
		       0, "chromium --screenshot") &&
	     check_screenshot(shot) && keep_screenshot(shot);
out:
	/* kept with the rest when the subtest failed */
	drop_tmp(dir, ok);
}

/* test_perf --report on the base forwarder: the real writer and pipeline. */
static void test_run(void)
{
	static const struct self_opts opts = { .timeout_ms = RUN_TIMEOUT_MS };
	static const struct self_opts quick_rebuild = { .timeout_ms = 60000 };
	char dir[64], out[PATH_MAX + 16], out2[PATH_MAX + 16], why[256];
	struct self_run run = {};
	struct plot_census pc;
	bool ok = false;
	int ret;

	if (!test__need_bpf())
		return;
	if (!plot_have_gnuplot(why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	snprintf(out, sizeof(out), "%s/run", dir);
	ret = run_self(&run, &opts, "-t", "xdp_fwd", "--quick", "--reps", "3",
		       "--sizes", "64,1500", "--report", "--out", out);
	if (ret == 2 && strstr(run.err, "no test matched")) {
		/* no xdp_fwd test in this build: nothing to run the report on */
		test__skip("test_perf -t xdp_fwd matched no test");
		ok = true;
		goto out;
	}
	if (!ASSERT_EQ(ret, 0, "test_perf --report exit")) {
		log_output("stdout", run.out, true);
		log_output("stderr", run.err, true);
		goto out;
	}
	ok = check_csv_json_agree(out) && check_plots(out, &pc) &&
	     ASSERT_TRUE(pc.kinds & 2, "ns/pkt vs frame size plot") &&
	     ASSERT_TRUE(file_contains(out, "report.md", "## Environment"),
			 "environment") &&
	     ASSERT_TRUE(file_contains(out, "run.json", "{\"name\": \"xdp_fwd\", \"result\": \"OK\""),
			 "run.json has the test's outcome") &&
	     ASSERT_TRUE(file_contains(out, "report.md", "All 1 tests passed."),
			 "the headline says so");
	if (!ok)
		goto out;
	/* rebuilt elsewhere: the outcomes go with the data */
	snprintf(out2, sizeof(out2), "%s/again", dir);
	ok = ASSERT_EQ(run_self(&run, &quick_rebuild, "--report-from", out,
				"--out", out2), 0, "--report-from --out") &&
	     ASSERT_TRUE(file_contains(out2, "run.json", "\"xdp_fwd\""),
			 "run.json copied") &&
	     ASSERT_TRUE(file_contains(out2, "report.md", "All 1 tests passed."),
			 "the rebuilt headline says so");
out:
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* run.json from someone else: read when it is one, refused when not. */
static void test_run_info(void)
{
	static const char *const bad[] = {
		"{\"format\": \"xdp-perf-run/2\", \"results\": []}",
		"{\"format\": \"xdp-perf-run/1\"}",
		"{\"format\": \"xdp-perf-run/1\", \"results\": [{\"name\": \"t\", \"result\": \"MAYBE\"}]}",
		"{\"format\": \"xdp-perf-run/1\", \"results\": [{\"result\": \"OK\"}]}",
		"{\"format\": \"xdp-perf-run/1\", \"results\": [{\"name\": 1, \"result\": \"OK\"}]}",
		"{\"format\": \"xdp-perf-run/1\", \"results\": [{\"name\": \"t\", \"result\": \"OK\", \"subtests\": {}}]}",
		"{\"format\": \"xdp-perf-run/1\", \"results\": []",
	};
	char dir[64], why[512];
	struct run_info ri;
	bool ok = false;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	if (!ASSERT_EQ(run_info_read(dir, &ri, why, sizeof(why)), -ENOENT,
		       "no run.json") ||
	    !ASSERT_FALSE(ri.known, "outcomes not known"))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!ASSERT_OK(file_put(dir, "run.json", bad[i]), "write"))
			goto out;
		if (!ASSERT_ERR(run_info_read(dir, &ri, why, sizeof(why)),
				"bad run.json refused")) {
			test__log("accepted: %s", bad[i]);
			run_info_free(&ri);
			goto out;
		}
		if (!ASSERT_OK_PTR(strstr(why, "run.json"), "the reason names the file"))
			goto out;
	}
	if (!ASSERT_OK(file_put(dir, "run.json",
		"{\"format\": \"xdp-perf-run/1\", \"duration_s\": -5, \"results\": [{\"name\": \"a\\nb\", \"result\": \"FAIL\", \"message\": null, \"subtests\": [{\"name\": \"s\\u001b[31m\", \"result\": \"SKIP\", \"message\": \"why\"}]}]}"),
		       "write") ||
	    !ASSERT_OK(run_info_read(dir, &ri, why, sizeof(why)), "good run.json"))
		goto out;
	ok = ASSERT_TRUE(ri.known, "known") &&
	     ASSERT_EQ(ri.nr_tests, 1, "tests") &&
	     ASSERT_STREQ(ri.tests[0].name, "a\\nb", "line break shown") &&
	     ASSERT_EQ(ri.tests[0].state, RUN_FAIL, "failed") &&
	     ASSERT_EQ(ri.tests[0].nr_subs, 1, "subtests") &&
	     ASSERT_STREQ(ri.tests[0].subs[0].name, "s\\e[31m", "escape shown") &&
	     ASSERT_STREQ(ri.tests[0].subs[0].reason, "why", "reason") &&
	     ASSERT_TRUE(ri.duration_s < 0, "a negative duration is unknown");
	run_info_free(&ri);
out:
	drop_tmp(dir, ok);
}

/* ---- the identity of a point ---- */

static const struct point_id tricky_id = {
	.test = "t", .subtest = "s", .property = "a,b \"q\"", .n = 10,
	.variant = "=cmd", .op = "", .frame_size = 64, .mode = "test_run",
	.metric = "ns_per_pkt", .unit = "ns",
};

static bool same_id(const struct point_id *a, const struct point_id *b,
		    const char *how)
{
	char ka[256], kb[256];

	point_id_str(a, POINT_ID_KEY, ka, sizeof(ka));
	point_id_str(b, POINT_ID_KEY, kb, sizeof(kb));
	if (!ASSERT_OK(point_id_cmp(a, b), how) ||
	    !ASSERT_STREQ(a->unit, b->unit, "unit")) {
		test__log("%s: %s vs %s", how, ka, kb);
		return false;
	}
	return true;
}

/* The CSV columns written, split and parsed: the same id again. */
static bool id_csv_round_trip(const struct point_id *id)
{
	char *text = NULL, *cells[16];
	struct point_id back;
	size_t len = 0;
	char why[128];
	bool ok = false;
	FILE *f = open_memstream(&text, &len);

	if (!ASSERT_OK_PTR(f, "memstream"))
		return false;
	point_id_write_csv(f, id);
	fputs("end\n", f);
	fclose(f);
	if (!ASSERT_EQ(csv_split(text, cells, 16), POINT_ID_NR_FIELDS + 1,
		       "csv columns") ||
	    !ASSERT_STREQ(cells[POINT_ID_NR_FIELDS], "end", "comma after each"))
		goto out;
	if (ASSERT_OK(point_id_parse(&back, (const char *const *)cells, why,
				     sizeof(why)), "parse csv cells"))
		ok = same_id(id, &back, "csv round trip");
	point_id_free(&back);
out:
	free(text);
	return ok;
}

/* The JSON keys written, read back by the data.json reader. */
static bool id_json_round_trip(const struct point_id *id)
{
	char *text = NULL, err[256];
	struct dataset ds;
	size_t len = 0;
	bool ok = false;
	FILE *f = open_memstream(&text, &len);

	if (!ASSERT_OK_PTR(f, "memstream"))
		return false;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"points\": [{");
	point_id_write_json(f, id);
	fprintf(f, "}]}");
	fclose(f);
	if (ASSERT_OK(ds_parse_json(text, len, &ds, err, sizeof(err)),
		      "parse json point")) {
		ok = ASSERT_EQ(ds.nr_pts, 1, "one point") &&
		     same_id(id, &ds.pts[0].id, "json round trip");
		ds_free(&ds);
	} else {
		test__log("%s: %s", err, text);
	}
	free(text);
	return ok;
}

static void test_point_id(void)
{
	struct point_id a = tricky_id, b = tricky_id, parsed;
	const char *text[POINT_ID_NR_FIELDS] = { "t", "", "p", "", "", "",
						 NULL, "", "m", "" };
	char label[256], why[128];

	point_id_str(&a, POINT_ID_KEY, label, sizeof(label));
	ASSERT_STREQ(label, "t/s a,b \"q\" N=10 =cmd 64B test_run ns_per_pkt",
		     "key label");
	point_id_str(&a, POINT_ID_IN_TEST, label, sizeof(label));
	ASSERT_STREQ(label, "a,b \"q\" N=10 =cmd 64B", "label in a test");
	b.n = 2;
	ASSERT_GT(point_id_cmp(&a, &b), 0, "N compares as a number");
	b = a;
	b.op = NULL;
	b.unit = "other";
	ASSERT_OK(point_id_cmp(&a, &b), "NULL is \"\", the unit not in the key");
	b.metric = "mpps";
	ASSERT_GT(point_id_cmp(&a, &b), 0, "metric as text");
	id_csv_round_trip(&tricky_id);
	id_json_round_trip(&tricky_id);

	if (ASSERT_OK(point_id_parse(&parsed, text, why, sizeof(why)),
		      "absent numbers")) {
		ASSERT_EQ(parsed.n, -1, "no N");
		ASSERT_EQ(parsed.frame_size, 0, "no frame size");
		ASSERT_STREQ(parsed.subtest, "", "empty subtest");
	}
	point_id_free(&parsed);
	text[POINT_ID_N] = "1.5";
	ASSERT_EQ(point_id_parse(&parsed, text, why, sizeof(why)), -EINVAL,
		  "N not whole refused");
	point_id_free(&parsed);
	text[POINT_ID_N] = "";
	text[POINT_ID_METRIC] = "";
	ASSERT_EQ(point_id_parse(&parsed, text, why, sizeof(why)), -EINVAL,
		  "no metric refused");
	ASSERT_STREQ(why, "no test or metric", "reason");
	point_id_free(&parsed);
}

/* grow_array() of the readers: contents kept, doubling, overflow refused. */
static void test_grow_array(void)
{
	size_t cap = 0, cap_full;
	long *a = NULL;
	bool ok = true;

	for (long i = 0; ok && i < 1000; i++) {
		ok = ASSERT_OK(grow_array(&a, &cap, i + 1, sizeof(*a)), "grow") &&
		     ASSERT_GE(cap, (size_t)i + 1, "room for it");
		if (ok)
			a[i] = i;
	}
	for (long i = 0; ok && i < 1000; i++)
		ok = ASSERT_EQ(a[i], i, "values kept");
	if (!ok)
		goto out;
	ASSERT_EQ(cap, 1024, "doubled from 16");
	cap_full = cap;
	ASSERT_OK(grow_array(&a, &cap, cap, sizeof(*a)), "room enough");
	ASSERT_EQ(cap, cap_full, "no growth without need");
	ASSERT_EQ(grow_array(&a, &cap, SIZE_MAX / 2, sizeof(*a)), -ENOMEM,
		  "size overflow refused");
	ASSERT_EQ(grow_array(&a, &cap, SIZE_MAX, 1), -ENOMEM,
		  "SIZE_MAX bytes refused");
	ASSERT_EQ(grow_array(&a, &cap, PTRDIFF_MAX / 2 + 1, 2), -ENOMEM,
		  "beyond PTRDIFF_MAX bytes refused");
	ASSERT_EQ(cap, cap_full, "capacity kept");
	ASSERT_EQ(a[999], 999, "array kept");
out:
	free(a);
}

void test_report(void)
{
	if (test__start_subtest("reader"))
		test_reader();
	if (test__start_subtest("reader_csv"))
		test_reader_csv();
	if (test__start_subtest("synthetic"))
		test_synthetic();
	if (test__start_subtest("no_gnuplot"))
		test_no_gnuplot();
	if (test__start_subtest("emulated"))
		test_emulated();
	if (test__start_subtest("paper"))
		test_paper();
	if (test__start_subtest("browser"))
		test_browser();
	if (test__start_subtest("run"))
		test_run();
	if (test__start_subtest("run_info"))
		test_run_info();
	if (test__start_subtest("point_id"))
		test_point_id();
	if (test__start_subtest("grow_array"))
		test_grow_array();
}
