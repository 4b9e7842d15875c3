// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/state-file.h"
#include "tap.h"

static const struct zcrx_config_binding sample[] = {
	{ .nic = "eth0", .queue = 1, .macvtap = "mvt0" },
	{ .nic = "eth0", .queue = 2, .macvtap = "mvt1",
	  .has_fallback = true, .fallback = ZCRX_FALLBACK_DROP,
	  .has_starved_fallback = true, .starved_fallback = ZCRX_FALLBACK_COPY,
	  .has_low_watermark = true, .low_watermark = 0 },
	{ .nic = "enp1s0f1", .queue = 65535, .macvtap = "macvtap-15char",
	  .has_low_watermark = true, .low_watermark = 64,
	  .has_unbind_on_vhost_gone = true, .unbind_on_vhost_gone = true },
	{ .nic = "eth1", .queue = 0, .macvtap = "mvt3",
	  .has_unbind_on_vhost_gone = true, .unbind_on_vhost_gone = false },
};

#define N_SAMPLE (sizeof(sample) / sizeof(sample[0]))

static const char sample_text[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"bindings\": [\n"
	"    {\n"
	"      \"nic\": \"eth0\",\n"
	"      \"queue\": 1,\n"
	"      \"macvtap\": \"mvt0\"\n"
	"    },\n"
	"    {\n"
	"      \"nic\": \"eth0\",\n"
	"      \"queue\": 2,\n"
	"      \"macvtap\": \"mvt1\",\n"
	"      \"fallback\": \"drop\",\n"
	"      \"starved-fallback\": \"copy\",\n"
	"      \"low-watermark\": 0\n"
	"    },\n"
	"    {\n"
	"      \"nic\": \"enp1s0f1\",\n"
	"      \"queue\": 65535,\n"
	"      \"macvtap\": \"macvtap-15char\",\n"
	"      \"low-watermark\": 64,\n"
	"      \"unbind-on-vhost-gone\": true\n"
	"    },\n"
	"    {\n"
	"      \"nic\": \"eth1\",\n"
	"      \"queue\": 0,\n"
	"      \"macvtap\": \"mvt3\",\n"
	"      \"unbind-on-vhost-gone\": false\n"
	"    }\n"
	"  ]\n"
	"}\n";

/* Field by field: memcmp would read the struct's padding. */
static bool binding_equal(const struct zcrx_config_binding *a,
			  const struct zcrx_config_binding *b)
{
	return !strcmp(a->nic, b->nic) && !strcmp(a->macvtap, b->macvtap) &&
	       !strcmp(a->netns, b->netns) && a->queue == b->queue && a->has_fallback == b->has_fallback &&
	       (!a->has_fallback || a->fallback == b->fallback) &&
	       a->has_starved_fallback == b->has_starved_fallback &&
	       (!a->has_starved_fallback ||
		a->starved_fallback == b->starved_fallback) &&
	       a->has_low_watermark == b->has_low_watermark &&
	       (!a->has_low_watermark || a->low_watermark == b->low_watermark) &&
	       a->has_unbind_on_vhost_gone == b->has_unbind_on_vhost_gone &&
	       (!a->has_unbind_on_vhost_gone ||
		a->unbind_on_vhost_gone == b->unbind_on_vhost_gone);
}

static bool is_str(struct tap *t, const char *got, const char *want,
		   const char *desc)
{
	bool pass = got && want ? !strcmp(got, want) : got == want;

	tap_ok(t, pass, "%s", desc);
	if (!pass)
		printf("#   got  %s\n#   want %s\n", got ?: "(null)",
		       want ?: "(null)");
	return pass;
}

/* The directory's entries other than . and .., comma-separated. */
static void list_dir(const char *dir, char *buf, size_t size)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	buf[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (buf[0])
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, e->d_name, size - strlen(buf) - 1);
	}
	closedir(d);
}

static char *read_text(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static void test_missing(struct tap *t, const char *dir)
{
	struct zcrx_config_binding *b = (struct zcrx_config_binding *)&b;
	char *error = (char *)&error;
	size_t n = 99;

	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0,
		   "missing file: loaded");
	tap_ok(t, !b && n == 0 && !error, "missing file: no bindings, no error");
}

static void test_round_trip(struct tap *t, const char *dir, const char *path)
{
	struct zcrx_config_binding *b = NULL;
	char *error = NULL, entries[256];
	size_t n = 0;
	bool all_equal = true;

	tap_is_int(t, zcrx_state_save(dir, sample, N_SAMPLE, NULL), 0, "saved");
	list_dir(dir, entries, sizeof(entries));
	is_str(t, entries, "bindings.json", "only bindings.json in the directory");
	is_str(t, read_text(path), sample_text,
	       "the file is the documented JSON, only overrides written");

	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "loaded back");
	is_str(t, error, NULL, "no error");
	tap_is_int(t, n, N_SAMPLE, "as many bindings as saved");
	for (size_t i = 0; i < n && i < N_SAMPLE; i++)
		all_equal &= binding_equal(&b[i], &sample[i]);
	tap_ok(t, n == N_SAMPLE && all_equal, "every binding and override equal");
	free(b);

	/* Replacing: fewer bindings, then none. */
	tap_is_int(t, zcrx_state_save(dir, sample + 2, 1, NULL), 0, "one binding saved");
	zcrx_state_load(dir, &b, &n, &error);
	tap_ok(t, n == 1 && binding_equal(&b[0], &sample[2]),
	       "the file was replaced, not appended to");
	free(b);
	tap_is_int(t, zcrx_state_save(dir, NULL, 0, NULL), 0, "no binding saved");
	is_str(t, read_text(path), "{\n  \"version\": 1,\n  \"bindings\": [\n  ]\n}\n", "an empty list");
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "empty list loaded");
	tap_ok(t, !b && n == 0, "no bindings");
}

static void test_stale_temp(struct tap *t, const char *dir)
{
	char stale[1024];
	char temp[128], entries[256];
	struct zcrx_config_binding *b = NULL;
	char *error = NULL;
	size_t n = 0;

	/* A crash between creating and renaming the temporary file. */
	snprintf(temp, sizeof(temp), "%s/bindings.json.tmp", dir);
	memset(stale, 'x', sizeof(stale));	/* longer than the new file */
	write_text(temp, stale, sizeof(stale));
	tap_is_int(t, zcrx_state_save(dir, sample, 1, NULL), 0,
		   "saved over a stale temporary file");
	list_dir(dir, entries, sizeof(entries));
	is_str(t, entries, "bindings.json", "stale temporary file gone");
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "loaded");
	tap_ok(t, n == 1 && binding_equal(&b[0], &sample[0]),
	       "no trace of the stale file's content");
	free(b);
}

static void test_refused_save(struct tap *t, const char *dir, const char *path)
{
	struct zcrx_config_binding bad[2] = { sample[0], sample[1] };
	char before[4096], entries[256], missing[128];

	zcrx_state_save(dir, sample, N_SAMPLE, NULL);
	snprintf(before, sizeof(before), "%s", read_text(path));

	strcpy(bad[1].macvtap, "a/b");
	tap_is_int(t, zcrx_state_save(dir, bad, 2, NULL), -EINVAL, "bad name refused");
	strcpy(bad[1].macvtap, "mvt0");
	tap_is_int(t, zcrx_state_save(dir, bad, 2, NULL), -EINVAL,
		   "conflicting bindings refused");
	bad[1] = sample[1];
	bad[1].fallback = 0;
	tap_is_int(t, zcrx_state_save(dir, bad, 2, NULL), -EINVAL,
		   "fallback out of range refused");
	is_str(t, read_text(path), before, "refused saves left the file alone");
	list_dir(dir, entries, sizeof(entries));
	is_str(t, entries, "bindings.json", "and wrote no temporary file");

	snprintf(missing, sizeof(missing), "%s/missing", dir);
	tap_is_int(t, zcrx_state_save(missing, sample, 1, NULL), -ENOENT,
		   "missing directory: -ENOENT");

	/* The rename fails after the temporary file was written: a
	 * directory is in the way. */
	unlink(path);
	if (!tap_ok(t, mkdir(path, 0700) == 0, "directory in the file's place"))
		return;
	tap_is_int(t, zcrx_state_save(dir, sample, 1, NULL), -EISDIR,
		   "failed rename reported");
	list_dir(dir, entries, sizeof(entries));
	is_str(t, entries, "bindings.json", "temporary file removed on failure");
	rmdir(path);
}

static void check_corrupt(struct tap *t, const char *dir, const char *path,
			  const char *text, size_t len /* 0: strlen */,
			  const char *want_suffix)
{
	struct zcrx_config_binding *b = (struct zcrx_config_binding *)&b;
	char *error = NULL, want[256];
	size_t n = 99;
	int r;

	write_text(path, text, len ?: strlen(text));
	snprintf(want, sizeof(want), "%s%s", path, want_suffix);
	r = zcrx_state_load(dir, &b, &n, &error);
	tap_is_int(t, r, -EINVAL, want_suffix);
	is_str(t, error, want, "message names the file");
	tap_ok(t, !b && n == 0, "no bindings from a corrupt file");
	free(error);
}

static void test_corrupt(struct tap *t, const char *dir, const char *path)
{
	char text[sizeof(sample_text)];

	/* The saved file cut short, as by a writer without rename. */
	memcpy(text, sample_text, sizeof(text));
	check_corrupt(t, dir, path, text, 56,
		      ":5:17: invalid JSON: unexpected end of data");
	check_corrupt(t, dir, path, "", 0,
		      ": empty file (the smallest valid one is {})");
	check_corrupt(t, dir, path, "\x7f" "ELF\x02\x01\x01", 7,
		      ":1:1: invalid JSON: unexpected character");
	check_corrupt(t, dir, path, "{}\0\0\0", 5, ": contains a NUL byte");
	/* Valid JSON, but not a state file: the config's rules apply. */
	check_corrupt(t, dir, path, "{\"policy\": {}}", 0, ": policy: unknown key");
	check_corrupt(t, dir, path, "{\"bindings\": [{\"nic\": \"eth0\"}]}", 0,
		      ": bindings[0]: missing required key \"queue\"");
	check_corrupt(t, dir, path,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m1\"}]}", 0,
		      ": bindings[1]: eth0 queue 1 is already bound by bindings[0]");
}

/* A file of the format before "version" was added reads as version 1. */
static void test_version(struct tap *t, const char *dir, const char *path)
{
	static const char v0[] = "{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 1, "
				 "\"macvtap\": \"mvt0\" } ] }";
	static const char v3[] = "{ \"version\": 3, \"bindings\": [ { \"nic\": \"eth0\", "
				 "\"queue\": 1, \"macvtap\": \"mvt0\", \"owner\": \"vm1\" } ], "
				 "\"owners\": {} }";
	struct zcrx_config_binding *b = NULL;
	char *error = NULL, want[256];
	size_t n = 0;

	write_text(path, v0, strlen(v0));
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "no version: read as version 1");
	tap_ok(t, n == 1 && binding_equal(&b[0], &sample[0]), "its binding read");
	free(b);
	b = NULL;
	write_text(path, v3, strlen(v3));
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), -EPROTONOSUPPORT,
		   "version 3 (with keys of its own): -EPROTONOSUPPORT, not corrupt");
	snprintf(want, sizeof(want), "%s: version: 3 is newer than this zcrxd reads (2)", path);
	is_str(t, error, want, "the message says so");
	free(error);
	error = NULL;
	write_text(path, "{ \"version\": 0 }", 16);
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), -EINVAL, "version 0: corrupt");
	free(error);
	unlink(path);
}

/* A macvtap of a pod's namespace: kept by name, in format 2; a bad name is refused. */
static void test_netns(struct tap *t, const char *dir, const char *path)
{
	static const struct zcrx_config_binding pod = {
		.nic = "eth0", .queue = 1, .macvtap = "mvt0", .netns = "pod",
	};
	static const char bad[] = "{ \"version\": 2, \"bindings\": [ { \"nic\": \"eth0\", "
				  "\"queue\": 1, \"macvtap\": \"mvt0\", \"netns\": \"../x\" } ] }";
	struct zcrx_config_binding *b = NULL;
	char *error = NULL;
	const char *text;
	size_t n = 0;

	tap_is_int(t, zcrx_state_save(dir, &pod, 1, NULL), 0, "netns: saved");
	text = read_text(path);
	tap_ok(t, text && strstr(text, "\"version\": 2,") && strstr(text, "\"netns\": \"pod\""),
	       "netns: written as \"netns\", version 2");
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "netns: read back");
	tap_ok(t, n == 1 && binding_equal(&b[0], &pod), "netns: the same binding");
	free(b);
	b = NULL;
	write_text(path, bad, strlen(bad));
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), -EINVAL, "netns \"../x\": refused");
	tap_ok(t, error && strstr(error, "netns: must be a name in /run/netns"),
	       "netns \"../x\": the message names it");
	free(error);
	unlink(path);
}

static void test_move_aside(struct tap *t, const char *dir, const char *path)
{
	char *name = NULL, aside[128];
	time_t when = 1764547200;	/* 2025-12-01T00:00:00Z */

	write_text(path, "{ garbage", 9);
	tap_is_int(t, zcrx_state_move_aside(dir, when, &name), 0, "corrupt file moved aside");
	is_str(t, name, "bindings.json.corrupt-20251201T000000Z", "named with the time, UTC");
	snprintf(aside, sizeof(aside), "%s/%s", dir, name ? name : "");
	is_str(t, read_text(aside), "{ garbage", "its content kept");
	free(name);
	write_text(path, "{ more garbage", 14);
	tap_is_int(t, zcrx_state_move_aside(dir, when, &name), 0, "a second one the same second");
	is_str(t, name, "bindings.json.corrupt-20251201T000000Z-1", "does not replace the first");
	free(name);
	tap_is_int(t, zcrx_state_move_aside(dir, when, &name), -ENOENT, "no file: -ENOENT");
	tap_is_int(t, zcrx_state_save(dir, sample, 1, NULL), 0, "a new file saved after that");
	snprintf(aside, sizeof(aside), "%s/bindings.json.corrupt-20251201T000000Z", dir);
	is_str(t, read_text(aside), "{ garbage", "the corrupt copy stays beside it");
	unlink(aside);
	strcat(aside, "-1");
	unlink(aside);
}

/* Fails on directories (the sync after the rename), as a seam for tests. */
static int fsync_fails_on_dirs(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int fsync_fails(int fd)
{
	(void)fd;
	errno = ENOSPC;
	return -1;
}

static void test_sync_failures(struct tap *t, const char *dir, const char *path)
{
	const struct zcrx_state_io dir_fails = { .fsync = fsync_fails_on_dirs };
	const struct zcrx_state_io file_fails = { .fsync = fsync_fails };
	struct zcrx_config_binding *b = NULL;
	char *error = NULL, entries[256];
	size_t n = 0;

	zcrx_state_save(dir, sample, 1, NULL);
	tap_is_int(t, zcrx_state_save(dir, sample, 2, &dir_fails), EIO,
		   "directory sync fails after the rename: EIO, positive (a warning)");
	tap_is_int(t, zcrx_state_load(dir, &b, &n, &error), 0, "the new file is read");
	tap_is_int(t, n, 2, "with both bindings: the save was not undone");
	free(b);
	b = NULL;
	tap_is_int(t, zcrx_state_save(dir, sample, 3, &file_fails), -ENOSPC,
		   "file sync fails before the rename: -ENOSPC");
	zcrx_state_load(dir, &b, &n, &error);
	tap_is_int(t, n, 2, "the previous file is left as it was");
	free(b);
	list_dir(dir, entries, sizeof(entries));
	is_str(t, entries, "bindings.json", "no temporary file behind");
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/test-state-file.XXXXXX", path[64];
	struct tap t = { 0 };

	if (!tap_ok(&t, mkdtemp(dir) != NULL, "temporary directory"))
		return tap_done(&t);
	snprintf(path, sizeof(path), "%s/" ZCRX_STATE_FILE, dir);

	test_missing(&t, dir);
	test_round_trip(&t, dir, path);
	test_stale_temp(&t, dir);
	test_refused_save(&t, dir, path);
	test_corrupt(&t, dir, path);
	test_version(&t, dir, path);
	test_netns(&t, dir, path);
	test_move_aside(&t, dir, path);
	test_sync_failures(&t, dir, path);

	unlink(path);
	rmdir(dir);
	return tap_done(&t);
}
