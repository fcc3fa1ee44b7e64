/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which tests and subtests run: -t/-b (substring), -a/-d (glob) and -n
 * (numbers), as the kernel's test_progs has them. Filled while the
 * options are parsed, asked by the runner.
 */
#ifndef __TEST_SELECT_H
#define __TEST_SELECT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Add a comma list of NAME[/SUB] entries: deny excludes (-b, -d), else
 * allow (-t, -a); glob: fnmatch patterns (-a, -d), else substrings.
 * 0 or -ENOMEM.
 */
int select_add(const char *list, bool deny, bool glob);
/*
 * -n N[,N-M]: only these test numbers (from 1). 0, -ENOMEM, or -EINVAL
 * with the bad entry copied into bad.
 */
int select_numbers(const char *list, char *bad, size_t bad_len);

/* Is test number num (from 1) called name selected? */
bool select_test(int num, const char *name);
/* Is subtest sub of test selected? */
bool select_subtest(const char *test, const char *sub);

#endif /* __TEST_SELECT_H */
