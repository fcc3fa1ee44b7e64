// SPDX-License-Identifier: GPL-2.0
/* CSV fields written and read the one way the suite does it (see csv.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "vis.h"

/* What a spreadsheet takes for the start of a formula. */
#define CSV_FORMULA_START	"=+-@"

/* s is zero or more ' and then a formula start: it gets a guard ' */
static bool formula_like(const char *s)
{
	s += strspn(s, "'");
	return *s && strchr(CSV_FORMULA_START, *s);
}

void csv_write_str(FILE *f, const char *s)
{
	char *v = vis_dup(s);	/* no line break, no control character */
	const char *c;
	bool quote;

	if (!v)
		return;
	quote = v[strcspn(v, ",\"")] != '\0';
	if (quote)
		fputc('"', f);
	if (formula_like(v))
		fputc('\'', f);
	for (c = v; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	if (quote)
		fputc('"', f);
	free(v);
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

/* The field as written: the guard of a formula-like field dropped. */
static char *unguard(char *cell)
{
	return *cell == '\'' && formula_like(cell) ? cell + 1 : cell;
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
			c += strcspn(c, ",\"");
			if (*c == '"')
				return -1;	/* a quote inside an unquoted field */
		}
		if (!*c)
			break;
		*c++ = '\0';
	}
	/* cells end now: drop the guards */
	for (int i = 0; i < n; i++)
		cells[i] = unguard(cells[i]);
	return n;
}

bool csv_line_clean(const char *line)
{
	size_t len = strlen(line);

	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return false;
	return true;
}
