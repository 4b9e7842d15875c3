// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/zcrxd-conf.h"
#include "tap.h"

#define MSEC 1000000ULL

/* Field by field: memcmp would read the struct's padding. */
static bool params_equal(const struct zcrx_policy_params *a,
			 const struct zcrx_policy_params *b)
{
	return a->default_fallback == b->default_fallback &&
	       a->starved_fallback == b->starved_fallback &&
	       a->engage_starved_per_sec == b->engage_starved_per_sec &&
	       a->clear_starved_per_sec == b->clear_starved_per_sec &&
	       a->low_watermark == b->low_watermark &&
	       a->min_dwell_ns == b->min_dwell_ns &&
	       a->window_ns == b->window_ns && a->copybreak.mode == b->copybreak.mode &&
	       a->copybreak.fixed == b->copybreak.fixed && a->copybreak.min == b->copybreak.min &&
	       a->copybreak.max == b->copybreak.max && a->copybreak.probe == b->copybreak.probe &&
	       a->copybreak.half_life_ns == b->copybreak.half_life_ns;
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

/* @text must be refused with exactly @want_error. */
static void check_invalid(struct tap *t, const char *text,
			  const char *want_error)
{
	struct zcrx_config *config = (struct zcrx_config *)&config;
	char *error = NULL;
	int r;

	r = zcrx_config_parse("zcrxd.conf", text, &config, &error);
	if (!is_str(t, error, want_error, want_error) || r != -EINVAL || config)
		printf("#   returned %d, config %p, for: %s\n", r, (void *)config,
		       text);
	free(error);
}

static struct zcrx_config *parse_ok(struct tap *t, const char *text,
				    const char *desc)
{
	struct zcrx_config *config = NULL;
	char *error = NULL;
	int r;

	r = zcrx_config_parse("zcrxd.conf", text, &config, &error);
	tap_ok(t, r == 0 && config && !error, "%s", desc);
	if (r < 0)
		printf("#   returned %d: %s\n", r, error ?: "(no message)");
	free(error);
	return config;
}

/* netns: a bare name of /run/netns; a macvtap name means a device only there. */
static void test_netns(struct tap *t)
{
	struct zcrx_config *config;

	config = parse_ok(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
			  "\"netns\": \"pod-a\"}, {\"nic\": \"eth0\", \"queue\": 2, \"macvtap\": \"m0\", "
			  "\"netns\": \"pod-b\"}, {\"nic\": \"eth0\", \"queue\": 3, \"macvtap\": \"m0\"}]}",
			  "netns: the same macvtap name in two pods and the host's");
	tap_ok(t, config && config->n_bindings == 3 && !strcmp(config->bindings[0].netns, "pod-a") &&
	       !strcmp(config->bindings[1].netns, "pod-b") && !config->bindings[2].netns[0],
	       "netns: each binding's namespace read");
	zcrx_config_free(config);
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
		      "\"netns\": \"pod\"}, {\"nic\": \"eth0\", \"queue\": 2, \"macvtap\": \"m0\", "
		      "\"netns\": \"pod\"}]}",
		      "zcrxd.conf: bindings[1].macvtap: m0 is already used by bindings[0]");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
		      "\"netns\": \"/run/netns/pod\"}]}",
		      "zcrxd.conf: bindings[0].netns: must be a name in /run/netns, without '/' or "
		      "control characters");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
		      "\"netns\": \"..\"}]}",
		      "zcrxd.conf: bindings[0].netns: must not be \".\" or \"..\"");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
		      "\"netns\": \"\"}]}",
		      "zcrxd.conf: bindings[0].netns: must not be empty");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", "
		      "\"netns\": 1}]}",
		      "zcrxd.conf: bindings[0].netns: must be a string");
}

static void test_full(struct tap *t)
{
	static const char text[] =
		"{\n"
		"  \"admin-group\": \"zcrx-admin\",\n"
		"  \"policy\": {\n"
		"    \"default-fallback\": \"drop\",\n"
		"    \"starved-fallback\": \"copy\",\n"
		"    \"engage-starved-per-sec\": 5000,\n"
		"    \"clear-starved-per-sec\": 0,\n"
		"    \"low-watermark\": 32,\n"
		"    \"min-dwell-ms\": 750,\n"
		"    \"window-ms\": 3000\n"
		"  },\n"
		"  \"bindings\": [\n"
		"    { \"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"mvt0\",\n"
		"      \"fallback\": \"copy\", \"starved-fallback\": \"drop\",\n"
		"      \"low-watermark\": 16, \"unbind-on-vhost-gone\": true },\n"
		"    { \"queue\": 65535, \"macvtap\": \"macvtap-15char\", \"nic\": \"eth0\" },\n"
		"    { \"nic\": \"enp1s0f1\", \"queue\": 1, \"macvtap\": \"mvt2\",\n"
		"      \"low-watermark\": 0, \"unbind-on-vhost-gone\": false }\n"
		"  ]\n"
		"}\n";
	struct zcrx_config *config = parse_ok(t, text, "full config parsed");
	const struct zcrx_config_binding *b;
	struct zcrx_policy_params p;

	if (!config)
		return;
	is_str(t, config->admin_group, "zcrx-admin", "admin-group");
	tap_is_int(t, config->policy.default_fallback, ZCRX_FALLBACK_DROP,
		   "policy.default-fallback");
	tap_is_int(t, config->policy.starved_fallback, ZCRX_FALLBACK_COPY,
		   "policy.starved-fallback");
	tap_is_int(t, config->policy.engage_starved_per_sec, 5000,
		   "policy.engage-starved-per-sec");
	tap_is_int(t, config->policy.clear_starved_per_sec, 0,
		   "policy.clear-starved-per-sec");
	tap_is_int(t, config->policy.low_watermark, 32, "policy.low-watermark");
	tap_is_int(t, config->policy.min_dwell_ns, 750 * MSEC,
		   "policy.min-dwell-ms in ns");
	tap_is_int(t, config->policy.window_ns, 3000 * MSEC,
		   "policy.window-ms in ns");
	tap_is_int(t, config->n_bindings, 3, "three bindings");
	if (config->n_bindings != 3)
		goto out;

	b = &config->bindings[0];
	tap_ok(t, !strcmp(b->nic, "eth0") && b->queue == 1 &&
			  !strcmp(b->macvtap, "mvt0"),
	       "bindings[0] devices and queue");
	tap_ok(t, b->has_fallback && b->fallback == ZCRX_FALLBACK_COPY &&
			  b->has_starved_fallback &&
			  b->starved_fallback == ZCRX_FALLBACK_DROP &&
			  b->has_low_watermark && b->low_watermark == 16,
	       "bindings[0] overrides");
	zcrx_config_binding_policy(&config->policy, b, &p);
	tap_ok(t, p.default_fallback == ZCRX_FALLBACK_COPY &&
			  p.starved_fallback == ZCRX_FALLBACK_DROP &&
			  p.low_watermark == 16 && p.engage_starved_per_sec == 5000 &&
			  p.window_ns == 3000 * MSEC,
	       "bindings[0] policy: overrides over the policy section");
	tap_ok(t, b->has_unbind_on_vhost_gone && b->unbind_on_vhost_gone,
	       "bindings[0] unbind-on-vhost-gone true");

	b = &config->bindings[1];
	tap_ok(t, !strcmp(b->nic, "eth0") && b->queue == 65535 &&
			  !strcmp(b->macvtap, "macvtap-15char"),
	       "bindings[1]: keys in any order, 15-byte name, top queue");
	tap_ok(t, !b->has_fallback && !b->has_starved_fallback &&
			  !b->has_low_watermark && !b->has_unbind_on_vhost_gone,
	       "bindings[1] has no overrides");
	zcrx_config_binding_policy(&config->policy, b, &p);
	tap_ok(t, params_equal(&p, &config->policy),
	       "bindings[1] policy is the policy section");

	b = &config->bindings[2];
	tap_ok(t, b->has_low_watermark && b->low_watermark == 0,
	       "bindings[2]: an explicit 0 is an override");
	tap_ok(t, b->has_unbind_on_vhost_gone && !b->unbind_on_vhost_gone,
	       "bindings[2]: an explicit false is kept as given");
out:
	zcrx_config_free(config);
}

static void test_minimal(struct tap *t)
{
	struct zcrx_policy_params defaults;
	struct zcrx_config *config;

	zcrx_policy_params_default(&defaults);
	config = parse_ok(t, "{}", "{} parsed");
	if (config) {
		tap_ok(t, !config->admin_group && !config->n_bindings &&
				  !config->bindings,
		       "{}: no group, no bindings");
		tap_ok(t, params_equal(&config->policy, &defaults),
		       "{}: default policy");
		zcrx_config_free(config);
	}

	config = parse_ok(t, "\n  { \"policy\": { \"low-watermark\": 8 }, "
			     "\"bindings\": [] }  \n",
			  "one policy key, empty bindings, surrounding space");
	if (config) {
		tap_is_int(t, config->policy.low_watermark, 8, "key given taken");
		tap_is_int(t, config->policy.engage_starved_per_sec,
			   ZCRX_POLICY_DEFAULT_ENGAGE_PER_SEC,
			   "absent keys take defaults");
		tap_is_int(t, config->n_bindings, 0, "no bindings");
		zcrx_config_free(config);
	}

	config = parse_ok(t,
			  "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 0, "
			  "\"macvtap\": \"mvt0\"}, {\"nic\": \"eth0\", "
			  "\"queue\": 1, \"macvtap\": \"mvt1\"}]}",
			  "two queues of one NIC");
	if (config) {
		tap_is_int(t, config->n_bindings, 2, "both kept");
		zcrx_config_free(config);
	}
}

static void test_syntax(struct tap *t)
{
	check_invalid(t, "", "zcrxd.conf: empty file (the smallest valid one is {})");
	check_invalid(t, " \n\t\r\n", "zcrxd.conf: empty file (the smallest valid one is {})");
	check_invalid(t, "{\n  \"policy\": {\n    \"min-dwell-ms\": 5000,\n  }\n}\n",
		      "zcrxd.conf:4:3: invalid JSON: unexpected character");
	check_invalid(t, "{\n  \"policy\": {}\n  \"bindings\": []\n}",
		      "zcrxd.conf:3:3: invalid JSON: object value separator ',' expected");
	check_invalid(t, "{\"policy\": {",
		      "zcrxd.conf:1:13: invalid JSON: unexpected end of data");
	check_invalid(t, "{} {}", "zcrxd.conf:1:4: invalid JSON: unexpected character");
	check_invalid(t, "{\"bindings\": [ /* none */ ]}",
		      "zcrxd.conf:1:16: invalid JSON: unexpected character");
	check_invalid(t, "{\"admin-group\": \"\xff\"}",
		      "zcrxd.conf:1:18: invalid JSON: invalid utf-8 string");
	check_invalid(t, "{\"policy\": {\"window-ms\": 01}}",
		      "zcrxd.conf:1:28: invalid JSON: number expected");
	check_invalid(t, "{\"a\":[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]}",
		      "zcrxd.conf:1:21: invalid JSON: nesting too deep");
	check_invalid(t, "{'policy': {}}",
		      "zcrxd.conf:1:2: invalid JSON: strings must be in double quotes");
	check_invalid(t, "[]", "zcrxd.conf: must be a JSON object");
	check_invalid(t, "null", "zcrxd.conf: must be a JSON object");
	check_invalid(t, "\"policy\"", "zcrxd.conf: must be a JSON object");
}

static void test_duplicate_keys(struct tap *t)
{
	check_invalid(t, "{\"policy\": {}, \"policy\": {\"window-ms\": 5}}",
		      "zcrxd.conf:1:16: duplicate key \"policy\"");
	check_invalid(t,
		      "{\"bindings\": [\n"
		      "  {\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\",\n"
		      "   \"queue\": 2}]}",
		      "zcrxd.conf:3:4: duplicate key \"queue\"");
	check_invalid(t, "{\"policy\": {\"window-ms\": 5, \"x\": {\"a\": 1, \"a\": [\"a\", \"a\"]}}}",
		      "zcrxd.conf:1:43: duplicate key \"a\"");
	/* The first in file order, though the inner object closes first. */
	check_invalid(t, "{\"a\": 1, \"a\": {\"b\": 1, \"b\": 2}}",
		      "zcrxd.conf:1:10: duplicate key \"a\"");
	check_invalid(t, "{\"a\": {\"b\": 1, \"b\": 2}, \"a\": 1}",
		      "zcrxd.conf:1:16: duplicate key \"b\"");
	check_invalid(t, "{\"ab\": 1, \"a\": 2, \"abc\": 3, \"a\": 4}",
		      "zcrxd.conf:1:29: duplicate key \"a\"");
	/* Not duplicates: the same key in sibling objects, a key's name as
	 * a value, a quote escaped in a string. */
	zcrx_config_free(parse_ok(t,
				  "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
				  " {\"nic\": \"eth1\", \"queue\": 1, \"macvtap\": \"m1\"}],"
				  " \"admin-group\": \"policy\"}",
				  "same keys in sibling objects are fine"));
	check_invalid(t, "{\"x\\\"y\": 1, \"x\\\"z\": 2}",
		      "zcrxd.conf: x\"y: unknown key");
}

static void test_unknown_keys(struct tap *t)
{
	check_invalid(t, "{\"bindngs\": []}", "zcrxd.conf: bindngs: unknown key");
	check_invalid(t, "{\"policy\": {\"min-dwell\": 5000}}",
		      "zcrxd.conf: policy.min-dwell: unknown key");
	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue-id\": 1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue-id: unknown key");
	check_invalid(t, "{\"Policy\": {}}", "zcrxd.conf: Policy: unknown key");
	/* Keys are quoted safely: control bytes replaced, long ones cut. */
	check_invalid(t, "{\"a\\nb\\u0001\": 1}", "zcrxd.conf: a?b?: unknown key");
	check_invalid(t,
		      "{\"0123456789012345678901234567890123456789012345678901234567890\xc3\xa9\xc3\xa9\": 1}",
		      "zcrxd.conf: 0123456789012345678901234567890123456789012345678901234567890\xc3\xa9...: unknown key");
	/* The first error in file order wins. */
	check_invalid(t, "{\"policy\": {\"window-ms\": 0}, \"typo\": 1}",
		      "zcrxd.conf: policy.window-ms: must be an integer 1..600000");
}

static void test_types(struct tap *t)
{
	check_invalid(t, "{\"policy\": []}", "zcrxd.conf: policy: must be an object");
	check_invalid(t, "{\"bindings\": {}}", "zcrxd.conf: bindings: must be an array");
	check_invalid(t, "{\"bindings\": [\"eth0\"]}",
		      "zcrxd.conf: bindings[0]: must be an object");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": \"1\", \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1.0, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": true, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": null, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": 5, \"queue\": 1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].nic: must be a string");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": [\"m0\"]}]}",
		      "zcrxd.conf: bindings[0].macvtap: must be a string");
	check_invalid(t, "{\"policy\": {\"default-fallback\": \"Copy\"}}",
		      "zcrxd.conf: policy.default-fallback: must be \"copy\" or \"drop\"");
	check_invalid(t, "{\"policy\": {\"starved-fallback\": 1}}",
		      "zcrxd.conf: policy.starved-fallback: must be \"copy\" or \"drop\"");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", \"fallback\": \"zerocopy\"}]}",
		      "zcrxd.conf: bindings[0].fallback: must be \"copy\" or \"drop\"");
	check_invalid(t, "{\"policy\": {\"min-dwell-ms\": \"5s\"}}",
		      "zcrxd.conf: policy.min-dwell-ms: must be an integer 0..86400000");
	check_invalid(t, "{\"admin-group\": 0}", "zcrxd.conf: admin-group: must be a string");
	/* A JSON boolean only: no number, string or null stands for one. */
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", \"unbind-on-vhost-gone\": 1}]}",
		      "zcrxd.conf: bindings[0].unbind-on-vhost-gone: must be true or false");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", \"unbind-on-vhost-gone\": \"true\"}]}",
		      "zcrxd.conf: bindings[0].unbind-on-vhost-gone: must be true or false");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", \"unbind-on-vhost-gone\": null}]}",
		      "zcrxd.conf: bindings[0].unbind-on-vhost-gone: must be true or false");
	/* A binding's key, not a policy default. */
	check_invalid(t, "{\"policy\": {\"unbind-on-vhost-gone\": true}}",
		      "zcrxd.conf: policy.unbind-on-vhost-gone: unknown key");
}

static void test_ranges(struct tap *t)
{
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 65536, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": -1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 99999999999999999999, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": -99999999999999999999, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0].queue: must be an integer 0..65535");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\", \"low-watermark\": 65536}]}",
		      "zcrxd.conf: bindings[0].low-watermark: must be an integer 0..65535");
	check_invalid(t, "{\"policy\": {\"engage-starved-per-sec\": 0}}",
		      "zcrxd.conf: policy.engage-starved-per-sec: must be an integer 1..4294967295");
	check_invalid(t, "{\"policy\": {\"engage-starved-per-sec\": 4294967296}}",
		      "zcrxd.conf: policy.engage-starved-per-sec: must be an integer 1..4294967295");
	check_invalid(t, "{\"policy\": {\"clear-starved-per-sec\": -5}}",
		      "zcrxd.conf: policy.clear-starved-per-sec: must be an integer 0..4294967295");
	check_invalid(t, "{\"policy\": {\"low-watermark\": 70000}}",
		      "zcrxd.conf: policy.low-watermark: must be an integer 0..65535");
	check_invalid(t, "{\"policy\": {\"min-dwell-ms\": 86400001}}",
		      "zcrxd.conf: policy.min-dwell-ms: must be an integer 0..86400000");
	check_invalid(t, "{\"policy\": {\"window-ms\": 600001}}",
		      "zcrxd.conf: policy.window-ms: must be an integer 1..600000");
	/* The thresholds' order, blaming the key actually written. */
	check_invalid(t, "{\"policy\": {\"engage-starved-per-sec\": 100, \"clear-starved-per-sec\": 100}}",
		      "zcrxd.conf: policy.clear-starved-per-sec: must be below engage-starved-per-sec (100)");
	check_invalid(t, "{\"policy\": {\"clear-starved-per-sec\": 2000}}",
		      "zcrxd.conf: policy.clear-starved-per-sec: must be below engage-starved-per-sec (1000)");
	check_invalid(t, "{\"policy\": {\"engage-starved-per-sec\": 50}}",
		      "zcrxd.conf: policy.engage-starved-per-sec: must be above clear-starved-per-sec (100)");
}

static void test_copybreak(struct tap *t)
{
	struct zcrx_config *config;

	config = parse_ok(t, "{}", "no copybreak key");
	if (config) {
		tap_is_int(t, config->policy.copybreak.mode, ZCRX_COPYBREAK_KERNEL,
			   "no copybreak key: the kernel's is left alone");
		zcrx_config_free(config);
	}
	config = parse_ok(t, "{\"policy\": {\"copybreak\": 512}}", "fixed copybreak");
	if (config) {
		tap_ok(t, config->policy.copybreak.mode == ZCRX_COPYBREAK_FIXED &&
				  config->policy.copybreak.fixed == 512,
		       "fixed copybreak taken");
		zcrx_config_free(config);
	}
	config = parse_ok(t,
			  "{\"policy\": {\"copybreak\": \"auto\", \"copybreak-min\": 64, "
			  "\"copybreak-max\": 2048, \"copybreak-probe\": 32, "
			  "\"copybreak-half-life-ms\": 500}}",
			  "auto copybreak with bounds");
	if (config) {
		const struct zcrx_copybreak_params *p = &config->policy.copybreak;

		tap_ok(t, p->mode == ZCRX_COPYBREAK_AUTO && p->min == 64 && p->max == 2048 &&
				  p->probe == 32 && p->half_life_ns == 500 * ZCRX_NSEC_PER_MSEC,
		       "auto copybreak: mode, bounds, probe and half-life taken");
		zcrx_config_free(config);
	}
	config = parse_ok(t, "{\"policy\": {\"copybreak\": \"auto\"}}", "auto alone");
	if (config) {
		const struct zcrx_copybreak_params *p = &config->policy.copybreak;

		tap_ok(t, p->min == 0 && p->max == ZCRX_COPYBREAK_MAX &&
				  p->probe == ZCRX_COPYBREAK_DEFAULT_PROBE,
		       "auto alone: bounds 0..4096, default probe");
		zcrx_config_free(config);
	}
	check_invalid(t, "{\"policy\": {\"copybreak\": \"fast\"}}",
		      "zcrxd.conf: policy.copybreak: must be \"auto\" or an integer 0..4096");
	check_invalid(t, "{\"policy\": {\"copybreak\": true}}",
		      "zcrxd.conf: policy.copybreak: must be \"auto\" or an integer 0..4096");
	check_invalid(t, "{\"policy\": {\"copybreak\": 4097}}",
		      "zcrxd.conf: policy.copybreak: must be an integer 0..4096");
	check_invalid(t, "{\"policy\": {\"copybreak-max\": 5000}}",
		      "zcrxd.conf: policy.copybreak-max: must be an integer 0..4096");
	check_invalid(t, "{\"policy\": {\"copybreak-probe\": 1}}",
		      "zcrxd.conf: policy.copybreak-probe: must be an integer 2..32767");
	check_invalid(t, "{\"policy\": {\"copybreak-min\": 3000, \"copybreak-max\": 2000}}",
		      "zcrxd.conf: policy.copybreak-min: must not be above copybreak-max");
}

static void check_bad_nic(struct tap *t, const char *json_name,
			  const char *problem)
{
	char text[256], want[256];

	snprintf(text, sizeof(text),
		 "{\"bindings\": [{\"nic\": \"%s\", \"queue\": 1, \"macvtap\": \"m0\"}]}",
		 json_name);
	snprintf(want, sizeof(want), "zcrxd.conf: bindings[0].nic: %s", problem);
	check_invalid(t, text, want);
}

static void test_names(struct tap *t)
{
	static const char space[] = "must not contain '/', ':' or whitespace";

	check_bad_nic(t, "", "must not be empty");
	check_bad_nic(t, "abcdefghijklmnop", "must be at most 15 bytes long");
	check_bad_nic(t, "eth\\u00e9abcdefghijk", "must be at most 15 bytes long");
	check_bad_nic(t, ".", "must not be \".\" or \"..\"");
	check_bad_nic(t, "..", "must not be \".\" or \"..\"");
	check_bad_nic(t, "eth/0", space);
	check_bad_nic(t, "eth:0", space);
	check_bad_nic(t, "eth 0", space);
	check_bad_nic(t, "eth\\t0", space);
	check_bad_nic(t, "eth0\\n", space);
	check_bad_nic(t, "eth\\u00a00", space);
	check_bad_nic(t, "eth\\u00000", "must not contain a NUL character");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"mvt 0\"}]}",
		      "zcrxd.conf: bindings[0].macvtap: must not contain '/', ':' or whitespace");

	/* What the kernel accepts is accepted. */
	is_str(t, zcrx_ifname_problem("..."), NULL, "\"...\" is a valid name");
	is_str(t, zcrx_ifname_problem("eth0.100"), NULL, "VLAN-style name valid");
	is_str(t, zcrx_ifname_problem("abcdefghijklmno"), NULL,
	       "15 bytes is valid");
	is_str(t, zcrx_ifname_problem("\xc3\xa9th0"), NULL,
	       "non-ASCII without NBSP byte is valid");
	is_str(t, zcrx_ifname_problem("\xc3\xa0"), space,
	       "a 0xa0 byte is kernel whitespace, as in \"\\u00e0\"");

	check_invalid(t, "{\"admin-group\": \"-wheel\"}",
		      "zcrxd.conf: admin-group: must be a group name (1..32 of A-Z a-z 0-9 . _ -, not starting with -)");
	check_invalid(t, "{\"admin-group\": \"\"}",
		      "zcrxd.conf: admin-group: must be a group name (1..32 of A-Z a-z 0-9 . _ -, not starting with -)");
	check_invalid(t, "{\"admin-group\": \"net admin\"}",
		      "zcrxd.conf: admin-group: must be a group name (1..32 of A-Z a-z 0-9 . _ -, not starting with -)");
	check_invalid(t, "{\"admin-group\": \"abcdefghijklmnopqrstuvwxyz0123456\"}",
		      "zcrxd.conf: admin-group: must be a group name (1..32 of A-Z a-z 0-9 . _ -, not starting with -)");
}

static void test_bindings(struct tap *t)
{
	struct zcrx_config_binding a = { .nic = "eth0", .queue = 1, .macvtap = "m0" };
	struct zcrx_config_binding b = a;

	check_invalid(t, "{\"bindings\": [{\"queue\": 1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0]: missing required key \"nic\"");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[0]: missing required key \"queue\"");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1}]}",
		      "zcrxd.conf: bindings[0]: missing required key \"macvtap\"");
	check_invalid(t, "{\"bindings\": [{}]}",
		      "zcrxd.conf: bindings[0]: missing required key \"nic\"");
	check_invalid(t, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"eth0\"}]}",
		      "zcrxd.conf: bindings[0].macvtap: must differ from nic");

	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m1\"}]}",
		      "zcrxd.conf: bindings[1]: eth0 queue 1 is already bound by bindings[0]");
	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"eth1\", \"queue\": 1, \"macvtap\": \"m1\"},"
		      " {\"nic\": \"eth2\", \"queue\": 1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[2].macvtap: m0 is already used by bindings[0]");
	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"}]}",
		      "zcrxd.conf: bindings[1]: eth0 queue 1 is already bound by bindings[0]");
	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"eth1\", \"queue\": 1, \"macvtap\": \"eth0\"}]}",
		      "zcrxd.conf: bindings[1].macvtap: eth0 is the nic of bindings[0]");
	check_invalid(t,
		      "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"m0\"},"
		      " {\"nic\": \"m0\", \"queue\": 1, \"macvtap\": \"m1\"}]}",
		      "zcrxd.conf: bindings[1].nic: m0 is the macvtap of bindings[0]");

	tap_is_int(t, zcrx_config_binding_conflict(&a, &b),
		   ZCRX_BINDING_CONFLICT_QUEUE, "identical bindings conflict");
	b.queue = 2;
	tap_is_int(t, zcrx_config_binding_conflict(&a, &b),
		   ZCRX_BINDING_CONFLICT_MACVTAP, "one macvtap for two queues");
	strcpy(b.macvtap, "m1");
	tap_is_int(t, zcrx_config_binding_conflict(&a, &b),
		   ZCRX_BINDING_CONFLICT_NONE, "two queues, two macvtaps");
	strcpy(b.nic, "m0");
	tap_is_int(t, zcrx_config_binding_conflict(&b, &a),
		   ZCRX_BINDING_CONFLICT_ROLE, "a macvtap used as a NIC");
}

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static void check_load(struct tap *t, const char *path, int want_r,
		       const char *want_error, const char *desc)
{
	struct zcrx_config *config = (struct zcrx_config *)&config;
	char *error = NULL;
	int r;

	r = zcrx_config_load(path, &config, &error);
	tap_is_int(t, r, want_r, desc);
	is_str(t, error, want_error, want_error ?: "no message");
	tap_ok(t, want_r ? !config : config != NULL, "config only on success");
	zcrx_config_free(r == 0 ? config : NULL);
	free(error);
}

static void test_load(struct tap *t)
{
	char dir[] = "/tmp/test-config.XXXXXX", path[64], want[128];
	const size_t max = ZCRX_CONFIG_MAX_BYTES;
	char *big;

	if (!tap_ok(t, mkdtemp(dir) != NULL, "temporary directory"))
		return;

	snprintf(path, sizeof(path), "%s/zcrxd.conf", dir);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	check_load(t, path, -ENOENT, want, "missing file: -ENOENT");

	write_file(path, "{\"bindings\": [{\"nic\": \"eth0\", \"queue\": 3, \"macvtap\": \"m0\"}]}", 60);
	check_load(t, path, 0, NULL, "file loaded");

	write_file(path, "{\"policy\": 1}", 13);
	snprintf(want, sizeof(want), "%s: policy: must be an object", path);
	check_load(t, path, -EINVAL, want, "messages name the path given");

	write_file(path, "{}\0{}", 5);
	snprintf(want, sizeof(want), "%s: contains a NUL byte", path);
	check_load(t, path, -EINVAL, want, "NUL byte refused");

	/* Exactly at the limit passes, one byte more does not. */
	big = malloc(max + 1);
	if (big) {
		memset(big, ' ', max + 1);
		memcpy(big, "{}", 2);
		write_file(path, big, max);
		check_load(t, path, 0, NULL, "file of exactly the limit loaded");
		write_file(path, big, max + 1);
		snprintf(want, sizeof(want), "%s: larger than 1048576 bytes", path);
		check_load(t, path, -EFBIG, want, "file above the limit: -EFBIG");
		free(big);
	}
	unlink(path);

	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	check_load(t, dir, -EINVAL, want, "directory refused");
	rmdir(dir);
}

int main(void)
{
	struct tap t = { 0 };

	test_full(&t);
	test_minimal(&t);
	test_syntax(&t);
	test_duplicate_keys(&t);
	test_unknown_keys(&t);
	test_types(&t);
	test_ranges(&t);
	test_copybreak(&t);
	test_names(&t);
	test_bindings(&t);
	test_netns(&t);
	test_load(&t);
	return tap_done(&t);
}
