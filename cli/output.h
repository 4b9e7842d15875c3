/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxctl's output, after iproute2's json_print: one set of print calls
 * that write the text form, or build a JSON document with json-c (-j).
 *
 *   print_uint(out, "queue", " queue %u", queue);
 *
 * writes " queue 3" as text, and adds "queue": 3 to the current JSON
 * object (or 3 to the current array; the key is then ignored).  The
 * format must take exactly the one value; the compiler checks it.
 * print_share() and print_bool() take a text label instead of a format.
 * print_text() and print_nl() write in text mode only; print_json_string(),
 * open_json_*() and close_json_*() act in JSON mode only.  Closing the outermost container
 * writes the document and a newline, so a stream of top-level objects
 * (monitor) is one JSON object per line.
 *
 * Errors are sticky: print calls do not return one; the first failure is
 * kept and returned by zcrxctl_output_status().
 *
 * Also here, as they decide what the user sees: the binding printers for
 * show, stats, bind and monitor, and the message and exit status of a
 * failure.
 */
#ifndef ZCRX_CLI_OUTPUT_H
#define ZCRX_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* A binding object nests two deep; monitor and show need no more. */
#define ZCRXCTL_OUTPUT_MAX_DEPTH 8

struct zcrxctl_output {
	FILE *out;
	bool json;
	bool pretty;
	int error;		/* the first failure, negative errno; sticky */
	unsigned int depth;	/* open JSON containers */
	struct json_object *containers[ZCRXCTL_OUTPUT_MAX_DEPTH];
};

void zcrxctl_output_init(struct zcrxctl_output *out, FILE *file, bool json,
			 bool pretty);
void zcrxctl_output_done(struct zcrxctl_output *out);
int zcrxctl_output_status(struct zcrxctl_output *out);

void open_json_object(struct zcrxctl_output *out, const char *key);
void close_json_object(struct zcrxctl_output *out);
void open_json_array(struct zcrxctl_output *out, const char *key);
void close_json_array(struct zcrxctl_output *out);

void print_string(struct zcrxctl_output *out, const char *key,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_uint(struct zcrxctl_output *out, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_int(struct zcrxctl_output *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_u64(struct zcrxctl_output *out, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_double(struct zcrxctl_output *out, const char *key,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void print_bool(struct zcrxctl_output *out, const char *key,
		const char *label, bool value);
void print_share(struct zcrxctl_output *out, const char *key,
		 const char *label, double share);
void print_json_string(struct zcrxctl_output *out, const char *key,
		       const char *value);
void print_text(struct zcrxctl_output *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_nl(struct zcrxctl_output *out);

int zcrxctl_kebab_case(const char *name, char *buf, size_t size);
int zcrxctl_json_double_text(double value, char *buf, size_t size);

/* ---- bindings --------------------------------------------------------- */

enum zcrxctl_prop_type {
	ZCRXCTL_PROP_U32,
	ZCRXCTL_PROP_U64,
	ZCRXCTL_PROP_DOUBLE,
	ZCRXCTL_PROP_STRING,
	ZCRXCTL_PROP_BOOL,
	ZCRXCTL_PROP_I32,
};

/* The properties of org.zcrx.zcrx1.Binding, in the API's order. */
enum zcrxctl_prop {
	ZCRXCTL_PROP_ID,
	ZCRXCTL_PROP_NIC,
	ZCRXCTL_PROP_NIC_IFINDEX,
	ZCRXCTL_PROP_QUEUE,
	ZCRXCTL_PROP_MACVTAP,
	ZCRXCTL_PROP_MACVTAP_IFINDEX,
	ZCRXCTL_PROP_FALLBACK,
	ZCRXCTL_PROP_LOW_WATERMARK,
	ZCRXCTL_PROP_UNBIND_ON_VHOST_GONE,
	ZCRXCTL_PROP_STATE,
	ZCRXCTL_PROP_POLICY_LEVEL,
	ZCRXCTL_PROP_ORIGIN,
	ZCRXCTL_PROP_BUFFERS_POSTED,
	ZCRXCTL_PROP_BUFFERS_FILLED,
	ZCRXCTL_PROP_BUFFERS_RETURNED,
	ZCRXCTL_PROP_BUFFERS_IN_FLIGHT,
	ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS,
	ZCRXCTL_PROP_RX_COPY_PACKETS,
	ZCRXCTL_PROP_RX_DROPPED_PACKETS,
	ZCRXCTL_PROP_PINNED_BYTES,
	ZCRXCTL_PROP_COPYBREAK,
	ZCRXCTL_PROP_RX_COPYBREAK_PACKETS,
	ZCRXCTL_PROP_RX_ZEROCOPY_BYTES,
	ZCRXCTL_PROP_RX_COPIED_BYTES,
	ZCRXCTL_PROP_POSTED_PER_SEC,
	ZCRXCTL_PROP_FILLED_PER_SEC,
	ZCRXCTL_PROP_RETURNED_PER_SEC,
	ZCRXCTL_PROP_STARVED_PER_SEC,
	ZCRXCTL_PROP_ZEROCOPY_SHARE,
	ZCRXCTL_PROP_COPY_SHARE,
	ZCRXCTL_PROP_DROP_SHARE,
	ZCRXCTL_PROP_OWNER,
	ZCRXCTL_PROP_POLICY_DEFAULT_FALLBACK,
	ZCRXCTL_PROP_POLICY_STARVED_FALLBACK,
	ZCRXCTL_PROP_POLICY_ENGAGE_STARVED_PER_SEC,
	ZCRXCTL_PROP_POLICY_CLEAR_STARVED_PER_SEC,
	ZCRXCTL_PROP_POLICY_LOW_WATERMARK,
	ZCRXCTL_PROP_POLICY_MIN_DWELL_MS,
	ZCRXCTL_PROP_POLICY_WINDOW_MS,
	ZCRXCTL_PROP_MACVTAP_NETNS,
	ZCRXCTL_PROP_MACVTAP_NETNS_ID,
	ZCRXCTL_PROP_COUNT
};

struct zcrxctl_prop_desc {
	const char *dbus_name;		/* "BuffersInFlight" */
	const char *key;		/* its kebab case: "buffers-in-flight" */
	enum zcrxctl_prop_type type;
};

extern const struct zcrxctl_prop_desc zcrxctl_props[ZCRXCTL_PROP_COUNT];

union zcrxctl_prop_value {
	uint32_t u32;
	int32_t i32;
	uint64_t u64;
	double d;
	char *s;			/* owned */
	bool flag;
};

/* What the daemon told of a binding; absent properties are not shown. */
struct zcrxctl_binding {
	bool present[ZCRXCTL_PROP_COUNT];
	union zcrxctl_prop_value value[ZCRXCTL_PROP_COUNT];
};

int zcrxctl_prop_lookup(const char *dbus_name);
int zcrxctl_binding_set_string(struct zcrxctl_binding *binding,
			       enum zcrxctl_prop prop, const char *value);
void zcrxctl_binding_clear(struct zcrxctl_binding *binding);

enum zcrxctl_binding_view {
	ZCRXCTL_VIEW_SHOW,		/* a block: devices, mode, the policy in effect */
	ZCRXCTL_VIEW_STATS,		/* a block: counters and rates */
};

void zcrxctl_print_binding(struct zcrxctl_output *out,
			   const struct zcrxctl_binding *binding,
			   enum zcrxctl_binding_view view);

/* monitor: one line, or one JSON object, per event. */
void zcrxctl_print_fallback_changed(struct zcrxctl_output *out, uint32_t id,
				    const char *old_fallback,
				    const char *new_fallback, const char *reason);
void zcrxctl_print_state_changed(struct zcrxctl_output *out, uint32_t id,
				 const char *state);
void zcrxctl_print_binding_added(struct zcrxctl_output *out, uint32_t id,
				 const struct zcrxctl_binding *binding);
void zcrxctl_print_binding_removed(struct zcrxctl_output *out, uint32_t id);

/* ---- failures --------------------------------------------------------- */

int zcrxctl_describe_failure(int error, const char *bus_error_name,
			     const char *bus_error_message, char **ret_text);

#endif
