// SPDX-License-Identifier: GPL-2.0
/*
 * The suite's `config` against the running kernel's configuration.
 *
 * `config` is the kselftest Kconfig fragment CI systems merge into the
 * kernels they build for this collection: every option the tests need,
 * sorted. The table below says which tests need each option; the file and
 * the table must agree, so that neither can drift from the other.
 *
 * The kernel's configuration comes from /proc/config.gz
 * (CONFIG_IKCONFIG_PROC) or /boot/config-$(uname -r); before trusting it,
 * the test checks it against what the running kernel shows (an option whose
 * effect is visible in /proc or /sys must be set exactly when it is
 * visible). A kernel without an option the suite needs is not a failure:
 * the subtest is skipped and the reason names the options and what needs
 * them. An option built as a module out of tree (netdevsim in vmtest)
 * counts when the module is loaded or installed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "test_perf.h"
#include "util.h"

#define KCONFIG_NAME_MAX	64
#define KCONFIG_VALUE_MAX	128
#define SUITE_CONFIG_MAX	64

struct kconfig_need {
	const char *name;
	const char *why;
	const char *module;	/* may be built out of tree as this module */
};

/* Every option of `config`, in its order, with what needs it. */
static const struct kconfig_need needs[] = {
	{ "CONFIG_BPF", "BPF core" },
	{ "CONFIG_BPF_EVENTS", "tp_btf drop counters of the wire tests" },
	{ "CONFIG_BPF_JIT", "programs are measured JIT-compiled" },
	{ "CONFIG_BPF_SYSCALL", "bpf(2), every BPF test" },
	{ "CONFIG_DEBUG_FS", "xdp_offload reads netdevsim's debugfs; netdevsim depends on it" },
	{ "CONFIG_DEBUG_INFO_BTF", "run_tests.sh and tp_btf programs need /sys/kernel/btf/vmlinux" },
	{ "CONFIG_INET", "netdevsim depends on it" },
	{ "CONFIG_NET", "XDP, BPF_PROG_TEST_RUN, devmap" },
	{ "CONFIG_NETDEVSIM", "needed by xdp_offload", "netdevsim" },
	{ "CONFIG_NET_NS", "wire and offload tests work in their own network namespaces" },
	{ "CONFIG_VETH", "wire tests (veth pairs, native XDP)", "veth" },
};

#define NR_NEEDS ((int)ARRAY_SIZE(needs))

struct kconfig_opt {
	char name[KCONFIG_NAME_MAX];
	char value[KCONFIG_VALUE_MAX];	/* "n" for "# ... is not set" */
};

struct kconfig {
	struct kconfig_opt *opts;
	int nr;
	size_t cap;
	char path[PATH_MAX];
};

static void kconfig_free(struct kconfig *kc)
{
	free(kc->opts);
	kc->opts = NULL;
	kc->nr = 0;
	kc->cap = 0;
}

static bool valid_name(const char *s, size_t len)
{
	size_t i;

	if (len <= 7 || len >= KCONFIG_NAME_MAX || strncmp(s, "CONFIG_", 7))
		return false;
	for (i = 7; i < len; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '_')
			return false;
	return true;
}

/*
 * One line: "CONFIG_FOO=value" or "# CONFIG_FOO is not set" (1), another
 * comment or a blank line (0), anything else (-EINVAL).
 */
static int parse_line(const char *line, struct kconfig_opt *o)
{
	size_t len = strcspn(line, "\n");
	const char *eq;

	if (!strncmp(line, "# CONFIG_", 9)) {
		const char *end = strstr(line, " is not set");

		if (!end || end + 11 != line + len || !valid_name(line + 2, end - line - 2))
			return 0;	/* an ordinary comment */
		snprintf(o->name, sizeof(o->name), "%.*s", (int)(end - line - 2),
			 line + 2);
		strcpy(o->value, "n");
		return 1;
	}
	if (!len || line[0] == '#')
		return 0;
	eq = memchr(line, '=', len);
	if (!eq || !valid_name(line, eq - line) || eq + 1 == line + len ||
	    len - (eq + 1 - line) >= KCONFIG_VALUE_MAX)
		return -EINVAL;
	snprintf(o->name, sizeof(o->name), "%.*s", (int)(eq - line), line);
	snprintf(o->value, sizeof(o->value), "%.*s", (int)(len - (eq + 1 - line)),
		 eq + 1);
	return 1;
}

static int kconfig_add(struct kconfig *kc, const struct kconfig_opt *o)
{
	if (grow_array(&kc->opts, &kc->cap, kc->nr + 1, sizeof(*kc->opts)))
		return -ENOMEM;
	kc->opts[kc->nr++] = *o;
	return 0;
}

/*
 * Read a Kconfig file, gzip-compressed or not (zlib reads both). strict:
 * every line must be an option or an "is not set" line (the suite's
 * fragment); bad_line gets the first other line's number.
 */
static int kconfig_read(const char *path, struct kconfig *kc, bool strict,
			int *bad_line)
{
	struct kconfig_opt o;
	char line[512];
	int n = 0, r, err = 0;
	gzFile f;

	*bad_line = 0;
	f = gzopen(path, "rb");
	if (!f)
		return errno ? -errno : -ENOMEM;
	snprintf(kc->path, sizeof(kc->path), "%s", path);
	while (!err && gzgets(f, line, sizeof(line))) {
		n++;
		if (strict && line[strlen(line) - 1] != '\n') {
			*bad_line = n;	/* too long, or no final newline */
			err = -EINVAL;
			break;
		}
		r = parse_line(line, &o);
		if (r < 0 || (strict && r == 0)) {
			if (strict) {
				*bad_line = n;
				err = -EINVAL;
			}
			continue;
		}
		if (r > 0)
			err = kconfig_add(kc, &o);
	}
	gzclose(f);
	return err;
}

static const char *kconfig_get(const struct kconfig *kc, const char *name)
{
	for (int i = 0; i < kc->nr; i++)
		if (!strcmp(kc->opts[i].name, name))
			return kc->opts[i].value;
	return NULL;
}

static const struct kconfig_need *need_of(const char *name)
{
	for (int i = 0; i < NR_NEEDS; i++)
		if (!strcmp(needs[i].name, name))
			return &needs[i];
	return NULL;
}

/* The running kernel's configuration; -ENOENT with where we looked. */
static int read_kernel_config(struct kconfig *kc, char *why, size_t len)
{
	char boot[PATH_MAX], mods[PATH_MAX];
	struct utsname u;
	int bad;

	uname(&u);
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	snprintf(mods, sizeof(mods), "/lib/modules/%s/config", u.release);
	if (!access("/proc/config.gz", R_OK))
		return kconfig_read("/proc/config.gz", kc, false, &bad);
	if (!access(boot, R_OK))
		return kconfig_read(boot, kc, false, &bad);
	if (!access(mods, R_OK))
		return kconfig_read(mods, kc, false, &bad);
	snprintf(why, len, "no kernel config readable: /proc/config.gz (CONFIG_IKCONFIG_PROC), %s and %s are missing",
		 boot, mods);
	return -ENOENT;
}

static int read_suite_config(struct kconfig *kc, char *why, size_t len)
{
	char path[PATH_MAX];
	int err, bad;

	if (test__path(path, sizeof(path), "config")) {
		snprintf(why, len, "no config file beside test_perf in %s (built with OUTPUT= elsewhere: run the installed copy)",
			 test__exe_dir());
		return -ENOENT;
	}
	err = kconfig_read(path, kc, true, &bad);
	if (err == -EINVAL)
		snprintf(why, len, "%s:%d: not \"CONFIG_NAME=value\" or \"# CONFIG_NAME is not set\"",
			 path, bad);
	else if (err)
		snprintf(why, len, "cannot read %s: %s", path, strerror(-err));
	return err;
}

/* The fragment: sorted, no duplicates, y or m, agrees with needs[]. */
static void check_config_file(const struct kconfig *suite)
{
	int i;

	ASSERT_EQ(suite->nr, NR_NEEDS, "options in config vs. tests' needs");
	for (i = 1; i < suite->nr; i++)
		if (!ASSERT_LT(strcmp(suite->opts[i - 1].name, suite->opts[i].name), 0,
			       "config sorted, no duplicates"))
			test__log("config: %s before %s", suite->opts[i - 1].name,
				  suite->opts[i].name);
	for (i = 0; i < suite->nr; i++) {
		const char *v = suite->opts[i].value;

		if (!ASSERT_TRUE(need_of(suite->opts[i].name),
				 "option has a reason in needs[]"))
			test__log("config lists %s, kconfig.c does not say which test needs it",
				  suite->opts[i].name);
		if (!ASSERT_TRUE(!strcmp(v, "y") || !strcmp(v, "m"),
				 "option wanted as y or m"))
			test__log("config: %s=%s", suite->opts[i].name, v);
	}
	for (i = 0; i < NR_NEEDS; i++)
		if (!ASSERT_TRUE(kconfig_get(suite, needs[i].name),
				 "needed option listed in config"))
			test__log("config lacks %s (%s)", needs[i].name, needs[i].why);
}

/*
 * Options whose effect the running kernel shows: the configuration read
 * must say y exactly when the file exists, or it is not this kernel's.
 */
static const struct {
	const char *name;
	const char *path;
} visible[] = {
	{ "CONFIG_BPF_SYSCALL", "/proc/sys/kernel/unprivileged_bpf_disabled" },
	{ "CONFIG_DEBUG_INFO_BTF", "/sys/kernel/btf/vmlinux" },
	{ "CONFIG_NET_NS", "/proc/self/ns/net" },
	{ "CONFIG_IKCONFIG_PROC", "/proc/config.gz" },
};

static void check_matches_kernel(const struct kconfig *kc)
{
	for (size_t i = 0; i < ARRAY_SIZE(visible); i++) {
		const char *v = kconfig_get(kc, visible[i].name);
		bool set = v && !strcmp(v, "y");
		bool seen = !access(visible[i].path, F_OK);

		if (v && !strcmp(v, "m"))
			continue;	/* visible only while the module is loaded */

		test__info("%s=%s, %s %s", visible[i].name, v ?: "(unset)",
			   visible[i].path, seen ? "present" : "absent");
		if (!ASSERT_EQ(set, seen, "config agrees with the running kernel"))
			test__log("%s says %s=%s but %s is %s: not the running kernel's config?",
				  kc->path, visible[i].name, v ?: "(unset)",
				  visible[i].path, seen ? "present" : "absent");
	}
}

/* A module named by the option, loaded or installed for this kernel. */
static bool module_present(const char *module, char *where, size_t len)
{
	char path[PATH_MAX], line[1024], pat[64];
	struct utsname u;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if (!access(path, F_OK)) {
		snprintf(where, len, "module %s loaded", module);
		return true;
	}
	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	snprintf(pat, sizeof(pat), "/%s.ko", module);
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		found = strstr(line, pat) != NULL;
	}
	if (f)
		fclose(f);
	if (found)
		snprintf(where, len, "module %s installed (%s)", module, path);
	return found;
}

/* Options of the fragment the kernel lacks, appended to missing. */
static int check_needs(const struct kconfig *suite, const struct kconfig *kc,
		       char *missing, size_t len)
{
	char where[PATH_MAX + 64];
	int i, nr_missing = 0;
	size_t pos = 0;

	for (i = 0; i < suite->nr; i++) {
		const struct kconfig_opt *o = &suite->opts[i];
		const struct kconfig_need *need = need_of(o->name);
		const char *have = kconfig_get(kc, o->name);
		bool ok = have && (!strcmp(have, "y") || !strcmp(have, "m"));

		if (!ok && need && need->module &&
		    module_present(need->module, where, sizeof(where))) {
			test__info("%s not set in %s, but %s: counted", o->name,
				   kc->path, where);
			continue;
		}
		test__info("%s: wanted %s, kernel %s", o->name, o->value,
			   have && strcmp(have, "n") ? have : "not set");
		if (ok)
			continue;
		nr_missing++;
		pos += snprintf(missing + pos, pos < len ? len - pos : 0,
				"%s%s (%s)", nr_missing > 1 ? ", " : "",
				o->name, need ? need->why : "?");
	}
	return nr_missing;
}

void test_kconfig(void)
{
	struct kconfig suite = {}, kc = {};
	char why[PATH_MAX * 2 + 128], missing[1024] = "";
	int err, n;

	err = read_suite_config(&suite, why, sizeof(why));
	if (err == -ENOENT) {
		test__skip("%s", why);
		return;
	}
	if (err)
		test__log("%s", why);
	if (!ASSERT_OK(err, "read config"))
		goto out;
	check_config_file(&suite);

	err = read_kernel_config(&kc, why, sizeof(why));
	if (err == -ENOENT) {
		test__skip("%s", why);
		goto out;
	}
	if (!ASSERT_OK(err, "read kernel config"))
		goto out;
	test__info("kernel config: %s, %d options", kc.path, kc.nr);
	/* a real kernel config sets hundreds of options */
	if (!ASSERT_GT(kc.nr, 100, "options in the kernel config"))
		goto out;
	check_matches_kernel(&kc);
	n = check_needs(&suite, &kc, missing, sizeof(missing));
	/* a skip, not a failure: the kernel is what CI gave us */
	if (n)
		test__skip("the running kernel lacks %s", missing);
out:
	kconfig_free(&suite);
	kconfig_free(&kc);
}
