// SPDX-License-Identifier: GPL-2.0
/* CSV fields written and read the one way the suite does it (see csv.h). */
#include <stdbool.h>
#include <string.h>

#include "csv.h"

void csv_write_str(FILE *f, const char *s)
{
	bool quote;

	s = s ?: "";
	quote = s[strcspn(s, ",\"")] != '\0';
	if (quote)
		fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	if (quote)
		fputc('"', f);
}

void csv_write_key(FILE *f, const struct csv_key *k)
{
	const char *before_n[] = { k->test, k->subtest, k->property };
	const char *before_size[] = { k->variant, k->op };
	const char *after_size[] = { k->mode, k->metric, k->unit };

	for (int i = 0; i < 3; i++) {
		csv_write_str(f, before_n[i]);
		fputc(',', f);
	}
	fprintf(f, "%ld,", k->n);
	for (int i = 0; i < 2; i++) {
		csv_write_str(f, before_size[i]);
		fputc(',', f);
	}
	fprintf(f, "%d,", k->frame_size);
	for (int i = 0; i < 3; i++) {
		csv_write_str(f, after_size[i]);
		fputc(',', f);
	}
}

/* One quoted field from *src into dst (in place); NULL when unclosed. */
static char *unquote(char *src, char **dst)
{
	char *out = src;

	*dst = src++;
	for (;;) {
		if (!*src)
			return NULL;
		if (*src == '"' && src[1] != '"')
			break;
		if (*src == '"')
			src++;
		*out++ = *src++;
	}
	*out = '\0';
	return src + 1;
}

int csv_split(char *line, char **cells, int max)
{
	char *c = line;
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (;;) {
		if (n == max)
			return -1;
		if (*c == '"') {
			c = unquote(c, &cells[n++]);
			if (!c || (*c && *c != ','))
				return -1;
		} else {
			cells[n++] = c;
			c += strcspn(c, ",");
		}
		if (!*c)
			return n;
		*c++ = '\0';
	}
}
