// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "args.h"
#include "output.h"

#define PROP(name, key, type) { name, key, ZCRXCTL_PROP_##type }

const struct zcrxctl_prop_desc zcrxctl_props[ZCRXCTL_PROP_COUNT] = {
	[ZCRXCTL_PROP_ID] = PROP("Id", "id", U32),
	[ZCRXCTL_PROP_NIC] = PROP("Nic", "nic", STRING),
	[ZCRXCTL_PROP_NIC_IFINDEX] = PROP("NicIfindex", "nic-ifindex", U32),
	[ZCRXCTL_PROP_QUEUE] = PROP("Queue", "queue", U32),
	[ZCRXCTL_PROP_MACVTAP] = PROP("Macvtap", "macvtap", STRING),
	[ZCRXCTL_PROP_MACVTAP_IFINDEX] =
		PROP("MacvtapIfindex", "macvtap-ifindex", U32),
	[ZCRXCTL_PROP_MACVTAP_NETNS] = PROP("MacvtapNetns", "macvtap-netns", STRING),
	[ZCRXCTL_PROP_MACVTAP_NETNS_ID] = PROP("MacvtapNetnsId", "macvtap-netns-id", I32),
	[ZCRXCTL_PROP_FALLBACK] = PROP("Fallback", "fallback", STRING),
	[ZCRXCTL_PROP_LOW_WATERMARK] =
		PROP("LowWatermark", "low-watermark", U32),
	[ZCRXCTL_PROP_UNBIND_ON_VHOST_GONE] =
		PROP("UnbindOnVhostGone", "unbind-on-vhost-gone", BOOL),
	[ZCRXCTL_PROP_STATE] = PROP("State", "state", STRING),
	[ZCRXCTL_PROP_POLICY_LEVEL] = PROP("PolicyLevel", "policy-level", STRING),
	[ZCRXCTL_PROP_ORIGIN] = PROP("Origin", "origin", STRING),
	[ZCRXCTL_PROP_BUFFERS_POSTED] =
		PROP("BuffersPosted", "buffers-posted", U64),
	[ZCRXCTL_PROP_BUFFERS_FILLED] =
		PROP("BuffersFilled", "buffers-filled", U64),
	[ZCRXCTL_PROP_BUFFERS_RETURNED] =
		PROP("BuffersReturned", "buffers-returned", U64),
	[ZCRXCTL_PROP_BUFFERS_IN_FLIGHT] =
		PROP("BuffersInFlight", "buffers-in-flight", U64),
	[ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS] =
		PROP("RxZerocopyPackets", "rx-zerocopy-packets", U64),
	[ZCRXCTL_PROP_RX_COPY_PACKETS] =
		PROP("RxCopyPackets", "rx-copy-packets", U64),
	[ZCRXCTL_PROP_RX_DROPPED_PACKETS] =
		PROP("RxDroppedPackets", "rx-dropped-packets", U64),
	[ZCRXCTL_PROP_PINNED_BYTES] = PROP("PinnedBytes", "pinned-bytes", U64),
	[ZCRXCTL_PROP_COPYBREAK] = PROP("Copybreak", "copybreak", U32),
	[ZCRXCTL_PROP_RX_COPYBREAK_PACKETS] =
		PROP("RxCopybreakPackets", "rx-copybreak-packets", U64),
	[ZCRXCTL_PROP_RX_ZEROCOPY_BYTES] =
		PROP("RxZerocopyBytes", "rx-zerocopy-bytes", U64),
	[ZCRXCTL_PROP_RX_COPIED_BYTES] =
		PROP("RxCopiedBytes", "rx-copied-bytes", U64),
	[ZCRXCTL_PROP_POSTED_PER_SEC] =
		PROP("PostedPerSec", "posted-per-sec", DOUBLE),
	[ZCRXCTL_PROP_FILLED_PER_SEC] =
		PROP("FilledPerSec", "filled-per-sec", DOUBLE),
	[ZCRXCTL_PROP_RETURNED_PER_SEC] =
		PROP("ReturnedPerSec", "returned-per-sec", DOUBLE),
	[ZCRXCTL_PROP_STARVED_PER_SEC] =
		PROP("StarvedPerSec", "starved-per-sec", DOUBLE),
	[ZCRXCTL_PROP_ZEROCOPY_SHARE] =
		PROP("ZerocopyShare", "zerocopy-share", DOUBLE),
	[ZCRXCTL_PROP_COPY_SHARE] = PROP("CopyShare", "copy-share", DOUBLE),
	[ZCRXCTL_PROP_DROP_SHARE] = PROP("DropShare", "drop-share", DOUBLE),
	[ZCRXCTL_PROP_OWNER] = PROP("Owner", "owner", STRING),
	[ZCRXCTL_PROP_POLICY_DEFAULT_FALLBACK] =
		PROP("PolicyDefaultFallback", "policy-default-fallback", STRING),
	[ZCRXCTL_PROP_POLICY_STARVED_FALLBACK] =
		PROP("PolicyStarvedFallback", "policy-starved-fallback", STRING),
	[ZCRXCTL_PROP_POLICY_ENGAGE_STARVED_PER_SEC] =
		PROP("PolicyEngageStarvedPerSec", "policy-engage-starved-per-sec", U64),
	[ZCRXCTL_PROP_POLICY_CLEAR_STARVED_PER_SEC] =
		PROP("PolicyClearStarvedPerSec", "policy-clear-starved-per-sec", U64),
	[ZCRXCTL_PROP_POLICY_LOW_WATERMARK] =
		PROP("PolicyLowWatermark", "policy-low-watermark", U32),
	[ZCRXCTL_PROP_POLICY_MIN_DWELL_MS] =
		PROP("PolicyMinDwellMs", "policy-min-dwell-ms", U64),
	[ZCRXCTL_PROP_POLICY_WINDOW_MS] = PROP("PolicyWindowMs", "policy-window-ms", U64),
};

/* ---- the print calls -------------------------------------------------- */

/**
 * zcrxctl_output_init() - start printing
 * @out: the context
 * @file: where text lines and JSON documents go
 * @json: JSON instead of text
 * @pretty: indented JSON
 */
void zcrxctl_output_init(struct zcrxctl_output *out, FILE *file, bool json,
			 bool pretty)
{
	*out = (struct zcrxctl_output){
		.out = file, .json = json, .pretty = pretty,
	};
}

/* Drop a JSON document left unfinished by an error. */
void zcrxctl_output_done(struct zcrxctl_output *out)
{
	if (out->depth)
		json_object_put(out->containers[0]);
	out->depth = 0;
}

static void set_error(struct zcrxctl_output *out, int error)
{
	if (!out->error)
		out->error = error;
}

/**
 * zcrxctl_output_status() - flush, and tell whether all went out
 * @out: the context
 *
 * Return: 0; the first error of a print call (-ENOMEM, or -EINVAL for a
 * JSON value outside any container or a container left open); or the
 * errno of a failed write.
 */
int zcrxctl_output_status(struct zcrxctl_output *out)
{
	if (out->depth)
		set_error(out, -EINVAL);
	errno = 0;
	if (fflush(out->out) != 0 || ferror(out->out))
		set_error(out, errno ? -errno : -EIO);
	return out->error;
}

static void write_document(struct zcrxctl_output *out, struct json_object *doc)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (out->pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);
	const char *text = json_object_to_json_string_ext(doc, flags);

	if (!text) {
		set_error(out, -ENOMEM);
		return;
	}
	/* Flushed per document: monitor's readers wait for each line. */
	errno = 0;
	if (fprintf(out->out, "%s\n", text) < 0 || fflush(out->out) != 0)
		set_error(out, errno ? -errno : -EIO);
}

/* Put @value (NULL: JSON null) into the open container; takes @value. */
static void add_value(struct zcrxctl_output *out, const char *key,
		      struct json_object *value)
{
	struct json_object *container;

	if (!out->depth || out->error) {
		set_error(out, -EINVAL);
		json_object_put(value);
		return;
	}
	container = out->containers[out->depth - 1];
	if (json_object_is_type(container, json_type_array)) {
		if (json_object_array_add(container, value) < 0)
			goto nomem;
		return;
	}
	if (!key) {
		set_error(out, -EINVAL);
		json_object_put(value);
		return;
	}
	if (json_object_object_add(container, key, value) < 0)
		goto nomem;
	return;
nomem:
	json_object_put(value);
	set_error(out, -ENOMEM);
}

static void open_container(struct zcrxctl_output *out, const char *key,
			   struct json_object *container)
{
	if (!container) {
		set_error(out, -ENOMEM);
		return;
	}
	if (out->depth == ZCRXCTL_OUTPUT_MAX_DEPTH) {
		set_error(out, -E2BIG);
		json_object_put(container);
		return;
	}
	if (out->depth) {
		/* The parent holds the reference; we only point at it. */
		add_value(out, key, container);
		if (out->error)
			return;
	}
	out->containers[out->depth++] = container;
}

static void close_container(struct zcrxctl_output *out, enum json_type type)
{
	struct json_object *doc;

	if (!out->depth ||
	    !json_object_is_type(out->containers[out->depth - 1], type)) {
		set_error(out, -EINVAL);
		return;
	}
	if (--out->depth)
		return;
	doc = out->containers[0];
	if (!out->error)
		write_document(out, doc);
	json_object_put(doc);
}

void open_json_object(struct zcrxctl_output *out, const char *key)
{
	if (out->json)
		open_container(out, key, json_object_new_object());
}

void close_json_object(struct zcrxctl_output *out)
{
	if (out->json)
		close_container(out, json_type_object);
}

void open_json_array(struct zcrxctl_output *out, const char *key)
{
	if (out->json)
		open_container(out, key, json_object_new_array());
}

void close_json_array(struct zcrxctl_output *out)
{
	if (out->json)
		close_container(out, json_type_array);
}

static void write_text(struct zcrxctl_output *out, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void write_text(struct zcrxctl_output *out, const char *fmt, va_list ap)
{
	if (out->error)
		return;
	errno = 0;
	if (vfprintf(out->out, fmt, ap) < 0)
		set_error(out, errno ? -errno : -EIO);
}

/* print_*(out, key, fmt, value): see output.h. */
void print_string(struct zcrxctl_output *out, const char *key,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!out->json) {
		write_text(out, fmt, ap);
	} else {
		const char *value = va_arg(ap, const char *);
		struct json_object *obj = NULL;

		if (value) {
			obj = json_object_new_string(value);
			if (!obj)
				set_error(out, -ENOMEM);
		}
		if (!value || obj)
			add_value(out, key, obj);
	}
	va_end(ap);
}

void print_uint(struct zcrxctl_output *out, const char *key,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!out->json) {
		write_text(out, fmt, ap);
	} else {
		struct json_object *obj =
			json_object_new_int64(va_arg(ap, unsigned int));

		if (obj)
			add_value(out, key, obj);
		else
			set_error(out, -ENOMEM);
	}
	va_end(ap);
}

void print_int(struct zcrxctl_output *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!out->json) {
		write_text(out, fmt, ap);
	} else {
		struct json_object *obj = json_object_new_int64(va_arg(ap, int));

		if (obj)
			add_value(out, key, obj);
		else
			set_error(out, -ENOMEM);
	}
	va_end(ap);
}

void print_u64(struct zcrxctl_output *out, const char *key,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!out->json) {
		write_text(out, fmt, ap);
	} else {
		struct json_object *obj =
			json_object_new_uint64(va_arg(ap, uint64_t));

		if (obj)
			add_value(out, key, obj);
		else
			set_error(out, -ENOMEM);
	}
	va_end(ap);
}

/**
 * zcrxctl_json_double_text() - the JSON text of a double
 * @value: a finite number
 * @buf: the text, the shortest that reads back as @value and always with
 *       a '.' or an exponent, so that it stays a double when parsed
 *       (json-c's default, "%.17g", writes 0.1 as 0.10000000000000001)
 * @size: its size; 32 is always enough
 *
 * Return: 0, -EDOM if @value is NaN or infinite (JSON has no such
 * number), or -ENOBUFS.
 */
int zcrxctl_json_double_text(double value, char *buf, size_t size)
{
	int len, precision, int_digits;

	if (!isfinite(value))
		return -EDOM;
	for (precision = 1; precision < 17; precision++) {
		len = snprintf(buf, size, "%.*g", precision, value);
		if (len < 0 || (size_t)len >= size)
			return -ENOBUFS;
		if (strtod(buf, NULL) == value)
			break;
	}
	/* %g turns 90 into 9e+01: spell out numbers of up to 17 digits. */
	int_digits = snprintf(NULL, 0, "%.0f", fabs(value));
	if (int_digits > precision && int_digits <= 17)
		precision = int_digits;
	len = snprintf(buf, size, "%.*g", precision, value);
	if (len < 0 || (size_t)len >= size)
		return -ENOBUFS;
	if (!strpbrk(buf, ".e")) {
		if ((size_t)len + 2 >= size)
			return -ENOBUFS;
		strcpy(buf + len, ".0");
	}
	return 0;
}

static void add_double(struct zcrxctl_output *out, const char *key,
		       double value)
{
	struct json_object *obj;
	char text[32];

	/* NaN and infinities are not JSON numbers: null says "no value". */
	if (zcrxctl_json_double_text(value, text, sizeof(text)) < 0) {
		add_value(out, key, NULL);
		return;
	}
	obj = json_object_new_double_s(value, text);
	if (obj)
		add_value(out, key, obj);
	else
		set_error(out, -ENOMEM);
}

void print_double(struct zcrxctl_output *out, const char *key,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!out->json)
		write_text(out, fmt, ap);
	else
		add_double(out, key, va_arg(ap, double));
	va_end(ap);
}

/**
 * print_bool() - a yes/no setting
 * @out: the context
 * @key: its JSON key; JSON gets true or false
 * @label: text written before it: " <label> yes" or " <label> no"
 * @value: the setting
 */
void print_bool(struct zcrxctl_output *out, const char *key,
		const char *label, bool value)
{
	struct json_object *obj;

	if (!out->json) {
		print_text(out, " %s %s", label, value ? "yes" : "no");
		return;
	}
	obj = json_object_new_boolean(value);
	if (obj)
		add_value(out, key, obj);
	else
		set_error(out, -ENOMEM);
}

/**
 * print_share() - a share of packets, 0..1
 * @out: the context
 * @key: its JSON key; JSON gets the fraction as is
 * @label: text written before it; text shows a percentage: " <label> 42.0%"
 * @share: the fraction
 */
void print_share(struct zcrxctl_output *out, const char *key,
		 const char *label, double share)
{
	if (out->json)
		add_double(out, key, share);
	else
		print_text(out, " %s %.1f%%", label, share * 100);
}

/* A JSON-only string, such as what kind of event an object is. */
void print_json_string(struct zcrxctl_output *out, const char *key,
		       const char *value)
{
	if (out->json)
		print_string(out, key, "%s", value);
}

/* Text-only: words and separators with no JSON counterpart. */
void print_text(struct zcrxctl_output *out, const char *fmt, ...)
{
	va_list ap;

	if (out->json)
		return;
	va_start(ap, fmt);
	write_text(out, fmt, ap);
	va_end(ap);
}

void print_nl(struct zcrxctl_output *out)
{
	print_text(out, "\n");
}

/**
 * zcrxctl_kebab_case() - a D-Bus name as a JSON key
 * @name: a property or argument name, "BuffersInFlight" or "old_fallback"
 * @buf: "buffers-in-flight", "old-fallback"; an acronym stays one word
 *       ("RXQueue" is "rx-queue")
 * @size: its size
 *
 * Return: 0, or -ENOBUFS.
 */
int zcrxctl_kebab_case(const char *name, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; name[i]; i++) {
		char c = name[i];
		bool upper = c >= 'A' && c <= 'Z';
		bool word_start = false;

		if (upper && i > 0) {
			char prev = name[i - 1], next = name[i + 1];
			bool prev_upper = prev >= 'A' && prev <= 'Z';
			bool next_lower = next >= 'a' && next <= 'z';

			word_start = prev != '_' && (!prev_upper || next_lower);
		}
		if (n + word_start + 1 >= size)
			return -ENOBUFS;
		if (word_start)
			buf[n++] = '-';
		buf[n++] = c == '_' ? '-' : upper ? (char)(c - 'A' + 'a') : c;
	}
	if (n >= size)
		return -ENOBUFS;
	buf[n] = '\0';
	return 0;
}

/* ---- bindings --------------------------------------------------------- */

/* Return: the property's index, or -ENOENT (a newer daemon's property). */
int zcrxctl_prop_lookup(const char *dbus_name)
{
	for (int i = 0; i < ZCRXCTL_PROP_COUNT; i++)
		if (!strcmp(zcrxctl_props[i].dbus_name, dbus_name))
			return i;
	return -ENOENT;
}

/* Return: 0, or -ENOMEM. */
int zcrxctl_binding_set_string(struct zcrxctl_binding *binding,
			       enum zcrxctl_prop prop, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	if (binding->present[prop])
		free(binding->value[prop].s);
	binding->value[prop].s = copy;
	binding->present[prop] = true;
	return 0;
}

void zcrxctl_binding_clear(struct zcrxctl_binding *binding)
{
	for (int i = 0; i < ZCRXCTL_PROP_COUNT; i++)
		if (binding->present[i] &&
		    zcrxctl_props[i].type == ZCRXCTL_PROP_STRING)
			free(binding->value[i].s);
	*binding = (struct zcrxctl_binding){ 0 };
}

/*
 * The per-property print calls: nothing when the daemon did not send the
 * property.  @fmt is the text form of the one value.
 */
#define PRINT_PROP(out, b, prop, print, fmt, member)                          \
	do {                                                                   \
		if ((b)->present[prop])                                        \
			print(out, zcrxctl_props[prop].key, fmt,               \
			      (b)->value[prop].member);                        \
	} while (0)
#define PRINT_U32(out, b, prop, fmt) PRINT_PROP(out, b, prop, print_uint, fmt, u32)
#define PRINT_U64(out, b, prop, fmt) PRINT_PROP(out, b, prop, print_u64, fmt, u64)
#define PRINT_STR(out, b, prop, fmt) PRINT_PROP(out, b, prop, print_string, fmt, s)
#define PRINT_RATE(out, b, prop, fmt) PRINT_PROP(out, b, prop, print_double, fmt, d)

static void print_share_prop(struct zcrxctl_output *out,
			     const struct zcrxctl_binding *b,
			     enum zcrxctl_prop prop, const char *label)
{
	if (b->present[prop])
		print_share(out, zcrxctl_props[prop].key, label, b->value[prop].d);
}

static void print_bool_prop(struct zcrxctl_output *out,
			    const struct zcrxctl_binding *b,
			    enum zcrxctl_prop prop, const char *label)
{
	if (b->present[prop])
		print_bool(out, zcrxctl_props[prop].key, label, b->value[prop].flag);
}

static bool has_any(const struct zcrxctl_binding *b, enum zcrxctl_prop first,
		    enum zcrxctl_prop last)
{
	for (enum zcrxctl_prop p = first; p <= last; p++)
		if (b->present[p])
			return true;
	return false;
}

/* "binding 7:", the head of every text line about a binding. */
static void print_binding_head(struct zcrxctl_output *out, uint32_t id)
{
	print_uint(out, zcrxctl_props[ZCRXCTL_PROP_ID].key, "binding %u:", id);
}

static void print_binding_devices(struct zcrxctl_output *out,
				  const struct zcrxctl_binding *b,
				  bool with_ifindex)
{
	PRINT_STR(out, b, ZCRXCTL_PROP_NIC, " nic %s");
	if (with_ifindex)
		PRINT_U32(out, b, ZCRXCTL_PROP_NIC_IFINDEX, " (ifindex %u)");
	PRINT_U32(out, b, ZCRXCTL_PROP_QUEUE, " queue %u");
	PRINT_STR(out, b, ZCRXCTL_PROP_MACVTAP, " macvtap %s");
	if (with_ifindex)
		PRINT_U32(out, b, ZCRXCTL_PROP_MACVTAP_IFINDEX, " (ifindex %u)");
	/* The NIC's own namespace (-1) is the usual case: not shown in text. */
	if (b->present[ZCRXCTL_PROP_MACVTAP_NETNS_ID] &&
	    (out->json || b->value[ZCRXCTL_PROP_MACVTAP_NETNS_ID].i32 >= 0)) {
		if (b->present[ZCRXCTL_PROP_MACVTAP_NETNS] &&
		    (out->json || b->value[ZCRXCTL_PROP_MACVTAP_NETNS].s[0]))
			PRINT_STR(out, b, ZCRXCTL_PROP_MACVTAP_NETNS, " netns %s");
		PRINT_PROP(out, b, ZCRXCTL_PROP_MACVTAP_NETNS_ID, print_int, " (netnsid %d)", i32);
	}
}

/* What show says after the head; @separator starts each further line. */
static void print_binding_settings(struct zcrxctl_output *out,
				   const struct zcrxctl_binding *b,
				   const char *separator)
{
	print_binding_devices(out, b, true);
	if (has_any(b, ZCRXCTL_PROP_FALLBACK, ZCRXCTL_PROP_STATE))
		print_text(out, "%s", separator);
	PRINT_STR(out, b, ZCRXCTL_PROP_FALLBACK, " fallback %s");
	PRINT_STR(out, b, ZCRXCTL_PROP_STATE, " state %s");
	PRINT_U32(out, b, ZCRXCTL_PROP_LOW_WATERMARK, " low-watermark %u");
	PRINT_U32(out, b, ZCRXCTL_PROP_COPYBREAK, " copybreak %u");
	print_bool_prop(out, b, ZCRXCTL_PROP_UNBIND_ON_VHOST_GONE, "unbind-on-vhost-gone");
	if (has_any(b, ZCRXCTL_PROP_POLICY_LEVEL, ZCRXCTL_PROP_ORIGIN))
		print_text(out, "%s", separator);
	PRINT_STR(out, b, ZCRXCTL_PROP_POLICY_LEVEL, " policy-level %s");
	PRINT_STR(out, b, ZCRXCTL_PROP_ORIGIN, " origin %s");
	/* An empty Owner is no owner: not shown. */
	if (b->present[ZCRXCTL_PROP_OWNER] && b->value[ZCRXCTL_PROP_OWNER].s[0])
		PRINT_STR(out, b, ZCRXCTL_PROP_OWNER, " owner %s");
	/* The policy in effect: zcrxd.conf's with the binding's overrides. */
	if (has_any(b, ZCRXCTL_PROP_POLICY_DEFAULT_FALLBACK, ZCRXCTL_PROP_POLICY_WINDOW_MS))
		print_text(out, "%s policy", separator);
	PRINT_STR(out, b, ZCRXCTL_PROP_POLICY_DEFAULT_FALLBACK, " default-fallback %s");
	PRINT_STR(out, b, ZCRXCTL_PROP_POLICY_STARVED_FALLBACK, " starved-fallback %s");
	PRINT_U64(out, b, ZCRXCTL_PROP_POLICY_ENGAGE_STARVED_PER_SEC,
		  " engage-starved-per-sec %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_POLICY_CLEAR_STARVED_PER_SEC,
		  " clear-starved-per-sec %" PRIu64);
	PRINT_U32(out, b, ZCRXCTL_PROP_POLICY_LOW_WATERMARK, " low-watermark %u");
	PRINT_U64(out, b, ZCRXCTL_PROP_POLICY_MIN_DWELL_MS, " min-dwell-ms %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_POLICY_WINDOW_MS, " window-ms %" PRIu64);
}

static void print_binding_stats(struct zcrxctl_output *out,
				const struct zcrxctl_binding *b)
{
	print_binding_devices(out, b, false);
	if (has_any(b, ZCRXCTL_PROP_BUFFERS_POSTED, ZCRXCTL_PROP_BUFFERS_IN_FLIGHT))
		print_text(out, "\n    buffers");
	PRINT_U64(out, b, ZCRXCTL_PROP_BUFFERS_POSTED, " posted %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_BUFFERS_FILLED, " filled %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_BUFFERS_RETURNED, " returned %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_BUFFERS_IN_FLIGHT, " in-flight %" PRIu64);
	if (has_any(b, ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS, ZCRXCTL_PROP_PINNED_BYTES))
		print_text(out, "\n    rx-packets");
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS, " zerocopy %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_COPY_PACKETS, " copy %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_DROPPED_PACKETS, " dropped %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_PINNED_BYTES, " pinned-bytes %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_COPYBREAK_PACKETS, " copybreak %" PRIu64);
	if (has_any(b, ZCRXCTL_PROP_RX_ZEROCOPY_BYTES, ZCRXCTL_PROP_RX_COPIED_BYTES))
		print_text(out, "\n    rx-bytes");
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_ZEROCOPY_BYTES, " zerocopy %" PRIu64);
	PRINT_U64(out, b, ZCRXCTL_PROP_RX_COPIED_BYTES, " copied %" PRIu64);
	if (has_any(b, ZCRXCTL_PROP_POSTED_PER_SEC, ZCRXCTL_PROP_STARVED_PER_SEC))
		print_text(out, "\n    per-sec");
	PRINT_RATE(out, b, ZCRXCTL_PROP_POSTED_PER_SEC, " posted %.1f");
	PRINT_RATE(out, b, ZCRXCTL_PROP_FILLED_PER_SEC, " filled %.1f");
	PRINT_RATE(out, b, ZCRXCTL_PROP_RETURNED_PER_SEC, " returned %.1f");
	PRINT_RATE(out, b, ZCRXCTL_PROP_STARVED_PER_SEC, " starved %.1f");
	if (has_any(b, ZCRXCTL_PROP_ZEROCOPY_SHARE, ZCRXCTL_PROP_DROP_SHARE))
		print_text(out, "\n    share");
	print_share_prop(out, b, ZCRXCTL_PROP_ZEROCOPY_SHARE, "zerocopy");
	print_share_prop(out, b, ZCRXCTL_PROP_COPY_SHARE, "copy");
	print_share_prop(out, b, ZCRXCTL_PROP_DROP_SHARE, "drop");
}

/**
 * zcrxctl_print_binding() - one binding, as show or stats print it
 * @out: the context; in JSON mode, a JSON object (an array element, or the
 *       whole document for bind)
 * @binding: the properties; its Id must be present
 * @view: which properties
 *
 * Text: a block, the first line "binding ID: nic ... queue ... macvtap ...",
 * the others indented.  JSON: the properties under their kebab-case keys.
 */
void zcrxctl_print_binding(struct zcrxctl_output *out,
			   const struct zcrxctl_binding *binding,
			   enum zcrxctl_binding_view view)
{
	open_json_object(out, NULL);
	print_binding_head(out, binding->value[ZCRXCTL_PROP_ID].u32);
	if (view == ZCRXCTL_VIEW_SHOW)
		print_binding_settings(out, binding, "\n   ");
	else
		print_binding_stats(out, binding);
	print_nl(out);
	close_json_object(out);
}

/*
 * monitor: text "binding ID: what happened", JSON {"event": "...", "id": ID,
 * ...}.  Each is a whole document, written when it closes.
 */
static void print_event_head(struct zcrxctl_output *out, const char *event,
			     uint32_t id)
{
	open_json_object(out, NULL);
	print_json_string(out, "event", event);
	print_binding_head(out, id);
}

static void print_event_end(struct zcrxctl_output *out)
{
	print_nl(out);
	close_json_object(out);
}

void zcrxctl_print_fallback_changed(struct zcrxctl_output *out, uint32_t id,
				    const char *old_fallback,
				    const char *new_fallback, const char *reason)
{
	print_event_head(out, "fallback-changed", id);
	print_string(out, "old-fallback", " fallback %s", old_fallback);
	print_string(out, "new-fallback", " -> %s", new_fallback);
	print_string(out, "reason", " reason %s", reason);
	print_event_end(out);
}

void zcrxctl_print_state_changed(struct zcrxctl_output *out, uint32_t id,
				 const char *state)
{
	print_event_head(out, "state-changed", id);
	print_string(out, "state", " state %s", state);
	print_event_end(out);
}

/* @binding: what InterfacesAdded carried, maybe nothing. */
void zcrxctl_print_binding_added(struct zcrxctl_output *out, uint32_t id,
				 const struct zcrxctl_binding *binding)
{
	print_event_head(out, "binding-added", id);
	print_text(out, " added");
	print_binding_settings(out, binding, "");
	print_event_end(out);
}

void zcrxctl_print_binding_removed(struct zcrxctl_output *out, uint32_t id)
{
	print_event_head(out, "binding-removed", id);
	print_text(out, " removed");
	print_event_end(out);
}

/* ---- failures --------------------------------------------------------- */

/**
 * zcrxctl_describe_failure() - what to tell the user, and the exit status
 * @error: the negative errno of the failure
 * @bus_error_name: the D-Bus error, if the bus, zcrxd or the kernel (through
 *                  zcrxd) refused or could not be reached; NULL for a local
 *                  failure
 * @bus_error_message: its text, shown as is: it carries the kernel's
 *                     extack text
 * @ret_text: the message, without the "zcrxctl: " prefix (free() it)
 *
 * Return: ZCRXCTL_EXIT_REFUSED for a D-Bus error, ZCRXCTL_EXIT_USAGE for
 * a local failure, or -ENOMEM.
 */
int zcrxctl_describe_failure(int error, const char *bus_error_name,
			     const char *bus_error_message, char **ret_text)
{
	const char *message = bus_error_message && *bus_error_message ?
			      bus_error_message : bus_error_name;
	int r;

	*ret_text = NULL;
	if (!bus_error_name) {
		*ret_text = strdup(strerror(error < 0 ? -error : error));
		return *ret_text ? ZCRXCTL_EXIT_USAGE : -ENOMEM;
	}
	/* The bus's own words here would not say which program is missing. */
	if (!strcmp(bus_error_name, "org.freedesktop.DBus.Error.ServiceUnknown") ||
	    !strcmp(bus_error_name, "org.freedesktop.DBus.Error.NameHasNoOwner")) {
		r = asprintf(ret_text, "zcrxd is not running: no %s on the bus (%s)",
			     ZCRX_BUS_NAME, message);
		if (r < 0) {
			*ret_text = NULL;
			return -ENOMEM;
		}
		return ZCRXCTL_EXIT_REFUSED;
	}
	*ret_text = strdup(message);
	return *ret_text ? ZCRXCTL_EXIT_REFUSED : -ENOMEM;
}
