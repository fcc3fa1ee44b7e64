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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/bpf.h>

#include "util.h"

#define RUN_TICK_MS	10

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

/* The child's environment: environ with opts' entries in place. */
static char **run_env(const char *const *extra)
{
	extern char **environ;
	size_t n = 0, m = 0, k, i, j, len;
	char **envp;

	while (environ[n])
		n++;
	while (extra[m])
		m++;
	envp = calloc(n + m + 1, sizeof(*envp));
	if (!envp)
		return NULL;
	for (k = 0; k < m; k++)
		envp[k] = (char *)extra[k];
	for (i = 0; i < n; i++) {
		for (j = 0; j < m; j++) {
			len = strcspn(extra[j], "=");
			if (!strncmp(environ[i], extra[j], len) &&
			    environ[i][len] == '=')
				break;
		}
		if (j == m)
			envp[k++] = environ[i];
	}
	return envp;
}

/* In the child: its directory, input and output as opts says, then exec. */
static void run_child(const char *const argv[], const struct run_opts *o,
		      int out_fd, int err_fd, char **envp)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log_fd = -1;

	/* out of the terminal's process group: Ctrl-C is for test_perf */
	setpgid(0, 0);
	if (o->dir_fd > 0 && fchdir(o->dir_fd))
		_exit(127);
	if (o->stdin_fd > 0)
		dup2(o->stdin_fd, STDIN_FILENO);
	else if (null_fd >= 0)
		dup2(null_fd, STDIN_FILENO);
	/* by name in the directory of the fd: no path walked again */
	if (out_fd < 0 && o->log_path)
		log_fd = openat(o->dir_fd > 0 ? o->dir_fd : AT_FDCWD,
				o->log_path, O_WRONLY | O_CREAT | O_APPEND |
				O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
	if (out_fd < 0)
		out_fd = log_fd >= 0 ? log_fd : null_fd;
	if (err_fd < 0)
		err_fd = out_fd;
	if (out_fd >= 0)
		dup2(o->stderr_only && null_fd >= 0 ? null_fd : out_fd,
		     STDOUT_FILENO);
	if (err_fd >= 0)
		dup2(err_fd, STDERR_FILENO);
	if (o->in_child && o->in_child(o->ctx))
		_exit(127);
	if (envp)
		execvpe(argv[0], (char *const *)argv, envp);
	else
		execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/* A pipe from the child, read into buf (NULL: read and dropped). */
struct run_sink {
	int fd;			/* read end; -1: closed */
	char *buf;
	size_t room, got;	/* room: the buffer's size - 1 */
};

static int sink_open(struct run_sink *s, char *buf, size_t len, int *wr)
{
	int pfd[2];

	s->fd = -1;
	*wr = -1;
	if (!buf || !len)
		return 0;
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	s->fd = pfd[0];
	*wr = pfd[1];
	s->buf = buf;
	s->room = len - 1;
	s->got = 0;
	buf[0] = '\0';
	return 0;
}

static void sink_close(struct run_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* What the pipe holds now; closed at EOF. */
static void sink_read(struct run_sink *s)
{
	char drop[512];
	ssize_t n;

	if (s->got < s->room)
		n = read(s->fd, s->buf + s->got, s->room - s->got);
	else
		n = read(s->fd, drop, sizeof(drop));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		sink_close(s);
		return;
	}
	if (s->got < s->room) {
		s->got += n;
		s->buf[s->got] = '\0';
	}
}

/* Read whatever is ready within wait_ms. */
static void sinks_poll(struct run_sink *sinks, int nr, int wait_ms)
{
	struct pollfd pfd[2];
	int idx[2], i, n = 0;

	for (i = 0; i < nr && n < 2; i++) {
		if (sinks[i].fd < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = sinks[i].fd, .events = POLLIN };
		idx[n++] = i;
	}
	if (!n) {
		usleep(wait_ms * 1000);
		return;
	}
	if (poll(pfd, n, wait_ms) <= 0)
		return;
	for (i = 0; i < n; i++)
		if (pfd[i].revents)
			sink_read(&sinks[idx[i]]);
}

/*
 * The process groups of the commands running now, for the kill path
 * (run_cmd_kill_running()); 0 marks a free slot.
 */
static int running[RUN_CMD_MAX_RUNNING];

static int running_add(pid_t pgid)
{
	for (int i = 0; i < RUN_CMD_MAX_RUNNING; i++) {
		int free_slot = 0;

		if (__atomic_compare_exchange_n(&running[i], &free_slot, pgid,
						false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return i;
	}
	return -1;
}

static void running_del(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&running[slot], 0, __ATOMIC_SEQ_CST);
}

/*
 * What the command left of its process group, background jobs too:
 * they are our children (subreaper) once their parents are gone, and
 * are reaped here, each parent before its children. Called while the
 * leader is an unreaped zombie at least, so that the group's id cannot
 * name another group yet. timeout_ms 0: until all are reaped.
 */
static void end_group(pid_t pgid, int timeout_ms)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	pid_t w;

	kill(-pgid, SIGKILL);
	for (int waited = 0; timeout_ms <= 0 || waited < timeout_ms;) {
		w = waitpid(-pgid, NULL, timeout_ms > 0 ? WNOHANG : 0);
		if (w > 0 || (w < 0 && errno == EINTR))
			continue;
		if (w < 0)
			return;		/* ECHILD: none left */
		nanosleep(&tick, NULL);
		waited += 10;
	}
}

void run_cmd_kill_running(void)
{
	int saved = errno;

	for (int i = 0; i < RUN_CMD_MAX_RUNNING; i++) {
		int pgid = __atomic_load_n(&running[i], __ATOMIC_SEQ_CST);

		if (pgid > 0)
			end_group(pgid, RUN_CMD_KILL_WAIT_MS);
	}
	errno = saved;
}

/* Whether the leader pid has ended, left unreaped (WNOWAIT); or -errno. */
static int leader_ended(pid_t pid)
{
	siginfo_t info = {};

	if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT))
		return errno == EINTR ? 0 : -errno;
	return info.si_pid == pid;
}

/*
 * The child's stdout and stderr until it exits or the deadline; then
 * its whole process group is killed and reaped, the leader last seen
 * unreaped so that its group id still names its group.
 */
static int run_wait(int pid, const struct run_opts *o, struct run_sink *sinks,
		    double deadline, int *status)
{
	bool watching = o->watch;
	int i, ret = 0;

	for (;;) {
		if (watching) {
			switch (o->watch(pid, sinks[0].buf ?: "", o->ctx)) {
			case RUN_WATCH_MORE:
				break;
			case RUN_WATCH_CLOSE_OUT:
				sink_close(&sinks[0]);
				/* fall through */
			default:
				watching = false;
			}
		}
		ret = leader_ended(pid);
		if (ret < 0)		/* reaped elsewhere (the kill path) */
			return ret;
		if (ret)
			break;
		if (deadline > 0 && mono_ns() >= deadline)
			break;
		/* a tick: its exit is seen even while others hold the pipes */
		sinks_poll(sinks, 2, RUN_TICK_MS);
	}
	/* at the timeout, and whatever the command left running */
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	end_group(pid, 0);
	if (!ret)
		return -ETIMEDOUT;
	/* what it wrote before it exited is in the pipes */
	for (i = 0; i < 2; i++)
		while (sinks[i].fd >= 0) {
			struct pollfd p = { sinks[i].fd, POLLIN };

			if (poll(&p, 1, 0) <= 0)
				break;
			sink_read(&sinks[i]);
		}
	return 0;
}

int run_cmd(const char *const argv[], const struct run_opts *opts)
{
	const struct run_opts none = {};
	const struct run_opts *o = opts ?: &none;
	double deadline = o->timeout_ms > 0 ?
			  mono_ns() + o->timeout_ms * 1e6 : 0;
	struct run_sink sinks[2] = { { .fd = -1 }, { .fd = -1 } };
	int out_wr = -1, err_wr = -1, status = 0, ret;
	static bool subreaper;
	char **envp = NULL;
	int slot;
	pid_t pid;

	ret = sink_open(&sinks[0], o->out, o->out_len, &out_wr);
	if (!ret)
		ret = sink_open(&sinks[1], o->err, o->err_len, &err_wr);
	if (!ret && o->env) {
		envp = run_env(o->env);
		if (!envp)
			ret = -ENOMEM;
	}
	if (ret)
		goto out;
	/* orphans of a command become ours, to be killed and reaped */
	if (!subreaper)
		subreaper = !prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (!pid)
		run_child(argv, o, out_wr, err_wr, envp);
	/* the child does the same: whichever runs first, the group exists */
	setpgid(pid, pid);
	slot = running_add(pid);
	close(out_wr);
	close(err_wr);
	out_wr = err_wr = -1;
	ret = run_wait(pid, o, sinks, deadline, &status);
	running_del(slot);
	if (!ret)
		ret = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
					    WEXITSTATUS(status);
out:
	if (out_wr >= 0)
		close(out_wr);
	if (err_wr >= 0)
		close(err_wr);
	sink_close(&sinks[0]);
	sink_close(&sinks[1]);
	free(envp);
	return ret;
}
