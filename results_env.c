// SPDX-License-Identifier: GPL-2.0
/*
 * The environment every figure carries (results.h): kernel, CPU, caches,
 * virtualisation, JIT and mitigations, toolchain, revision and date,
 * probed once per run.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "test_perf.h"
#include "results.h"
#include "util.h"
#include "version.h"

static struct perf_environment environment;
static bool env_probed;

static int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static int read_int(const char *path)
{
	char buf[32];

	if (read_first_line(path, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

static void probe_cpu_model(struct perf_environment *e)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], *v;

	snprintf(e->cpu_model, sizeof(e->cpu_model), "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		v = strchr(line, ':');
		if (!v)
			break;
		v += strspn(v + 1, " ") + 1;
		v[strcspn(v, "\n")] = '\0';
		snprintf(e->cpu_model, sizeof(e->cpu_model), "%s", v);
		break;
	}
	fclose(f);
}

/* vmtest.sh puts xdp_perf.emulated=1 on the guest kernel's command line */
static bool cmdline_says_emulated(void)
{
	char buf[1024];

	if (read_first_line("/proc/cmdline", buf, sizeof(buf)))
		return false;
	return strstr(buf, "xdp_perf.emulated=1") != NULL;
}

/* CPUID hypervisor leaf: "KVMKVMKVM", "TCGTCGTCGTCG" (QEMU emulation), ... */
static void probe_virt(struct perf_environment *e)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13] = "";
	const char *forced = getenv("XDP_PERF_EMULATED");

	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1U << 31))) {
		__cpuid(0x40000000, eax, ebx, ecx, edx);
		memcpy(sig, &ebx, 4);
		memcpy(sig + 4, &ecx, 4);
		memcpy(sig + 8, &edx, 4);
		sig[12] = '\0';
	}
	snprintf(e->virt, sizeof(e->virt), "%s", sig);
	e->emulated = !!strstr(sig, "TCG") || strstr(e->cpu_model, "TCG") ||
		      (forced && *forced == '1') || cmdline_says_emulated();
}

static void probe_mitigations(struct perf_environment *e)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	struct dirent **names;
	size_t used = 0;
	int n, i;

	e->mitigations[0] = '\0';
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char path[600], val[256];

		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			if (!read_first_line(path, val, sizeof(val)) &&
			    used < sizeof(e->mitigations))
				used += snprintf(e->mitigations + used,
						 sizeof(e->mitigations) - used,
						 "%s%s=%s", used ? ";" : "",
						 names[i]->d_name, val);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	/* commas would break the CSV-free promise of the field consumers */
	for (char *p = e->mitigations; *p; p++)
		if (*p == ',' || *p == '"')
			*p = ' ';
}

/* "48K", "1024K", "32M" of sysfs in bytes; 0 when unreadable. */
static long read_cache_size(const char *dir)
{
	char path[160], buf[32], *end;
	long v;

	snprintf(path, sizeof(path), "%s/size", dir);
	if (read_first_line(path, buf, sizeof(buf)))
		return 0;
	v = strtol(buf, &end, 10);
	return *end == 'K' ? v << 10 : *end == 'M' ? v << 20 :
	       *end == 'G' ? v << 30 : v;
}

/* Where a working set stops fitting: CPU 0's data and unified caches. */
static void probe_caches(struct perf_environment *e)
{
	const char *base = "/sys/devices/system/cpu/cpu0/cache";
	char dir[128], path[160], type[32];
	int level, top = 0;

	for (int i = 0; i < 16; i++) {
		snprintf(dir, sizeof(dir), "%s/index%d", base, i);
		snprintf(path, sizeof(path), "%s/level", dir);
		level = read_int(path);
		if (level < 0)
			break;
		snprintf(path, sizeof(path), "%s/type", dir);
		if (read_first_line(path, type, sizeof(type)) ||
		    !strcmp(type, "Instruction"))
			continue;
		if (level == 1)
			e->cache_l1d = read_cache_size(dir);
		else if (level == 2)
			e->cache_l2 = read_cache_size(dir);
		if (level >= top) {
			top = level;
			e->cache_llc = read_cache_size(dir);
		}
	}
}

void results_probe_env(struct perf_environment *e)
{
	struct utsname u;
	time_t now = time(NULL);

	if (!e)
		e = &environment;
	memset(e, 0, sizeof(*e));
	if (!uname(&u)) {
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
		snprintf(e->hostname, sizeof(e->hostname), "%s", u.nodename);
	}
	probe_cpu_model(e);
	probe_virt(e);
	e->nr_cpus = libbpf_num_possible_cpus();
	e->jit_enable = read_int("/proc/sys/net/core/bpf_jit_enable");
	e->jit_harden = read_int("/proc/sys/net/core/bpf_jit_harden");
	e->bpf_stats = read_int("/proc/sys/kernel/bpf_stats_enabled");
	probe_mitigations(e);
	probe_caches(e);
	snprintf(e->clang, sizeof(e->clang), "%s", XDP_PERF_CLANG);
	snprintf(e->libbpf, sizeof(e->libbpf), "%s", libbpf_version_string());
	snprintf(e->git_rev, sizeof(e->git_rev), "%s",
		 *XDP_PERF_GIT_REV ? XDP_PERF_GIT_REV : "unknown");
	strftime(e->date, sizeof(e->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (e == &environment)
		env_probed = true;
}

const struct perf_environment *results_env(void)
{
	if (!env_probed)
		results_probe_env(NULL);
	return &environment;
}
