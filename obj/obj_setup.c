// SPDX-License-Identifier: GPL-2.0
/* The private bpffs of a user object and its --setup command (obj_setup.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "obj_setup.h"
#include "util.h"

/* glibc 2.36 has wrappers, older ones do not: the system calls directly. */
static int sys_fsopen(const char *fs, unsigned int flags)
{
	return syscall(__NR_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned int cmd, const char *key,
			const void *value, int aux)
{
	return syscall(__NR_fsconfig, fd, cmd, key, value, aux);
}

static int sys_fsmount(int fd, unsigned int flags, unsigned int attr)
{
	return syscall(__NR_fsmount, fd, flags, attr);
}

int obj_bpffs_create(char *dir, size_t len)
{
	int fs, mnt, err;

	fs = sys_fsopen("bpf", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		err = -errno;
		close(fs);
		return err;
	}
	mnt = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID |
			  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	err = mnt < 0 ? -errno : 0;
	close(fs);
	if (err)
		return err;
	/* the fd's magic link leads to the mount's root, for children too */
	snprintf(dir, len, "/proc/%d/fd/%d", getpid(), mnt);
	return mnt;
}

static void set_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

int obj_setup_run(const char *cmd, const struct obj_setup_env *env,
		  char *out, size_t out_len)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct run_opts opts = {
		.out = out,
		.out_len = out_len,
		.timeout_ms = OBJ_SETUP_TIMEOUT_MS,
	};
	char id[16];
	int ret;

	snprintf(id, sizeof(id), "%d", env->prog_id);
	set_env("XDP_PERF_PIN_DIR", env->pin_dir);
	set_env("XDP_PERF_OBJ", env->obj_path);
	set_env("XDP_PERF_PROG", env->prog_name);
	set_env("XDP_PERF_PROG_ID", id);
	ret = run_cmd(argv, &opts);
	set_env("XDP_PERF_PIN_DIR", NULL);
	set_env("XDP_PERF_OBJ", NULL);
	set_env("XDP_PERF_PROG", NULL);
	set_env("XDP_PERF_PROG_ID", NULL);
	return ret;
}
