// SPDX-License-Identifier: GPL-2.0
/*
 * --obj: measure a user's XDP program with the same engine and output as
 * the suite's own programs, at every frame size of the profile or on the
 * distinct frames of a capture, weighted by how often each occurs.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "obj_load.h"
#include "pcap.h"
#include "runner.h"
#include "results.h"
#include "rounds.h"
#include "user_obj.h"
#include "util.h"

#define EXIT_USAGE	2
#define EXIT_SKIP	4
#define MAX_HEX_FRAMES	16

static const char *pcap_path;
static int pcap_max;
static const char *hex_frames[MAX_HEX_FRAMES];
static int nr_hex_frames;

static struct uobj uo;
static struct frame_set frames;

static int parse_frame_hex(const struct perf_option *o, const char *arg)
{
	unsigned char buf[FRAME_MAX_LEN];
	__u32 len;

	if (frame_parse_hex(arg, buf, sizeof(buf), &len))
		perf_usage_error("--frame-hex wants the bytes of an Ethernet frame in hex, %d to %d bytes without FCS",
				 FRAME_MIN_LEN, FRAME_MAX_LEN);
	if (nr_hex_frames == MAX_HEX_FRAMES)
		perf_usage_error("at most %d --frame-hex frames", MAX_HEX_FRAMES);
	hex_frames[nr_hex_frames++] = arg;
	return 0;
}

PERF_OPTION(pcap, .name = "pcap", .arg = "FILE", .group = PERF_GRP_USER_OBJ,
	    .type = PERF_OPT_STRING, .dest = &pcap_path,
	    .help = "--obj: measure every distinct frame of a capture, weighted by its count");
PERF_OPTION(pcap_max, .name = "pcap-max", .arg = "N",
	    .group = PERF_GRP_USER_OBJ, .type = PERF_OPT_INT, .dest = &pcap_max,
	    .min = 1, .max = FRAME_TRACK_MAX, .def = "64",
	    .help = "--pcap: measure the N most frequent distinct frames");
PERF_OPTION(frame_hex, .name = "frame-hex", .arg = "HEX",
	    .group = PERF_GRP_USER_OBJ, .type = PERF_OPT_CUSTOM,
	    .parse = parse_frame_hex,
	    .help = "--obj: measure this frame (bytes in hex, no FCS; repeatable)");

/* Lines of the --obj output: always shown, commented in KTAP. */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	va_list ap;

	if (env.ktap)
		fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int load_frames(void)
{
	unsigned char buf[FRAME_MAX_LEN];
	char err[512];
	__u32 len;

	if (pcap_path && nr_hex_frames) {
		fprintf(stderr, "test_perf: --pcap and --frame-hex exclude each other (see --help)\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < nr_hex_frames; i++) {
		frame_parse_hex(hex_frames[i], buf, sizeof(buf), &len);
		if (frame_set_add(&frames, buf, len))
			return EXIT_USAGE;
	}
	if (pcap_path &&
	    frame_set_read_pcap(&frames, pcap_path, pcap_max, err, sizeof(err))) {
		fprintf(stderr, "test_perf: --pcap %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

int user_obj_prepare(void)
{
	char err[512];
	int ret;

	if (!env.obj_path) {
		if (pcap_path || nr_hex_frames)
			perf_usage_error("--pcap and --frame-hex need --obj");
		return 0;
	}
	if (!env.can_bpf) {
		fprintf(stderr, "test_perf: --obj: %s\n", env.no_bpf_reason);
		return EXIT_SKIP;
	}
	ret = load_frames();
	if (ret)
		return ret;
	if (uobj_open(env.obj_path, env.obj_prog, &uo, err, sizeof(err))) {
		fprintf(stderr, "test_perf: %s\n", err);
		uobj_print_log(stderr);
		ret = uobj_exit_status(&uo);
		uobj_close(&uo);
		return ret;
	}
	return 0;
}

static void print_frame(const char *head, const struct measure_result *res)
{
	out("%s %-12s %9.3f ns/pkt  95%% CI [%.3f, %.3f]  median %.3f  sd %.3f  %7.2f Mpps",
	    head, xdp_verdict_name(res->verdict), res->ns.mean, res->ns.ci95_low,
	    res->ns.ci95_high, res->ns.median, res->ns.stddev, res->mpps.mean);
}

static int measure_size(int prog_fd, struct fwd_bench *fb, bool fwd_based,
			int size, const struct measure_tune *tune,
			struct measure_result *res)
{
	unsigned char pkt[PKT_MAX_FRAME];
	struct measure_spec spec = {
		.prog_fd = prog_fd,
		.pkt = pkt,
		.any_verdict = true,
		.tune = *tune,
	};
	int err;

	if (fwd_based)
		return fwd_bench_measure_tuned(fb, prog_fd, size, tune, res);
	err = fwd_bench_frame(NULL, size, pkt, NULL, &spec.pkt_len);
	if (err)
		return err;
	return measure_point(&spec, res);
}

/* ---- the object as a program of the rounds (rounds.h) ---- */

struct obj_prog {
	struct round_prog p;
	const char *path, *name;
	struct uobj u;
	struct fwd_bench fb;
	bool fwd_based;
	bool quiet;		/* --setup's output only when it fails */
};

static int obj_prog_load(struct round_prog *rp, char *why, size_t len)
{
	struct obj_prog *o = rp->ctx;
	struct uobj_opts opts;

	uobj_cli_opts(&opts);
	opts.quiet = o->quiet;
	if (uobj_open_opts(o->path, o->name, &opts, &o->u, why, len)) {
		uobj_close(&o->u);
		return -EINVAL;
	}
	/* programs built on the base forwarder get their maps configured */
	o->fwd_based = !fwd_bench_init(&o->fb, o->u.obj, false);
	return 0;
}

static int obj_prog_fd(struct round_prog *rp)
{
	struct obj_prog *o = rp->ctx;

	return o->u.prog_fd;
}

static int obj_prog_measure(struct round_prog *rp, int size,
			    const struct measure_tune *tune,
			    struct measure_result *res)
{
	struct obj_prog *o = rp->ctx;

	return measure_size(o->u.prog_fd, &o->fb, o->fwd_based, size, tune,
			    res);
}

static void obj_prog_unload(struct round_prog *rp)
{
	struct obj_prog *o = rp->ctx;

	uobj_close(&o->u);
}

static const struct round_prog_ops obj_prog_ops = {
	.load = obj_prog_load,
	.prog_fd = obj_prog_fd,
	.measure = obj_prog_measure,
	.unload = obj_prog_unload,
};

static struct obj_prog *obj_prog_alloc(const char *path, const char *name)
{
	struct obj_prog *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->path = path;
	o->name = name;
	o->u.prog_fd = -1;
	o->p.ops = &obj_prog_ops;
	o->p.ctx = o;
	memcpy(o->p.sizes, env.sizes, env.nr_sizes * sizeof(int));
	o->p.nr_sizes = env.nr_sizes;
	return o;
}

/*
 * Name o after a loaded instance u of its object and say what it is; the
 * rounds' loads after this one keep --setup's output to failures.
 */
static void obj_prog_describe(struct obj_prog *o, const struct uobj *u,
			      bool fwd_based, char *desc, size_t len)
{
	o->p.name = strdup(bpf_program__name(u->prog));
	snprintf(desc, len, "%s: program '%s'%s%s%s", o->path, o->p.name,
		 fwd_based ? " (built on xdp_fwd: output validated)" : "",
		 u->nr_pinned ? ", maps pinned in a private bpffs" : "",
		 uobj_setup_cmd() ? ", --setup after every load" : "");
	o->quiet = true;
}

struct round_prog *user_obj_prog(const char *path, const char *name,
				 char *desc, size_t len)
{
	struct obj_prog *o = obj_prog_alloc(path, name);

	if (!o)
		return NULL;
	/* the first load says whether the object is usable at all */
	if (obj_prog_load(&o->p, desc, len)) {
		fprintf(stderr, "test_perf: %s\n", desc);
		uobj_print_log(stderr);
		free(o);
		return NULL;
	}
	obj_prog_describe(o, &o->u, o->fwd_based, desc, len);
	obj_prog_unload(&o->p);
	return &o->p;
}

void user_obj_prog_free(struct round_prog *p)
{
	if (!p)
		return;
	free((char *)p->name);
	free(p->ctx);
}

/*
 * Every frame size of the profile, in rounds beside the reference; u is
 * the load user_obj_prepare() checked, closed here: the rounds load the
 * object afresh, each time.
 */
static void measure_sizes(struct uobj *u)
{
	struct obj_prog *o = obj_prog_alloc(env.obj_path, env.obj_prog);
	struct round_prog *p = o ? &o->p : NULL;
	struct round_set rs;
	struct fwd_bench fb;
	char desc[512];

	if (o)	/* programs built on the base forwarder: output validated */
		obj_prog_describe(o, u, !fwd_bench_init(&fb, u->obj, false),
				  desc, sizeof(desc));
	uobj_close(u);
	if (!ASSERT_OK_PTR(p, "calloc"))
		return;
	out("%s, %d rounds x %d loops per point", desc,
	    rounds_profile_rounds(), rounds_profile_loops());
	p->key = (struct point_id){
		.property = "obj", .n = -1, .variant = p->name,
		.mode = "test_run",
	};
	if (!ASSERT_OK(rounds_init(&rs), "rounds") ||
	    !ASSERT_OK(rounds_add(&rs, p), "rounds") ||
	    !ASSERT_OK(rounds_add_reference(&rs, env.sizes, env.nr_sizes),
		       "the reference forwarder"))
		goto out;
	rounds_run(&rs);
	for (int s = 0; s < p->nr_sizes; s++) {
		struct sample_stats ns;
		struct round_info ri;

		if (rounds_record(&rs, p, s, &p->key)) {
			out("%5d B: FAIL %s", p->sizes[s],
			    p->series[s].err ? p->series[s].why : p->load_why);
			test__fail();
			continue;
		}
		rounds_summary(&rs, p, s, &ns, &ri);
		out("%5d B: %-12s %9.3f ns/pkt  95%% CI [%.3f, %.3f]  median %.3f  sd %.3f  %d rounds",
		    p->sizes[s], xdp_verdict_name(p->series[s].verdict[0]),
		    ns.mean, ns.ci95_low, ns.ci95_high, ns.median, ns.stddev,
		    ri.rounds);
	}
	rounds_record_reference(&rs);
out:
	rounds_free(&rs);
	user_obj_prog_free(p);
}

/* ---- frames of a capture ---- */

/* Programs built on the forwarder: TTL rearmed, every run counted once. */
static int fwd_frame_arm(void *ctx, bool timed)
{
	struct fwd_bench *fb = ctx;
	struct fwd_config config = fb->config;

	config.rearm = timed;
	return fwd_ctl_set_config(&fb->ctl, &config);
}

static int fwd_frame_count(void *ctx, __u64 *value)
{
	struct fwd_bench *fb = ctx;
	__u64 counts[FWD_REASON_MAX];
	int err = fwd_ctl_counts(&fb->ctl, counts);

	*value = 0;
	for (int r = 0; !err && r < FWD_REASON_MAX; r++)
		*value += counts[r];
	return err;
}

/* Traffic-weighted mean of the frames' means; CI from their errors. */
struct weighted {
	double w, mean, median, min, max, var_mean, var;
	int min_reps;
	double verdict_w[XDP_REDIRECT + 2];
};

static void weigh(struct weighted *wt, double w, const struct measure_result *r)
{
	const struct sample_stats *s = &r->ns;
	__u32 v = r->verdict <= XDP_REDIRECT ? r->verdict : XDP_REDIRECT + 1;

	wt->w += w;
	wt->mean += w * s->mean;
	wt->median += w * s->median;
	wt->min += w * s->min;
	wt->max += w * s->max;
	wt->var += w * w * s->stddev * s->stddev;
	wt->var_mean += w * w * s->stddev * s->stddev / s->n;
	if (!wt->min_reps || s->n < wt->min_reps)
		wt->min_reps = s->n;
	wt->verdict_w[v] += w;
}

static void record_weighted(const struct weighted *wt, const char *name,
			    __u64 pkts)
{
	struct point_id key = {
		.property = "pcap", .n = -1, .variant = name, .op = "weighted",
		.frame_size = 0, .mode = "test_run",
	};
	double half, t;
	struct sample_stats ns = {}, mpps = {};
	char mix[256] = "";
	size_t used = 0;

	if (wt->w <= 0 || wt->min_reps < 2)
		return;
	t = stats_t_quantile(0.975, wt->min_reps - 1);
	half = t * sqrt(wt->var_mean) / wt->w;
	ns.n = wt->min_reps;
	ns.mean = wt->mean / wt->w;
	ns.median = wt->median / wt->w;
	ns.min = wt->min / wt->w;
	ns.max = wt->max / wt->w;
	ns.stddev = sqrt(wt->var) / wt->w;
	ns.ci95_low = ns.mean - half;
	ns.ci95_high = ns.mean + half;
	mpps = ns;
	mpps.mean = 1e3 / ns.mean;
	mpps.median = 1e3 / ns.median;
	mpps.min = 1e3 / ns.max;
	mpps.max = 1e3 / ns.min;
	mpps.stddev = ns.stddev * 1e3 / (ns.mean * ns.mean);
	mpps.ci95_low = 1e3 / ns.ci95_high;
	mpps.ci95_high = ns.ci95_low > 0 ? 1e3 / ns.ci95_low : mpps.max;
	results_add(&key, METRIC_NS_PER_PKT, &ns);
	results_add(&key, METRIC_MPPS, &mpps);
	for (__u32 v = 0; v < ARRAY_SIZE(wt->verdict_w); v++)
		if (wt->verdict_w[v] > 0 && used < sizeof(mix))
			used += snprintf(mix + used, sizeof(mix) - used, "%s%s %.1f%%",
					 used ? ", " : "", xdp_verdict_name(v),
					 100 * wt->verdict_w[v] / wt->w);
	out("weighted by traffic (%llu packets): %.3f ns/pkt  95%% CI [%.3f, %.3f]  %.2f Mpps",
	    (unsigned long long)pkts, ns.mean, ns.ci95_low, ns.ci95_high,
	    mpps.mean);
	out("verdicts by traffic: %s", mix);
}

static void print_capture_summary(void)
{
	__u64 measured = frame_set_measured_pkts(&frames);

	if (!pcap_path)
		return;
	out("%s: %llu packets, %d distinct frames measured (%.1f%% of the packets)",
	    pcap_path, (unsigned long long)frames.packets, frames.nr,
	    100.0 * measured / frames.packets);
	if (frames.short_pkts || frames.long_pkts || frames.cut_pkts)
		out("  skipped: %llu shorter than %d B, %llu longer than %d B (MTU %d), %llu cut by the snap length",
		    (unsigned long long)frames.short_pkts, FRAME_MIN_LEN,
		    (unsigned long long)frames.long_pkts, FRAME_MAX_LEN,
		    FRAME_MTU, (unsigned long long)frames.cut_pkts);
	if (frames.beyond_pkts)
		out("  not measured: %llu packets of %d+ less frequent frames (raise --pcap-max)",
		    (unsigned long long)frames.beyond_pkts, frames.nr_beyond);
}

static void measure_frames(struct fwd_bench *fb, bool fwd_based)
{
	const char *name = bpf_program__name(uo.prog);
	struct weighted wt = {};
	__u64 total = frame_set_measured_pkts(&frames);

	print_capture_summary();
	for (int i = 0; i < frames.nr && !test__stopping(); i++) {
		const struct frame *f = &frames.frames[i];
		struct point_id key = {
			.property = "pcap", .n = i + 1, .variant = name,
			.frame_size = f->len + PKT_FCS_LEN, .mode = "test_run",
		};
		struct measure_spec spec = {
			.prog_fd = uo.prog_fd, .pkt = f->data, .pkt_len = f->len,
			.any_verdict = true,
		};
		struct measure_result res;
		char what[96], head[160];

		if (fwd_based)
			spec.hooks = (struct run_hooks){ .ctx = fb,
				.arm = fwd_frame_arm, .count = fwd_frame_count };
		test__progress(i, frames.nr);
		frame_describe(f->data, f->len, what, sizeof(what));
		snprintf(head, sizeof(head), "  #%-3d %5.1f%% %4u B  %-44.44s", i + 1,
			 100.0 * f->count / frames.packets, f->len, what);
		if (measure_point(&spec, &res)) {
			out("%s FAIL %s", head, res.error);
			test__fail();
			continue;
		}
		measure_record(&key, &res);
		print_frame(head, &res);
		weigh(&wt, (double)f->count / total, &res);
	}
	test__progress(frames.nr, frames.nr);
	if (frames.nr > 1 && !test__stopping())
		record_weighted(&wt, name, total);
}

static void run_user_obj(void)
{
	const char *name = bpf_program__name(uo.prog);
	struct fwd_bench fb;
	bool fwd_based;

	if (!test__start_subtest(name))
		goto out;
	if (!frames.nr) {
		measure_sizes(&uo);
		goto out;
	}
	/* programs built on the base forwarder get their maps configured */
	fwd_based = !fwd_bench_init(&fb, uo.obj, false);
	out("%s: program '%s'%s, %d reps per frame in one load%s%s",
	    env.obj_path, name,
	    fwd_based ? " (built on xdp_fwd: output validated)" : "",
	    env.reps, uo.nr_pinned ? ", maps pinned in a private bpffs" : "",
	    uobj_setup_cmd() ? ", --setup done" : "");
	measure_frames(&fb, fwd_based);
out:
	uobj_close(&uo);
	frame_set_free(&frames);
}

const struct prog_test_def user_obj_test = {
	.name = "obj",
	.run = run_user_obj,
};
