/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CSV as the suite writes and reads it (data.csv, cost-model.csv,
 * compare.csv), RFC 4180: one row per line, a field quoted ("...", "" for
 * a quote) when it holds a comma or a quote. A control character (a line
 * break too) is written as its visible escape (vis.h), so that a row
 * never spans two lines and a raw control character in a file means the
 * suite did not write it. A field a spreadsheet would take for a formula
 * (its first character after any ' is = + - or @) is written with a ' in
 * front, as OWASP advises against CSV injection, and csv_split() drops
 * that ': what the suite reads back is what it wrote.
 */
#ifndef __CSV_H
#define __CSV_H

#include <stdbool.h>
#include <stdio.h>

/*
 * How a data.csv point was measured, after its key (point_id.h) and its
 * statistics.
 */
#define CSV_ROUND_COLUMNS \
	",rounds,loops,within_sd,seed,flagged,marks,round_values"

/* One field (NULL is empty), quoted when needed; no separator. */
void csv_write_str(FILE *f, const char *s);

/*
 * Split one line in place into at most max cells (quotes removed, the
 * line end dropped). Returns the number of cells, or -1 when the line has
 * more than max, a quote is not closed or an unquoted field holds one.
 */
int csv_split(char *line, char **cells, int max);
/* No control character before the line end ("\n" or "\r\n"). */
bool csv_line_clean(const char *line);

#endif /* __CSV_H */
