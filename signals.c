// SPDX-License-Identifier: GPL-2.0
/* What a signal does to a run (see signals.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>

#include "signals.h"
#include "test_run.h"
#include "util.h"

#define MAX_KILL_FNS	8
#define CHILD_WAIT_MS	2000
#define CRASH_STACK_SIZE	(256 * 1024)

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE };
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static void (*kill_fns[MAX_KILL_FNS])(void);
static volatile sig_atomic_t nr_kill_fns, kill_path_taken, first_signal;
static struct sigaction crash_old[sizeof(crash_signals) / sizeof(int)];

void signals_at_kill(void (*fn)(void))
{
	if (nr_kill_fns < MAX_KILL_FNS)
		kill_fns[nr_kill_fns++] = fn;
}

/*
 * A child of run_cmd() (ip netns add, modprobe) may be half way: it runs
 * in its own process group, out of the terminal's reach, and is given a
 * moment to finish before what it made is removed. What is still running
 * then (a --setup's background jobs too) is killed with its whole group.
 */
static void wait_children(void)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	int waited = 0;
	pid_t pid;

	while (waited < CHILD_WAIT_MS) {
		pid = waitpid(-1, NULL, WNOHANG);
		if (pid > 0)
			continue;
		if (pid < 0 && errno != EINTR)
			return;		/* ECHILD: none left */
		nanosleep(&tick, NULL);
		waited += 10;
	}
	run_cmd_kill_running();
}

void signals_run_kill_path(void)
{
	int saved = errno;

	if (kill_path_taken)
		return;
	kill_path_taken = 1;
	wait_children();
	for (int i = nr_kill_fns - 1; i >= 0; i--)
		kill_fns[i]();
	errno = saved;
}

static void die_by(int sig)
{
	sigset_t set;

	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

static void on_stop_signal(int sig)
{
	if (sig == SIGPIPE)	/* stdout is gone: writes fail from now on */
		signal(SIGPIPE, SIG_IGN);
	if (!first_signal) {
		first_signal = sig;
		test_run_stop(sig);
		return;
	}
	if (sig == SIGPIPE)
		return;
	signals_run_kill_path();
	die_by(sig);
}

static void on_crash(int sig)
{
	size_t i;

	signals_run_kill_path();
	for (i = 0; i < sizeof(crash_signals) / sizeof(int); i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &crash_old[i], NULL);
	/* returning re-runs the fault (or abort() raises again): now theirs */
}

/*
 * The crash path on a stack of its own: a stack overflow faults at the
 * guard page and leaves no room for a handler on the stack that
 * overflowed, and that crash too must take the namespaces down. Kept when
 * the thread has one already (a sanitizer's runtime installs its own, and
 * unmaps whatever is installed when the thread ends).
 */
static void crash_stack_install(void)
{
	static char stack[CRASH_STACK_SIZE] __attribute__((aligned(64)));
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, old;

	if (sigaltstack(NULL, &old) || !(old.ss_flags & SS_DISABLE))
		return;
	sigaltstack(&ss, NULL);
}

void signals_install(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	for (i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigaction(stop_signals[i], &sa, NULL);
	crash_stack_install();
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER | SA_ONSTACK;
	for (i = 0; i < sizeof(crash_signals) / sizeof(int); i++)
		sigaction(crash_signals[i], &sa, &crash_old[i]);
}
