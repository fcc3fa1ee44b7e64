/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place user objects are opened and loaded (--obj, --vs):
 *
 *	struct uobj u;
 *	char err[256];
 *
 *	if (uobj_open("prog.o", NULL, &u, err, sizeof(err))) {
 *		fprintf(stderr, "test_perf: %s\n", err);
 *		uobj_print_log(stderr);
 *		return uobj_exit_status(&u);	// 2, 4 or 1
 *	}
 *	... measure u.prog_fd ...
 *	uobj_close(&u);
 *
 * What a user object gets: only its XDP programs load (others may need
 * attach targets); its global variables are set from --set NAME=VALUE
 * through BTF before load; every map it pins (LIBBPF_PIN_BY_NAME) goes to
 * a private bpffs of its own (obj_setup.h), never to the host's
 * /sys/fs/bpf, which is neither read nor written, mounted or not; after
 * load every map is pinned there by name and --setup CMD runs with that
 * directory in XDP_PERF_PIN_DIR, so that bpftool or the user's loader can
 * fill the maps before anything is timed. A failed load names its cause
 * (pinning, BTF, a kernel feature, the verifier with its log's tail).
 * Nothing outlives the process: the private bpffs is a detached mount,
 * freed when its fd closes, on any exit path.
 */
#ifndef __OBJ_LOAD_H
#define __OBJ_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bpf_object;
struct bpf_program;

/* What the loader does beyond libbpf's defaults. */
struct uobj_opts {
	const char *const *sets;	/* "NAME=VALUE" global variables */
	int nr_sets;
	const char *setup;		/* shell command after load, or NULL */
	bool quiet;			/* do not print the setup's progress */
};

struct uobj {
	struct bpf_object *obj;
	struct bpf_program *prog;	/* the program to measure */
	int prog_fd;
	const char *path;
	char pin_dir[64];		/* the private bpffs, "" without one */
	int bpffs_fd;			/* -1 without one */
	int nr_pinned;			/* maps pinned there by name */
	int status;			/* exit status of a failure: 2, 4 or 1 */
};

/*
 * Open path, pick the XDP program prog (NULL: the first one), apply the
 * command line's --set and --setup (uobj_open) or opts, load. 0, or
 * -errno with a one-line message (no "test_perf: " prefix) in why, the
 * verifier's or libbpf's last lines for uobj_print_log(), and u->status
 * set: 2 bad object or --set, 4 no privileges or a missing kernel
 * feature, 1 --setup failed. u needs uobj_close() either way.
 */
int uobj_open(const char *path, const char *prog, struct uobj *u,
	      char *why, size_t why_len);
int uobj_open_opts(const char *path, const char *prog,
		   const struct uobj_opts *opts, struct uobj *u,
		   char *why, size_t why_len);
/* The command line's --set and --setup as options of uobj_open_opts(). */
void uobj_cli_opts(struct uobj_opts *opts);
/* Close the object and free the private bpffs; idempotent. */
void uobj_close(struct uobj *u);
int uobj_exit_status(const struct uobj *u);

/* The tail of the log of the last failed uobj_open, indented, on f. */
void uobj_print_log(FILE *f);

/* The command line's --setup (NULL when none). */
const char *uobj_setup_cmd(void);

/*
 * A bounded tail of a text stream (the verifier and libbpf logs): keeps
 * the last UOBJ_LOG_SIZE - 1 bytes, always NUL-terminated.
 */
#define UOBJ_LOG_SIZE	(16 * 1024)
struct uobj_log {
	char buf[UOBJ_LOG_SIZE];
	size_t len;
};
void uobj_log_add(struct uobj_log *log, const char *s, size_t n);
/* Start of the last `lines` lines of log->buf. */
const char *uobj_log_last_lines(const struct uobj_log *log, int lines);

#endif /* __OBJ_LOAD_H */
