/* SPDX-License-Identifier: GPL-2.0 */
/* --obj FILE.o [--prog NAME]: measure a user's XDP program. */
#ifndef __USER_OBJ_H
#define __USER_OBJ_H

/*
 * Measure the program env.obj_prog (or the first XDP program) of
 * env.obj_path at every frame size of env; the exit status of test_perf.
 */
int user_obj_main(void);

#endif /* __USER_OBJ_H */
