// SPDX-License-Identifier: GPL-2.0
/*
 * Property 2a: N map accesses per packet for every map type, lookup and
 * update, hit and miss (subtests such as map_access/hash_lookup_hit). The
 * loaded program must reference the map and call, or inline, exactly N
 * lookups or updates of it.
 */
#include "test_perf.h"
#include "sweep.h"

/* Hashing maps cost a hash and a bucket walk per access: always visible. */
static bool hashed_map(const struct gen_spec *spec)
{
	return spec->map_type == GEN_MAP_HASH ||
	       spec->map_type == GEN_MAP_PERCPU_HASH ||
	       spec->map_type == GEN_MAP_LRU_HASH ||
	       spec->map_type == GEN_MAP_LPM_TRIE;
}

void test_map_access(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_MAP,
		.unit = "map access",
		.must_cost = hashed_map,
	};

	sweep_run(&opts);
}
