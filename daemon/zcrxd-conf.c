// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/zcrx-cleanup.h"
#include "common/zcrx-limits.h"
#include "zcrxd-conf.h"

_Static_assert(ZCRX_IFNAMSIZ == IFNAMSIZ, "ZCRX_IFNAMSIZ must be IFNAMSIZ");

/* The schema nests three deep; much deeper is not a config at all. */
#define JSON_MAX_DEPTH 16
#define PER_SEC_MAX UINT32_MAX
#define DWELL_MS_MAX (24 * 3600 * 1000)
#define WINDOW_MS_MAX (600 * 1000)
#define GROUP_NAME_MAX 32
/* User-supplied names are cut to this many bytes in messages. */
#define MSG_NAME_MAX 64

static void json_object_putp(struct json_object **obj)
{
	json_object_put(*obj);
}

#define _cleanup_json_ _cleanup_(json_object_putp)

struct parse_ctx {
	const char *file;	/* for messages */
	const char *text;
	char *error;		/* the first error */
};

/*
 * A user-supplied string made safe to quote in a message: control bytes
 * replaced, long ones cut at a UTF-8 character boundary (messages go over
 * D-Bus, which wants valid UTF-8; the input was checked to be).
 */
static const char *printable(const char *s, char buf[static MSG_NAME_MAX + 4])
{
	size_t n;

	for (n = 0; n < MSG_NAME_MAX && s[n]; n++)
		buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	if (!s[n]) {
		buf[n] = '\0';
		return buf;
	}
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf + n, "...", 4);
	return buf;
}

/*
 * Record "<file>: <where>.<key>: <message>" (either part may be absent).
 * Return: -EINVAL, or -ENOMEM with no message.
 */
static int __attribute__((format(printf, 4, 5)))
fail(struct parse_ctx *ctx, const char *where, const char *key,
     const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	char safe_key[MSG_NAME_MAX + 4];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;

	if (where && key)
		r = asprintf(&ctx->error, "%s: %s.%s: %s", ctx->file, where,
			     printable(key, safe_key), msg);
	else if (where || key)
		r = asprintf(&ctx->error, "%s: %s: %s", ctx->file,
			     where ?: printable(key, safe_key), msg);
	else
		r = asprintf(&ctx->error, "%s: %s", ctx->file, msg);
	if (r < 0) {
		ctx->error = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

/* Record "<file>:<line>:<column>: <message>" for a byte offset. */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct parse_ctx *ctx, size_t offset, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	unsigned int line = 1;
	size_t line_start = 0;
	va_list ap;
	int r;

	for (size_t i = 0; i < offset && ctx->text[i]; i++)
		if (ctx->text[i] == '\n') {
			line++;
			line_start = i + 1;
		}

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = asprintf(&ctx->error, "%s:%u:%zu: %s", ctx->file, line,
		     offset - line_start + 1, msg);
	if (r < 0) {
		ctx->error = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

static int parse_json(struct parse_ctx *ctx, struct json_object **ret)
{
	size_t len = strlen(ctx->text), end;
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error err;

	if (!ctx->text[strspn(ctx->text, " \t\r\n")])
		return fail(ctx, NULL, NULL,
			    "empty file (the smallest valid one is {})");

	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	/* Passing the terminating NUL tells json-c the input ends there. */
	root = json_tokener_parse_ex(tok, ctx->text, len + 1);
	err = json_tokener_get_error(tok);
	/* Inside a string json-c counts the NUL too: point at the end. */
	end = json_tokener_get_parse_end(tok);
	if (end > len)
		end = len;
	json_tokener_free(tok);

	if (err != json_tokener_success)
		return fail_at(ctx, end, "invalid JSON: %s",
			       json_tokener_error_desc(err));
	/* The document "null" parses fine, to no object. */
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return fail(ctx, NULL, NULL, "must be a JSON object");
	}
	*ret = root;
	return 0;
}

/* A key as written: the bytes between its quotes. */
struct key_span {
	size_t offset;		/* of the opening quote */
	size_t len;
};

struct scan_frame {
	bool is_object;
	bool expect_key;
	size_t n_keys;
	struct key_span *keys;
};

static size_t string_end(const char *s, size_t open_quote)
{
	size_t i = open_quote + 1;

	while (s[i] && s[i] != '"')
		i += s[i] == '\\' && s[i + 1] ? 2 : 1;
	return i;
}

/* By bytes, then by position, so equal keys sit in file order. */
static int key_span_cmp(const void *a, const void *b, void *text)
{
	const struct key_span *x = a, *y = b;
	const char *s = text;
	int c;

	c = memcmp(s + x->offset + 1, s + y->offset + 1,
		   x->len < y->len ? x->len : y->len);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Lower *first_dup to the earliest repeated key of a closing object. */
static void find_duplicate(const char *text, struct scan_frame *frame,
			   size_t *first_dup)
{
	struct key_span *k = frame->keys;

	/* Fewer than two keys: nothing to compare (and keys may be NULL). */
	if (frame->n_keys < 2)
		return;
	/* Sorting, not pairwise compares: a 1 MiB file can hold 10^5 keys. */
	qsort_r(k, frame->n_keys, sizeof(*k), key_span_cmp, (void *)text);
	for (size_t i = 1; i < frame->n_keys; i++)
		if (k[i].len == k[i - 1].len &&
		    !memcmp(text + k[i].offset, text + k[i - 1].offset,
			    k[i].len + 1) &&
		    k[i].offset < *first_dup)
			*first_dup = k[i].offset;
}

static int add_key(struct scan_frame *frame, size_t offset, size_t len)
{
	struct key_span *keys;

	keys = reallocarray(frame->keys, frame->n_keys + 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	keys[frame->n_keys++] = (struct key_span){ .offset = offset, .len = len };
	frame->keys = keys;
	return 0;
}

/*
 * json-c keeps the last of duplicate keys and accepts single-quoted
 * strings even when strict; both are refused here, on text json-c has
 * already accepted (so its structure is sound).  Keys are compared as
 * written: "a" and "\u0061" are not caught.
 */
static int check_duplicate_keys(struct parse_ctx *ctx)
{
	struct scan_frame frames[JSON_MAX_DEPTH + 1] = { 0 };
	char safe_key[MSG_NAME_MAX + 4];
	_cleanup_free_ char *key = NULL;
	const char *s = ctx->text;
	size_t first_dup = SIZE_MAX, end;
	unsigned int depth = 0;
	struct scan_frame *top;
	int r = 0;

	for (size_t i = 0; s[i] && r == 0; i++) {
		top = depth ? &frames[depth - 1] : NULL;
		switch (s[i]) {
		case '{':
		case '[':
			if (depth == JSON_MAX_DEPTH + 1)
				goto out;	/* json-c refuses this deep */
			frames[depth++] = (struct scan_frame){
				.is_object = s[i] == '{',
				.expect_key = s[i] == '{',
			};
			break;
		case '}':
		case ']':
			if (top) {
				find_duplicate(s, top, &first_dup);
				free(top->keys);
				top->keys = NULL;
				depth--;
			}
			break;
		case ',':
			if (top && top->is_object)
				top->expect_key = true;
			break;
		case '\'':
			r = fail_at(ctx, i,
				    "invalid JSON: strings must be in double quotes");
			break;
		case '"':
			end = string_end(s, i);
			if (top && top->is_object && top->expect_key) {
				top->expect_key = false;
				r = add_key(top, i, end - i - 1);
			}
			i = end;
			if (!s[i])
				goto out;
			break;
		}
	}
	if (r == 0 && first_dup != SIZE_MAX) {
		key = strndup(s + first_dup + 1,
			      string_end(s, first_dup) - first_dup - 1);
		if (!key)
			r = -ENOMEM;
		else
			r = fail_at(ctx, first_dup, "duplicate key \"%s\"",
				    printable(key, safe_key));
	}
out:
	while (depth)
		free(frames[--depth].keys);
	return r;
}

static int get_uint(struct parse_ctx *ctx, const char *where, const char *key,
		    struct json_object *val, uint64_t min, uint64_t max,
		    uint64_t *ret)
{
	int64_t v;

	/* Out-of-range JSON integers come back clamped, so out of ours. */
	if (json_object_is_type(val, json_type_int)) {
		v = json_object_get_int64(val);
		if (v >= 0 && (uint64_t)v >= min && (uint64_t)v <= max) {
			*ret = (uint64_t)v;
			return 0;
		}
	}
	return fail(ctx, where, key, "must be an integer %" PRIu64 "..%" PRIu64,
		    min, max);
}

static int get_string(struct parse_ctx *ctx, const char *where,
		      const char *key, struct json_object *val,
		      const char **ret)
{
	const char *s;

	if (!json_object_is_type(val, json_type_string))
		return fail(ctx, where, key, "must be a string");
	s = json_object_get_string(val);
	if (strlen(s) != (size_t)json_object_get_string_len(val))
		return fail(ctx, where, key, "must not contain a NUL character");
	*ret = s;
	return 0;
}

static int get_bool(struct parse_ctx *ctx, const char *where, const char *key,
		    struct json_object *val, bool *ret)
{
	if (!json_object_is_type(val, json_type_boolean))
		return fail(ctx, where, key, "must be true or false");
	*ret = json_object_get_boolean(val);
	return 0;
}

static int get_fallback(struct parse_ctx *ctx, const char *where,
			const char *key, struct json_object *val,
			enum zcrx_fallback *ret)
{
	if (!json_object_is_type(val, json_type_string) ||
	    zcrx_fallback_from_string(json_object_get_string(val), ret) < 0)
		return fail(ctx, where, key, "must be \"copy\" or \"drop\"");
	return 0;
}

static int get_ifname(struct parse_ctx *ctx, const char *where,
		      const char *key, struct json_object *val,
		      char ret[static ZCRX_IFNAMSIZ])
{
	const char *name, *problem;
	int r;

	r = get_string(ctx, where, key, val, &name);
	if (r < 0)
		return r;
	problem = zcrx_ifname_problem(name);
	if (problem)
		return fail(ctx, where, key, "%s", problem);
	strcpy(ret, name);
	return 0;
}

static int get_owner(struct parse_ctx *ctx, const char *where,
		     const char *key, struct json_object *val,
		     char ret[static ZCRX_OWNER_SIZE])
{
	const char *owner, *problem;
	int r;

	r = get_string(ctx, where, key, val, &owner);
	if (r < 0)
		return r;
	problem = zcrx_owner_problem(owner);
	if (problem)
		return fail(ctx, where, key, "%s", problem);
	strcpy(ret, owner);
	return 0;
}

static int get_netns(struct parse_ctx *ctx, const char *where, const char *key,
		     struct json_object *val, char ret[static ZCRX_NETNS_NAME_MAX])
{
	const char *name, *problem;
	int r;

	r = get_string(ctx, where, key, val, &name);
	if (r < 0)
		return r;
	problem = zcrx_netns_name_problem(name);
	if (problem)
		return fail(ctx, where, key, "%s", problem);
	strcpy(ret, name);
	return 0;
}

/* POSIX portable names: what useradd and systemd-sysusers agree on. */
static bool group_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > GROUP_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789._-") == len;
}

static int parse_admin_group(struct parse_ctx *ctx, const char *key,
			     struct json_object *val, char **ret)
{
	const char *name;
	char *copy;
	int r;

	r = get_string(ctx, NULL, key, val, &name);
	if (r < 0)
		return r;
	if (!group_name_valid(name))
		return fail(ctx, NULL, key,
			    "must be a group name (1..32 of A-Z a-z 0-9 . _ -, not starting with -)");
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	free(*ret);
	*ret = copy;
	return 0;
}

/* "copybreak": "auto", or a fixed number of bytes. */
static int get_copybreak(struct parse_ctx *ctx, const char *where, const char *key,
			 struct json_object *val, struct zcrx_copybreak_params *ret)
{
	uint64_t v;
	int r;

	if (json_object_is_type(val, json_type_string) &&
	    !strcmp(json_object_get_string(val), "auto")) {
		ret->mode = ZCRX_COPYBREAK_AUTO;
		return 0;
	}
	if (!json_object_is_type(val, json_type_int))
		return fail(ctx, where, key, "must be \"auto\" or an integer 0..%u",
			    ZCRX_COPYBREAK_MAX);
	r = get_uint(ctx, where, key, val, 0, ZCRX_COPYBREAK_MAX, &v);
	if (r < 0)
		return r;
	ret->mode = ZCRX_COPYBREAK_FIXED;
	ret->fixed = (uint32_t)v;
	return 0;
}

static int parse_policy(struct parse_ctx *ctx, struct json_object *obj,
			struct zcrx_policy_params *p)
{
	const char *where = "policy", *field, *problem;
	bool has_clear = false;
	uint64_t v;
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return fail(ctx, NULL, where, "must be an object");

	json_object_object_foreach(obj, key, val) {
		if (!strcmp(key, "default-fallback")) {
			r = get_fallback(ctx, where, key, val, &p->default_fallback);
		} else if (!strcmp(key, "starved-fallback")) {
			r = get_fallback(ctx, where, key, val, &p->starved_fallback);
		} else if (!strcmp(key, "engage-starved-per-sec")) {
			r = get_uint(ctx, where, key, val, 1, PER_SEC_MAX,
				     &p->engage_starved_per_sec);
		} else if (!strcmp(key, "clear-starved-per-sec")) {
			r = get_uint(ctx, where, key, val, 0, PER_SEC_MAX,
				     &p->clear_starved_per_sec);
			has_clear = true;
		} else if (!strcmp(key, "low-watermark")) {
			r = get_uint(ctx, where, key, val, 0, ZCRX_LOW_WATERMARK_MAX, &v);
			p->low_watermark = (uint32_t)v;
		} else if (!strcmp(key, "min-dwell-ms")) {
			r = get_uint(ctx, where, key, val, 0, DWELL_MS_MAX, &v);
			p->min_dwell_ns = v * ZCRX_NSEC_PER_MSEC;
		} else if (!strcmp(key, "window-ms")) {
			r = get_uint(ctx, where, key, val, 1, WINDOW_MS_MAX, &v);
			p->window_ns = v * ZCRX_NSEC_PER_MSEC;
		} else if (!strcmp(key, "copybreak")) {
			r = get_copybreak(ctx, where, key, val, &p->copybreak);
		} else if (!strcmp(key, "copybreak-min")) {
			r = get_uint(ctx, where, key, val, 0, ZCRX_COPYBREAK_MAX, &v);
			p->copybreak.min = (uint32_t)v;
		} else if (!strcmp(key, "copybreak-max")) {
			r = get_uint(ctx, where, key, val, 0, ZCRX_COPYBREAK_MAX, &v);
			p->copybreak.max = (uint32_t)v;
		} else if (!strcmp(key, "copybreak-probe")) {
			r = get_uint(ctx, where, key, val, 2, ZCRX_COPYBREAK_PROBE_MAX, &v);
			p->copybreak.probe = (uint32_t)v;
		} else if (!strcmp(key, "copybreak-half-life-ms")) {
			r = get_uint(ctx, where, key, val, 1, WINDOW_MS_MAX, &v);
			p->copybreak.half_life_ns = v * ZCRX_NSEC_PER_MSEC;
		} else {
			r = fail(ctx, where, key, "unknown key");
		}
		if (r < 0)
			return r;
	}

	if (zcrx_policy_params_validate(p, &field, &problem) == 0)
		return 0;
	/* The ranges above leave only the thresholds' order to get wrong;
	 * blame the key the user wrote, with the value it clashes with. */
	if (!strcmp(field, "clear-starved-per-sec")) {
		if (!has_clear)
			return fail(ctx, where, "engage-starved-per-sec",
				     "must be above clear-starved-per-sec (%" PRIu64 ")",
				     p->clear_starved_per_sec);
		return fail(ctx, where, field,
			    "must be below engage-starved-per-sec (%" PRIu64 ")",
			    p->engage_starved_per_sec);
	}
	return fail(ctx, where, field, "%s", problem);
}

static int parse_binding(struct parse_ctx *ctx, const char *where,
			 struct json_object *obj, struct zcrx_config_binding *b)
{
	bool has_nic = false, has_queue = false, has_macvtap = false;
	uint64_t v;
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return fail(ctx, where, NULL, "must be an object");

	memset(b, 0, sizeof(*b));
	json_object_object_foreach(obj, key, val) {
		if (!strcmp(key, "nic")) {
			r = get_ifname(ctx, where, key, val, b->nic);
			has_nic = true;
		} else if (!strcmp(key, "queue")) {
			r = get_uint(ctx, where, key, val, 0, ZCRX_QUEUE_MAX, &v);
			b->queue = (uint32_t)v;
			has_queue = true;
		} else if (!strcmp(key, "macvtap")) {
			r = get_ifname(ctx, where, key, val, b->macvtap);
			has_macvtap = true;
		} else if (!strcmp(key, "fallback")) {
			r = get_fallback(ctx, where, key, val, &b->fallback);
			b->has_fallback = true;
		} else if (!strcmp(key, "starved-fallback")) {
			r = get_fallback(ctx, where, key, val, &b->starved_fallback);
			b->has_starved_fallback = true;
		} else if (!strcmp(key, "low-watermark")) {
			r = get_uint(ctx, where, key, val, 0, ZCRX_LOW_WATERMARK_MAX, &v);
			b->low_watermark = (uint32_t)v;
			b->has_low_watermark = true;
		} else if (!strcmp(key, "unbind-on-vhost-gone")) {
			r = get_bool(ctx, where, key, val, &b->unbind_on_vhost_gone);
			b->has_unbind_on_vhost_gone = true;
		} else if (!strcmp(key, "owner")) {
			r = get_owner(ctx, where, key, val, b->owner);
		} else if (!strcmp(key, "netns")) {
			r = get_netns(ctx, where, key, val, b->netns);
		} else {
			r = fail(ctx, where, key, "unknown key");
		}
		if (r < 0)
			return r;
	}

	if (!has_nic)
		return fail(ctx, where, NULL, "missing required key \"nic\"");
	if (!has_queue)
		return fail(ctx, where, NULL, "missing required key \"queue\"");
	if (!has_macvtap)
		return fail(ctx, where, NULL, "missing required key \"macvtap\"");
	if (!strcmp(b->nic, b->macvtap) && !b->netns[0])
		return fail(ctx, where, "macvtap", "must differ from nic");
	return 0;
}

/**
 * zcrx_config_binding_conflict() - can two bindings coexist
 * @a: a binding
 * @b: another
 *
 * A queue takes one binding, a macvtap device one queue, and a device is
 * either a NIC or a macvtap.  Identical bindings conflict too.
 *
 * Return: ZCRX_BINDING_CONFLICT_NONE, or the first rule they break.
 */
enum zcrx_binding_conflict
zcrx_config_binding_conflict(const struct zcrx_config_binding *a,
			     const struct zcrx_config_binding *b)
{
	if (!strcmp(a->nic, b->nic) && a->queue == b->queue)
		return ZCRX_BINDING_CONFLICT_QUEUE;
	/* A macvtap's name means a device only in its namespace's. */
	if (!strcmp(a->macvtap, b->macvtap) && !strcmp(a->netns, b->netns))
		return ZCRX_BINDING_CONFLICT_MACVTAP;
	if ((!strcmp(a->nic, b->macvtap) && !b->netns[0]) ||
	    (!strcmp(a->macvtap, b->nic) && !a->netns[0]))
		return ZCRX_BINDING_CONFLICT_ROLE;
	return ZCRX_BINDING_CONFLICT_NONE;
}

/**
 * zcrx_config_binding_match() - is an existing binding the one asked for
 * @have: the existing binding's declaration
 * @want: the request, for the same devices
 *
 * What Bind can ask for is compared: the owner, then fallback,
 * low-watermark and unbind-on-vhost-gone, each given or not alike (an
 * absent unbind-on-vhost-gone is false).
 *
 * Return: ZCRX_BINDING_MATCH_SAME, or what differs first.
 */
enum zcrx_binding_match
zcrx_config_binding_match(const struct zcrx_config_binding *have,
			  const struct zcrx_config_binding *want)
{
	bool have_vhost = have->has_unbind_on_vhost_gone && have->unbind_on_vhost_gone;
	bool want_vhost = want->has_unbind_on_vhost_gone && want->unbind_on_vhost_gone;

	if (strcmp(have->owner, want->owner))
		return ZCRX_BINDING_MATCH_OWNER;
	if (have->has_fallback != want->has_fallback ||
	    (want->has_fallback && have->fallback != want->fallback) ||
	    have->has_low_watermark != want->has_low_watermark ||
	    (want->has_low_watermark && have->low_watermark != want->low_watermark) ||
	    have_vhost != want_vhost)
		return ZCRX_BINDING_MATCH_OPTIONS;
	return ZCRX_BINDING_MATCH_SAME;
}

static int check_conflicts(struct parse_ctx *ctx, const char *where,
			   const struct zcrx_config_binding *bindings, size_t i)
{
	const struct zcrx_config_binding *b = &bindings[i], *other;
	char name[MSG_NAME_MAX + 4];

	for (size_t j = 0; j < i; j++) {
		other = &bindings[j];
		switch (zcrx_config_binding_conflict(b, other)) {
		case ZCRX_BINDING_CONFLICT_NONE:
			continue;
		case ZCRX_BINDING_CONFLICT_QUEUE:
			return fail(ctx, where, NULL,
				    "%s queue %" PRIu32 " is already bound by bindings[%zu]",
				    printable(b->nic, name), b->queue, j);
		case ZCRX_BINDING_CONFLICT_MACVTAP:
			return fail(ctx, where, "macvtap",
				    "%s is already used by bindings[%zu]",
				    printable(b->macvtap, name), j);
		case ZCRX_BINDING_CONFLICT_ROLE:
			if (!strcmp(b->nic, other->macvtap))
				return fail(ctx, where, "nic",
					    "%s is the macvtap of bindings[%zu]",
					    printable(b->nic, name), j);
			return fail(ctx, where, "macvtap",
				    "%s is the nic of bindings[%zu]",
				    printable(b->macvtap, name), j);
		}
	}
	return 0;
}

static int parse_bindings(struct parse_ctx *ctx, const char *key,
			  struct json_object *array,
			  struct zcrx_config_binding **ret, size_t *ret_n)
{
	_cleanup_free_ struct zcrx_config_binding *bindings = NULL;
	char where[32];
	size_t n;
	int r;

	if (!json_object_is_type(array, json_type_array))
		return fail(ctx, NULL, key, "must be an array");
	n = json_object_array_length(array);
	if (n) {
		bindings = calloc(n, sizeof(*bindings));
		if (!bindings)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "bindings[%zu]", i);
		r = parse_binding(ctx, where,
				  json_object_array_get_idx(array, i),
				  &bindings[i]);
		if (r < 0)
			return r;
		r = check_conflicts(ctx, where, bindings, i);
		if (r < 0)
			return r;
	}
	free(*ret);
	*ret = bindings;
	bindings = NULL;
	*ret_n = n;
	return 0;
}

/*
 * The state file's "version", read before anything else: a newer zcrxd's
 * file may hold what this one calls errors.  -EPROTONOSUPPORT for a
 * version above ZCRX_STATE_VERSION.
 */
static int check_version(struct parse_ctx *ctx, struct json_object *root)
{
	struct json_object *val;
	uint64_t version;
	int r;

	if (!json_object_object_get_ex(root, "version", &val))
		return 0;
	r = get_uint(ctx, NULL, "version", val, 1, UINT32_MAX, &version);
	if (r < 0 || version <= ZCRX_STATE_VERSION)
		return r;
	r = fail(ctx, NULL, "version", "%" PRIu64 " is newer than this zcrxd reads (%d)",
		 version, ZCRX_STATE_VERSION);
	return r == -EINVAL ? -EPROTONOSUPPORT : r;
}

static int parse_root(struct parse_ctx *ctx, struct json_object *root,
		      bool bindings_only, struct zcrx_config *config)
{
	int r;

	if (bindings_only) {
		r = check_version(ctx, root);
		if (r < 0)
			return r;
	}
	json_object_object_foreach(root, key, val) {
		if (bindings_only && !strcmp(key, "version"))
			continue;	/* checked above */
		if (!strcmp(key, "bindings"))
			r = parse_bindings(ctx, key, val, &config->bindings,
					   &config->n_bindings);
		else if (!bindings_only && !strcmp(key, "policy"))
			r = parse_policy(ctx, val, &config->policy);
		else if (!bindings_only && !strcmp(key, "admin-group"))
			r = parse_admin_group(ctx, key, val, &config->admin_group);
		else
			r = fail(ctx, NULL, key, "unknown key");
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_document(const char *path_for_messages, const char *text,
			  bool bindings_only, struct zcrx_config **ret,
			  char **ret_error)
{
	struct parse_ctx ctx = { .file = path_for_messages, .text = text };
	_cleanup_json_ struct json_object *root = NULL;
	struct zcrx_config *config = NULL;
	int r;

	*ret = NULL;
	*ret_error = NULL;

	r = parse_json(&ctx, &root);
	if (r < 0)
		goto fail;
	r = check_duplicate_keys(&ctx);
	if (r < 0)
		goto fail;
	config = calloc(1, sizeof(*config));
	if (!config) {
		r = -ENOMEM;
		goto fail;
	}
	zcrx_policy_params_default(&config->policy);
	r = parse_root(&ctx, root, bindings_only, config);
	if (r < 0)
		goto fail;
	*ret = config;
	return 0;
fail:
	zcrx_config_free(config);
	*ret_error = ctx.error;
	return r;
}

/**
 * zcrx_config_parse() - parse the text of a zcrxd.conf
 * @path_for_messages: the file's name as it should appear in messages
 * @text: the JSON text, NUL-terminated
 * @ret: the configuration, to free with zcrx_config_free()
 * @ret_error: on error, a message to free() naming the file and the
 *	offending key path or line:column; NULL when out of memory
 *
 * Return: 0, -EINVAL for an invalid configuration, or -ENOMEM.
 */
int zcrx_config_parse(const char *path_for_messages, const char *text,
		      struct zcrx_config **ret, char **ret_error)
{
	return parse_document(path_for_messages, text, false, ret, ret_error);
}

/**
 * zcrx_config_parse_bindings() - parse a document of bindings only
 * @path_for_messages: the file's name as it should appear in messages
 * @text: JSON text of the form {"bindings": [...]}, NUL-terminated;
 *	{} stands for no bindings
 * @ret_bindings: the bindings, to free(); NULL when there are none
 * @ret_n: how many
 * @ret_error: as for zcrx_config_parse()
 *
 * The bindings obey every rule of zcrxd.conf's "bindings".
 *
 * It may carry a "version" (the state file's format): absent or up to
 * ZCRX_STATE_VERSION.
 *
 * Return: 0, -EINVAL for an invalid document, -EPROTONOSUPPORT for a
 * newer version, or -ENOMEM.
 */
int zcrx_config_parse_bindings(const char *path_for_messages,
			       const char *text,
			       struct zcrx_config_binding **ret_bindings,
			       size_t *ret_n, char **ret_error)
{
	struct zcrx_config *config;
	int r;

	*ret_bindings = NULL;
	*ret_n = 0;
	r = parse_document(path_for_messages, text, true, &config, ret_error);
	if (r < 0)
		return r;
	*ret_bindings = config->bindings;
	*ret_n = config->n_bindings;
	config->bindings = NULL;
	zcrx_config_free(config);
	return 0;
}

static int __attribute__((format(printf, 3, 4)))
set_error(char **ret_error, int error, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(ret_error, fmt, ap);
	va_end(ap);
	if (r < 0) {
		*ret_error = NULL;
		return -ENOMEM;
	}
	return error;
}

/**
 * zcrx_config_read_file() - read a JSON document of ours, size-limited
 * @path: the file
 * @ret_text: its text, NUL-terminated, to free()
 * @ret_error: on error, a message to free() naming @path; NULL when out
 *	of memory
 *
 * Return: 0; -ENOENT if @path does not exist (callers may treat that as
 * "no file"); -EFBIG above ZCRX_CONFIG_MAX_BYTES; -EINVAL if it is not a
 * regular file or holds a NUL byte; another negative errno from the
 * system; or -ENOMEM.
 */
int zcrx_config_read_file(const char *path, char **ret_text,
			  char **ret_error)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct stat st;
	ssize_t n;

	*ret_text = NULL;
	*ret_error = NULL;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return set_error(ret_error, -errno, "%s: cannot open: %s", path,
				 strerror(errno));
	if (fstat(fd, &st) < 0)
		return set_error(ret_error, -errno, "%s: cannot stat: %s", path,
				 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return set_error(ret_error, -EINVAL, "%s: not a regular file",
				 path);

	/* Read one byte past the limit to tell "at" from "above" it; the
	 * file may change size under us, so st_size is not trusted. */
	buf = malloc(ZCRX_CONFIG_MAX_BYTES + 2);
	if (!buf)
		return -ENOMEM;
	while (len <= ZCRX_CONFIG_MAX_BYTES) {
		n = read(fd, buf + len, ZCRX_CONFIG_MAX_BYTES + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return set_error(ret_error, -errno, "%s: cannot read: %s",
					 path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > ZCRX_CONFIG_MAX_BYTES)
		return set_error(ret_error, -EFBIG,
				 "%s: larger than %d bytes", path,
				 ZCRX_CONFIG_MAX_BYTES);
	if (memchr(buf, '\0', len))
		return set_error(ret_error, -EINVAL, "%s: contains a NUL byte",
				 path);
	buf[len] = '\0';
	*ret_text = buf;
	buf = NULL;
	return 0;
}

/**
 * zcrx_config_load() - read and parse a zcrxd.conf
 * @path: the file, also its name in messages
 * @ret: the configuration, to free with zcrx_config_free()
 * @ret_error: as for zcrx_config_read_file() and zcrx_config_parse()
 *
 * Return: 0, or an error of zcrx_config_read_file() or zcrx_config_parse().
 */
int zcrx_config_load(const char *path, struct zcrx_config **ret,
		     char **ret_error)
{
	_cleanup_free_ char *text = NULL;
	int r;

	*ret = NULL;
	r = zcrx_config_read_file(path, &text, ret_error);
	if (r < 0)
		return r;
	return zcrx_config_parse(path, text, ret, ret_error);
}

/**
 * zcrx_config_free() - free a configuration
 * @config: the configuration, or NULL
 */
void zcrx_config_free(struct zcrx_config *config)
{
	if (!config)
		return;
	free(config->admin_group);
	free(config->bindings);
	free(config);
}

/**
 * zcrx_config_binding_policy() - the policy parameters of one binding
 * @defaults: the configuration's policy section
 * @binding: the binding, whose overrides win
 * @ret: the result
 */
void zcrx_config_binding_policy(const struct zcrx_policy_params *defaults,
				const struct zcrx_config_binding *binding,
				struct zcrx_policy_params *ret)
{
	*ret = *defaults;
	if (binding->has_fallback)
		ret->default_fallback = binding->fallback;
	if (binding->has_starved_fallback)
		ret->starved_fallback = binding->starved_fallback;
	if (binding->has_low_watermark)
		ret->low_watermark = binding->low_watermark;
}

/* Add @val under @key, taking it over even on failure. */
static int add_member(struct json_object *obj, const char *key,
		      struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static int add_fallback(struct json_object *obj, const char *key,
			enum zcrx_fallback fallback)
{
	if (fallback != ZCRX_FALLBACK_COPY && fallback != ZCRX_FALLBACK_DROP)
		return -EINVAL;
	return add_member(obj, key,
			  json_object_new_string(zcrx_fallback_to_string(fallback)));
}

static int binding_to_json(const struct zcrx_config_binding *b,
			   struct json_object *obj)
{
	int r;

	r = add_member(obj, "nic", json_object_new_string(b->nic));
	if (r == 0)
		r = add_member(obj, "queue", json_object_new_int64(b->queue));
	if (r == 0)
		r = add_member(obj, "macvtap", json_object_new_string(b->macvtap));
	if (r == 0 && b->has_fallback)
		r = add_fallback(obj, "fallback", b->fallback);
	if (r == 0 && b->has_starved_fallback)
		r = add_fallback(obj, "starved-fallback", b->starved_fallback);
	if (r == 0 && b->has_low_watermark)
		r = add_member(obj, "low-watermark",
			       json_object_new_int64(b->low_watermark));
	if (r == 0 && b->has_unbind_on_vhost_gone)
		r = add_member(obj, "unbind-on-vhost-gone",
			       json_object_new_boolean(b->unbind_on_vhost_gone));
	if (r == 0 && b->owner[0])
		r = add_member(obj, "owner", json_object_new_string(b->owner));
	if (r == 0 && b->netns[0])
		r = add_member(obj, "netns", json_object_new_string(b->netns));
	return r;
}

/**
 * zcrx_config_format_bindings() - the JSON document of some bindings
 * @bindings: the bindings
 * @n: how many
 * @ret_text: {"version": 1 (2 with a "netns"), "bindings": [...]} pretty-printed with a final newline, to
 *	free(); zcrx_config_parse_bindings() reads it back
 *
 * Only overrides a binding has are written, so bindings keep following
 * the configuration's policy defaults.
 *
 * Return: 0, -EINVAL for a fallback out of range, or -ENOMEM.
 */
int zcrx_config_format_bindings(const struct zcrx_config_binding *bindings,
				size_t n, char **ret_text)
{
	_cleanup_json_ struct json_object *root = json_object_new_object();
	struct json_object *array = json_object_new_array(), *entry;
	const char *text;
	int version = 1, r;

	*ret_text = NULL;
	if (!root) {
		json_object_put(array);
		return -ENOMEM;
	}
	/* The oldest format that holds them, so an older zcrxd still reads it. */
	for (size_t i = 0; i < n; i++)
		if (bindings[i].netns[0])
			version = ZCRX_STATE_VERSION_NETNS;
	r = add_member(root, "version", json_object_new_int(version));
	if (r < 0) {
		json_object_put(array);
		return r;
	}
	r = add_member(root, "bindings", array);
	if (r < 0)
		return r;

	for (size_t i = 0; i < n; i++) {
		entry = json_object_new_object();
		if (!entry)
			return -ENOMEM;
		if (json_object_array_add(array, entry) < 0) {
			json_object_put(entry);
			return -ENOMEM;
		}
		r = binding_to_json(&bindings[i], entry);
		if (r < 0)
			return r;
	}

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || asprintf(ret_text, "%s\n", text) < 0) {
		*ret_text = NULL;
		return -ENOMEM;
	}
	return 0;
}
