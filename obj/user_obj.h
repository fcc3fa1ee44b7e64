/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --obj FILE.o [--prog NAME]: measure a user's XDP program at every frame
 * size, or on the frames of a capture (--pcap) or given in hex
 * (--frame-hex), as test "obj" of a normal run: KTAP, -J, --out,
 * --report, --baseline and --gate apply to it as to the built-in tests.
 */
#ifndef __USER_OBJ_H
#define __USER_OBJ_H

#include <stddef.h>

#include "test_run.h"

/*
 * Before the run: load env.obj_path (obj_load.h), read the capture. 0,
 * or the exit status of test_perf with a one-line error printed.
 */
int user_obj_prepare(void);

/* The test that measures the loaded object ("obj"). */
extern const struct prog_test_def user_obj_test;

struct round_prog;
/*
 * The program name (NULL: the first XDP program) of the object at path as
 * a program of the rounds (rounds.h), at every frame size of env, loaded
 * afresh each round. The object is loaded once here to check it: NULL,
 * with the reason printed on stderr, when it cannot be; else desc says
 * what was found. Each load applies --set and --setup (obj_load.h), the
 * setup's output shown only when it fails. Free with user_obj_prog_free().
 */
struct round_prog *user_obj_prog(const char *path, const char *name,
				 char *desc, size_t len);
void user_obj_prog_free(struct round_prog *p);

#endif /* __USER_OBJ_H */
