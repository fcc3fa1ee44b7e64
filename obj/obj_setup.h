/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The private bpffs of a user object and its --setup command.
 *
 * The bpffs is a detached mount (fsopen/fsmount): it is in no mount
 * namespace, so nobody else sees it, the host's /sys/fs/bpf is never
 * touched, and it is freed with everything pinned in it when its last fd
 * closes, whatever ends the process. Its path for this process and its
 * children (root) is /proc/<pid>/fd/<fd>.
 */
#ifndef __OBJ_SETUP_H
#define __OBJ_SETUP_H

#include <stddef.h>

/*
 * Mount a private bpffs: its fd (close it to free it), the path to it in
 * dir, or -errno (-ENOSYS or -EPERM: the kernel or the process cannot).
 */
int obj_bpffs_create(char *dir, size_t len);

/* The environment a --setup command gets, beside the caller's own. */
struct obj_setup_env {
	const char *pin_dir;	/* XDP_PERF_PIN_DIR: the object's maps by name */
	const char *obj_path;	/* XDP_PERF_OBJ */
	const char *prog_name;	/* XDP_PERF_PROG */
	int prog_id;		/* XDP_PERF_PROG_ID */
};

#define OBJ_SETUP_TIMEOUT_MS	120000

/*
 * Run cmd with /bin/sh -c and env, stdin from /dev/null, its stdout and
 * stderr captured into out. The exit status (0 success), 128 + signal,
 * -ETIMEDOUT after OBJ_SETUP_TIMEOUT_MS, or -errno.
 */
int obj_setup_run(const char *cmd, const struct obj_setup_env *env,
		  char *out, size_t out_len);

#endif /* __OBJ_SETUP_H */
