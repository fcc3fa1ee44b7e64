// SPDX-License-Identifier: GPL-2.0
/*
 * --obj FILE.o [--prog NAME]: measure a user's XDP program at every frame
 * size with the same engine and output as the suite's own programs.
 */
#define _GNU_SOURCE
#include <stdarg.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "runner.h"
#include "results.h"
#include "rounds.h"
#include "user_obj.h"
#include "util.h"

#define EXIT_USAGE	2
#define EXIT_SKIP	4
#define LOG_TAIL_LINES	6

/* libbpf's messages during open/load, kept to explain a failure */
static char load_log[64 * 1024];
static size_t load_log_len;

static int capture_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(load_log + load_log_len,
		      sizeof(load_log) - load_log_len, fmt, ap);
	if (n > 0 && load_log_len + n < sizeof(load_log)) {
		load_log_len += n;
	} else {
		/* keep the tail: that is where the verifier says why */
		size_t keep = sizeof(load_log) / 2;

		memmove(load_log, load_log + load_log_len - keep, keep);
		load_log_len = keep;
		load_log[keep] = '\0';
	}
	return 0;
}

/* Print the last lines of the verifier log, indented, on stderr. */
static void print_log_tail(void)
{
	char *end = strstr(load_log, "-- END PROG LOAD LOG --");
	char *p;
	int lines = 0;

	if (!end)
		end = load_log + load_log_len;
	p = end;
	while (p > load_log && lines <= LOG_TAIL_LINES)
		if (*--p == '\n')
			lines++;
	fprintf(stderr, "  verifier log (tail):\n");
	for (char *line = strtok(p, "\n"); line && line < end;
	     line = strtok(NULL, "\n"))
		if (!strstr(line, "PROG LOAD LOG"))
			fprintf(stderr, "    %s\n", line);
}

static struct bpf_program *pick_program(struct bpf_object *obj,
					const char *name)
{
	struct bpf_program *prog, *found = NULL;

	bpf_object__for_each_program(prog, obj) {
		bool is_xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		/* only XDP programs are loaded: others may need targets */
		bpf_program__set_autoload(prog, is_xdp);
		if (!is_xdp || found)
			continue;
		if (!name || !strcmp(bpf_program__name(prog), name))
			found = prog;
	}
	return found;
}

static int open_and_load(const char *path, const char *name,
			 struct bpf_object **objp, struct bpf_program **progp)
{
	libbpf_print_fn_t old = libbpf_set_print(capture_print);
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(path, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		libbpf_set_print(old);
		fprintf(stderr, "test_perf: cannot open %s: %s\n", path,
			err == -ENOENT ? "no such file" :
			err == -EACCES ? "permission denied" :
			"not a BPF object file (build it with clang -target bpf)");
		return EXIT_USAGE;
	}
	*progp = pick_program(obj, name);
	if (!*progp) {
		libbpf_set_print(old);
		if (name)
			fprintf(stderr, "test_perf: %s has no XDP program named '%s' (see bpftool prog load / llvm-objdump -h)\n",
				path, name);
		else
			fprintf(stderr, "test_perf: %s has no XDP program (SEC(\"xdp\"))\n",
				path);
		bpf_object__close(obj);
		return EXIT_USAGE;
	}
	err = bpf_object__load(obj);
	libbpf_set_print(old);
	if (err) {
		fprintf(stderr, "test_perf: %s: %s program '%s' (%s)\n",
			path,
			err == -EACCES || err == -EINVAL ?
			"the verifier refused" : "the kernel could not load",
			bpf_program__name(*progp), strerror(-err));
		print_log_tail();
		bpf_object__close(obj);
		return EXIT_USAGE;
	}
	*objp = obj;
	return 0;
}

static int measure_size(struct bpf_program *prog, struct fwd_bench *fb,
			bool fwd_based, int size,
			const struct measure_tune *tune,
			struct measure_result *res)
{
	unsigned char pkt[PKT_MAX_FRAME];
	struct measure_spec spec = {
		.prog_fd = bpf_program__fd(prog),
		.pkt = pkt,
		.any_verdict = true,
		.tune = *tune,
	};
	int err;

	if (fwd_based)
		return fwd_bench_measure_tuned(fb, spec.prog_fd, size, tune,
					       res);
	err = fwd_bench_frame(NULL, size, pkt, NULL, &spec.pkt_len);
	if (err)
		return err;
	return measure_point(&spec, res);
}

/* ---- the object as a program of the rounds (rounds.h) ---- */

struct obj_prog {
	struct round_prog p;
	const char *path, *name;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct fwd_bench fb;
	bool fwd_based;
};

static int obj_prog_load(struct round_prog *rp, char *why, size_t len)
{
	struct obj_prog *o = rp->ctx;

	if (open_and_load(o->path, o->name, &o->obj, &o->prog)) {
		snprintf(why, len, "%s: cannot load", o->path);
		return -EINVAL;
	}
	/* programs built on the base forwarder get their maps configured */
	o->fwd_based = !fwd_bench_init(&o->fb, o->obj, false);
	return 0;
}

static int obj_prog_fd(struct round_prog *rp)
{
	struct obj_prog *o = rp->ctx;

	return bpf_program__fd(o->prog);
}

static int obj_prog_measure(struct round_prog *rp, int size,
			    const struct measure_tune *tune,
			    struct measure_result *res)
{
	struct obj_prog *o = rp->ctx;

	return measure_size(o->prog, &o->fb, o->fwd_based, size, tune, res);
}

static void obj_prog_unload(struct round_prog *rp)
{
	struct obj_prog *o = rp->ctx;

	bpf_object__close(o->obj);
	o->obj = NULL;
}

static const struct round_prog_ops obj_prog_ops = {
	.load = obj_prog_load,
	.prog_fd = obj_prog_fd,
	.measure = obj_prog_measure,
	.unload = obj_prog_unload,
};

struct round_prog *user_obj_prog(const char *path, const char *name,
				 char *desc, size_t len)
{
	struct obj_prog *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->path = path;
	o->name = name;
	o->p.ops = &obj_prog_ops;
	o->p.ctx = o;
	memcpy(o->p.sizes, env.sizes, env.nr_sizes * sizeof(int));
	o->p.nr_sizes = env.nr_sizes;
	/* the first load says whether the object is usable at all */
	if (obj_prog_load(&o->p, desc, len)) {
		free(o);
		return NULL;
	}
	o->p.name = strdup(bpf_program__name(o->prog));
	snprintf(desc, len, "%s: program '%s'%s", path, o->p.name,
		 o->fwd_based ? " (built on xdp_fwd: output validated)" : "");
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

int user_obj_main(void)
{
	struct round_prog *p;
	struct round_set rs;
	char desc[512];
	int failed = 0;

	if (!env.can_bpf) {
		fprintf(stderr, "test_perf: --obj: %s\n", env.no_bpf_reason);
		return EXIT_SKIP;
	}
	p = user_obj_prog(env.obj_path, env.obj_prog, desc, sizeof(desc));
	if (!p)
		return EXIT_USAGE;
	env.test_name = "obj";
	env.subtest_name = p->name;
	printf("%s, %d rounds x %d loops per point\n", desc,
	       rounds_profile_rounds(), rounds_profile_loops());
	if (rounds_init(&rs) || rounds_add(&rs, p) ||
	    rounds_add_reference(&rs, env.sizes, env.nr_sizes))
		failed = 1;
	else
		rounds_run(&rs);
	for (int s = 0; s < p->nr_sizes && !failed; s++) {
		struct point_key key = {
			.property = "obj", .n = -1, .variant = p->name,
			.mode = "test_run",
		};
		struct sample_stats ns;
		struct round_info ri;

		if (rounds_record(&rs, p, s, &key)) {
			printf("%5d B: FAIL %s\n", p->sizes[s],
			       p->series[s].err ? p->series[s].why : p->load_why);
			failed++;
			continue;
		}
		rounds_summary(&rs, p, s, &ns, &ri);
		printf("%5d B: %-12s %9.3f ns/pkt  95%% CI [%.3f, %.3f]  median %.3f  sd %.3f  %d rounds\n",
		       p->sizes[s], xdp_verdict_name(p->series[s].verdict[0]),
		       ns.mean, ns.ci95_low, ns.ci95_high, ns.median, ns.stddev,
		       ri.rounds);
	}
	rounds_record_reference(&rs);
	rounds_free(&rs);
	user_obj_prog_free(p);
	if (env.out_dir && results_count() && !results_write(env.out_dir))
		printf("Results: %d points in %s/data.csv and data.json\n",
		       results_count(), env.out_dir);
	return failed ? 1 : 0;
}
