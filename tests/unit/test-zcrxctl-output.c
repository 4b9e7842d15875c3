// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/args.h"
#include "cli/output.h"
#include "tap.h"

/* An output context writing into memory. */
struct capture {
	struct zcrxctl_output out;
	FILE *file;
	char *text;
	size_t size;
};

static void capture_start(struct capture *c, bool json, bool pretty)
{
	c->text = NULL;
	c->size = 0;
	c->file = open_memstream(&c->text, &c->size);
	zcrxctl_output_init(&c->out, c->file, json, pretty);
}

/* Return: the status of the output; c->text holds what was written. */
static int capture_end(struct capture *c)
{
	int r = zcrxctl_output_status(&c->out);

	zcrxctl_output_done(&c->out);
	fclose(c->file);
	return r;
}

static bool tap_is_str(struct tap *t, const char *got, const char *want,
		       const char *desc)
{
	bool pass = got && want ? !strcmp(got, want) : got == want;

	tap_ok(t, pass, "%s", desc);
	if (!pass)
		printf("#   got \"%s\"\n#   want \"%s\"\n", got ?: "(null)",
		       want ?: "(null)");
	return pass;
}

static struct json_object *parse_json(const char *text)
{
	return json_tokener_parse(text);
}

static const char *json_str(struct json_object *obj, const char *key)
{
	struct json_object *val;

	if (!json_object_object_get_ex(obj, key, &val) ||
	    !json_object_is_type(val, json_type_string))
		return NULL;
	return json_object_get_string(val);
}

static bool json_int_is(struct json_object *obj, const char *key, int64_t want)
{
	struct json_object *val;

	return json_object_object_get_ex(obj, key, &val) &&
	       json_object_is_type(val, json_type_int) &&
	       json_object_get_int64(val) == want;
}

static bool json_u64_is(struct json_object *obj, const char *key, uint64_t want)
{
	struct json_object *val;

	return json_object_object_get_ex(obj, key, &val) &&
	       json_object_is_type(val, json_type_int) &&
	       json_object_get_uint64(val) == want;
}

static bool json_bool_is(struct json_object *obj, const char *key, bool want)
{
	struct json_object *val;

	return json_object_object_get_ex(obj, key, &val) &&
	       json_object_is_type(val, json_type_boolean) &&
	       json_object_get_boolean(val) == want;
}

static bool json_double_is(struct json_object *obj, const char *key, double want)
{
	struct json_object *val;

	return json_object_object_get_ex(obj, key, &val) &&
	       json_object_is_type(val, json_type_double) &&
	       json_object_get_double(val) == want;
}

/* The object's keys, in order, joined with ','. */
static void json_keys(struct json_object *obj, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!json_object_is_type(obj, json_type_object))
		return;
	json_object_object_foreach(obj, key, val) {
		(void)val;
		n += snprintf(buf + n, size - n, "%s%s", n ? "," : "", key);
		if (n >= size)
			return;
	}
}

/* ---- the print calls -------------------------------------------------- */

static void test_text(struct tap *t)
{
	struct capture c;

	capture_start(&c, false, false);
	open_json_object(&c.out, NULL);
	print_string(&c.out, "nic", "nic %s", "eth0");
	print_uint(&c.out, "queue", " queue %u", 3U);
	print_u64(&c.out, "bytes", " bytes %llu", (unsigned long long)1 << 40);
	print_double(&c.out, "rate", " rate %.1f/s", 12.25);
	print_share(&c.out, "share", "share", 0.5);
	print_bool(&c.out, "on", "on", true);
	print_bool(&c.out, "off", "off", false);
	print_json_string(&c.out, "event", "json-only");
	print_text(&c.out, " [%s]", "text only");
	print_nl(&c.out);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), 0, "text: no error");
	tap_is_str(t, c.text,
		   "nic eth0 queue 3 bytes 1099511627776 rate 12.2/s share 50.0% on yes off no"
		   " [text only]\n",
		   "text: formats applied, JSON-only parts left out");
	free(c.text);
}

static void test_json_object(struct tap *t)
{
	struct json_object *doc;
	struct capture c;
	char keys[256];

	capture_start(&c, true, false);
	open_json_object(&c.out, NULL);
	print_string(&c.out, "nic", "nic %s", "eth0");
	print_uint(&c.out, "queue", " queue %u", 4294967295U);
	print_u64(&c.out, "bytes", " bytes %llu", 18446744073709551615ULL);
	print_double(&c.out, "rate", " rate %.1f/s", 12.25);
	print_share(&c.out, "share", "share", 0.1);
	print_bool(&c.out, "on", "on", true);
	print_bool(&c.out, "off", "off", false);
	print_double(&c.out, "nan", "%f", NAN);
	print_json_string(&c.out, "event", "json-only");
	print_text(&c.out, " [%s]", "text only");
	print_nl(&c.out);
	open_json_object(&c.out, "inner");
	print_string(&c.out, "path", "%s", "/org/zcrx/zcrx1");
	close_json_object(&c.out);
	open_json_array(&c.out, "list");
	print_uint(&c.out, "ignored", "%u", 1U);
	print_string(&c.out, NULL, "%s", "two");
	close_json_array(&c.out);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), 0, "json: no error");
	tap_is_str(t, c.text,
		   "{\"nic\":\"eth0\",\"queue\":4294967295,\"bytes\":18446744073709551615,"
		   "\"rate\":12.25,\"share\":0.1,\"on\":true,\"off\":false,\"nan\":null,"
		   "\"event\":\"json-only\","
		   "\"inner\":{\"path\":\"/org/zcrx/zcrx1\"},\"list\":[1,\"two\"]}\n",
		   "json: one line, slashes unescaped, text-only parts left out");

	doc = parse_json(c.text);
	tap_ok(t, doc != NULL, "json: parses back");
	json_keys(doc, keys, sizeof(keys));
	tap_is_str(t, keys, "nic,queue,bytes,rate,share,on,off,nan,event,inner,list",
		   "json: keys in print order");
	tap_is_str(t, json_str(doc, "nic"), "eth0", "json: string value");
	tap_ok(t, json_int_is(doc, "queue", 4294967295LL), "json: uint value");
	tap_ok(t, json_u64_is(doc, "bytes", UINT64_MAX), "json: u64 value, full range");
	tap_ok(t, json_double_is(doc, "rate", 12.25), "json: double value");
	tap_ok(t, json_double_is(doc, "share", 0.1), "json: share is the fraction");
	tap_ok(t, json_bool_is(doc, "on", true) && json_bool_is(doc, "off", false),
	       "json: bools are true and false");
	json_object_put(doc);
	free(c.text);
}

static void test_json_pretty(struct tap *t)
{
	struct json_object *doc;
	struct capture c;

	capture_start(&c, true, true);
	open_json_array(&c.out, NULL);
	open_json_object(&c.out, NULL);
	print_uint(&c.out, "id", "%u", 1U);
	close_json_object(&c.out);
	close_json_array(&c.out);
	tap_is_int(t, capture_end(&c), 0, "pretty: no error");
	tap_is_str(t, c.text, "[\n  {\n    \"id\":1\n  }\n]\n", "pretty: indented");
	doc = parse_json(c.text);
	tap_ok(t, doc && json_object_array_length(doc) == 1, "pretty: parses back");
	json_object_put(doc);
	free(c.text);

	capture_start(&c, true, false);
	open_json_array(&c.out, NULL);
	close_json_array(&c.out);
	tap_is_int(t, capture_end(&c), 0, "empty array: no error");
	tap_is_str(t, c.text, "[]\n", "empty array written");
	free(c.text);
}

static void test_json_stream(struct tap *t)
{
	struct capture c;

	/* Each closed top-level object is a document: monitor's lines. */
	capture_start(&c, true, false);
	for (unsigned int i = 1; i <= 3; i++) {
		open_json_object(&c.out, NULL);
		print_uint(&c.out, "n", "%u", i);
		close_json_object(&c.out);
	}
	tap_is_int(t, capture_end(&c), 0, "stream: no error");
	tap_is_str(t, c.text, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n",
		   "stream: one object per line");
	free(c.text);
}

static void test_json_errors(struct tap *t)
{
	struct capture c;
	FILE *read_only;
	struct zcrxctl_output out;

	capture_start(&c, true, false);
	print_uint(&c.out, "id", "%u", 1U);
	tap_is_int(t, capture_end(&c), -EINVAL, "a value outside any container");
	tap_is_str(t, c.text, "", "  nothing written");
	free(c.text);

	capture_start(&c, true, false);
	open_json_object(&c.out, NULL);
	print_uint(&c.out, NULL, "%u", 1U);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), -EINVAL, "an object member without a key");
	tap_is_str(t, c.text, "", "  the broken document is not written");
	free(c.text);

	capture_start(&c, true, false);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), -EINVAL, "closing what is not open");
	free(c.text);

	capture_start(&c, true, false);
	open_json_array(&c.out, NULL);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), -EINVAL, "closing an array as an object");
	free(c.text);

	capture_start(&c, true, false);
	open_json_object(&c.out, NULL);
	tap_is_int(t, capture_end(&c), -EINVAL, "a document left open");
	tap_is_str(t, c.text, "", "  is not written (and freed)");
	free(c.text);

	capture_start(&c, true, false);
	for (int i = 0; i <= ZCRXCTL_OUTPUT_MAX_DEPTH; i++)
		open_json_array(&c.out, NULL);
	tap_is_int(t, capture_end(&c), -E2BIG, "nesting deeper than the limit");
	free(c.text);

	/* Sticky: after an error, later documents are not written either. */
	capture_start(&c, true, false);
	print_uint(&c.out, "id", "%u", 1U);
	open_json_object(&c.out, NULL);
	print_uint(&c.out, "id", "%u", 2U);
	close_json_object(&c.out);
	tap_is_int(t, capture_end(&c), -EINVAL, "errors are sticky");
	tap_is_str(t, c.text, "", "  nothing written after one");
	free(c.text);

	/* A stream that cannot be written to. */
	read_only = fopen("/dev/null", "r");
	zcrxctl_output_init(&out, read_only, false, false);
	print_string(&out, "nic", "nic %s\n", "eth0");
	tap_ok(t, zcrxctl_output_status(&out) < 0, "text: a failed write is reported");
	zcrxctl_output_done(&out);
	fclose(read_only);

	read_only = fopen("/dev/null", "r");
	zcrxctl_output_init(&out, read_only, true, false);
	open_json_object(&out, NULL);
	print_string(&out, "nic", "%s", "eth0");
	close_json_object(&out);
	tap_ok(t, zcrxctl_output_status(&out) < 0, "json: a failed write is reported");
	zcrxctl_output_done(&out);
	fclose(read_only);
}

static void double_is(struct tap *t, double value, const char *want)
{
	char buf[32];
	int r = zcrxctl_json_double_text(value, buf, sizeof(buf));
	char desc[96];

	snprintf(desc, sizeof(desc), "double %.17g is written %s", value, want);
	if (r < 0)
		snprintf(buf, sizeof(buf), "error %d", r);
	tap_is_str(t, buf, want, desc);
	if (r == 0)
		tap_ok(t, strtod(buf, NULL) == value, "  and reads back exactly");
}

static void test_doubles(struct tap *t)
{
	char small[4];
	char buf[32];

	double_is(t, 0.1, "0.1");
	double_is(t, 0.85, "0.85");
	double_is(t, 1.0 / 3, "0.3333333333333333");
	double_is(t, 90, "90.0");
	double_is(t, 0, "0.0");
	double_is(t, -0.0, "-0.0");
	double_is(t, 100.5, "100.5");
	double_is(t, 1500, "1500.0");
	double_is(t, 123456789012345.0, "123456789012345.0");
	double_is(t, 1e20, "1e+20");
	double_is(t, 1e-7, "1e-07");
	double_is(t, -2.5, "-2.5");
	tap_is_int(t, zcrxctl_json_double_text(NAN, buf, sizeof(buf)), -EDOM, "NaN refused");
	tap_is_int(t, zcrxctl_json_double_text(INFINITY, buf, sizeof(buf)), -EDOM,
		   "infinity refused");
	tap_is_int(t, zcrxctl_json_double_text(0.125, small, sizeof(small)), -ENOBUFS,
		   "small buffer refused");
	tap_is_int(t, zcrxctl_json_double_text(10, small, sizeof(small)), -ENOBUFS,
		   "no room for \".0\" refused");
}

static void test_kebab_case(struct tap *t)
{
	char buf[64];
	bool all = true;

	zcrxctl_kebab_case("BuffersInFlight", buf, sizeof(buf));
	tap_is_str(t, buf, "buffers-in-flight", "BuffersInFlight");
	zcrxctl_kebab_case("Id", buf, sizeof(buf));
	tap_is_str(t, buf, "id", "Id");
	zcrxctl_kebab_case("old_fallback", buf, sizeof(buf));
	tap_is_str(t, buf, "old-fallback", "signal argument old_fallback");
	zcrxctl_kebab_case("RXQueue", buf, sizeof(buf));
	tap_is_str(t, buf, "rx-queue", "an acronym stays one word");
	zcrxctl_kebab_case("ZerocopyShare", buf, sizeof(buf));
	tap_is_str(t, buf, "zerocopy-share", "ZerocopyShare");
	tap_is_int(t, zcrxctl_kebab_case("PinnedBytes", buf, 12), -ENOBUFS,
		   "buffer one byte short refused");
	tap_is_int(t, zcrxctl_kebab_case("PinnedBytes", buf, 13), 0,
		   "exact buffer accepted");

	/* Every JSON key is the kebab case of its D-Bus property name. */
	for (int i = 0; i < ZCRXCTL_PROP_COUNT; i++) {
		zcrxctl_kebab_case(zcrxctl_props[i].dbus_name, buf, sizeof(buf));
		if (strcmp(buf, zcrxctl_props[i].key)) {
			printf("#   %s: key %s, want %s\n", zcrxctl_props[i].dbus_name,
			       zcrxctl_props[i].key, buf);
			all = false;
		}
	}
	tap_ok(t, all, "every property's key is its kebab case");

	all = true;
	for (int i = 0; i < ZCRXCTL_PROP_COUNT; i++)
		all = all && zcrxctl_prop_lookup(zcrxctl_props[i].dbus_name) == i;
	tap_ok(t, all, "every property is found by its D-Bus name");
	tap_is_int(t, zcrxctl_prop_lookup("Persist"), -ENOENT,
		   "an unknown property is not found");
	tap_is_int(t, zcrxctl_prop_lookup("id"), -ENOENT, "lookup is case-sensitive");
}

/* ---- bindings --------------------------------------------------------- */

static void fill_binding(struct zcrxctl_binding *b)
{
	static const struct {
		enum zcrxctl_prop prop;
		const char *value;
	} strings[] = {
		{ ZCRXCTL_PROP_NIC, "eth0" },
		{ ZCRXCTL_PROP_MACVTAP, "mvt0" },
		{ ZCRXCTL_PROP_FALLBACK, "copy" },
		{ ZCRXCTL_PROP_STATE, "zerocopy" },
		{ ZCRXCTL_PROP_POLICY_LEVEL, "normal" },
		{ ZCRXCTL_PROP_ORIGIN, "config" },
	};

	*b = (struct zcrxctl_binding){ 0 };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		zcrxctl_binding_set_string(b, strings[i].prop, strings[i].value);
#define SET(prop, member, v)                                                   \
	do {                                                                   \
		b->value[ZCRXCTL_PROP_##prop].member = (v);                    \
		b->present[ZCRXCTL_PROP_##prop] = true;                        \
	} while (0)
	SET(ID, u32, 7);
	SET(NIC_IFINDEX, u32, 2);
	SET(QUEUE, u32, 3);
	SET(MACVTAP_IFINDEX, u32, 10);
	SET(LOW_WATERMARK, u32, 32);
	SET(UNBIND_ON_VHOST_GONE, flag, true);
	SET(BUFFERS_POSTED, u64, 1000);
	SET(BUFFERS_FILLED, u64, 900);
	SET(BUFFERS_RETURNED, u64, 880);
	SET(BUFFERS_IN_FLIGHT, u64, 120);
	SET(RX_ZEROCOPY_PACKETS, u64, 850);
	SET(RX_COPY_PACKETS, u64, 40);
	SET(RX_DROPPED_PACKETS, u64, 10);
	SET(PINNED_BYTES, u64, 5000000000ULL);
	SET(POSTED_PER_SEC, d, 100.5);
	SET(FILLED_PER_SEC, d, 90);
	SET(RETURNED_PER_SEC, d, 88.25);
	SET(STARVED_PER_SEC, d, 5);
	SET(ZEROCOPY_SHARE, d, 0.85);
	SET(COPY_SHARE, d, 0.1);
	SET(DROP_SHARE, d, 0.05);
#undef SET
}

static void test_binding_text(struct tap *t)
{
	struct zcrxctl_binding b;
	struct capture c;

	fill_binding(&b);
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "show text: no error");
	tap_is_str(t, c.text,
		   "binding 7: nic eth0 (ifindex 2) queue 3 macvtap mvt0 (ifindex 10)\n"
		   "    fallback copy state zerocopy low-watermark 32 unbind-on-vhost-gone yes\n"
		   "    policy-level normal origin config\n",
		   "show text: one block, devices, mode, policy");
	free(c.text);

	b.value[ZCRXCTL_PROP_UNBIND_ON_VHOST_GONE].flag = false;
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "show text, outliving its guest: no error");
	tap_ok(t, c.text && strstr(c.text, " low-watermark 32 unbind-on-vhost-gone no\n"),
	       "show text: unbind-on-vhost-gone no");
	free(c.text);
	b.value[ZCRXCTL_PROP_UNBIND_ON_VHOST_GONE].flag = true;

	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_STATS);
	tap_is_int(t, capture_end(&c), 0, "stats text: no error");
	tap_is_str(t, c.text,
		   "binding 7: nic eth0 queue 3 macvtap mvt0\n"
		   "    buffers posted 1000 filled 900 returned 880 in-flight 120\n"
		   "    rx-packets zerocopy 850 copy 40 dropped 10 pinned-bytes 5000000000\n"
		   "    per-sec posted 100.5 filled 90.0 returned 88.2 starved 5.0\n"
		   "    share zerocopy 85.0% copy 10.0% drop 5.0%\n",
		   "stats text: counters, rates and shares");
	free(c.text);
	zcrxctl_binding_clear(&b);

	/* What the daemon did not send is not shown, lines included. */
	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_NIC, "eth1");
	b.value[ZCRXCTL_PROP_ID].u32 = 9;
	b.present[ZCRXCTL_PROP_ID] = true;
	b.value[ZCRXCTL_PROP_STARVED_PER_SEC].d = 1;
	b.present[ZCRXCTL_PROP_STARVED_PER_SEC] = true;
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_STATS);
	tap_is_int(t, capture_end(&c), 0, "partial binding: no error");
	tap_is_str(t, c.text,
		   "binding 9: nic eth1\n"
		   "binding 9: nic eth1\n"
		   "    per-sec starved 1.0\n",
		   "partial binding: absent properties and empty lines left out");
	free(c.text);

	/* Setting a string twice replaces it (valgrind checks the old one). */
	tap_is_int(t, zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_NIC, "eth2"), 0,
		   "string property replaced");
	tap_is_str(t, b.value[ZCRXCTL_PROP_NIC].s, "eth2", "  to the new value");
	zcrxctl_binding_clear(&b);
	tap_ok(t, !b.present[ZCRXCTL_PROP_NIC] && !b.present[ZCRXCTL_PROP_ID],
	       "clear forgets every property");
}

/* show prints the policy in effect, as the daemon reports it. */
static void test_binding_policy(struct tap *t)
{
	struct json_object *doc, *obj;
	struct zcrxctl_binding b = { 0 };
	struct capture c;
	char keys[1024];

	b.value[ZCRXCTL_PROP_ID].u32 = 4;
	b.present[ZCRXCTL_PROP_ID] = true;
	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_ORIGIN, "runtime");
	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_POLICY_DEFAULT_FALLBACK, "drop");
	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_POLICY_STARVED_FALLBACK, "drop");
#define SET(prop, member, v)                                                   \
	do {                                                                   \
		b.value[ZCRXCTL_PROP_##prop].member = (v);                     \
		b.present[ZCRXCTL_PROP_##prop] = true;                         \
	} while (0)
	SET(POLICY_ENGAGE_STARVED_PER_SEC, u64, 1000);
	SET(POLICY_CLEAR_STARVED_PER_SEC, u64, 100);
	SET(POLICY_LOW_WATERMARK, u32, 16);
	SET(POLICY_MIN_DWELL_MS, u64, 5000);
	SET(POLICY_WINDOW_MS, u64, 2000);
#undef SET
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "show text with the policy: no error");
	tap_is_str(t, c.text,
		   "binding 4:\n"
		   "    origin runtime\n"
		   "    policy default-fallback drop starved-fallback drop engage-starved-per-sec 1000"
		   " clear-starved-per-sec 100 low-watermark 16 min-dwell-ms 5000 window-ms 2000\n",
		   "show text: the policy in effect on a line of its own");
	free(c.text);

	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_STATS);
	capture_end(&c);
	tap_ok(t, c.text && !strstr(c.text, "policy"), "stats text: no policy");
	free(c.text);

	capture_start(&c, true, false);
	open_json_array(&c.out, NULL);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	close_json_array(&c.out);
	tap_is_int(t, capture_end(&c), 0, "show json with the policy: no error");
	doc = parse_json(c.text);
	obj = doc ? json_object_array_get_idx(doc, 0) : NULL;
	json_keys(obj, keys, sizeof(keys));
	tap_is_str(t, keys,
		   "id,origin,policy-default-fallback,policy-starved-fallback,"
		   "policy-engage-starved-per-sec,policy-clear-starved-per-sec,"
		   "policy-low-watermark,policy-min-dwell-ms,policy-window-ms",
		   "show json: the policy's properties under kebab-case names");
	tap_ok(t, json_u64_is(obj, "policy-engage-starved-per-sec", 1000) &&
		  json_int_is(obj, "policy-low-watermark", 16) &&
		  !strcmp(json_str(obj, "policy-default-fallback") ?: "", "drop"),
	       "show json: policy numbers are numbers, fallbacks strings");
	json_object_put(doc);
	free(c.text);
	zcrxctl_binding_clear(&b);
}

/* A macvtap of another namespace: text says so, the NIC's own is not mentioned; JSON always. */
static void test_binding_netns(struct tap *t)
{
	static const char netns_head[] =
		"binding 7: nic eth0 (ifindex 2) queue 3 macvtap mvt0 (ifindex 10) netns pod "
		"(netnsid 3)\n";
	struct json_object *doc, *val;
	struct zcrxctl_binding b;
	struct capture c;

	fill_binding(&b);
	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_MACVTAP_NETNS, "pod");
	b.value[ZCRXCTL_PROP_MACVTAP_NETNS_ID].i32 = 3;
	b.present[ZCRXCTL_PROP_MACVTAP_NETNS_ID] = true;
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "netns show text: no error");
	tap_ok(t, c.text && !strncmp(c.text, netns_head, strlen(netns_head)),
	       "netns show text: after the macvtap, name and id");
	free(c.text);

	capture_start(&c, true, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "netns show json: no error");
	doc = parse_json(c.text);
	tap_ok(t, doc && json_object_object_get_ex(doc, "macvtap-netns", &val) &&
	       !strcmp(json_object_get_string(val), "pod") &&
	       json_object_object_get_ex(doc, "macvtap-netns-id", &val) &&
	       json_object_get_int(val) == 3, "netns show json: macvtap-netns pod, macvtap-netns-id 3");
	json_object_put(doc);
	free(c.text);

	zcrxctl_binding_set_string(&b, ZCRXCTL_PROP_MACVTAP_NETNS, "");
	b.value[ZCRXCTL_PROP_MACVTAP_NETNS_ID].i32 = -1;
	capture_start(&c, false, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "own namespace show text: no error");
	tap_ok(t, c.text && !strstr(c.text, "netns"), "own namespace show text: no netns");
	free(c.text);
	capture_start(&c, true, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "own namespace show json: no error");
	doc = parse_json(c.text);
	tap_ok(t, doc && json_object_object_get_ex(doc, "macvtap-netns-id", &val) &&
	       json_object_get_int(val) == -1, "own namespace show json: macvtap-netns-id -1");
	json_object_put(doc);
	free(c.text);
	zcrxctl_binding_clear(&b);
}

static void test_binding_json(struct tap *t)
{
	struct json_object *doc, *obj;
	struct zcrxctl_binding b;
	struct capture c;
	char keys[1024];

	fill_binding(&b);
	capture_start(&c, true, false);
	open_json_array(&c.out, NULL);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	b.value[ZCRXCTL_PROP_ID].u32 = 8;
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	close_json_array(&c.out);
	tap_is_int(t, capture_end(&c), 0, "show json: no error");
	doc = parse_json(c.text);
	tap_ok(t, doc && json_object_is_type(doc, json_type_array) &&
		  json_object_array_length(doc) == 2,
	       "show json: an array, one object per binding");
	obj = doc ? json_object_array_get_idx(doc, 0) : NULL;
	json_keys(obj, keys, sizeof(keys));
	tap_is_str(t, keys,
		   "id,nic,nic-ifindex,queue,macvtap,macvtap-ifindex,fallback,state,"
		   "low-watermark,unbind-on-vhost-gone,policy-level,origin",
		   "show json: the settings under kebab-case property names");
	tap_ok(t, json_bool_is(obj, "unbind-on-vhost-gone", true),
	       "show json: unbind-on-vhost-gone is a JSON boolean");
	tap_ok(t, json_int_is(obj, "id", 7) && json_int_is(obj, "queue", 3) &&
		  json_int_is(obj, "nic-ifindex", 2) &&
		  json_int_is(obj, "macvtap-ifindex", 10) &&
		  json_int_is(obj, "low-watermark", 32),
	       "show json: numbers are numbers");
	tap_ok(t, !strcmp(json_str(obj, "nic") ?: "", "eth0") &&
		  !strcmp(json_str(obj, "macvtap") ?: "", "mvt0") &&
		  !strcmp(json_str(obj, "fallback") ?: "", "copy") &&
		  !strcmp(json_str(obj, "state") ?: "", "zerocopy") &&
		  !strcmp(json_str(obj, "policy-level") ?: "", "normal") &&
		  !strcmp(json_str(obj, "origin") ?: "", "config"),
	       "show json: strings are strings");
	obj = doc ? json_object_array_get_idx(doc, 1) : NULL;
	tap_ok(t, json_int_is(obj, "id", 8), "show json: second object");
	json_object_put(doc);
	free(c.text);

	capture_start(&c, true, false);
	open_json_array(&c.out, NULL);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_STATS);
	close_json_array(&c.out);
	tap_is_int(t, capture_end(&c), 0, "stats json: no error");
	doc = parse_json(c.text);
	obj = doc ? json_object_array_get_idx(doc, 0) : NULL;
	json_keys(obj, keys, sizeof(keys));
	tap_is_str(t, keys,
		   "id,nic,queue,macvtap,buffers-posted,buffers-filled,buffers-returned,"
		   "buffers-in-flight,rx-zerocopy-packets,rx-copy-packets,"
		   "rx-dropped-packets,pinned-bytes,posted-per-sec,filled-per-sec,"
		   "returned-per-sec,starved-per-sec,zerocopy-share,copy-share,drop-share",
		   "stats json: identity, counters and rates under kebab-case names");
	tap_ok(t, json_u64_is(obj, "buffers-posted", 1000) &&
		  json_u64_is(obj, "buffers-in-flight", 120) &&
		  json_u64_is(obj, "rx-dropped-packets", 10) &&
		  json_u64_is(obj, "pinned-bytes", 5000000000ULL),
	       "stats json: counters are integers");
	tap_ok(t, json_double_is(obj, "posted-per-sec", 100.5) &&
		  json_double_is(obj, "filled-per-sec", 90) &&
		  json_double_is(obj, "returned-per-sec", 88.25) &&
		  json_double_is(obj, "starved-per-sec", 5),
	       "stats json: rates are doubles, exact");
	tap_ok(t, json_double_is(obj, "zerocopy-share", 0.85) &&
		  json_double_is(obj, "copy-share", 0.1) &&
		  json_double_is(obj, "drop-share", 0.05),
	       "stats json: shares are fractions 0..1");
	tap_ok(t, strstr(c.text, "\"filled-per-sec\":90.0,") &&
		  strstr(c.text, "\"zerocopy-share\":0.85,"),
	       "stats json: doubles written short");
	json_object_put(doc);
	free(c.text);

	/* bind prints the one object, not an array. */
	capture_start(&c, true, false);
	zcrxctl_print_binding(&c.out, &b, ZCRXCTL_VIEW_SHOW);
	tap_is_int(t, capture_end(&c), 0, "bind json: no error");
	doc = parse_json(c.text);
	tap_ok(t, doc && json_object_is_type(doc, json_type_object) &&
		  json_int_is(doc, "id", 8),
	       "bind json: the binding's object");
	json_object_put(doc);
	free(c.text);
	zcrxctl_binding_clear(&b);
}

static void test_events(struct tap *t)
{
	struct zcrxctl_binding b;
	struct json_object *doc;
	struct capture c;
	char keys[512];
	char *line, *save;
	int n = 0;

	fill_binding(&b);
	capture_start(&c, false, false);
	zcrxctl_print_fallback_changed(&c.out, 7, "copy", "drop", "starved");
	zcrxctl_print_state_changed(&c.out, 7, "fallback");
	zcrxctl_print_binding_added(&c.out, 7, &b);
	zcrxctl_print_binding_removed(&c.out, 7);
	tap_is_int(t, capture_end(&c), 0, "events text: no error");
	tap_is_str(t, c.text,
		   "binding 7: fallback copy -> drop reason starved\n"
		   "binding 7: state fallback\n"
		   "binding 7: added nic eth0 (ifindex 2) queue 3 macvtap mvt0 (ifindex 10)"
		   " fallback copy state zerocopy low-watermark 32 unbind-on-vhost-gone yes"
		   " policy-level normal origin config\n"
		   "binding 7: removed\n",
		   "events text: one line each");
	free(c.text);

	capture_start(&c, true, false);
	zcrxctl_print_fallback_changed(&c.out, 7, "copy", "drop", "starved");
	zcrxctl_print_state_changed(&c.out, 7, "fallback");
	zcrxctl_print_binding_added(&c.out, 7, &b);
	zcrxctl_print_binding_removed(&c.out, 7);
	tap_is_int(t, capture_end(&c), 0, "events json: no error");

	for (line = strtok_r(c.text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		doc = parse_json(line);
		json_keys(doc, keys, sizeof(keys));
		switch (n) {
		case 0:
			tap_is_str(t, keys, "event,id,old-fallback,new-fallback,reason",
				   "fallback-changed: keys");
			tap_ok(t, !strcmp(json_str(doc, "event") ?: "", "fallback-changed") &&
				  json_int_is(doc, "id", 7) &&
				  !strcmp(json_str(doc, "old-fallback") ?: "", "copy") &&
				  !strcmp(json_str(doc, "new-fallback") ?: "", "drop") &&
				  !strcmp(json_str(doc, "reason") ?: "", "starved"),
			       "fallback-changed: values");
			break;
		case 1:
			tap_is_str(t, keys, "event,id,state", "state-changed: keys");
			tap_ok(t, !strcmp(json_str(doc, "event") ?: "", "state-changed") &&
				  !strcmp(json_str(doc, "state") ?: "", "fallback"),
			       "state-changed: values");
			break;
		case 2:
			tap_is_str(t, keys,
				   "event,id,nic,nic-ifindex,queue,macvtap,macvtap-ifindex,"
				   "fallback,state,low-watermark,unbind-on-vhost-gone,"
				   "policy-level,origin",
				   "binding-added: the binding's settings");
			tap_ok(t, !strcmp(json_str(doc, "event") ?: "", "binding-added") &&
				  json_int_is(doc, "id", 7),
			       "binding-added: values");
			break;
		case 3:
			tap_is_str(t, keys, "event,id", "binding-removed: keys");
			tap_ok(t, !strcmp(json_str(doc, "event") ?: "", "binding-removed"),
			       "binding-removed: values");
			break;
		}
		json_object_put(doc);
	}
	tap_is_int(t, n, 4, "events json: one object per line");
	free(c.text);
	zcrxctl_binding_clear(&b);
}

/* ---- failures --------------------------------------------------------- */

static void failure_is(struct tap *t, int error, const char *name,
		       const char *message, int want_status, const char *want_text)
{
	char *text = NULL;
	int status = zcrxctl_describe_failure(error, name, message, &text);
	char desc[200];

	snprintf(desc, sizeof(desc), "%s: exit status %d", name ?: "local failure",
		 want_status);
	tap_is_int(t, status, want_status, desc);
	tap_is_str(t, text, want_text, "  message");
	free(text);
}

static void test_failures(struct tap *t)
{
	failure_is(t, -EHOSTUNREACH, "org.freedesktop.DBus.Error.ServiceUnknown",
		   "The name org.zcrx.zcrx1 was not provided by any .service files",
		   ZCRXCTL_EXIT_REFUSED,
		   "zcrxd is not running: no org.zcrx.zcrx1 on the bus "
		   "(The name org.zcrx.zcrx1 was not provided by any .service files)");
	failure_is(t, -ENXIO, "org.freedesktop.DBus.Error.NameHasNoOwner",
		   "Could not get owner of name 'org.zcrx.zcrx1': no such name",
		   ZCRXCTL_EXIT_REFUSED,
		   "zcrxd is not running: no org.zcrx.zcrx1 on the bus "
		   "(Could not get owner of name 'org.zcrx.zcrx1': no such name)");
	failure_is(t, -EIO, "org.zcrx.zcrx1.Error.Kernel",
		   "Device or resource busy: queue-id: queue already bound",
		   ZCRXCTL_EXIT_REFUSED,
		   "Device or resource busy: queue-id: queue already bound");
	failure_is(t, -EACCES, "org.freedesktop.DBus.Error.AccessDenied",
		   "Bind needs CAP_NET_ADMIN", ZCRXCTL_EXIT_REFUSED,
		   "Bind needs CAP_NET_ADMIN");
	failure_is(t, -EIO, "org.zcrx.zcrx1.Error.NoSuchDevice",
		   "no such network interface: eth9", ZCRXCTL_EXIT_REFUSED,
		   "no such network interface: eth9");
	failure_is(t, -EIO, "org.zcrx.zcrx1.Error.NotSupported",
		   "zcrx generic netlink family not found: is the kernel built with CONFIG_ZCRX?",
		   ZCRXCTL_EXIT_REFUSED,
		   "zcrx generic netlink family not found: is the kernel built with CONFIG_ZCRX?");
	failure_is(t, -ENOENT, "org.freedesktop.DBus.Error.FileNotFound",
		   "cannot connect to the system bus: No such file or directory",
		   ZCRXCTL_EXIT_REFUSED,
		   "cannot connect to the system bus: No such file or directory");
	failure_is(t, -EIO, "org.zcrx.zcrx1.Error.Kernel", NULL, ZCRXCTL_EXIT_REFUSED,
		   "org.zcrx.zcrx1.Error.Kernel");
	failure_is(t, -EIO, "org.zcrx.zcrx1.Error.Kernel", "", ZCRXCTL_EXIT_REFUSED,
		   "org.zcrx.zcrx1.Error.Kernel");
	failure_is(t, -ENOMEM, NULL, NULL, ZCRXCTL_EXIT_USAGE, "Cannot allocate memory");
	failure_is(t, -EPIPE, NULL, NULL, ZCRXCTL_EXIT_USAGE, "Broken pipe");
}

int main(void)
{
	struct tap t = { 0 };

	test_text(&t);
	test_json_object(&t);
	test_json_pretty(&t);
	test_json_stream(&t);
	test_json_errors(&t);
	test_doubles(&t);
	test_kebab_case(&t);
	test_binding_text(&t);
	test_binding_policy(&t);
	test_binding_json(&t);
	test_binding_netns(&t);
	test_events(&t);
	test_failures(&t);
	return tap_done(&t);
}
