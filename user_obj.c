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

static struct bpf_program *pick_program(struct bpf_object *obj)
{
	struct bpf_program *prog, *found = NULL;

	bpf_object__for_each_program(prog, obj) {
		bool is_xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		/* only XDP programs are loaded: others may need targets */
		bpf_program__set_autoload(prog, is_xdp);
		if (!is_xdp || found)
			continue;
		if (!env.obj_prog || !strcmp(bpf_program__name(prog), env.obj_prog))
			found = prog;
	}
	return found;
}

static int open_and_load(struct bpf_object **objp, struct bpf_program **progp)
{
	libbpf_print_fn_t old = libbpf_set_print(capture_print);
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(env.obj_path, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		libbpf_set_print(old);
		fprintf(stderr, "test_perf: cannot open %s: %s\n", env.obj_path,
			err == -ENOENT ? "no such file" :
			err == -EACCES ? "permission denied" :
			"not a BPF object file (build it with clang -target bpf)");
		return EXIT_USAGE;
	}
	*progp = pick_program(obj);
	if (!*progp) {
		libbpf_set_print(old);
		if (env.obj_prog)
			fprintf(stderr, "test_perf: %s has no XDP program named '%s' (see bpftool prog load / llvm-objdump -h)\n",
				env.obj_path, env.obj_prog);
		else
			fprintf(stderr, "test_perf: %s has no XDP program (SEC(\"xdp\"))\n",
				env.obj_path);
		bpf_object__close(obj);
		return EXIT_USAGE;
	}
	err = bpf_object__load(obj);
	libbpf_set_print(old);
	if (err) {
		fprintf(stderr, "test_perf: %s: %s program '%s' (%s)\n",
			env.obj_path,
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
			bool fwd_based, int size, struct measure_result *res)
{
	unsigned char pkt[PKT_MAX_FRAME];
	struct measure_spec spec = {
		.prog_fd = bpf_program__fd(prog),
		.pkt = pkt,
		.any_verdict = true,
	};
	int err;

	if (fwd_based)
		return fwd_bench_measure(fb, spec.prog_fd, size, res);
	err = fwd_bench_frame(NULL, size, pkt, NULL, &spec.pkt_len);
	if (err)
		return err;
	return measure_point(&spec, res);
}

int user_obj_main(void)
{
	struct bpf_program *prog = NULL;
	struct bpf_object *obj = NULL;
	struct fwd_bench fb;
	bool fwd_based;
	int i, ret, failed = 0;

	if (!env.can_bpf) {
		fprintf(stderr, "test_perf: --obj: %s\n", env.no_bpf_reason);
		return EXIT_SKIP;
	}
	ret = open_and_load(&obj, &prog);
	if (ret)
		return ret;
	/* programs built on the base forwarder get their maps configured */
	fwd_based = !fwd_bench_init(&fb, obj, false);
	env.test_name = "obj";
	env.subtest_name = bpf_program__name(prog);
	printf("%s: program '%s'%s, %d reps per point\n", env.obj_path,
	       bpf_program__name(prog),
	       fwd_based ? " (built on xdp_fwd: output validated)" : "",
	       env.reps);
	for (i = 0; i < env.nr_sizes && !test__stopping(); i++) {
		struct point_key key = {
			.property = "obj", .n = -1,
			.variant = bpf_program__name(prog),
			.frame_size = env.sizes[i], .mode = "test_run",
		};
		struct measure_result res;

		test__progress(i, env.nr_sizes);
		ret = measure_size(prog, &fb, fwd_based, env.sizes[i], &res);
		if (ret) {
			printf("%5d B: FAIL %s\n", env.sizes[i], res.error);
			failed++;
			continue;
		}
		measure_record(&key, &res);
		printf("%5d B: %-12s %9.3f ns/pkt  95%% CI [%.3f, %.3f]  median %.3f  sd %.3f  %7.2f Mpps\n",
		       env.sizes[i], xdp_verdict_name(res.verdict), res.ns.mean,
		       res.ns.ci95_low, res.ns.ci95_high, res.ns.median,
		       res.ns.stddev, res.mpps.mean);
	}
	test__progress(env.nr_sizes, env.nr_sizes);
	if (env.out_dir && results_count() && !results_write(env.out_dir))
		printf("Results: %d points in %s/data.csv and data.json\n",
		       results_count(), env.out_dir);
	bpf_object__close(obj);
	return failed ? 1 : 0;
}
