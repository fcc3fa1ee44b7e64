/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The signals that end a run: SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE
 * (`| head -1`). The first asks the run to stop (test__stopping()): the
 * measurement ends, everything comes down on the normal path (atexit
 * included), what was measured is written, and test_perf exits with
 * 128 + the signal; a SIGPIPE is ignored from then on. A second signal
 * means now: the functions registered with signals_at_kill() run (they
 * may only make async-signal-safe calls), after children of run_cmd() had
 * up to two seconds to finish (then what is left of their process groups
 * is killed and reaped), then the signal is raised again with its
 * default action. A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) takes
 * the same path before the previous handler (the sanitizers', or the
 * default) sees it, on a stack of its own so that a stack overflow takes
 * it too. SIGKILL cannot be caught: runlock.h is for that.
 */
#ifndef __SIGNALS_H
#define __SIGNALS_H

void signals_install(void);
/* fn runs on the kill path, the last registered first (as atexit). */
void signals_at_kill(void (*fn)(void));
/* The kill path without the signal (tests): run every fn once. */
void signals_run_kill_path(void);

#endif /* __SIGNALS_H */
