// SPDX-License-Identifier: GPL-2.0
/*
 * Opening and loading user objects: private bpffs for pinned maps, --set
 * globals, load errors with their cause, --setup (see obj_load.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>

#include "test_perf.h"
#include "obj_globals.h"
#include "obj_load.h"
#include "obj_setup.h"
#include "util.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_SKIP	4
#define LOG_TAIL_LINES	8
#define VERIFIER_LOG_SIZE (1 << 20)
#define MAX_SETS	64

/* ---- command line: --set, --setup ---- */

static const char *cli_sets[MAX_SETS];
static int cli_nr_sets;
static const char *cli_setup;

static int parse_set(const struct perf_option *o, const char *arg)
{
	if (!strchr(arg, '=') || *arg == '=')
		perf_usage_error("--set wants NAME=VALUE, not '%s'", arg);
	if (cli_nr_sets == MAX_SETS)
		perf_usage_error("at most %d --set options", MAX_SETS);
	cli_sets[cli_nr_sets++] = arg;
	return 0;
}

PERF_OPTION(obj_set, .name = "set", .arg = "NAME=VALUE",
	    .group = PERF_GRP_USER_OBJ, .type = PERF_OPT_CUSTOM,
	    .parse = parse_set,
	    .help = "--obj: set the object's global variable NAME before load (repeatable)");
PERF_OPTION(obj_setup, .name = "setup", .arg = "CMD",
	    .group = PERF_GRP_USER_OBJ, .type = PERF_OPT_STRING,
	    .dest = &cli_setup,
	    .help = "--obj: run CMD after load, before timing, with the maps pinned in $XDP_PERF_PIN_DIR");

const char *uobj_setup_cmd(void)
{
	return cli_setup;
}

/* ---- bounded logs ---- */

void uobj_log_add(struct uobj_log *log, const char *s, size_t n)
{
	size_t cap = sizeof(log->buf) - 1, drop;

	if (n >= cap) {		/* only the end of s fits */
		s += n - cap;
		n = cap;
		log->len = 0;
	} else if (log->len + n > cap) {
		drop = log->len + n - cap;
		memmove(log->buf, log->buf + drop, log->len - drop);
		log->len -= drop;
	}
	memcpy(log->buf + log->len, s, n);
	log->len += n;
	log->buf[log->len] = '\0';
}

const char *uobj_log_last_lines(const struct uobj_log *log, int lines)
{
	const char *p = log->buf + log->len;

	/* a final newline ends the last line, it does not start one */
	if (p > log->buf && p[-1] == '\n')
		p--;
	while (p > log->buf) {
		if (p[-1] == '\n' && --lines <= 0)
			break;
		p--;
	}
	return p;
}

/* ---- why a load failed: libbpf's messages, the verifier's log ---- */

enum load_cause { CAUSE_NONE, CAUSE_BTF, CAUSE_PIN, CAUSE_CORE, CAUSE_MAP,
		  CAUSE_PROG, CAUSE_MAX };

static const struct {
	enum load_cause cause;
	const char *needle;
} cause_patterns[] = {
	{ CAUSE_PROG, "BPF program load failed" },
	{ CAUSE_MAP, "failed to create" },
	{ CAUSE_PIN, "auto-pin" },
	{ CAUSE_PIN, "not on BPF FS" },
	{ CAUSE_PIN, "pinned map" },
	{ CAUSE_CORE, "CO-RE" },
	{ CAUSE_CORE, "kernel BTF" },
	{ CAUSE_CORE, "not found in kernel or module BTFs" },
	{ CAUSE_BTF, "Error loading .BTF" },
	{ CAUSE_BTF, "failed to load BTF" },
};

static struct uobj_log libbpf_log;	/* libbpf's messages of one load */
static struct uobj_log shown_log;	/* what uobj_print_log() prints */
static char cause_line[CAUSE_MAX][256];

static int capture_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	char line[1024];
	size_t i;
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	uobj_log_add(&libbpf_log, line, strlen(line));
	for (i = 0; i < ARRAY_SIZE(cause_patterns); i++) {
		char *c = cause_line[cause_patterns[i].cause];

		if (!*c && strstr(line, cause_patterns[i].needle)) {
			snprintf(c, sizeof(cause_line[0]), "%.*s",
				 (int)strcspn(line, "\n"), line);
			break;
		}
	}
	if (env.verbosity > 0)
		test__info("libbpf: %.*s", (int)strcspn(line, "\n"), line);
	return 0;
}

static bool log_says(const char *log, const char *const needles[])
{
	for (int i = 0; needles[i]; i++)
		if (strstr(log, needles[i]))
			return true;
	return false;
}

/* Helpers and kfuncs the kernel does not know: a missing feature. */
static const char *const missing_feature[] = {
	"unknown func", "invalid func", "cannot use helper",
	"calling kernel function", "kfunc", "not supported", NULL,
};

static int load_error(struct uobj *u, int ret, const char *vlog, char *err,
		      size_t len)
{
	const char *prog = bpf_program__name(u->prog);
	const char *why = strerror(-ret);

	u->status = EXIT_USAGE;
	if (ret == -EPERM) {
		u->status = EXIT_SKIP;
		snprintf(err, len, "%s: not permitted to load it (%s): run as root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON)",
			 u->path, why);
	} else if (*cause_line[CAUSE_PROG] && vlog && *vlog) {
		if (log_says(vlog, missing_feature)) {
			u->status = EXIT_SKIP;
			snprintf(err, len, "%s: program '%s' needs a helper or kfunc this kernel does not offer; the verifier's log ends:",
				 u->path, prog);
		} else {
			snprintf(err, len, "%s: the verifier refused program '%s' (%s); its log ends:",
				 u->path, prog, why);
		}
		uobj_log_add(&shown_log, vlog, strlen(vlog));
		return ret;
	} else if (*cause_line[CAUSE_MAP]) {
		u->status = ret == -EINVAL || ret == -E2BIG ? EXIT_USAGE : EXIT_SKIP;
		snprintf(err, len, "%s: the kernel could not create a map (an unsupported map type or flag, or not enough memory): %s",
			 u->path, cause_line[CAUSE_MAP]);
	} else if (*cause_line[CAUSE_PIN]) {
		snprintf(err, len, "%s: pinning its maps failed: %s", u->path,
			 cause_line[CAUSE_PIN]);
	} else if (*cause_line[CAUSE_CORE]) {
		u->status = EXIT_SKIP;
		snprintf(err, len, "%s: CO-RE relocation against the kernel's BTF failed (needs CONFIG_DEBUG_INFO_BTF, or a type this kernel lacks): %s",
			 u->path, cause_line[CAUSE_CORE]);
	} else if (*cause_line[CAUSE_BTF]) {
		snprintf(err, len, "%s: the kernel refused the object's BTF: %s",
			 u->path, cause_line[CAUSE_BTF]);
	} else {
		snprintf(err, len, "%s: libbpf could not load program '%s' (%s); its last messages:",
			 u->path, prog, why);
	}
	uobj_log_add(&shown_log, libbpf_log.buf, libbpf_log.len);
	return ret;
}

void uobj_print_log(FILE *f)
{
	const char *p = uobj_log_last_lines(&shown_log, LOG_TAIL_LINES);
	size_t n;

	while (*p) {
		n = strcspn(p, "\n");
		if (n && !strstr(p, "PROG LOAD LOG"))
			fprintf(f, "    %.*s\n", (int)n, p);
		p += n + !!p[n];
	}
}

/* ---- open, pick, set, load, pin, setup ---- */

static struct bpf_program *pick_program(struct bpf_object *obj,
					const char *name)
{
	struct bpf_program *prog, *found = NULL;

	bpf_object__for_each_program(prog, obj) {
		bool is_xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		/* only XDP programs are loaded: others may need targets */
		bpf_program__set_autoload(prog, is_xdp);
		if (!is_xdp || found)
			continue;
		if (!name || !strcmp(bpf_program__name(prog), name))
			found = prog;
	}
	return found;
}

static int open_object(struct uobj *u, const char *prog, char *err,
		       size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .pin_root_path = *u->pin_dir ? u->pin_dir : NULL);
	struct bpf_map *map;
	int ret;

	u->obj = bpf_object__open_file(u->path, &opts);
	ret = libbpf_get_error(u->obj);
	if (ret) {
		u->obj = NULL;
		snprintf(err, len, "cannot open %s: %s", u->path,
			 ret == -ENOENT ? "no such file" :
			 ret == -EACCES ? "permission denied" :
			 "not a BPF object file (build it with clang -target bpf)");
		return ret;
	}
	/* no private bpffs: no pinning at all, rather than the host's */
	bpf_object__for_each_map(map, u->obj)
		if (!*u->pin_dir && bpf_map__pin_path(map))
			bpf_map__set_pin_path(map, NULL);
	u->prog = pick_program(u->obj, prog);
	if (u->prog)
		return 0;
	if (prog)
		snprintf(err, len, "%s has no XDP program named '%s' (see bpftool prog load / llvm-objdump -h)",
			 u->path, prog);
	else
		snprintf(err, len, "%s has no XDP program (SEC(\"xdp\"))",
			 u->path);
	return -ENOENT;
}

static int load_object(struct uobj *u, char *err, size_t len)
{
	char *vlog = calloc(1, VERIFIER_LOG_SIZE);
	struct bpf_program *p;
	int ret;

	if (!vlog) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	/* libbpf asks for the verifier's log only when a load fails */
	bpf_object__for_each_program(p, u->obj)
		bpf_program__set_log_buf(p, vlog, VERIFIER_LOG_SIZE);
	ret = bpf_object__load(u->obj);
	if (ret) {
		bpf_object__for_each_program(p, u->obj)
			if (bpf_program__fd(p) < 0 && bpf_program__autoload(p) &&
			    strstr(cause_line[CAUSE_PROG], bpf_program__name(p))) {
				u->prog = p;	/* name the one that failed */
				break;
			}
		load_error(u, ret, vlog, err, len);
	} else {
		u->prog_fd = bpf_program__fd(u->prog);
	}
	bpf_object__for_each_program(p, u->obj)
		bpf_program__set_log_buf(p, NULL, 0);
	free(vlog);
	return ret;
}

/* bpffs refuses '.' in names ("xdp_fwd.rodata"): libbpf's rule, and '/' */
static void pin_name(const char *name, char *out, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		out[i] = isalnum((unsigned char)name[i]) || name[i] == '-' ?
			 name[i] : '_';
	out[i] = '\0';
}

/* Every map not pinned yet, by name, for --setup and the user's tools. */
static void pin_maps(struct uobj *u)
{
	char path[128], name[BPF_OBJ_NAME_LEN];
	struct bpf_map *map;

	if (!*u->pin_dir)
		return;
	bpf_object__for_each_map(map, u->obj) {
		if (bpf_map__fd(map) < 0)
			continue;
		if (bpf_map__is_pinned(map)) {
			u->nr_pinned++;
			continue;
		}
		pin_name(bpf_map__name(map), name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", u->pin_dir, name);
		if (bpf_map__pin(map, path))
			test__info("%s: map '%s' not pinned in XDP_PERF_PIN_DIR: %s",
				   u->path, bpf_map__name(map), strerror(errno));
		else
			u->nr_pinned++;
	}
}

static int run_setup(struct uobj *u, const char *cmd, bool quiet, char *err,
		     size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	struct obj_setup_env senv = {
		.pin_dir = u->pin_dir, .obj_path = u->path,
		.prog_name = bpf_program__name(u->prog),
	};
	char out[4096];
	int ret;

	if (!*u->pin_dir) {
		u->status = EXIT_SKIP;
		snprintf(err, len, "--setup needs a private bpffs for XDP_PERF_PIN_DIR, which this kernel or process cannot mount (fsopen: needs Linux >= 5.2 and CAP_SYS_ADMIN)");
		return -ENOTSUP;
	}
	if (!bpf_obj_get_info_by_fd(u->prog_fd, &info, &ilen))
		senv.prog_id = info.id;
	ret = obj_setup_run(cmd, &senv, out, sizeof(out));
	if (!quiet || ret)
		test__info("--setup %s: %s", cmd, ret ? "failed" : "done");
	if (*out)
		test__info("%s", out);
	if (!ret)
		return 0;
	u->status = EXIT_FAIL;
	if (ret == -ETIMEDOUT)
		snprintf(err, len, "--setup did not finish within %d s; its output:",
			 OBJ_SETUP_TIMEOUT_MS / 1000);
	else if (ret < 0)
		snprintf(err, len, "--setup could not run: %s", strerror(-ret));
	else
		snprintf(err, len, "--setup failed (exit status %d); its output:",
			 ret);
	uobj_log_add(&shown_log, out, strlen(out));
	return ret < 0 ? ret : -ECANCELED;
}

int uobj_open_opts(const char *path, const char *prog,
		   const struct uobj_opts *opts, struct uobj *u,
		   char *err, size_t len)
{
	libbpf_print_fn_t old;
	int ret, i;

	memset(u, 0, sizeof(*u));
	u->path = path;
	u->prog_fd = -1;
	u->status = EXIT_USAGE;
	shown_log.len = libbpf_log.len = 0;
	shown_log.buf[0] = libbpf_log.buf[0] = '\0';
	memset(cause_line, 0, sizeof(cause_line));
	/* the object's pins go here, never to /sys/fs/bpf */
	u->bpffs_fd = obj_bpffs_create(u->pin_dir, sizeof(u->pin_dir));
	if (u->bpffs_fd < 0) {
		test__info("%s: no private bpffs (%s): maps are not pinned",
			   path, strerror(-u->bpffs_fd));
		u->pin_dir[0] = '\0';
	}
	old = libbpf_set_print(capture_print);
	ret = open_object(u, prog, err, len);
	for (i = 0; !ret && i < opts->nr_sets; i++)
		ret = obj_set_global(u->obj, opts->sets[i], err, len);
	if (!ret)
		ret = load_object(u, err, len);
	libbpf_set_print(old);
	if (ret)
		return ret;
	pin_maps(u);
	if (opts->setup)
		ret = run_setup(u, opts->setup, opts->quiet, err, len);
	if (!ret)
		u->status = 0;
	return ret;
}

void uobj_cli_opts(struct uobj_opts *opts)
{
	*opts = (struct uobj_opts){
		.sets = cli_sets, .nr_sets = cli_nr_sets, .setup = cli_setup,
	};
}

int uobj_open(const char *path, const char *prog, struct uobj *u,
	      char *err, size_t len)
{
	struct uobj_opts opts;

	uobj_cli_opts(&opts);
	return uobj_open_opts(path, prog, &opts, u, err, len);
}

void uobj_close(struct uobj *u)
{
	bpf_object__close(u->obj);	/* NULL is fine */
	u->obj = NULL;
	u->prog = NULL;
	u->prog_fd = -1;
	if (u->bpffs_fd >= 0)
		close(u->bpffs_fd);	/* frees the bpffs and its pins */
	u->bpffs_fd = -1;
	u->pin_dir[0] = '\0';
}

int uobj_exit_status(const struct uobj *u)
{
	return u->status;
}
