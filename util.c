// SPDX-License-Identifier: GPL-2.0
/*
 * Small shared helpers: clocks, comparators, a growing array, verdict
 * names, processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/bpf.h>

#include "util.h"

double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double mono_s(void)
{
	return mono_ns() / 1e9;
}

double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

#define GROW_ARRAY_MIN	16

int grow_array(void *arrayp, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : GROW_ARRAY_MIN;
	void *old, *grown;

	if (need <= *cap)
		return 0;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : 2 * n;
	/* no object is larger than PTRDIFF_MAX: pointers must subtract */
	if (!elem || n > PTRDIFF_MAX / elem)
		return -ENOMEM;
	/* *arrayp is a pointer of the caller's type: copied, not cast */
	memcpy(&old, arrayp, sizeof(old));
	grown = realloc(old, n * elem);
	if (!grown)
		return -ENOMEM;
	memcpy(arrayp, &grown, sizeof(grown));
	*cap = n;
	return 0;
}

const char *xdp_verdict_name(__u32 verdict)
{
	static const char *const names[] = {
		[XDP_ABORTED] = "XDP_ABORTED", [XDP_DROP] = "XDP_DROP",
		[XDP_PASS] = "XDP_PASS", [XDP_TX] = "XDP_TX",
		[XDP_REDIRECT] = "XDP_REDIRECT",
	};

	return verdict < ARRAY_SIZE(names) ? names[verdict] : "unknown verdict";
}

bool pid_alive(int pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (pid <= 0)
		return false;
	if (kill(pid, 0) && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')' */
	p = strrchr(buf, ')');
	return !p || p[1] != ' ' || (p[2] != 'Z' && p[2] != 'X');
}

/* In the child: stdin from /dev/null, output where opts says, then exec. */
static void run_child(const char *const argv[], const struct run_opts *o,
		      int out_fd)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log_fd = -1;

	/* out of the terminal's process group: Ctrl-C is for test_perf */
	setpgid(0, 0);
	if (null_fd >= 0)
		dup2(null_fd, STDIN_FILENO);
	if (out_fd < 0 && o->log_path)
		log_fd = open(o->log_path, O_WRONLY | O_CREAT | O_APPEND |
			      O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out_fd < 0)
		out_fd = log_fd >= 0 ? log_fd : null_fd;
	if (out_fd >= 0) {
		dup2(o->stderr_only && null_fd >= 0 ? null_fd : out_fd,
		     STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	if (o->cwd && chdir(o->cwd))
		_exit(127);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/* Drain fd into out until EOF or the deadline; false at the deadline. */
static bool run_drain(int fd, const struct run_opts *o, double deadline_ns)
{
	size_t got = 0, room = o->out_len ? o->out_len - 1 : 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char sink[512];
	ssize_t n;
	int wait_ms, rc;

	for (;;) {
		wait_ms = -1;
		if (deadline_ns > 0) {
			double left = deadline_ns - mono_ns();

			if (left <= 0)
				break;
			wait_ms = (int)(left / 1e6) + 1;
		}
		rc = poll(&pfd, 1, wait_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			break;
		if (got < room)
			n = read(fd, o->out + got, room - got);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (o->out_len)
				o->out[got] = '\0';
			return true;
		}
		if (got < room)
			got += n;
	}
	if (o->out_len)
		o->out[got] = '\0';
	return false;
}

int run_cmd(const char *const argv[], const struct run_opts *opts)
{
	const struct run_opts none = {};
	const struct run_opts *o = opts ?: &none;
	double deadline = o->timeout_ms > 0 ?
			  mono_ns() + o->timeout_ms * 1e6 : 0;
	bool capture = o->out && o->out_len, timed_out = false;
	int pfd[2] = { -1, -1 }, status;
	pid_t pid;

	if (capture) {
		o->out[0] = '\0';
		if (pipe2(pfd, O_CLOEXEC))
			return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (capture) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return err;
	}
	if (!pid)
		run_child(argv, o, pfd[1]);
	if (capture) {
		close(pfd[1]);
		timed_out = !run_drain(pfd[0], o, deadline);
		close(pfd[0]);
	}
	while (!timed_out && deadline > 0) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			goto done;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (mono_ns() >= deadline)
			timed_out = true;
		else
			usleep(10000);
	}
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (timed_out)
		return -ETIMEDOUT;
done:
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
