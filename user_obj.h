/* SPDX-License-Identifier: GPL-2.0 */
/* --obj FILE.o [--prog NAME]: measure a user's XDP program. */
#ifndef __USER_OBJ_H
#define __USER_OBJ_H

#include <stddef.h>

/*
 * Measure the program env.obj_prog (or the first XDP program) of
 * env.obj_path at every frame size of env; the exit status of test_perf.
 */
int user_obj_main(void);

struct round_prog;
/*
 * The program name (NULL: the first XDP program) of the object at path as
 * a program of the rounds (rounds.h), at every frame size of env, loaded
 * afresh each round. The object is loaded once here to check it: NULL,
 * with the reason printed on stderr, when it cannot be; else desc says
 * what was found. Free with user_obj_prog_free().
 */
struct round_prog *user_obj_prog(const char *path, const char *name,
				 char *desc, size_t len);
void user_obj_prog_free(struct round_prog *p);

#endif /* __USER_OBJ_H */
