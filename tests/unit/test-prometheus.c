// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxctl stats --format prometheus on fixed bindings: the lines the
 * formatter writes.  With --print it writes the fixture's exposition to
 * stdout instead, for tests/dbus/prometheus.test to feed a real parser.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/prometheus.h"
#include "tap.h"

/* An owner with every character the format must escape. */
#define ODD_OWNER "vm \"a\" \\ b\nc"

static void set_string(struct zcrxctl_binding *b, enum zcrxctl_prop prop, const char *value)
{
	if (zcrxctl_binding_set_string(b, prop, value) < 0)
		abort();
}

static void set_u32(struct zcrxctl_binding *b, enum zcrxctl_prop prop, uint32_t value)
{
	b->value[prop].u32 = value;
	b->present[prop] = true;
}

static void set_u64(struct zcrxctl_binding *b, enum zcrxctl_prop prop, uint64_t value)
{
	b->value[prop].u64 = value;
	b->present[prop] = true;
}

static void set_double(struct zcrxctl_binding *b, enum zcrxctl_prop prop, double value)
{
	b->value[prop].d = value;
	b->present[prop] = true;
}

/* Binding 3 has every property; binding 9 no owner, no rates, no shares. */
static void fixture(struct zcrxctl_binding b[2])
{
	memset(b, 0, 2 * sizeof(*b));
	set_u32(&b[0], ZCRXCTL_PROP_ID, 3);
	set_string(&b[0], ZCRXCTL_PROP_NIC, "eth0");
	set_u32(&b[0], ZCRXCTL_PROP_QUEUE, 1);
	set_string(&b[0], ZCRXCTL_PROP_MACVTAP, "mvt0");
	set_string(&b[0], ZCRXCTL_PROP_OWNER, ODD_OWNER);
	set_string(&b[0], ZCRXCTL_PROP_ORIGIN, "runtime");
	set_string(&b[0], ZCRXCTL_PROP_STATE, "fallback");
	set_string(&b[0], ZCRXCTL_PROP_POLICY_LEVEL, "starved");
	set_u64(&b[0], ZCRXCTL_PROP_BUFFERS_POSTED, 1000);
	set_u64(&b[0], ZCRXCTL_PROP_BUFFERS_FILLED, 900);
	set_u64(&b[0], ZCRXCTL_PROP_BUFFERS_RETURNED, 60);
	set_u64(&b[0], ZCRXCTL_PROP_BUFFERS_IN_FLIGHT, 40);
	set_u64(&b[0], ZCRXCTL_PROP_PINNED_BYTES, 163840);
	set_u64(&b[0], ZCRXCTL_PROP_RX_ZEROCOPY_PACKETS, 900);
	set_u64(&b[0], ZCRXCTL_PROP_RX_COPY_PACKETS, 25);
	set_u64(&b[0], ZCRXCTL_PROP_RX_DROPPED_PACKETS, 5);
	set_u64(&b[0], ZCRXCTL_PROP_RX_COPYBREAK_PACKETS, 12);
	set_u64(&b[0], ZCRXCTL_PROP_RX_ZEROCOPY_BYTES, UINT64_C(18446744073709551615));
	set_u64(&b[0], ZCRXCTL_PROP_RX_COPIED_BYTES, 37500);
	set_double(&b[0], ZCRXCTL_PROP_POSTED_PER_SEC, 512.25);
	set_double(&b[0], ZCRXCTL_PROP_FILLED_PER_SEC, 500);
	set_double(&b[0], ZCRXCTL_PROP_RETURNED_PER_SEC, 0.1);
	set_double(&b[0], ZCRXCTL_PROP_STARVED_PER_SEC, NAN);
	set_double(&b[0], ZCRXCTL_PROP_ZEROCOPY_SHARE, 0.75);
	set_double(&b[0], ZCRXCTL_PROP_COPY_SHARE, 0.2);
	set_double(&b[0], ZCRXCTL_PROP_DROP_SHARE, 0.05);

	set_u32(&b[1], ZCRXCTL_PROP_ID, 9);
	set_string(&b[1], ZCRXCTL_PROP_NIC, "enp1s0f1");
	set_u32(&b[1], ZCRXCTL_PROP_QUEUE, 65535);
	set_string(&b[1], ZCRXCTL_PROP_MACVTAP, "macvtap-15char");
	set_string(&b[1], ZCRXCTL_PROP_OWNER, "");
	set_string(&b[1], ZCRXCTL_PROP_ORIGIN, "kernel");
	set_string(&b[1], ZCRXCTL_PROP_STATE, "zerocopy");
	set_string(&b[1], ZCRXCTL_PROP_POLICY_LEVEL, "normal");
	set_u64(&b[1], ZCRXCTL_PROP_BUFFERS_POSTED, 0);
	set_u64(&b[1], ZCRXCTL_PROP_RX_ZEROCOPY_BYTES, 0);
}

/* The formatter's output for @n of @b, in a malloc'd string. */
static char *format(const struct zcrxctl_binding *b, size_t n, int *ret)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		abort();
	*ret = zcrxctl_print_prometheus(f, b, n);
	fclose(f);
	return text;
}

static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

static void expect_line(struct tap *t, const char *text, const char *line, const char *desc)
{
	if (!tap_ok(t, has_line(text, line), "%s", desc))
		printf("#   no line: %s\n", line);
}

/* Every sample of a family follows its HELP and TYPE, none elsewhere. */
static bool families_contiguous(const char *text)
{
	char current[128] = "";
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		char name[128];
		size_t len;

		if (!end)
			return false;	/* every line ends in a newline */
		if (!strncmp(line, "# TYPE ", 7)) {
			len = strcspn(line + 7, " ");
			snprintf(current, sizeof(current), "%.*s", (int)len, line + 7);
		} else if (line[0] != '#') {
			len = strcspn(line, "{ ");
			snprintf(name, sizeof(name), "%.*s", (int)len, line);
			if (strcmp(name, current))
				return false;
		}
		line = end + 1;
	}
	return true;
}

int main(int argc, char *argv[])
{
	struct zcrxctl_binding b[2];
	struct tap t = { 0 };
	char *text;
	FILE *full;
	int r;

	fixture(b);
	if (argc > 1 && !strcmp(argv[1], "--print")) {
		r = zcrxctl_print_prometheus(stdout, b, 2);
		zcrxctl_binding_clear(&b[0]);
		zcrxctl_binding_clear(&b[1]);
		return r < 0;
	}

	text = format(b, 2, &r);
	tap_is_int(&t, r, 0, "two bindings formatted");
	expect_line(&t, text, "# HELP zcrx_rx_zerocopy_bytes_total Bytes received into guest "
		    "buffers without a copy.", "a counter has its HELP line");
	expect_line(&t, text, "# TYPE zcrx_rx_zerocopy_bytes_total counter",
		    "  ... and its TYPE line, counter");
	expect_line(&t, text, "zcrx_rx_zerocopy_bytes_total{nic=\"eth0\",queue=\"1\","
		    "macvtap=\"mvt0\",owner=\"vm \\\"a\\\" \\\\ b\\nc\"} 18446744073709551615",
		    "labels nic, queue, macvtap, owner; quote, backslash, newline escaped; "
		    "a u64 in full");
	expect_line(&t, text, "zcrx_rx_zerocopy_bytes_total{nic=\"enp1s0f1\",queue=\"65535\","
		    "macvtap=\"macvtap-15char\",owner=\"\"} 0",
		    "a binding without owner: owner=\"\"");
	expect_line(&t, text, "# TYPE zcrx_rx_zerocopy_ratio gauge", "a share is a gauge");
	expect_line(&t, text, "zcrx_rx_zerocopy_ratio{nic=\"eth0\",queue=\"1\",macvtap=\"mvt0\","
		    "owner=\"vm \\\"a\\\" \\\\ b\\nc\"} 0.75", "  ... valued 0..1");
	expect_line(&t, text, "zcrx_buffers_returned_per_second{nic=\"eth0\",queue=\"1\","
		    "macvtap=\"mvt0\",owner=\"vm \\\"a\\\" \\\\ b\\nc\"} 0.1",
		    "a rate: a gauge, shortest exact form");
	expect_line(&t, text, "zcrx_rx_starved_packets_per_second{nic=\"eth0\",queue=\"1\","
		    "macvtap=\"mvt0\",owner=\"vm \\\"a\\\" \\\\ b\\nc\"} NaN",
		    "a NaN rate is written as Prometheus reads it");
	expect_line(&t, text, "# TYPE zcrx_buffers_in_flight gauge", "buffers in flight: a gauge");
	expect_line(&t, text, "zcrx_binding_info{nic=\"enp1s0f1\",queue=\"65535\","
		    "macvtap=\"macvtap-15char\",owner=\"\",id=\"9\",origin=\"kernel\"} 1",
		    "zcrx_binding_info carries the id and origin");
	expect_line(&t, text, "zcrx_fallback_active{nic=\"eth0\",queue=\"1\",macvtap=\"mvt0\","
		    "owner=\"vm \\\"a\\\" \\\\ b\\nc\"} 1", "zcrx_fallback_active 1 in fallback");
	expect_line(&t, text, "zcrx_fallback_active{nic=\"enp1s0f1\",queue=\"65535\","
		    "macvtap=\"macvtap-15char\",owner=\"\"} 0", "  ... 0 in zero-copy");
	expect_line(&t, text, "zcrx_policy_starved{nic=\"eth0\",queue=\"1\",macvtap=\"mvt0\","
		    "owner=\"vm \\\"a\\\" \\\\ b\\nc\"} 1", "zcrx_policy_starved 1 when starved");
	expect_line(&t, text, "zcrx_bindings 2", "zcrx_bindings counts them");
	tap_ok(&t, !strstr(text, "zcrx_buffers_filled_total{nic=\"enp1s0f1\""),
	       "a property the daemon did not send gives no sample");
	tap_ok(&t, families_contiguous(text),
	       "each family's samples follow its own TYPE line, every line ends in \\n");
	tap_ok(&t, !strstr(text, "zcrx_rx_zerocopy_bytes_total{nic=\"eth0\",queue=\"1\","
			   "macvtap=\"mvt0\",owner=\"vm \\\"a\\\" \\\\ b\\nc\",id="),
	       "counters have no id label (a remade binding continues its series)");
	free(text);

	text = format(b, 0, &r);
	tap_is_int(&t, r, 0, "no binding formatted");
	expect_line(&t, text, "zcrx_bindings 0", "  ... zcrx_bindings 0");
	expect_line(&t, text, "# TYPE zcrx_rx_copied_bytes_total counter",
		    "  ... the families are still declared");
	tap_ok(&t, families_contiguous(text), "  ... and well formed");
	free(text);

	full = fopen("/dev/full", "w");
	if (full) {
		r = zcrxctl_print_prometheus(full, b, 2);
		tap_is_int(&t, r, -ENOSPC, "a failed write is reported (/dev/full: ENOSPC)");
		fclose(full);
	}
	zcrxctl_binding_clear(&b[0]);
	zcrxctl_binding_clear(&b[1]);
	return tap_done(&t);
}
