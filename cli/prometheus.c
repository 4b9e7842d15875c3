// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "prometheus.h"

enum metric_kind {
	METRIC_COUNTER,
	METRIC_GAUGE,
};

/* A metric family and the Binding property it comes from. */
struct metric {
	const char *name;
	enum metric_kind kind;
	enum zcrxctl_prop prop;
	const char *help;
};

static const struct metric metrics[] = {
	{ "zcrx_buffers_posted_total", METRIC_COUNTER, ZCRXCTL_PROP_BUFFERS_POSTED,
	  "Guest buffers posted to the bound NIC queue." },
	{ "zcrx_buffers_filled_total", METRIC_COUNTER, ZCRXCTL_PROP_BUFFERS_FILLED,
	  "Posted guest buffers the NIC filled with a frame." },
	{ "zcrx_buffers_returned_total", METRIC_COUNTER, ZCRXCTL_PROP_BUFFERS_RETURNED,
	  "Posted guest buffers given back unused." },
	{ "zcrx_buffers_in_flight", METRIC_GAUGE, ZCRXCTL_PROP_BUFFERS_IN_FLIGHT,
	  "Guest buffers posted and not yet filled or returned." },
	{ "zcrx_pinned_bytes", METRIC_GAUGE, ZCRXCTL_PROP_PINNED_BYTES,
	  "Guest memory pinned for posted buffers, in bytes." },
	{ "zcrx_rx_zerocopy_packets_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS,
	  "Frames received into guest buffers without a copy." },
	{ "zcrx_rx_copy_packets_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_COPY_PACKETS,
	  "Frames received by copy (fallback, or too big for a buffer)." },
	{ "zcrx_rx_dropped_packets_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_DROPPED_PACKETS,
	  "Frames dropped for want of a guest buffer (drop fallback)." },
	{ "zcrx_rx_copybreak_packets_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_COPYBREAK_PACKETS,
	  "Frames shorter than the copybreak, copied on purpose." },
	{ "zcrx_rx_zerocopy_bytes_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_ZEROCOPY_BYTES,
	  "Bytes received into guest buffers without a copy." },
	{ "zcrx_rx_copied_bytes_total", METRIC_COUNTER, ZCRXCTL_PROP_RX_COPIED_BYTES,
	  "Bytes the macvtap's readers copied (vhost-net or a tap reader)." },
	{ "zcrx_buffers_posted_per_second", METRIC_GAUGE, ZCRXCTL_PROP_POSTED_PER_SEC,
	  "Guest buffers posted per second, over zcrxd's rate window." },
	{ "zcrx_buffers_filled_per_second", METRIC_GAUGE, ZCRXCTL_PROP_FILLED_PER_SEC,
	  "Guest buffers filled per second, over zcrxd's rate window." },
	{ "zcrx_buffers_returned_per_second", METRIC_GAUGE, ZCRXCTL_PROP_RETURNED_PER_SEC,
	  "Guest buffers returned per second, over zcrxd's rate window." },
	{ "zcrx_rx_starved_packets_per_second", METRIC_GAUGE, ZCRXCTL_PROP_STARVED_PER_SEC,
	  "Frames per second that found no guest buffer (copied or dropped)." },
	{ "zcrx_rx_zerocopy_ratio", METRIC_GAUGE, ZCRXCTL_PROP_ZEROCOPY_SHARE,
	  "Share of received frames taken zero-copy over the rate window (0..1)." },
	{ "zcrx_rx_copy_ratio", METRIC_GAUGE, ZCRXCTL_PROP_COPY_SHARE,
	  "Share of received frames copied over the rate window (0..1)." },
	{ "zcrx_rx_dropped_ratio", METRIC_GAUGE, ZCRXCTL_PROP_DROP_SHARE,
	  "Share of received frames dropped over the rate window (0..1)." },
};

#define N_METRICS (sizeof(metrics) / sizeof(metrics[0]))

/* A label value: backslash, double quote and line feed escaped. */
static void write_label_value(FILE *out, const char *value)
{
	for (const char *c = value; *c; c++) {
		if (*c == '\\')
			fputs("\\\\", out);
		else if (*c == '"')
			fputs("\\\"", out);
		else if (*c == '\n')
			fputs("\\n", out);
		else
			fputc(*c, out);
	}
}

static const char *string_prop(const struct zcrxctl_binding *b, enum zcrxctl_prop prop)
{
	return b->present[prop] ? b->value[prop].s : "";
}

/*
 * {nic="eth0",queue="1",macvtap="mvt0",owner="..."}; with @identity, id
 * and origin too (zcrx_binding_info only: they would split a counter's
 * series when a binding is made again).
 */
static void write_labels(FILE *out, const struct zcrxctl_binding *b, bool identity)
{
	fputs("{nic=\"", out);
	write_label_value(out, string_prop(b, ZCRXCTL_PROP_NIC));
	fputs("\",queue=\"", out);
	if (b->present[ZCRXCTL_PROP_QUEUE])
		fprintf(out, "%" PRIu32, b->value[ZCRXCTL_PROP_QUEUE].u32);
	fputs("\",macvtap=\"", out);
	write_label_value(out, string_prop(b, ZCRXCTL_PROP_MACVTAP));
	fputs("\",owner=\"", out);
	write_label_value(out, string_prop(b, ZCRXCTL_PROP_OWNER));
	if (identity) {
		fputs("\",id=\"", out);
		if (b->present[ZCRXCTL_PROP_ID])
			fprintf(out, "%" PRIu32, b->value[ZCRXCTL_PROP_ID].u32);
		fputs("\",origin=\"", out);
		write_label_value(out, string_prop(b, ZCRXCTL_PROP_ORIGIN));
	}
	fputs("\"}", out);
}

/* Go's ParseFloat reads these, as Prometheus does. */
static void write_double(FILE *out, double value)
{
	if (isnan(value))
		fputs("NaN", out);
	else if (isinf(value))
		fputs(value > 0 ? "+Inf" : "-Inf", out);
	else
		fprintf(out, "%.15g", value);
}

static void write_value(FILE *out, const struct zcrxctl_binding *b, enum zcrxctl_prop prop)
{
	switch (zcrxctl_props[prop].type) {
	case ZCRXCTL_PROP_U32:
		fprintf(out, "%" PRIu32, b->value[prop].u32);
		break;
	case ZCRXCTL_PROP_I32:
		fprintf(out, "%" PRId32, b->value[prop].i32);
		break;
	case ZCRXCTL_PROP_U64:
		fprintf(out, "%" PRIu64, b->value[prop].u64);
		break;
	case ZCRXCTL_PROP_DOUBLE:
		write_double(out, b->value[prop].d);
		break;
	case ZCRXCTL_PROP_BOOL:
		fputc(b->value[prop].flag ? '1' : '0', out);
		break;
	case ZCRXCTL_PROP_STRING:
		break;		/* not a metric */
	}
}

static void write_family_head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A 0/1 gauge: string property @prop of each binding equals @value. */
static void write_flag_family(FILE *out, const struct zcrxctl_binding *bindings, size_t n,
			      const char *name, const char *help, enum zcrxctl_prop prop,
			      const char *value)
{
	write_family_head(out, name, "gauge", help);
	for (size_t i = 0; i < n; i++) {
		if (!bindings[i].present[prop])
			continue;
		fputs(name, out);
		write_labels(out, &bindings[i], false);
		fprintf(out, " %d\n", !strcmp(bindings[i].value[prop].s, value));
	}
}

int zcrxctl_print_prometheus(FILE *out, const struct zcrxctl_binding *bindings, size_t n)
{
	write_family_head(out, "zcrx_bindings", "gauge", "Bindings zcrxd knows of.");
	fprintf(out, "zcrx_bindings %zu\n", n);

	/* The binding's identity as labels, the info-metric way: value 1. */
	write_family_head(out, "zcrx_binding_info", "gauge",
			  "A binding, its id and origin (config, runtime or kernel).");
	for (size_t i = 0; i < n; i++) {
		fputs("zcrx_binding_info", out);
		write_labels(out, &bindings[i], true);
		fputs(" 1\n", out);
	}
	write_flag_family(out, bindings, n, "zcrx_fallback_active",
			  "1 while the kernel has the binding in fallback (no guest buffer).",
			  ZCRXCTL_PROP_STATE, "fallback");
	write_flag_family(out, bindings, n, "zcrx_policy_starved",
			  "1 while zcrxd's policy has the binding in its starved mode.",
			  ZCRXCTL_PROP_POLICY_LEVEL, "starved");

	for (size_t m = 0; m < N_METRICS; m++) {
		const struct metric *metric = &metrics[m];

		write_family_head(out, metric->name,
				  metric->kind == METRIC_COUNTER ? "counter" : "gauge",
				  metric->help);
		for (size_t i = 0; i < n; i++) {
			if (!bindings[i].present[metric->prop])
				continue;
			fputs(metric->name, out);
			write_labels(out, &bindings[i], false);
			fputc(' ', out);
			write_value(out, &bindings[i], metric->prop);
			fputc('\n', out);
		}
	}
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
