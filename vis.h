/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strings made visible (like BSD's strvis): a string read from a file
 * someone else wrote may hold control characters (a line break starts a
 * new gnuplot command or Markdown block, an escape sequence drives the
 * terminal), invalid UTF-8 or bidirectional overrides (text that reads
 * otherwise than it is). Each of those is shown as an escape instead:
 * "\n", "\t", "\r", "\e", "\xHH" for a byte, "\u202e" for a character.
 * Everything else, including printable UTF-8, is kept as it is.
 */
#ifndef __VIS_H
#define __VIS_H

#include <stdbool.h>
#include <stddef.h>

/* True when s has nothing to escape (NULL is clean). */
bool vis_clean(const char *s);
/* A malloc()ed copy of s with every such character escaped; NULL: no memory. */
char *vis_dup(const char *s);
/*
 * The length of the character at s when it is kept as it is, or 0 when
 * it must be escaped: then *esc (room for 8 bytes) gets its escape and
 * *skip the bytes it covers. s must not be at its NUL.
 */
int vis_char(const char *s, char esc[8], int *skip);

#endif /* __VIS_H */
