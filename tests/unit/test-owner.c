// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binding owners: what an owner may be, zcrxd.conf's and the state file's
 * "owner" key, and the memory of owned bindings that ended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/ended.h"
#include "common/zcrx-owner.h"
#include "daemon/state-file.h"
#include "daemon/zcrxd-conf.h"
#include "tap.h"

static bool is_str(struct tap *t, const char *got, const char *want, const char *desc)
{
	bool pass = got && want ? !strcmp(got, want) : got == want;

	tap_ok(t, pass, "%s", desc);
	if (!pass)
		printf("#   got  %s\n#   want %s\n", got ?: "(null)", want ?: "(null)");
	return pass;
}

static void test_owner_problem(struct tap *t)
{
	static const struct {
		const char *owner;
		const char *problem;	/* NULL: valid */
		const char *desc;
	} cases[] = {
		{ "6f1c2f6e-6d2a-4c1e-9a57-0c6f3b1e2d4a", NULL, "a UUID" },
		{ "web server \"blue\" (prod)", NULL, "spaces, quotes, parentheses" },
		{ "g\xc3\xa4st-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x90\xa7", NULL,
		  "UTF-8: 2-, 3- and 4-byte characters" },
		{ "", "must not be empty", "empty" },
		{ "vm\t1", "must be printable UTF-8 text (no control characters)", "a tab" },
		{ "vm\n1", "must be printable UTF-8 text (no control characters)", "a newline" },
		{ "vm\x7f", "must be printable UTF-8 text (no control characters)", "DEL" },
		{ "vm\xc2\x85", "must be printable UTF-8 text (no control characters)",
		  "a C1 control (U+0085)" },
		{ "vm\xff", "must be printable UTF-8 text (no control characters)",
		  "a byte that is no UTF-8" },
		{ "vm\xc3", "must be printable UTF-8 text (no control characters)",
		  "a truncated sequence" },
		{ "vm\xc0\xaf", "must be printable UTF-8 text (no control characters)",
		  "an overlong form" },
		{ "vm\xed\xa0\x80", "must be printable UTF-8 text (no control characters)",
		  "a surrogate" },
	};
	char name[ZCRX_OWNER_MAX + 2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char desc[128];

		snprintf(desc, sizeof(desc), "owner: %s", cases[i].desc);
		is_str(t, zcrx_owner_problem(cases[i].owner), cases[i].problem, desc);
	}
	memset(name, 'a', ZCRX_OWNER_MAX);
	name[ZCRX_OWNER_MAX] = '\0';
	is_str(t, zcrx_owner_problem(name), NULL, "owner: 255 bytes is the most");
	name[ZCRX_OWNER_MAX] = 'a';
	name[ZCRX_OWNER_MAX + 1] = '\0';
	is_str(t, zcrx_owner_problem(name), "must be at most 255 bytes long",
	       "owner: 256 bytes refused");
	/* 254 ASCII bytes and a 2-byte character: 256 bytes. */
	memset(name, 'a', ZCRX_OWNER_MAX - 1);
	memcpy(name + ZCRX_OWNER_MAX - 1, "\xc3\xa4", 3);
	is_str(t, zcrx_owner_problem(name), "must be at most 255 bytes long",
	       "owner: a character across the limit refused");
}

static void test_config_owner(struct tap *t)
{
	struct zcrx_config *config = NULL;
	char *error = NULL;
	int r;

	r = zcrx_config_parse("zcrxd.conf",
			      "{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 1, "
			      "\"macvtap\": \"mvt0\", \"owner\": \"vm-a\" }, "
			      "{ \"nic\": \"eth0\", \"queue\": 2, \"macvtap\": \"mvt1\" } ] }",
			      &config, &error);
	tap_is_int(t, r, 0, "zcrxd.conf: a binding with an owner parses");
	if (r == 0) {
		is_str(t, config->bindings[0].owner, "vm-a", "zcrxd.conf: its owner is kept");
		is_str(t, config->bindings[1].owner, "", "zcrxd.conf: no owner key, no owner");
	}
	zcrx_config_free(config);
	free(error);

	static const struct {
		const char *value;
		const char *error;
	} bad[] = {
		{ "\"\"", "zcrxd.conf: bindings[0].owner: must not be empty" },
		{ "\"a\\u0001b\"", "zcrxd.conf: bindings[0].owner: must be printable UTF-8 text "
				   "(no control characters)" },
		{ "42", "zcrxd.conf: bindings[0].owner: must be a string" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256], desc[128];

		config = NULL;
		error = NULL;
		snprintf(text, sizeof(text), "{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 1, "
			 "\"macvtap\": \"mvt0\", \"owner\": %s } ] }", bad[i].value);
		r = zcrx_config_parse("zcrxd.conf", text, &config, &error);
		snprintf(desc, sizeof(desc), "zcrxd.conf: owner %s refused", bad[i].value);
		tap_ok(t, r < 0 && !config, "%s", desc);
		is_str(t, error, bad[i].error, "  ... naming the key and the rule");
		zcrx_config_free(config);
		free(error);
	}
}

static void test_state_file_owner(struct tap *t)
{
	struct zcrx_config_binding saved[2] = {
		{ .nic = "eth0", .queue = 1, .macvtap = "mvt0", .owner = "vm \"a\"" },
		{ .nic = "eth0", .queue = 2, .macvtap = "mvt1" },
	};
	struct zcrx_config_binding *loaded = NULL;
	char dir[] = "/tmp/test-owner.XXXXXX", path[64], text[1024], *error = NULL;
	size_t n = 0, len;
	FILE *f;
	int r;

	if (!mkdtemp(dir)) {
		tap_ok(t, false, "state file: a temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, ZCRX_STATE_FILE);
	r = zcrx_state_save(dir, saved, 2, NULL);
	tap_is_int(t, r, 0, "state file: saved with an owner");
	f = fopen(path, "r");
	len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[len] = '\0';
	if (f)
		fclose(f);
	tap_ok(t, strstr(text, "\"owner\": \"vm \\\"a\\\"\"") != NULL,
	       "state file: the owner is written, JSON-escaped");
	r = zcrx_state_load(dir, &loaded, &n, &error);
	tap_ok(t, r == 0 && n == 2, "state file: read back");
	if (r == 0 && n == 2) {
		is_str(t, loaded[0].owner, "vm \"a\"", "state file: the owner survives a restart");
		is_str(t, loaded[1].owner, "", "state file: no owner stays none");
	}
	free(loaded);
	free(error);

	/* A file of the previous version has no owner key at all. */
	f = fopen(path, "w");
	if (f) {
		fputs("{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 3, \"macvtap\": \"mvt2\" } ] }\n",
		      f);
		fclose(f);
	}
	loaded = NULL;
	error = NULL;
	r = zcrx_state_load(dir, &loaded, &n, &error);
	tap_ok(t, r == 0 && n == 1 && !strcmp(loaded[0].owner, ""),
	       "state file: an older file without owners still loads");
	free(loaded);
	free(error);
	unlink(path);
	rmdir(dir);
}

static void test_ended(struct tap *t)
{
	static struct zcrx_ended ended;
	const struct zcrx_ended_binding *e;
	char owner[32];

	zcrx_ended_init(&ended);
	tap_ok(t, !zcrx_ended_find(&ended, 1), "ended: nothing remembered at first");
	zcrx_ended_add(&ended, 7, "vm-a", "vhost-gone");
	e = zcrx_ended_find(&ended, 7);
	tap_ok(t, e && !strcmp(e->owner, "vm-a") && !strcmp(e->reason, "vhost-gone"),
	       "ended: a binding's owner and reason are remembered");
	zcrx_ended_add(&ended, 8, "", "request");
	tap_ok(t, !zcrx_ended_find(&ended, 8), "ended: a binding without owner is not");
	zcrx_ended_add(&ended, 7, "vm-b", "request");
	e = zcrx_ended_find(&ended, 7);
	tap_ok(t, e && !strcmp(e->owner, "vm-b"), "ended: an id ended again replaces its record");
	zcrx_ended_forget(&ended, 7);
	tap_ok(t, !zcrx_ended_find(&ended, 7), "ended: forgotten when the id is reused");

	/* Bounded: the oldest goes first. */
	for (uint32_t id = 100; id < 100 + ZCRX_ENDED_MAX + 1; id++) {
		snprintf(owner, sizeof(owner), "vm-%u", id);
		zcrx_ended_add(&ended, id, owner, "nic-gone");
	}
	tap_ok(t, !zcrx_ended_find(&ended, 100), "ended: past %d records the oldest is forgotten",
	       ZCRX_ENDED_MAX);
	e = zcrx_ended_find(&ended, 101);
	tap_ok(t, e && !strcmp(e->owner, "vm-101"), "ended: the next oldest is still known");
	e = zcrx_ended_find(&ended, 100 + ZCRX_ENDED_MAX);
	tap_ok(t, e && !strcmp(e->owner, "vm-356") && !strcmp(e->reason, "nic-gone"),
	       "ended: the newest is known");
	tap_ok(t, !zcrx_ended_find(&ended, 0), "ended: id 0 is never a binding");
}

static void test_match(struct tap *t)
{
	const struct zcrx_config_binding have = {
		.nic = "eth0", .queue = 1, .macvtap = "mvt0", .owner = "vm-a",
		.has_fallback = true, .fallback = ZCRX_FALLBACK_DROP,
	};
	struct zcrx_config_binding want = have;

	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_SAME,
		   "match: the same request again");
	want.has_unbind_on_vhost_gone = true;	/* false given = absent */
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_SAME,
		   "match: unbind-on-vhost-gone false given is the default");
	want = have;
	snprintf(want.owner, sizeof(want.owner), "vm-b");
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OWNER,
		   "match: another owner");
	want.owner[0] = '\0';
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OWNER,
		   "match: no owner against one");
	want = have;
	want.has_fallback = false;
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OPTIONS,
		   "match: fallback given, then not");
	want = have;
	want.fallback = ZCRX_FALLBACK_COPY;
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OPTIONS,
		   "match: another fallback");
	want = have;
	want.has_low_watermark = true;
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OPTIONS,
		   "match: a low watermark given (even 0) where none was");
	want = have;
	want.has_unbind_on_vhost_gone = want.unbind_on_vhost_gone = true;
	tap_is_int(t, zcrx_config_binding_match(&have, &want), ZCRX_BINDING_MATCH_OPTIONS,
		   "match: unbind-on-vhost-gone asked for");
}

int main(void)
{
	struct tap t = { 0 };

	test_owner_problem(&t);
	test_config_owner(&t);
	test_state_file_owner(&t);
	test_ended(&t);
	test_match(&t);
	return tap_done(&t);
}
