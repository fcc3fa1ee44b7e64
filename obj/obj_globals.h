/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --set NAME=VALUE: a global variable of a BPF object (.rodata, .data,
 * .bss and their named variants), found by name through the object's BTF
 * and written into the map's initial value before load, as the loaders
 * of configurable programs do with `const volatile` settings.
 */
#ifndef __OBJ_GLOBALS_H
#define __OBJ_GLOBALS_H

#include <stddef.h>

struct bpf_object;

/*
 * Apply "NAME=VALUE" to obj (opened, not loaded). VALUE is an integer
 * (decimal, 0x hex, -N for signed types) within the variable's type, true
 * or false for a bool, an enumerator name or number for an enum, a string
 * for a char array. 0, or -errno with a one-line message in why.
 */
int obj_set_global(struct bpf_object *obj, const char *assignment,
		   char *why, size_t why_len);

#endif /* __OBJ_GLOBALS_H */
