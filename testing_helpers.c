// SPDX-License-Identifier: GPL-2.0
/* Helpers of prog_tests/ (see testing_helpers.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test_perf.h"
#include "testing_helpers.h"
#include "util.h"

#define SELF_OUTPUT_MAX	(4 << 20)
#define SELF_MAX_ARGS	64
#define SIGNAL_GAP_US	2000

/* ---- temporary directories and files ---- */

bool make_tmp(char *dir, size_t len)
{
	int n = snprintf(dir, len, "/tmp/xdp-perf-%s.XXXXXX",
			 env.test_name ?: "test");

	if (!ASSERT_TRUE(n > 0 && (size_t)n < len, "temporary directory name"))
		return false;
	return ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp");
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(path) ? -errno : 0;
}

/* What a failed subtest made stays, to look at. */
void drop_tmp(const char *dir, bool ok)
{
	int err;

	if (!ok) {
		test__log("files kept in %s", dir);
		return;
	}
	/* depth first, symlinks removed and never followed, one file system */
	err = nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (err)
		test__log("cannot remove all of %s: %s", dir,
			  strerror(err < 0 ? -err : errno));
}

static int join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !join(path, sizeof(path), dir, name) && !lstat(path, &st);
}

char *file_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0, cap = 4096;
	char *buf = NULL, *nb;
	ssize_t n;

	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || got == cap - 1) {
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

bool file_contains(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], *buf;
	bool found;
	size_t len;

	if (join(path, sizeof(path), dir, name))
		return false;
	buf = file_read(path, &len);
	/* memmem: a binary file may hold a NUL before the text */
	found = buf && memmem(buf, len, text, strlen(text));
	free(buf);
	return found;
}

int file_put(const char *dir, const char *name, const char *text)
{
	size_t len = strlen(text), done = 0;
	char path[PATH_MAX];
	int fd, err = 0;
	ssize_t n;

	if (join(path, sizeof(path), dir, name))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	while (!err && done < len) {
		n = write(fd, text + done, len - done);
		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			done += n;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void log_output(const char *what, const char *text, bool always)
{
	void (*out)(const char *fmt, ...) = always ? test__log : test__info;
	const char *l = text, *nl;

	out("%s:", what);
	for (; l && *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl) {
			out("| %s", l);
			break;
		}
		out("| %.*s", (int)(nl - l), l);
	}
}

/* ---- test_perf as a child ---- */

struct self_ctx {
	const struct self_opts *opts;
	struct self_run *run;
};

static int drop_to_nobody(void *ctx)
{
	gid_t gid = NOBODY_ID;

	return setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	       setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ? -1 : 0;
}

static int self_watch(int pid, const char *out, void *ctx)
{
	const struct self_ctx *c = ctx;
	const struct self_opts *o = c->opts;
	int i;

	c->run->pid = pid;
	if (!o->signal || !o->signal_when)
		return RUN_WATCH_DONE;
	if (!o->signal_when(pid, out, o->ctx))
		return RUN_WATCH_MORE;
	c->run->signalled = true;
	if (o->signal == SIGPIPE)
		return RUN_WATCH_CLOSE_OUT;
	for (i = 0; i < (o->signal_times ?: 1); i++) {
		if (i)
			usleep(SIGNAL_GAP_US);
		kill(pid, o->signal);
	}
	return RUN_WATCH_DONE;
}

static int self_exe(char *buf, size_t len, const char *exe)
{
	ssize_t n;

	if (exe)
		return join(buf, len, test__exe_dir(), exe);
	/* the binary under test is this one, whatever its name */
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int run_self_argv(struct self_run *run, const struct self_opts *opts,
		  const char *const args[])
{
	const char *argv[SELF_MAX_ARGS + 2];
	struct self_ctx ctx = { opts, run };
	struct run_opts ro = {};
	char exe[PATH_MAX];
	int i, ret;

	self_run_free(run);
	if (!ASSERT_TRUE(opts && opts->timeout_ms > 0, "run_self() timeout"))
		return run->status = -EINVAL;
	ret = self_exe(exe, sizeof(exe), opts->exe);
	if (!ASSERT_OK(ret, "path of test_perf"))
		return run->status = ret;
	argv[0] = exe;
	for (i = 0; args[i]; i++) {
		if (!ASSERT_LT(i, SELF_MAX_ARGS, "run_self() arguments fit"))
			return run->status = -E2BIG;
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	run->out = malloc(SELF_OUTPUT_MAX);
	run->err = malloc(SELF_OUTPUT_MAX);
	if (!ASSERT_TRUE(run->out && run->err, "run_self() buffers")) {
		self_run_free(run);
		return run->status = -ENOMEM;
	}
	ro.out = run->out;
	ro.out_len = SELF_OUTPUT_MAX;
	ro.err = run->err;
	ro.err_len = SELF_OUTPUT_MAX;
	ro.timeout_ms = opts->timeout_ms;
	ro.env = opts->env;
	ro.in_child = opts->as_nobody ? drop_to_nobody : NULL;
	ro.watch = self_watch;
	ro.ctx = &ctx;
	run->status = run_cmd(argv, &ro);
	if (run->status == -ETIMEDOUT)
		test__log("%s did not end within %d ms: killed", exe,
			  opts->timeout_ms);
	return run->status;
}

void self_run_free(struct self_run *run)
{
	free(run->out);
	free(run->err);
	memset(run, 0, sizeof(*run));
}

/* ---- a function in a child ---- */

int run_in_child(int (*fn)(void *ctx), void *ctx, int timeout_ms)
{
	double deadline = mono_ns() + timeout_ms * 1e6;
	int status;
	pid_t pid, w;

	if (!ASSERT_GT(timeout_ms, 0, "run_in_child() timeout"))
		return -EINVAL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(fn(ctx));
	while ((w = waitpid(pid, &status, WNOHANG)) != pid) {
		if (w < 0 && errno != EINTR)
			return -errno;
		if (mono_ns() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		usleep(10000);
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     WEXITSTATUS(status);
}

/* ---- shell steps ---- */

int sys_cmd(const char *file, int line, bool assert, const char *fmt, ...)
{
	char cmd[1024], out[4096];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct run_opts ro = {
		.out = out, .out_len = sizeof(out),
		.timeout_ms = SYS_TIMEOUT_MS,
	};
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		if (assert)
			test__assert_fail(file, line, "SYS",
					  "command longer than %zu bytes: %.60s...",
					  sizeof(cmd) - 1, cmd);
		return -E2BIG;
	}
	ret = run_cmd(argv, &ro);
	if (!ret || !assert)
		return ret;
	if (ret == -ETIMEDOUT)
		test__assert_fail(file, line, cmd,
				  "\"%s\" still ran after %d ms: killed", cmd,
				  SYS_TIMEOUT_MS);
	else
		test__assert_fail(file, line, cmd, "\"%s\" failed: %s %d", cmd,
				  ret < 0 ? "error" : "exit status", ret);
	log_output("its output", out, true);
	return ret;
}

bool self_refused(const struct self_run *run, const char *why,
		  const char *what)
{
	int lines = 0;
	bool ok;

	for (const char *c = run->err; c && *c; c++)
		lines += *c == '\n';
	ok = ASSERT_EQ(run->status, 2, what) && ASSERT_EQ(lines, 1, "one line") &&
	     ASSERT_OK_PTR(strstr(run->err, why), "the reason");
	if (!ok)
		log_output(what, run->err, true);
	return ok;
}

/* ---- BPF ---- */

int load_xdp_pass(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "hostile_pass", "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

__u32 xdp_skb_prog_id(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(ifindex, 0, &q) ? 0 : q.skb_prog_id;
}

__u32 prog_id_of(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}
