// SPDX-License-Identifier: GPL-2.0
/* --set NAME=VALUE through the object's BTF (obj_globals.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "obj_globals.h"

struct global_var {
	struct bpf_map *map;	/* the internal map holding it */
	__u32 type_id;		/* its type, modifiers and typedefs resolved */
	__u32 offset, size;	/* in the map's value */
};

/* Internal maps are named "<object prefix><section>" or "<section>". */
static bool map_holds_section(struct bpf_map *map, const char *sec)
{
	const char *name = bpf_map__name(map);
	size_t n = strlen(name), s = strlen(sec);

	if (!bpf_map__is_internal(map))
		return false;
	return n >= s && !strcmp(name + n - s, sec);
}

static struct bpf_map *section_map(struct bpf_object *obj, const char *sec)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (map_holds_section(map, sec))
			return map;
	return NULL;
}

/* Every data section's variables, names listed into `names` for errors. */
static int find_var(struct bpf_object *obj, const char *name,
		    struct global_var *gv, char *names, size_t len)
{
	const struct btf *btf = bpf_object__btf(obj);
	__u32 id, n;

	if (names && len)
		names[0] = '\0';
	if (!btf)
		return -ENOENT;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs = btf_var_secinfos(t);
		const char *sec = btf__name_by_offset(btf, t->name_off);

		if (!btf_is_datasec(t) || !section_map(obj, sec))
			continue;
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			const char *vname = btf__name_by_offset(btf, v->name_off);
			size_t used = names ? strlen(names) : 0;

			if (!btf_is_var(v))
				continue;
			if (!strcmp(vname, name)) {
				gv->map = section_map(obj, sec);
				gv->type_id = btf__resolve_type(btf, v->type);
				gv->offset = vs->offset;
				gv->size = vs->size;
				return 0;
			}
			if (names && used + 1 < len)
				snprintf(names + used, len - used, "%s%s",
					 used ? ", " : "", vname);
		}
	}
	return -ENOENT;
}

static int parse_int(const char *value, bool is_signed, __u32 size,
		     __u64 *out)
{
	char *end;

	errno = 0;
	if (is_signed) {
		long long v = strtoll(value, &end, 0);
		long long max = size >= 8 ? (long long)(~0ULL >> 1) :
				(1LL << (8 * size - 1)) - 1;

		if (errno || end == value || *end || v > max || v < -max - 1)
			return -ERANGE;
		*out = (__u64)v;
		return 0;
	}
	if (*value == '-')
		return -ERANGE;
	{
		unsigned long long v = strtoull(value, &end, 0);

		if (errno || end == value || *end ||
		    (size < 8 && v >> (8 * size)))
			return -ERANGE;
		*out = v;
	}
	return 0;
}

static int parse_enum(const struct btf *btf, const struct btf_type *t,
		      const char *value, __u64 *out)
{
	__u16 i, n = btf_vlen(t);

	for (i = 0; i < n; i++) {
		const char *name;
		__u64 v;

		if (btf_is_enum(t)) {
			name = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
			v = (__u64)(__s64)btf_enum(t)[i].val;
		} else {
			name = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
			v = btf_enum64_value(&btf_enum64(t)[i]);
		}
		if (!strcmp(name, value)) {
			*out = v;
			return 0;
		}
	}
	return parse_int(value, value[0] == '-', t->size, out);
}

/* The bytes VALUE stands for in a variable of type t (size bytes). */
static int encode_value(const struct btf *btf, const struct btf_type *t,
			__u32 size, const char *value, void *buf, char *what,
			size_t wlen)
{
	__u64 v = 0;
	int err;

	if (btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_BOOL)) {
		snprintf(what, wlen, "true, false, 1 or 0");
		if (!strcmp(value, "true") || !strcmp(value, "1"))
			v = 1;
		else if (strcmp(value, "false") && strcmp(value, "0"))
			return -EINVAL;
	} else if (btf_is_int(t)) {
		bool sign = btf_int_encoding(t) & BTF_INT_SIGNED;

		snprintf(what, wlen, "a%s %u-bit integer", sign ? " signed" :
			 "n unsigned", 8 * size);
		err = parse_int(value, sign, size, &v);
		if (err)
			return err;
	} else if (btf_is_any_enum(t)) {
		snprintf(what, wlen, "an enumerator name or a number");
		err = parse_enum(btf, t, value, &v);
		if (err)
			return err;
	} else if (btf_is_array(t)) {
		const struct btf_type *elem =
			btf__type_by_id(btf, btf__resolve_type(btf, btf_array(t)->type));

		snprintf(what, wlen, "a string of at most %u characters",
			 size ? size - 1 : 0);
		if (!elem || !btf_is_int(elem) || elem->size != 1)
			return -EOPNOTSUPP;
		if (strlen(value) >= size)
			return -E2BIG;
		memset(buf, 0, size);
		memcpy(buf, value, strlen(value));
		return 0;
	} else {
		snprintf(what, wlen, "an integer, bool, enum or char array");
		return -EOPNOTSUPP;
	}
	if (size > sizeof(v))
		return -EOPNOTSUPP;
	/* little-endian host: the low bytes of v are the value */
	memcpy(buf, &v, size);
	return 0;
}

int obj_set_global(struct bpf_object *obj, const char *assignment,
		   char *err, size_t len)
{
	const char *eq = strchr(assignment, '=');
	char name[128], names[512], what[64] = "";
	const struct btf_type *t;
	struct global_var gv;
	size_t size;
	void *data;
	int ret;

	if (!eq || eq == assignment || (size_t)(eq - assignment) >= sizeof(name)) {
		snprintf(err, len, "--set wants NAME=VALUE, not '%.60s'", assignment);
		return -EINVAL;
	}
	memcpy(name, assignment, eq - assignment);
	name[eq - assignment] = '\0';
	if (find_var(obj, name, &gv, names, sizeof(names))) {
		snprintf(err, len, "--set %s: no global variable '%s' in the object (it has: %s)",
			 name, name, *names ? names : "none");
		return -ENOENT;
	}
	t = btf__type_by_id(bpf_object__btf(obj), gv.type_id);
	data = calloc(1, bpf_map__value_size(gv.map));
	if (!t || !data) {
		free(data);
		snprintf(err, len, "--set %s: cannot read its type", name);
		return -EINVAL;
	}
	{
		const void *init = bpf_map__initial_value(gv.map, &size);

		if (init && size <= bpf_map__value_size(gv.map))
			memcpy(data, init, size);
		else
			size = bpf_map__value_size(gv.map);
	}
	ret = gv.offset + gv.size > size ? -EINVAL :
	      encode_value(bpf_object__btf(obj), t, gv.size, eq + 1,
			   (char *)data + gv.offset, what, sizeof(what));
	if (!ret)
		ret = bpf_map__set_initial_value(gv.map, data, size);
	if (ret)
		snprintf(err, len, "--set %s: '%.40s' is not %s", name, eq + 1,
			 *what ? what : "a value this variable can hold");
	free(data);
	return ret;
}
