// SPDX-License-Identifier: GPL-2.0
/*
 * Sweeps of generated programs: the sweep file (gen/sweep.conf, "name
 * profile arguments" per line) and what a point varies (see gen_spec.h).
 * Shared by gen/xdpgen and test_perf; plain C, no libbpf.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_spec.h"

/* ---- what a point varies ------------------------------------------- */

int gen_spec_primary(const struct gen_spec *spec)
{
	int p;

	for (p = 0; p < GEN_P_MAX; p++)
		if (gen_has(spec, p))
			return p;
	return -1;
}

long gen_spec_n(const struct gen_spec *spec)
{
	switch (gen_spec_primary(spec)) {
	case GEN_P_INSNS:
		return spec->insns;
	case GEN_P_ALU:
		return spec->alu_n;
	case GEN_P_BRANCHES:
		return spec->branches;
	case GEN_P_PAYLOAD:
		return spec->payload;
	case GEN_P_MAP:
		return spec->map_n;
	case GEN_P_LOOP:
		return spec->loop;
	case GEN_P_TAILCALLS:
		return spec->tailcalls;
	default:
		return -1;
	}
}

const char *gen_spec_variant(const struct gen_spec *spec, char *buf, size_t len)
{
	const char *s;
	size_t i;

	if (!len)
		return buf;
	buf[0] = '\0';
	switch (gen_spec_primary(spec)) {
	case GEN_P_ALU:
		snprintf(buf, len, "%s%d", gen_alu_op_name(spec->alu_op),
			 spec->alu64 ? 64 : 32);
		break;
	case GEN_P_BRANCHES:
		s = gen_pattern_name(spec->pattern);
		for (i = 0; s[i] && i + 1 < len; i++)
			buf[i] = s[i] == '-' ? '_' : s[i];
		buf[i] = '\0';
		break;
	case GEN_P_MAP:
		snprintf(buf, len, "%s_%s_%s", gen_map_type_name(spec->map_type),
			 gen_map_op_name(spec->map_op), spec->miss ? "miss" : "hit");
		break;
	case GEN_P_LOOP:
		snprintf(buf, len, "%s", gen_loop_kind_name(spec->loop_kind));
		break;
	default:
		break;
	}
	return buf;
}

/* ---- sweep file ---------------------------------------------------- */

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= sizeof(((struct gen_point *)0)->name))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static int parse_point(char *line, struct gen_point *pt, char *err,
		       size_t err_len)
{
	char *name, *profile, *args, msg[200];
	size_t n;

	name = line + strspn(line, " \t");
	n = strcspn(name, " \t");
	profile = name + n + strspn(name + n, " \t");
	name[n] = '\0';
	n = strcspn(profile, " \t");
	args = profile + n + strspn(profile + n, " \t");
	profile[n] = '\0';
	if (!valid_name(name)) {
		snprintf(err, err_len, "bad point name '%.40s' (letters, digits, _ and -, at most 63)",
			 name);
		return -EINVAL;
	}
	if (strcmp(profile, "quick") && strcmp(profile, "full")) {
		snprintf(err, err_len, "point %s: profile must be quick or full, not '%.20s'",
			 name, profile);
		return -EINVAL;
	}
	if (strlen(args) >= sizeof(pt->args)) {
		snprintf(err, err_len, "point %s: arguments longer than %zu characters",
			 name, sizeof(pt->args) - 1);
		return -EINVAL;
	}
	memset(pt, 0, sizeof(*pt));
	strcpy(pt->name, name);
	strcpy(pt->args, args);
	pt->quick = !strcmp(profile, "quick");
	if (gen_spec_parse_str(&pt->spec, args, msg, sizeof(msg))) {
		snprintf(err, err_len, "point %s: %s", name, msg);
		return -EINVAL;
	}
	return 0;
}

int gen_sweep_read(const char *path, struct gen_point **points, int *nr,
		   char *err, size_t err_len)
{
	struct gen_point *pts = NULL, *tmp;
	char line[512], msg[300];
	int n = 0, cap = 0, lineno = 0, ret = 0;
	FILE *f;

	*points = NULL;
	*nr = 0;
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, err_len, "%s:%d: line too long", path, lineno);
			ret = -EINVAL;
			break;
		}
		line[strcspn(line, "#\r\n")] = '\0';
		if (!line[strspn(line, " \t")])
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			tmp = realloc(pts, cap * sizeof(*pts));
			if (!tmp) {
				ret = -ENOMEM;
				snprintf(err, err_len, "out of memory");
				break;
			}
			pts = tmp;
		}
		ret = parse_point(line, &pts[n], msg, sizeof(msg));
		if (!ret && gen_sweep_find(pts, n, pts[n].name)) {
			snprintf(msg, sizeof(msg), "point %s defined twice", pts[n].name);
			ret = -EINVAL;
		}
		if (ret) {
			snprintf(err, err_len, "%s:%d: %s", path, lineno, msg);
			break;
		}
		n++;
	}
	fclose(f);
	if (ret) {
		free(pts);
		return ret;
	}
	*points = pts;
	*nr = n;
	return 0;
}

const struct gen_point *gen_sweep_find(const struct gen_point *points, int nr,
				       const char *name)
{
	int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(points[i].name, name))
			return &points[i];
	return NULL;
}
