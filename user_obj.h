/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --obj FILE.o [--prog NAME]: measure a user's XDP program at every frame
 * size, or on the frames of a capture (--pcap) or given in hex
 * (--frame-hex), as test "obj" of a normal run: KTAP, -J, --out,
 * --report, --baseline and --gate apply to it as to the built-in tests.
 */
#ifndef __USER_OBJ_H
#define __USER_OBJ_H

#include "test_run.h"

/*
 * Before the run: load env.obj_path (obj_load.h), read the capture. 0,
 * or the exit status of test_perf with a one-line error printed.
 */
int user_obj_prepare(void);

/* The test that measures the loaded object ("obj"). */
extern const struct prog_test_def user_obj_test;

#endif /* __USER_OBJ_H */
