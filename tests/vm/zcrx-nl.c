// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrx-nl: drive the zcrx generic netlink family from the test VM.
 *
 *   zcrx-nl bind IFNAME QUEUE MACVTAP [copy|drop] [WATERMARK [COPYBREAK]]
 *		  [unbind-on-vhost-gone] [macvtap-netns PATH]
 *				prints id=N (with macvtap-netns, MACVTAP is
 *				an index in the namespace at PATH); with ZCRX_FAIL_NTH=N in the
 *				environment the request's Nth fault point
 *				fails, and "fail-nth: injected" or
 *				"fail-nth: not reached" says if it fired
 *   zcrx-nl unbind ID
 *   zcrx-nl set ID [fallback copy|drop] [watermark N] [copybreak N]
 *		  [copybreak-probe N] [unbind-on-vhost-gone 0|1]
 *   zcrx-nl get ID		one line of key=value pairs
 *   zcrx-nl dump		one such line per binding
 *   zcrx-nl events MS [COUNT]	prints "ready" once subscribed, then one
 *				line per notification until MS ms pass
 *				without one or COUNT arrived
 *   zcrx-nl storm COUNT SEED NIC QUEUE MACVTAP [STOP-FILE]
 *				COUNT random bind, unbind, set, get and dump
 *				requests racing other processes: binds of
 *				QUEUE to MACVTAP (names resolved each time,
 *				the devices may go), and changes to any
 *				binding; unbinds only those on NIC's QUEUE;
 *				ends early once STOP-FILE exists.
 *				Prints the replies per request and errno;
 *				fails on any that is neither a result nor
 *				an errno the race explains
 *   zcrx-nl control NIC MACVTAP OTHER_NIC OTHER_MACVTAP NOSUPPORT_NIC
 *		     NOSUPPORT_MACVTAP
 *				TAP test of the control plane; it attaches
 *				an XDP program to OTHER_NIC and an AF_XDP
 *				socket to one of its queues for a while
 *
 * IFNAME and MACVTAP are interface names (or ifindexes, to provoke
 * ENODEV).  Everything goes to stdout; exit 0 on success, 1 on failure,
 * 2 on bad usage.  A request the kernel refuses prints
 *	error: <strerror> (<errno>): <extack message>
 * where the message is the kernel's, verbatim; without one, the name of
 * the attribute it points at (NLMSGERR_ATTR_OFFS) or "missing <attribute>"
 * (NLMSGERR_ATTR_MISS_TYPE).
 *
 * The netlink client itself is zcrxd's: daemon/zcrx-netlink.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/zcrx.h>

#include "daemon/zcrx-netlink.h"

#define PROG "zcrx-nl"
#define EXIT_USAGE 2

#define LINE_MAX_LEN 1024
#define EVENT_WAIT_MS 2000
#define NO_SUCH_INDEX 999999
#define NOBODY_ID 65534
#define OMIT (-1)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Key of each attribute in get/dump lines, in line order; NULL: not printed. */
static const char *const binding_keys[ZCRX_A_BINDING_MAX + 1] = {
	[ZCRX_A_BINDING_ID] = "id",
	[ZCRX_A_BINDING_IFINDEX] = "ifindex",
	[ZCRX_A_BINDING_QUEUE_ID] = "queue",
	[ZCRX_A_BINDING_MACVTAP_IFINDEX] = "macvtap",
	[ZCRX_A_BINDING_FALLBACK] = "fallback",
	[ZCRX_A_BINDING_LOW_WATERMARK] = "watermark",
	[ZCRX_A_BINDING_STATE] = "state",
	[ZCRX_A_BINDING_BUFFERS_POSTED] = "posted",
	[ZCRX_A_BINDING_BUFFERS_FILLED] = "filled",
	[ZCRX_A_BINDING_BUFFERS_RETURNED] = "returned",
	[ZCRX_A_BINDING_BUFFERS_IN_FLIGHT] = "in_flight",
	[ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS] = "rx_zerocopy",
	[ZCRX_A_BINDING_RX_COPY_PACKETS] = "rx_copy",
	[ZCRX_A_BINDING_RX_DROPPED_PACKETS] = "rx_dropped",
	[ZCRX_A_BINDING_PINNED_BYTES] = "pinned_bytes",
	[ZCRX_A_BINDING_RX_ZEROCOPY_BYTES] = "rx_zerocopy_bytes",
	[ZCRX_A_BINDING_RX_COPIED_BYTES] = "rx_copied_bytes",
	[ZCRX_A_BINDING_COPYBREAK] = "copybreak",
	[ZCRX_A_BINDING_RX_COPYBREAK_PACKETS] = "rx_copybreak",
	[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE] = "unbind_on_vhost_gone",
	[ZCRX_A_BINDING_ISOLATION] = "isolation",
	[ZCRX_A_BINDING_RX_FOREIGN_PACKETS] = "rx_foreign",
	[ZCRX_A_BINDING_RX_LENGTH_ERRORS] = "rx_length_errors",
	[ZCRX_A_BINDING_MACVTAP_NETNSID] = "macvtap_netnsid",
	[ZCRX_A_BINDING_COPYBREAK_PROBE] = "copybreak_probe",
	[ZCRX_A_BINDING_COST_COPY_PACKETS] = "cost_copy_packets",
	[ZCRX_A_BINDING_COST_COPY_NS] = "cost_copy_ns",
	[ZCRX_A_BINDING_COST_COPY_BYTES] = "cost_copy_bytes",
	[ZCRX_A_BINDING_COST_MEMCPY_NS] = "cost_memcpy_ns",
	[ZCRX_A_BINDING_COST_MEMCPY_BYTES] = "cost_memcpy_bytes",
	[ZCRX_A_BINDING_COST_ZEROCOPY_PACKETS] = "cost_zerocopy_packets",
	[ZCRX_A_BINDING_COST_ZEROCOPY_NS] = "cost_zerocopy_ns",
	[ZCRX_A_BINDING_COST_BUFFERS] = "cost_buffers",
	[ZCRX_A_BINDING_COST_BUFFER_NS] = "cost_buffer_ns",
};

static const char *attr_name(int attr, char *buf, size_t size)
{
	const char *name = zcrx_binding_attr_name(attr);

	if (name)
		return name;
	snprintf(buf, size, "attribute %d", attr);
	return buf;
}

/* An enum value by its spec name, anything else as a number. */
static const char *format_value(int attr, uint64_t value, char *buf, size_t size)
{
	const char *name = zcrx_binding_value_name(attr, value);

	if (name)
		return name;
	snprintf(buf, size, "%" PRIu64, value);
	return buf;
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

/* ---- waiting for events ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next notification, waiting up to TIMEOUT_MS for it. */
static int next_event(struct zcrx_nl *events, int timeout_ms, struct zcrx_event *ev)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = zcrx_nl_fd(events), .events = POLLIN };
		int64_t left;
		int ret;

		ret = zcrx_nl_read_event(events, ev);
		if (ret != -EAGAIN)
			return ret;	/* ENOBUFS: events were lost */
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
	}
}

/* Wait for notification CMD about binding ID, skipping any other. */
static int wait_for_event(struct zcrx_nl *events, uint8_t cmd, uint32_t id,
			  int timeout_ms, struct zcrx_event *ev)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - now_ms();
		int ret;

		if (left < 0)
			return -ETIMEDOUT;
		ret = next_event(events, left, ev);
		if (ret < 0)
			return ret;
		if (ev->cmd == cmd && zcrx_binding_has(&ev->binding, ZCRX_A_BINDING_ID) &&
		    ev->binding.value[ZCRX_A_BINDING_ID] == id)
			return 0;
	}
}

/* ---- printers ---- */

static void format_binding(const struct zcrx_binding_info *info, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int attr = 1; attr <= ZCRX_A_BINDING_MAX && used < size; attr++) {
		const char *key = binding_keys[attr];
		char scratch[32];
		int n;

		if (!key)
			continue;
		n = snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "", key,
			     zcrx_binding_has(info, attr) ?
			     format_value(attr, info->value[attr], scratch, sizeof(scratch)) :
			     "?");
		if (n < 0)
			break;
		used += n;
	}
}

static void print_binding(const struct zcrx_binding_info *info)
{
	char line[LINE_MAX_LEN];

	format_binding(info, line, sizeof(line));
	printf("%s\n", line);
}

static void print_event(const struct zcrx_event *ev)
{
	const struct zcrx_binding_info *info = &ev->binding;
	const char *name = zcrx_event_name(ev->cmd);
	char scratch[32];

	if (name)
		printf("event=%s", name);
	else
		printf("event=cmd-%u", ev->cmd);
	if (zcrx_binding_has(info, ZCRX_A_BINDING_ID))
		printf(" id=%" PRIu64, info->value[ZCRX_A_BINDING_ID]);
	else
		printf(" id=?");
	if (ev->cmd == ZCRX_CMD_UNBOUND_NTF)
		printf(" reason=%s", zcrx_binding_has(info, ZCRX_A_BINDING_REASON) ?
		       format_value(ZCRX_A_BINDING_REASON, ev->reason,
				    scratch, sizeof(scratch)) : "?");
	/* Then everything the event carries, as "get" prints it. */
	if (zcrx_binding_has(info, ZCRX_A_BINDING_STATE)) {
		char line[LINE_MAX_LEN];

		format_binding(info, line, sizeof(line));
		printf(" %s", line);
	}
	putchar('\n');
}

static void report_open_failure(int err)
{
	if (err == -ENOENT)
		printf(PROG ": generic netlink family " ZCRX_FAMILY_NAME " not found\n");
	else
		printf(PROG ": cannot open generic netlink: %s\n", strerror(-err));
}

/* A refusal in the form the shell tests parse, a local failure plainly. */
static void report_failure(const struct zcrx_nl *nl, const char *what, int err)
{
	const struct zcrx_nl_error *last = zcrx_nl_last_error(nl);
	char text[ZCRX_NL_ERROR_TEXT_MAX];

	if (!last->error || err != last->error) {
		printf(PROG ": %s: %s\n", what, strerror(-err));
		return;
	}
	zcrx_nl_error_text(last, text, sizeof(text));
	if (text[0])
		printf("error: %s (%d): %s\n", strerror(-err), -err, text);
	else
		printf("error: %s (%d)\n", strerror(-err), -err);
}

/* ---- TAP test of the control plane ---- */

struct tap {
	unsigned int run;
	unsigned int failed;
};

static bool tap_check(struct tap *tap, bool ok, const char *desc)
{
	tap->run++;
	if (!ok)
		tap->failed++;
	printf("%sok %u - %s\n", ok ? "" : "not ", tap->run, desc);
	return ok;
}

__attribute__((format(printf, 1, 2)))
static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void diag_outcome(int rc, const struct zcrx_nl_error *ack)
{
	char text[ZCRX_NL_ERROR_TEXT_MAX], bad[32], missing[32];

	if (rc == 0) {
		tap_diag("got: success");
		return;
	}
	if (!ack->error || rc != ack->error) {
		tap_diag("got: %s (%s), not from the kernel", errno_name(-rc), strerror(-rc));
		return;
	}
	zcrx_nl_error_text(ack, text, sizeof(text));
	tap_diag("got: %s (%d), extack \"%s\"", errno_name(-rc), -rc, text);
	if (ack->bad_attr < 0 && ack->missing_attr < 0)
		return;
	tap_diag("     kernel msg \"%s\", bad attribute %s, missing attribute %s", ack->message,
		 ack->bad_attr < 0 ? "-" : attr_name(ack->bad_attr, bad, sizeof(bad)),
		 ack->missing_attr < 0 ? "-" :
		 attr_name(ack->missing_attr, missing, sizeof(missing)));
}

static bool check_success(struct tap *tap, int rc, const struct zcrx_nl_error *ack,
			  const char *desc)
{
	if (tap_check(tap, rc == 0, desc))
		return true;
	diag_outcome(rc, ack);
	return false;
}

/*
 * A refusal with errno WANT and an extack containing TEXT; TEXT "" asks
 * for any kernel message, NULL for none in particular.
 */
static bool check_refusal(struct tap *tap, int rc, const struct zcrx_nl_error *ack, int want,
			  const char *text, const char *desc)
{
	char got_text[ZCRX_NL_ERROR_TEXT_MAX];
	bool ok;

	zcrx_nl_error_text(ack, got_text, sizeof(got_text));
	ok = rc == -want && ack->error == -want;
	if (ok && text)
		ok = text[0] ? strstr(got_text, text) != NULL : ack->message[0] != '\0';
	if (tap_check(tap, ok, desc))
		return true;
	diag_outcome(rc, ack);
	if (!text)
		tap_diag("want: %s (%d)", errno_name(want), want);
	else if (!text[0])
		tap_diag("want: %s (%d) with a kernel message", errno_name(want), want);
	else
		tap_diag("want: %s (%d), extack containing \"%s\"", errno_name(want), want, text);
	return false;
}

struct field_want {
	int attr;
	uint64_t value;
};

static size_t binding_mismatches(const struct zcrx_binding_info *got,
				 const struct field_want *want, size_t count, bool report)
{
	size_t mismatches = 0;

	for (size_t i = 0; i < count; i++) {
		int attr = want[i].attr;
		char got_buf[32], want_buf[32], name_buf[32];

		if (zcrx_binding_has(got, attr) && got->value[attr] == want[i].value)
			continue;
		mismatches++;
		if (report)
			tap_diag("%s: got %s, want %s", attr_name(attr, name_buf, sizeof(name_buf)),
				 zcrx_binding_has(got, attr) ?
				 format_value(attr, got->value[attr], got_buf, sizeof(got_buf)) :
				 "nothing",
				 format_value(attr, want[i].value, want_buf, sizeof(want_buf)));
	}
	return mismatches;
}

static bool check_binding(struct tap *tap, int rc, const struct zcrx_nl_error *ack,
			  const struct zcrx_binding_info *got, const struct field_want *want,
			  size_t count, const char *desc)
{
	bool ok = rc == 0 && binding_mismatches(got, want, count, false) == 0;

	if (tap_check(tap, ok, desc))
		return true;
	if (rc < 0)
		diag_outcome(rc, ack);
	else
		binding_mismatches(got, want, count, true);
	return false;
}

struct control {
	struct tap tap;
	struct zcrx_nl *nl;		/* requests */
	struct zcrx_nl *events;		/* subscribed to "events" */
	uint32_t nic, macvtap, other_nic, other_macvtap;
	uint32_t nosupport_nic, nosupport_macvtap;
	uint32_t id;			/* the binding under test, 0 if none */
};

/* WANT_COUNT bindings; with one, it is the binding under test. */
static void check_dump(struct control *c, size_t want_count, const char *desc)
{
	struct zcrx_binding_info *bindings;
	char line[LINE_MAX_LEN];
	size_t count;
	bool ok;
	int ret;

	ret = zcrx_nl_dump_all(c->nl, &bindings, &count);
	ok = ret == 0 && count == want_count;
	if (ok && want_count == 1)
		ok = zcrx_binding_has(&bindings[0], ZCRX_A_BINDING_ID) &&
		     bindings[0].value[ZCRX_A_BINDING_ID] == c->id;
	if (!tap_check(&c->tap, ok, desc)) {
		if (ret < 0)
			diag_outcome(ret, zcrx_nl_last_error(c->nl));
		else
			tap_diag("got %zu bindings, want %zu%s", count, want_count,
				 want_count == 1 ? " (the one under test)" : "");
		for (size_t i = 0; i < count; i++) {
			format_binding(&bindings[i], line, sizeof(line));
			tap_diag("got: %s", line);
		}
		if (want_count == 1)
			tap_diag("want: id=%u", c->id);
	}
	free(bindings);
}

static struct zcrx_binding_info bind_request(int64_t ifindex, int64_t queue_id,
					     int64_t macvtap_ifindex, int64_t fallback)
{
	struct zcrx_binding_info req = { 0 };

	if (ifindex != OMIT)
		zcrx_binding_set(&req, ZCRX_A_BINDING_IFINDEX, ifindex);
	if (queue_id != OMIT)
		zcrx_binding_set(&req, ZCRX_A_BINDING_QUEUE_ID, queue_id);
	if (macvtap_ifindex != OMIT)
		zcrx_binding_set(&req, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap_ifindex);
	if (fallback != OMIT)
		zcrx_binding_set(&req, ZCRX_A_BINDING_FALLBACK, fallback);
	return req;
}

/* Case 1: a failure here ends the test. */
static bool control_resolve(struct control *c)
{
	int ret = zcrx_nl_open(&c->nl);

	if (tap_check(&c->tap, ret == 0 && zcrx_nl_events_group(c->nl),
		      "family zcrx and its events group resolve"))
		return true;
	if (ret < 0)
		tap_diag("got: %s", ret == -ENOENT ? "no family zcrx" : strerror(-ret));
	else
		tap_diag("got: family zcrx without a multicast group " ZCRX_MCGRP_EVENTS);
	return ret == 0;
}

/* Case 2. */
static void control_bind(struct control *c)
{
	struct zcrx_binding_info req = bind_request(c->nic, 1, c->macvtap, ZCRX_FALLBACK_COPY);
	struct zcrx_event ev;
	int ret;

	ret = zcrx_nl_open_events(c->nl, &c->events);
	if (!tap_check(&c->tap, ret == 0, "a second socket subscribes to the events group"))
		tap_diag("got: %s", strerror(-ret));

	zcrx_binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, 4);
	ret = zcrx_nl_bind(c->nl, &req, &c->id);
	if (!tap_check(&c->tap, ret == 0 && c->id >= 1,
		       "bind NIC queue 1 to MACVTAP, fallback copy, watermark 4: reply has an id")) {
		diag_outcome(ret, zcrx_nl_last_error(c->nl));
		if (ret == 0)
			tap_diag("got id %u, want >= 1", c->id);
	}

	ret = c->events ? wait_for_event(c->events, ZCRX_CMD_BOUND_NTF, c->id,
					 EVENT_WAIT_MS, &ev) : -ENOTCONN;
	if (!tap_check(&c->tap, ret == 0, "bound event for the new binding within 2 s"))
		tap_diag("got: %s, want event=bound id=%u", strerror(-ret), c->id);
}

/* Case 3. */
static void control_get_fresh(struct control *c)
{
	const struct field_want config[] = {
		{ ZCRX_A_BINDING_ID, c->id },
		{ ZCRX_A_BINDING_IFINDEX, c->nic },
		{ ZCRX_A_BINDING_QUEUE_ID, 1 },
		{ ZCRX_A_BINDING_MACVTAP_IFINDEX, c->macvtap },
		{ ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_COPY },
		{ ZCRX_A_BINDING_LOW_WATERMARK, 4 },
		/* No guest buffer is posted yet. */
		{ ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK },
	};
	const struct field_want counters[] = {
		{ ZCRX_A_BINDING_BUFFERS_POSTED, 0 },
		{ ZCRX_A_BINDING_BUFFERS_FILLED, 0 },
		{ ZCRX_A_BINDING_BUFFERS_RETURNED, 0 },
		{ ZCRX_A_BINDING_BUFFERS_IN_FLIGHT, 0 },
		{ ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS, 0 },
		{ ZCRX_A_BINDING_RX_COPY_PACKETS, 0 },
		{ ZCRX_A_BINDING_RX_DROPPED_PACKETS, 0 },
		{ ZCRX_A_BINDING_PINNED_BYTES, 0 },
	};
	struct zcrx_binding_info info;
	int ret;

	ret = zcrx_nl_get(c->nl, c->id, &info);
	check_binding(&c->tap, ret, zcrx_nl_last_error(c->nl), &info, config, ARRAY_SIZE(config),
		      "get: ifindex, queue 1, macvtap, fallback copy, watermark 4, state fallback");
	check_binding(&c->tap, ret, zcrx_nl_last_error(c->nl), &info, counters,
		      ARRAY_SIZE(counters), "get: buffer and packet counters all 0");
}

/* Case 5. */
static void control_set(struct control *c)
{
	const struct field_want changed[] = {
		{ ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP },
		{ ZCRX_A_BINDING_LOW_WATERMARK, 2 },
	};
	struct zcrx_binding_info changes = { 0 };
	struct zcrx_binding_info info;
	int ret;

	zcrx_binding_set(&changes, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP);
	zcrx_binding_set(&changes, ZCRX_A_BINDING_LOW_WATERMARK, 2);
	ret = zcrx_nl_set(c->nl, c->id, &changes);
	check_success(&c->tap, ret, zcrx_nl_last_error(c->nl), "set fallback drop watermark 2");

	ret = zcrx_nl_get(c->nl, c->id, &info);
	check_binding(&c->tap, ret, zcrx_nl_last_error(c->nl), &info, changed,
		      ARRAY_SIZE(changed), "get shows fallback drop, watermark 2");
}

/* Case 6: each request differs from a valid one in one point. */
static void control_bind_refusals(struct control *c)
{
	const struct {
		const char *desc;
		int64_t ifindex, queue_id, macvtap_ifindex, fallback;
		int want;
		const char *text;
	} cases[] = {
		{ "bind without ifindex: EINVAL",
		  OMIT, 2, c->macvtap, OMIT, EINVAL, "missing ifindex" },
		{ "bind without queue-id: EINVAL",
		  c->nic, OMIT, c->macvtap, OMIT, EINVAL, "missing queue-id" },
		{ "bind without macvtap-ifindex: EINVAL",
		  c->nic, 2, OMIT, OMIT, EINVAL, "missing macvtap-ifindex" },
		{ "bind ifindex 999999: ENODEV",
		  NO_SUCH_INDEX, 2, c->macvtap, OMIT, ENODEV, "ifindex: no such device" },
		{ "bind macvtap-ifindex 999999: ENODEV",
		  c->nic, 2, NO_SUCH_INDEX, OMIT, ENODEV, "macvtap-ifindex: no such device" },
		{ "bind queue 4 of a 4-queue NIC: EINVAL",
		  c->nic, 4, c->macvtap, OMIT, EINVAL, "queue-id: out of range" },
		{ "bind with the NIC as macvtap-ifindex: EINVAL",
		  c->nic, 2, c->nic, OMIT, EINVAL, "macvtap-ifindex: not a macvtap device" },
		{ "bind a macvtap stacked on another NIC: EINVAL",
		  c->nic, 2, c->other_macvtap, OMIT, EINVAL,
		  "macvtap-ifindex: not stacked on this NIC" },
		{ "bind the bound queue 1 again: EBUSY",
		  c->nic, 1, c->macvtap, OMIT, EBUSY, "queue-id: queue already bound" },
		{ "bind queue 2 to the bound macvtap: EBUSY",
		  c->nic, 2, c->macvtap, OMIT, EBUSY, "macvtap-ifindex: macvtap already bound" },
		{ "bind a veth queue (no zero-copy receive): EOPNOTSUPP",
		  c->nosupport_nic, 0, c->nosupport_macvtap, OMIT, EOPNOTSUPP,
		  "ifindex: driver has no zero-copy receive support" },
		/* The policy's range check answers ERANGE, not EINVAL. */
		{ "bind with fallback 7: ERANGE from the policy",
		  c->nic, 2, c->macvtap, 7, ERANGE, "integer out of range" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct zcrx_binding_info req = bind_request(cases[i].ifindex, cases[i].queue_id,
							    cases[i].macvtap_ifindex,
							    cases[i].fallback);
		uint32_t id = 0;
		int ret;

		ret = zcrx_nl_bind(c->nl, &req, &id);
		if (!check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), cases[i].want,
				   cases[i].text, cases[i].desc) && ret == 0)
			tap_diag("it made binding id=%u", id);
	}
	check_dump(c, 1, "dump still lists exactly the one binding after the refusals");
}

/* ---- other owners of a queue: an XDP program, an AF_XDP socket ---- */

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#define XSK_FRAMES 64
#define XSK_FRAME_SIZE 4096
#define OWNER_GONE_MS 2000

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/*
 * Attach an XDP program that passes every frame to IFINDEX, in generic
 * mode so that any driver takes it.  Return: a bpf_link fd (closing it
 * detaches the program) or a negative errno.
 */
static int xdp_pass_attach(uint32_t ifindex)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int prog_fd, link_fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (uintptr_t)"GPL";
	prog_fd = bpf(BPF_PROG_LOAD, &attr);
	if (prog_fd < 0)
		return -errno;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_ifindex = ifindex;
	attr.link_create.attach_type = BPF_XDP;
	attr.link_create.flags = XDP_FLAGS_SKB_MODE;
	link_fd = bpf(BPF_LINK_CREATE, &attr);
	err = errno;
	close(prog_fd);		/* the link keeps the program */
	return link_fd < 0 ? -err : link_fd;
}

struct xsk {
	int fd;
	void *umem;
};

/*
 * Bind an AF_XDP socket in copy mode to QUEUE of IFINDEX: the queue's
 * pool is registered on the device (xsk_reg_pool_at_qid()) as for a
 * zero-copy socket, which is what zcrx must not take.
 */
static int xsk_open(uint32_t ifindex, uint32_t queue, struct xsk *xsk)
{
	const size_t len = XSK_FRAMES * XSK_FRAME_SIZE;
	struct sockaddr_xdp addr = {
		.sxdp_family = AF_XDP,
		.sxdp_flags = XDP_COPY,
		.sxdp_ifindex = ifindex,
		.sxdp_queue_id = queue,
	};
	struct xdp_umem_reg reg = { .len = len, .chunk_size = XSK_FRAME_SIZE };
	int ring = XSK_FRAMES;
	int err;

	xsk->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (xsk->fd < 0)
		return -errno;
	xsk->umem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (xsk->umem == MAP_FAILED) {
		err = -errno;
		goto err_close;
	}
	reg.addr = (uintptr_t)xsk->umem;
	if (setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) ||
	    setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring, sizeof(ring)) ||
	    setsockopt(xsk->fd, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) ||
	    bind(xsk->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		goto err_unmap;
	}
	return 0;

err_unmap:
	munmap(xsk->umem, len);
err_close:
	close(xsk->fd);
	return err;
}

static void xsk_close(struct xsk *xsk)
{
	close(xsk->fd);
	munmap(xsk->umem, XSK_FRAMES * XSK_FRAME_SIZE);
}

/*
 * Bind QUEUE of the other NIC to its macvtap, expecting WANT (0 or an
 * errno).  An owner that just went may hold the queue a while longer
 * (AF_XDP frees its pool from a work item): PATIENCE_MS retries EBUSY.
 */
static void bind_other_queue(struct control *c, uint32_t queue, int want, const char *text,
			     int patience_ms, const char *desc)
{
	struct zcrx_binding_info req = bind_request(c->other_nic, queue, c->other_macvtap, OMIT);
	int64_t deadline = now_ms() + patience_ms;
	uint32_t id = 0;
	int ret;

	while ((ret = zcrx_nl_bind(c->nl, &req, &id)) == -EBUSY && now_ms() < deadline)
		usleep(50 * 1000);
	if (want)
		check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), want, text, desc);
	else
		check_success(&c->tap, ret, zcrx_nl_last_error(c->nl), desc);
	if (ret == 0 && zcrx_nl_unbind(c->nl, id) < 0)
		tap_diag("could not undo binding id=%u", id);
}

/* Case 6b: a queue another owner holds is refused until that owner goes. */
static void control_owned_queues(struct control *c)
{
	struct xsk xsk = { .fd = -1 };
	int link_fd, ret;

	link_fd = xdp_pass_attach(c->other_nic);
	if (tap_check(&c->tap, link_fd >= 0, "an XDP program attaches to the other NIC")) {
		bind_other_queue(c, 0, EBUSY, "ifindex: NIC runs an XDP program", 0,
				 "bind a queue of a NIC running XDP: EBUSY");
		close(link_fd);
		bind_other_queue(c, 0, 0, NULL, OWNER_GONE_MS,
				 "with the XDP program gone, that bind succeeds");
	} else {
		tap_diag("got: %s", strerror(-link_fd));
	}

	ret = xsk_open(c->other_nic, 1, &xsk);
	if (tap_check(&c->tap, ret == 0, "an AF_XDP socket binds to queue 1 of the other NIC")) {
		bind_other_queue(c, 1, EBUSY, "queue-id: queue owned by an AF_XDP socket", 0,
				 "bind a queue an AF_XDP socket holds: EBUSY");
		bind_other_queue(c, 2, 0, NULL, 0, "the NIC's next queue still binds");
		xsk_close(&xsk);
		bind_other_queue(c, 1, 0, NULL, OWNER_GONE_MS,
				 "with the AF_XDP socket gone, queue 1 binds (within 2 s)");
	} else {
		tap_diag("got: %s", strerror(-ret));
	}
	check_dump(c, 1, "dump lists exactly the one binding after the owned queues");
}

/* Case 7. */
static void control_no_such_binding(struct control *c)
{
	struct zcrx_binding_info changes = { 0 };
	struct zcrx_binding_info info;
	int ret;

	ret = zcrx_nl_unbind(c->nl, NO_SUCH_INDEX);
	check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), ENOENT, "id: no such binding",
		      "unbind 999999: ENOENT");
	ret = zcrx_nl_get(c->nl, NO_SUCH_INDEX, &info);
	check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), ENOENT, "id: no such binding",
		      "get 999999: ENOENT");
	zcrx_binding_set(&changes, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP);
	ret = zcrx_nl_set(c->nl, NO_SUCH_INDEX, &changes);
	check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), ENOENT, NULL,
		      "set 999999: ENOENT");
}

enum { PROBE_BIND, PROBE_UNBIND, PROBE_GET, PROBE_COUNT };

/* What the unprivileged child saw, sent up a pipe as is. */
struct probe_result {
	int rc;
	struct zcrx_nl_error ack;
	uint32_t id;
};

static void probe_results_fail(struct probe_result *results, int rc)
{
	for (int i = 0; i < PROBE_COUNT; i++) {
		results[i].rc = rc;
		results[i].id = 0;
		results[i].ack = (struct zcrx_nl_error){ .bad_attr = -1, .missing_attr = -1 };
	}
}

/* In the child: drop to nobody, which loses CAP_NET_ADMIN (no keep-caps). */
static void run_unprivileged_probes(const struct control *c, struct probe_result *results)
{
	struct zcrx_binding_info req = bind_request(c->nic, 2, c->macvtap, OMIT);
	struct zcrx_binding_info info;
	struct zcrx_nl *nl;
	int ret;

	if (setgroups(0, NULL) < 0 || setgid(NOBODY_ID) < 0 || setuid(NOBODY_ID) < 0) {
		probe_results_fail(results, -errno);
		return;
	}
	ret = zcrx_nl_open(&nl);
	if (ret < 0) {
		probe_results_fail(results, ret);
		return;
	}
	results[PROBE_BIND].rc = zcrx_nl_bind(nl, &req, &results[PROBE_BIND].id);
	results[PROBE_BIND].ack = *zcrx_nl_last_error(nl);
	results[PROBE_UNBIND].rc = zcrx_nl_unbind(nl, c->id);
	results[PROBE_UNBIND].ack = *zcrx_nl_last_error(nl);
	results[PROBE_GET].rc = zcrx_nl_get(nl, c->id, &info);
	results[PROBE_GET].ack = *zcrx_nl_last_error(nl);
	results[PROBE_GET].id = info.value[ZCRX_A_BINDING_ID];
	zcrx_nl_close(nl);
}

/* Case 8. */
static void control_unprivileged(struct control *c)
{
	struct probe_result results[PROBE_COUNT], received[PROBE_COUNT];
	const struct probe_result *get = &results[PROBE_GET];
	size_t got = 0;
	int status = 0;
	int fds[2];
	pid_t pid;

	probe_results_fail(results, -ECHILD);	/* until the child reports */
	if (pipe(fds) < 0) {
		probe_results_fail(results, -errno);
		goto report;
	}
	fflush(stdout);	/* or the child's exit would print our TAP lines again */
	pid = fork();
	if (pid < 0) {
		probe_results_fail(results, -errno);
		close(fds[0]);
		close(fds[1]);
		goto report;
	}
	if (pid == 0) {
		ssize_t n;

		close(fds[0]);
		probe_results_fail(received, -ECHILD);
		run_unprivileged_probes(c, received);
		n = write(fds[1], received, sizeof(received));
		_exit(n == (ssize_t)sizeof(received) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(received)) {
		ssize_t n = read(fds[0], (char *)received + got, sizeof(received) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got == sizeof(received))
		memcpy(results, received, sizeof(results));

report:
	check_refusal(&c->tap, results[PROBE_BIND].rc, &results[PROBE_BIND].ack, EPERM,
		      "CAP_NET_ADMIN", "unprivileged bind: EPERM");
	check_refusal(&c->tap, results[PROBE_UNBIND].rc, &results[PROBE_UNBIND].ack, EPERM,
		      "CAP_NET_ADMIN", "unprivileged unbind of the live binding: EPERM");
	if (!tap_check(&c->tap, get->rc == 0 && get->id == c->id,
		       "unprivileged get of the live binding succeeds")) {
		diag_outcome(get->rc, &get->ack);
		if (get->rc == 0)
			tap_diag("got id=%u, want id=%u", get->id, c->id);
	}
	if (got != sizeof(results))
		tap_diag("unprivileged child reported %zu of %zu bytes, wait status 0x%x",
			 got, sizeof(results), status);
}

/* Case 9. */
static void control_unbind(struct control *c)
{
	struct zcrx_binding_info info;
	struct zcrx_event ev;
	char scratch[32];
	int ret;

	ret = zcrx_nl_unbind(c->nl, c->id);
	check_success(&c->tap, ret, zcrx_nl_last_error(c->nl), "unbind the binding");

	ret = c->events ? wait_for_event(c->events, ZCRX_CMD_UNBOUND_NTF, c->id,
					 EVENT_WAIT_MS, &ev) : -ENOTCONN;
	if (!tap_check(&c->tap, ret == 0 && zcrx_binding_has(&ev.binding, ZCRX_A_BINDING_REASON) &&
		       ev.reason == ZCRX_UNBIND_REASON_REQUEST,
		       "unbound event with reason request within 2 s")) {
		if (ret < 0)
			tap_diag("got: %s", strerror(-ret));
		else
			tap_diag("got: reason=%s",
				 zcrx_binding_has(&ev.binding, ZCRX_A_BINDING_REASON) ?
				 format_value(ZCRX_A_BINDING_REASON, ev.reason,
					      scratch, sizeof(scratch)) : "nothing");
		tap_diag("want: event=unbound id=%u reason=request", c->id);
	}

	check_dump(c, 0, "dump is empty after the unbind");
	ret = zcrx_nl_get(c->nl, c->id, &info);
	check_refusal(&c->tap, ret, zcrx_nl_last_error(c->nl), ENOENT, NULL,
		      "get after the unbind: ENOENT");
}

static int run_control(struct control *c)
{
	if (control_resolve(c)) {
		control_bind(c);
		control_get_fresh(c);
		check_dump(c, 1, "dump lists exactly the one binding");
		control_set(c);
		control_bind_refusals(c);
		control_owned_queues(c);
		control_no_such_binding(c);
		control_unprivileged(c);
		control_unbind(c);
	}
	zcrx_nl_close(c->events);
	zcrx_nl_close(c->nl);
	printf("1..%u\n", c->tap.run);
	return c->tap.failed || !c->tap.run ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- command line ---- */

static void print_usage(void)
{
	printf("usage: " PROG " bind IFNAME QUEUE MACVTAP [copy|drop] [WATERMARK [COPYBREAK]]"
	       " [unbind-on-vhost-gone] [macvtap-netns PATH]\n"
	       "       " PROG " unbind ID\n"
	       "       " PROG " set ID [fallback copy|drop] [watermark N] [copybreak N]"
	       " [copybreak-probe N] [unbind-on-vhost-gone 0|1]\n"
	       "       " PROG " get ID\n"
	       "       " PROG " dump\n"
	       "       " PROG " events MS [COUNT]\n"
	       "       " PROG " storm COUNT SEED NIC QUEUE MACVTAP [STOP-FILE]\n"
	       "       " PROG " control NIC MACVTAP OTHER_NIC OTHER_MACVTAP"
	       " NOSUPPORT_NIC NOSUPPORT_MACVTAP\n"
	       "IFNAME and MACVTAP: interface names, or ifindexes.\n");
}

static int usage_error(void)
{
	print_usage();
	return EXIT_USAGE;
}

static int parse_u32(const char *s, uint32_t *value)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*value = v;
	return 0;
}

static int parse_fallback(const char *s, uint32_t *fallback)
{
	if (!strcmp(s, "copy"))
		*fallback = ZCRX_FALLBACK_COPY;
	else if (!strcmp(s, "drop"))
		*fallback = ZCRX_FALLBACK_DROP;
	else
		return -EINVAL;
	return 0;
}

/* A name, else a number: lets a test hand the kernel a missing ifindex. */
static int resolve_ifindex(const char *name, uint32_t *ifindex)
{
	*ifindex = if_nametoindex(name);
	if (*ifindex)
		return 0;
	if (parse_u32(name, ifindex) == 0 && *ifindex)
		return 0;
	return -ENODEV;
}

/* A request context, or the reason there is none printed. */
static struct zcrx_nl *open_or_report(void)
{
	struct zcrx_nl *nl;
	int ret;

	ret = zcrx_nl_open(&nl);
	if (ret < 0) {
		report_open_failure(ret);
		return NULL;
	}
	return nl;
}

/*
 * Fault injection (CONFIG_FAULT_INJECTION): with ZCRX_FAIL_NTH=N in the
 * environment, the Nth fault-injection point this thread passes fails
 * (an allocation, a user copy), counted from just before the request.
 * The file is opened first: opening it passes fault points too.
 * Return: an fd to hand to fail_nth_report(), -1 when not asked, or a
 * negative errno.
 */
static int fail_nth_arm(const char *nth)
{
	int fd, ret;

	if (!nth)
		return -1;
	fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, nth, strlen(nth), 0) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* Disarm, and say whether the fault fired (the count reached 0). */
static void fail_nth_report(int fd)
{
	char left[32];
	ssize_t n;

	if (fd < 0)
		return;
	n = pread(fd, left, sizeof(left) - 1, 0);
	left[n > 0 ? n : 0] = '\0';
	if (pwrite(fd, "0", 1, 0) < 0)
		n = -1;		/* the write itself took the fault */
	close(fd);
	printf("fail-nth: %s\n", n > 0 && atoi(left) ? "not reached" : "injected");
}

static int cmd_bind(int argc, char **argv)
{
	struct zcrx_binding_info req = { 0 };
	uint32_t ifindex, queue_id, macvtap_ifindex, value, id;
	const char *unknown = NULL;
	struct zcrx_nl *nl;
	int netns_fd = -1;
	int next = 3;
	int fail_fd;
	int ret;

	if (argc < 3 || argc > 9 || parse_u32(argv[1], &queue_id) < 0)
		return usage_error();
	if (next < argc && parse_fallback(argv[next], &value) == 0) {
		zcrx_binding_set(&req, ZCRX_A_BINDING_FALLBACK, value);
		next++;
	}
	if (next < argc && parse_u32(argv[next], &value) == 0) {
		zcrx_binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, value);
		next++;
	}
	if (next < argc && parse_u32(argv[next], &value) == 0) {
		zcrx_binding_set(&req, ZCRX_A_BINDING_COPYBREAK, value);
		next++;
	}
	if (next < argc && !strcmp(argv[next], "unbind-on-vhost-gone")) {
		zcrx_binding_set(&req, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, 1);
		next++;
	}
	if (next + 1 < argc && !strcmp(argv[next], "macvtap-netns")) {
		netns_fd = open(argv[next + 1], O_RDONLY | O_CLOEXEC);
		if (netns_fd < 0) {
			printf(PROG ": %s: %s\n", argv[next + 1], strerror(errno));
			return EXIT_FAILURE;
		}
		zcrx_binding_set(&req, ZCRX_A_BINDING_MACVTAP_NETNS_FD, (uint32_t)netns_fd);
		next += 2;
	}
	if (next != argc)
		return usage_error();
	if (resolve_ifindex(argv[0], &ifindex) < 0)
		unknown = argv[0];
	else if (resolve_ifindex(argv[2], &macvtap_ifindex) < 0)
		unknown = argv[2];
	if (unknown) {
		printf(PROG ": no such interface: %s\n", unknown);
		return EXIT_FAILURE;
	}
	zcrx_binding_set(&req, ZCRX_A_BINDING_IFINDEX, ifindex);
	zcrx_binding_set(&req, ZCRX_A_BINDING_QUEUE_ID, queue_id);
	zcrx_binding_set(&req, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap_ifindex);

	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	fail_fd = fail_nth_arm(getenv("ZCRX_FAIL_NTH"));
	if (fail_fd < -1) {
		printf(PROG ": cannot arm fail-nth: %s\n", strerror(-fail_fd));
		zcrx_nl_close(nl);
		return EXIT_FAILURE;
	}
	ret = zcrx_nl_bind(nl, &req, &id);
	fail_nth_report(fail_fd);
	if (ret < 0)
		report_failure(nl, "bind", ret);
	else
		printf("id=%u\n", id);
	zcrx_nl_close(nl);
	if (netns_fd >= 0)
		close(netns_fd);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_unbind(int argc, char **argv)
{
	struct zcrx_nl *nl;
	uint32_t id;
	int ret;

	if (argc != 1 || parse_u32(argv[0], &id) < 0)
		return usage_error();
	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	ret = zcrx_nl_unbind(nl, id);
	if (ret < 0)
		report_failure(nl, "unbind", ret);
	zcrx_nl_close(nl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_set(int argc, char **argv)
{
	struct zcrx_binding_info changes = { 0 };
	struct zcrx_nl *nl;
	uint32_t id, value;
	int ret;

	if (argc < 1 || argc % 2 != 1 || parse_u32(argv[0], &id) < 0)
		return usage_error();
	for (int i = 1; i < argc; i += 2) {
		int attr;

		if (!strcmp(argv[i], "fallback")) {
			attr = ZCRX_A_BINDING_FALLBACK;
			ret = parse_fallback(argv[i + 1], &value);
		} else if (!strcmp(argv[i], "watermark")) {
			attr = ZCRX_A_BINDING_LOW_WATERMARK;
			ret = parse_u32(argv[i + 1], &value);
		} else if (!strcmp(argv[i], "copybreak")) {
			attr = ZCRX_A_BINDING_COPYBREAK;
			ret = parse_u32(argv[i + 1], &value);
		} else if (!strcmp(argv[i], "copybreak-probe")) {
			attr = ZCRX_A_BINDING_COPYBREAK_PROBE;
			ret = parse_u32(argv[i + 1], &value);
		} else if (!strcmp(argv[i], "unbind-on-vhost-gone")) {
			attr = ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE;
			ret = parse_u32(argv[i + 1], &value);
		} else {
			return usage_error();
		}
		if (ret < 0 || zcrx_binding_has(&changes, attr))
			return usage_error();
		zcrx_binding_set(&changes, attr, value);
	}

	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	ret = zcrx_nl_set(nl, id, &changes);
	if (ret < 0)
		report_failure(nl, "set", ret);
	zcrx_nl_close(nl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_get(int argc, char **argv)
{
	struct zcrx_binding_info info;
	struct zcrx_nl *nl;
	uint32_t id;
	int ret;

	if (argc != 1 || parse_u32(argv[0], &id) < 0)
		return usage_error();
	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	ret = zcrx_nl_get(nl, id, &info);
	if (ret < 0)
		report_failure(nl, "get", ret);
	else
		print_binding(&info);
	zcrx_nl_close(nl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_dump(int argc, char **argv)
{
	struct zcrx_binding_info *bindings;
	struct zcrx_nl *nl;
	size_t count;
	int ret;

	(void)argv;
	if (argc != 0)
		return usage_error();
	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	ret = zcrx_nl_dump_all(nl, &bindings, &count);
	if (ret < 0)
		report_failure(nl, "dump", ret);
	for (size_t i = 0; i < count; i++)
		print_binding(&bindings[i]);
	free(bindings);
	zcrx_nl_close(nl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_events(int argc, char **argv)
{
	uint32_t idle_ms, count = 0;
	struct zcrx_nl *nl, *events;
	struct zcrx_event ev;
	int ret;

	if (argc < 1 || argc > 2 || parse_u32(argv[0], &idle_ms) < 0 || idle_ms > INT_MAX ||
	    (argc == 2 && (parse_u32(argv[1], &count) < 0 || count == 0)))
		return usage_error();
	nl = open_or_report();
	if (!nl)
		return EXIT_FAILURE;
	ret = zcrx_nl_open_events(nl, &events);
	zcrx_nl_close(nl);
	if (ret < 0) {
		printf(PROG ": cannot subscribe to " ZCRX_MCGRP_EVENTS ": %s\n", strerror(-ret));
		return EXIT_FAILURE;
	}
	printf("ready\n");
	fflush(stdout);
	for (uint32_t seen = 0; !count || seen < count; seen++) {
		ret = next_event(events, idle_ms, &ev);
		if (ret == -ETIMEDOUT) {
			ret = 0;
			break;
		}
		if (ret < 0) {
			printf(PROG ": events: %s\n", strerror(-ret));
			break;
		}
		print_event(&ev);
		fflush(stdout);
	}
	zcrx_nl_close(events);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- racing requests (storm) ---- */

enum storm_op { STORM_BIND, STORM_UNBIND, STORM_SET, STORM_GET, STORM_DUMP, STORM_OPS };

static const char *const storm_op_names[STORM_OPS] = {
	[STORM_BIND] = "bind", [STORM_UNBIND] = "unbind", [STORM_SET] = "set",
	[STORM_GET] = "get", [STORM_DUMP] = "dump",
};

#define STORM_EXPECTED_MAX 2
/*
 * The errnos other processes and devices going away explain: the queue
 * or macvtap bound by someone else, a device deleted; a binding ended by
 * someone else or with its device.  Anything else is a bug.
 */
static const int storm_expected[STORM_OPS][STORM_EXPECTED_MAX] = {
	[STORM_BIND] = { EBUSY, ENODEV },
	[STORM_UNBIND] = { ENOENT },
	[STORM_SET] = { ENOENT },
	[STORM_GET] = { ENOENT },
};

#define STORM_MINE_MAX 4		/* bindings of our own at a time */
#define STORM_SEEN_MAX 64		/* bindings of the last dump kept as targets */
#define STORM_REPORT_MAX 10		/* unclean replies printed in full */
#define STORM_COPYBREAK_MAX 1500
#define STORM_STOP_EVERY 100		/* requests between looks for STOP-FILE */
#define STORM_WATERMARK_MAX 64

struct storm_target {
	uint32_t id;
	uint32_t ifindex;
	uint32_t queue;
};

struct storm {
	struct zcrx_nl *nl;
	unsigned int rand_state;
	const char *nic_name, *macvtap_name;
	uint32_t nic, macvtap;		/* the last ifindexes the names had */
	uint32_t queue;
	uint32_t mine[STORM_MINE_MAX];
	size_t mine_count;
	struct storm_target seen[STORM_SEEN_MAX];
	size_t seen_count;
	/* Per request: [0] results, [1 + i] storm_expected[op][i]. */
	uint64_t replies[STORM_OPS][1 + STORM_EXPECTED_MAX];
	uint64_t unclean;
};

static unsigned int storm_rand(struct storm *s, unsigned int bound)
{
	return (unsigned int)rand_r(&s->rand_state) % bound;
}

/* Count a reply: a result (RESULT_OK: it says what it should) or an errno. */
static void storm_record(struct storm *s, enum storm_op op, uint32_t id, int rc, bool result_ok)
{
	const struct zcrx_nl_error *ack = zcrx_nl_last_error(s->nl);
	char text[ZCRX_NL_ERROR_TEXT_MAX];

	if (rc == 0 && result_ok) {
		s->replies[op][0]++;
		return;
	}
	if (rc < 0 && ack->error == rc) {
		for (int i = 0; i < STORM_EXPECTED_MAX; i++) {
			if (storm_expected[op][i] == -rc) {
				s->replies[op][1 + i]++;
				return;
			}
		}
	}
	if (++s->unclean > STORM_REPORT_MAX)
		return;
	if (rc == 0)
		printf("unclean: %s id=%u: a result that does not describe the binding\n",
		       storm_op_names[op], id);
	else if (ack->error != rc)
		printf("unclean: %s id=%u: %s (%s), not an answer from the kernel\n",
		       storm_op_names[op], id, errno_name(-rc), strerror(-rc));
	else
		printf("unclean: %s id=%u: %s (%d): %s\n", storm_op_names[op], id,
		       errno_name(-rc), -rc, zcrx_nl_error_text(ack, text, sizeof(text)));
}

/* A name's ifindex now; once it is gone, the one it had (ENODEV). */
static uint32_t storm_resolve(const char *name, uint32_t *last)
{
	uint32_t ifindex = if_nametoindex(name);

	if (ifindex)
		*last = ifindex;
	return *last;
}

static void storm_forget_mine(struct storm *s, size_t i)
{
	s->mine[i] = s->mine[--s->mine_count];
}

static void storm_bind(struct storm *s)
{
	struct zcrx_binding_info req;
	uint32_t id = 0;
	int ret;

	/* Fallback copy: a guest on the queue may lose frames to the race,
	 * not to a policy of ours. */
	req = bind_request(storm_resolve(s->nic_name, &s->nic), s->queue,
			   storm_resolve(s->macvtap_name, &s->macvtap), ZCRX_FALLBACK_COPY);
	zcrx_binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, storm_rand(s, STORM_WATERMARK_MAX));
	zcrx_binding_set(&req, ZCRX_A_BINDING_COPYBREAK, storm_rand(s, STORM_COPYBREAK_MAX));
	ret = zcrx_nl_bind(s->nl, &req, &id);
	storm_record(s, STORM_BIND, 0, ret, id > 0);
	if (ret == 0 && id > 0)
		s->mine[s->mine_count++] = id;
}

/* One of ours, else one the last dump showed on our queue; 0 if none. */
static uint32_t storm_pick_on_queue(struct storm *s, bool *mine)
{
	uint32_t candidates[STORM_SEEN_MAX];
	size_t n = 0;

	*mine = s->mine_count && storm_rand(s, 2);
	if (*mine)
		return s->mine[storm_rand(s, s->mine_count)];
	for (size_t i = 0; i < s->seen_count; i++)
		if (s->seen[i].ifindex == s->nic && s->seen[i].queue == s->queue)
			candidates[n++] = s->seen[i].id;
	return n ? candidates[storm_rand(s, n)] : 0;
}

static void storm_unbind(struct storm *s)
{
	bool mine;
	uint32_t id = storm_pick_on_queue(s, &mine);
	int ret;

	if (!id)
		return;
	ret = zcrx_nl_unbind(s->nl, id);
	storm_record(s, STORM_UNBIND, id, ret, true);
	for (size_t i = 0; i < s->mine_count; i++)
		if (s->mine[i] == id)
			storm_forget_mine(s, i);
}

/* Any binding the last dump showed (other tests' too), or one of ours. */
static uint32_t storm_pick_any(struct storm *s)
{
	if (s->seen_count && (!s->mine_count || storm_rand(s, 2)))
		return s->seen[storm_rand(s, s->seen_count)].id;
	return s->mine_count ? s->mine[storm_rand(s, s->mine_count)] : 0;
}

/* Only thresholds move: a fallback of drop would lose a guest's frames. */
static void storm_set(struct storm *s)
{
	struct zcrx_binding_info changes = { 0 };
	uint32_t id = storm_pick_any(s);
	int ret;

	if (!id)
		return;
	zcrx_binding_set(&changes, ZCRX_A_BINDING_COPYBREAK, storm_rand(s, STORM_COPYBREAK_MAX));
	zcrx_binding_set(&changes, ZCRX_A_BINDING_LOW_WATERMARK,
			 storm_rand(s, STORM_WATERMARK_MAX));
	ret = zcrx_nl_set(s->nl, id, &changes);
	storm_record(s, STORM_SET, id, ret, true);
}

static bool storm_describes(const struct zcrx_binding_info *info, uint32_t id)
{
	return zcrx_binding_has(info, ZCRX_A_BINDING_ID) &&
	       (!id || info->value[ZCRX_A_BINDING_ID] == id) &&
	       zcrx_binding_has(info, ZCRX_A_BINDING_IFINDEX) &&
	       zcrx_binding_has(info, ZCRX_A_BINDING_QUEUE_ID) &&
	       zcrx_binding_has(info, ZCRX_A_BINDING_STATE);
}

static void storm_get(struct storm *s)
{
	struct zcrx_binding_info info;
	uint32_t id = storm_pick_any(s);
	int ret;

	if (!id)
		return;
	ret = zcrx_nl_get(s->nl, id, &info);
	storm_record(s, STORM_GET, id, ret, ret == 0 && storm_describes(&info, id));
}

static void storm_dump(struct storm *s)
{
	struct zcrx_binding_info *bindings = NULL;
	bool described = true;
	size_t count = 0;
	int ret;

	ret = zcrx_nl_dump_all(s->nl, &bindings, &count);
	s->seen_count = 0;
	for (size_t i = 0; ret == 0 && i < count; i++) {
		if (!storm_describes(&bindings[i], 0)) {
			described = false;
			continue;
		}
		if (s->seen_count < STORM_SEEN_MAX)
			s->seen[s->seen_count++] = (struct storm_target){
				.id = bindings[i].value[ZCRX_A_BINDING_ID],
				.ifindex = bindings[i].value[ZCRX_A_BINDING_IFINDEX],
				.queue = bindings[i].value[ZCRX_A_BINDING_QUEUE_ID],
			};
	}
	free(bindings);
	storm_record(s, STORM_DUMP, 0, ret, described);
}

static void storm_print(const struct storm *s, uint32_t count)
{
	printf("storm: %u requests;", count);
	for (int op = 0; op < STORM_OPS; op++) {
		printf(" %s ok=%" PRIu64, storm_op_names[op], s->replies[op][0]);
		for (int i = 0; i < STORM_EXPECTED_MAX && storm_expected[op][i]; i++)
			printf(" %s=%" PRIu64, errno_name(storm_expected[op][i]),
			       s->replies[op][1 + i]);
		putchar(';');
	}
	printf(" unclean=%" PRIu64 "\n", s->unclean);
}

static int cmd_storm(int argc, char **argv)
{
	struct storm s = { .nic = NO_SUCH_INDEX, .macvtap = NO_SUCH_INDEX };
	const char *stop_file = argc == 6 ? argv[5] : NULL;
	uint32_t count, seed, done;

	if (argc < 5 || argc > 6 || parse_u32(argv[0], &count) < 0 || parse_u32(argv[1], &seed) < 0 ||
	    parse_u32(argv[3], &s.queue) < 0)
		return usage_error();
	s.rand_state = seed;
	s.nic_name = argv[2];
	s.macvtap_name = argv[4];
	s.nl = open_or_report();
	if (!s.nl)
		return EXIT_FAILURE;
	for (done = 0; done < count; done++) {
		enum storm_op op = storm_rand(&s, STORM_OPS);

		if (stop_file && done % STORM_STOP_EVERY == 0 && access(stop_file, F_OK) == 0)
			break;

		/* As many of ours as we keep: end one instead. */
		if (op == STORM_BIND && s.mine_count == STORM_MINE_MAX)
			op = STORM_UNBIND;
		switch (op) {
		case STORM_BIND:
			storm_bind(&s);
			break;
		case STORM_UNBIND:
			storm_unbind(&s);
			break;
		case STORM_SET:
			storm_set(&s);
			break;
		case STORM_GET:
			storm_get(&s);
			break;
		default:
			storm_dump(&s);
			break;
		}
	}
	/* Leave nothing of ours behind: gone already (ENOENT) or ended now. */
	while (s.mine_count) {
		uint32_t id = s.mine[0];

		storm_record(&s, STORM_UNBIND, id, zcrx_nl_unbind(s.nl, id), true);
		storm_forget_mine(&s, 0);
	}
	zcrx_nl_close(s.nl);
	storm_print(&s, done);
	return s.unclean ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_control(int argc, char **argv)
{
	struct control c = { 0 };
	uint32_t *const ifindexes[] = {
		&c.nic, &c.macvtap, &c.other_nic, &c.other_macvtap,
		&c.nosupport_nic, &c.nosupport_macvtap,
	};

	if (argc != (int)ARRAY_SIZE(ifindexes))
		return usage_error();
	for (size_t i = 0; i < ARRAY_SIZE(ifindexes); i++) {
		if (resolve_ifindex(argv[i], ifindexes[i]) < 0) {
			printf("Bail out! no such interface: %s\n", argv[i]);
			return EXIT_FAILURE;
		}
	}
	return run_control(&c);
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "bind", cmd_bind },
	{ "unbind", cmd_unbind },
	{ "set", cmd_set },
	{ "get", cmd_get },
	{ "dump", cmd_dump },
	{ "events", cmd_events },
	{ "storm", cmd_storm },
	{ "control", cmd_control },
};

int main(int argc, char **argv)
{
	/* Lines reach a shell or the TAP stream as they are printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage_error();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_usage();
		return EXIT_SUCCESS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	return usage_error();
}
