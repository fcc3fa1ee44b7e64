// SPDX-License-Identifier: GPL-2.0
/* Strings made visible (see vis.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vis.h"

/* Bytes of a valid UTF-8 sequence at s (1 to 4), 0 when invalid. */
static int utf8_len(const unsigned char *s, unsigned int *cp)
{
	unsigned char c = s[0];
	int n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, *cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

/* C0/C1 controls, DEL, line/paragraph separators, bidi overrides. */
static bool hidden_cp(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int vis_char(const char *s, char esc[8], int *skip)
{
	static const char named[] = "\n\t\r\033", letter[] = "ntre";
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	int n = utf8_len(u, &cp);
	const char *k;

	if (n && !hidden_cp(cp))
		return n;
	*skip = n ? n : 1;
	k = n == 1 && cp ? strchr(named, cp) : NULL;
	if (k)
		snprintf(esc, 8, "\\%c", letter[k - named]);
	else if (n <= 1)
		snprintf(esc, 8, "\\x%02x", u[0]);
	else
		snprintf(esc, 8, "\\u%04x", cp);
	return 0;
}

bool vis_clean(const char *s)
{
	char esc[8];
	int n, skip;

	for (; s && *s; s += n) {
		n = vis_char(s, esc, &skip);
		if (!n)
			return false;
	}
	return true;
}

char *vis_dup(const char *s)
{
	size_t len = 0;
	char esc[8], *out;
	int n, skip;

	s = s ?: "";
	out = malloc(strlen(s) * 4 + 1);	/* "\xHH" per byte at most */
	if (!out)
		return NULL;
	while (*s) {
		n = vis_char(s, esc, &skip);
		if (n) {
			memcpy(out + len, s, n);
			len += n;
			s += n;
		} else {
			memcpy(out + len, esc, strlen(esc));
			len += strlen(esc);
			s += skip;
		}
	}
	out[len] = '\0';
	return out;
}
