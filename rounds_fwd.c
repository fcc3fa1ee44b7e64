// SPDX-License-Identifier: GPL-2.0
/*
 * The base forwarder as a program of the rounds (rounds.h): an object file
 * built on progs/xdp_fwd_base.bpf.h, loaded afresh and configured for
 * BPF_PROG_TEST_RUN (fwd_bench.h) every round. The reference of every
 * test is one; xdp_fwd/perf measures another.
 */
#include <limits.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "rounds.h"

#define REF_OBJ		"bpf/xdp_fwd.bpf.o"

struct fwd_file_prog {
	struct round_prog p;
	char path[PATH_MAX];
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct fwd_bench fb;
};

static int fwd_file_load(struct round_prog *rp, char *why, size_t len)
{
	struct fwd_file_prog *f = rp->ctx;
	int err;

	f->obj = bpf_object__open_file(f->path, NULL);
	err = libbpf_get_error(f->obj);
	if (err) {
		f->obj = NULL;
		snprintf(why, len, "cannot open %s: %s", f->path, strerror(-err));
		return err;
	}
	err = bpf_object__load(f->obj);
	if (!err) {
		f->prog = bpf_object__next_program(f->obj, NULL);
		err = f->prog ? fwd_bench_init(&f->fb, f->obj, false) : -ENOENT;
	}
	if (err) {
		snprintf(why, len, "%s: cannot load and configure: %s",
			 f->path, strerror(-err));
		bpf_object__close(f->obj);
		f->obj = NULL;
	}
	return err;
}

static int fwd_file_fd(struct round_prog *rp)
{
	struct fwd_file_prog *f = rp->ctx;

	return bpf_program__fd(f->prog);
}

static int fwd_file_measure(struct round_prog *rp, int size,
			    const struct measure_tune *tune,
			    struct measure_result *res)
{
	struct fwd_file_prog *f = rp->ctx;

	return fwd_bench_measure_tuned(&f->fb, bpf_program__fd(f->prog), size,
				       tune, res);
}

static void fwd_file_unload(struct round_prog *rp)
{
	struct fwd_file_prog *f = rp->ctx;

	bpf_object__close(f->obj);
	f->obj = NULL;
	f->prog = NULL;
}

static const struct round_prog_ops fwd_file_ops = {
	.load = fwd_file_load,
	.prog_fd = fwd_file_fd,
	.measure = fwd_file_measure,
	.unload = fwd_file_unload,
};

struct round_prog *round_prog_fwd_file(const char *path, const char *name,
				       const int *sizes, int nr)
{
	struct fwd_file_prog *f = calloc(1, sizeof(*f));

	if (!f || nr > PERF_MAX_SIZES) {
		free(f);
		return NULL;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->p.ops = &fwd_file_ops;
	f->p.ctx = f;
	f->p.name = name;
	memcpy(f->p.sizes, sizes, nr * sizeof(*sizes));
	f->p.nr_sizes = nr;
	return &f->p;
}

void round_prog_fwd_file_free(struct round_prog *p)
{
	if (p)
		free(p->ctx);
}

int rounds_add_reference(struct round_set *rs, const int *sizes, int nr)
{
	char path[PATH_MAX];
	struct round_prog *p;
	int err;

	err = test__path(path, sizeof(path), REF_OBJ);
	if (err)
		return err;
	p = round_prog_fwd_file(path, "reference", sizes, nr);
	if (!p)
		return -ENOMEM;
	p->key = (struct point_id){
		.property = "reference", .n = 0, .variant = "xdp_fwd",
		.op = "", .mode = "test_run",
	};
	err = rounds_add(rs, p);
	if (err) {
		round_prog_fwd_file_free(p);
		return err;
	}
	rs->ref = p;
	return 0;
}
