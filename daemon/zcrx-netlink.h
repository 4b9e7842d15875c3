/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A libmnl client of the zcrx generic netlink family
 * (Documentation/netlink/specs/zcrx.yaml, include/uapi/linux/zcrx.h).
 *
 * A request context (zcrx_nl_open()) resolves the family and its "events"
 * multicast group once, turns on extended acks and keeps what the kernel
 * said about the last request: its errno, its message verbatim and the
 * attribute it pointed at or found missing.  Notifications are read from
 * a second, subscribed context (zcrx_nl_open_events()): they carry
 * sequence number 0 and would otherwise be taken for replies.
 *
 * Every function returns 0 (or a count or id) on success and a negative
 * errno on failure; none prints or logs, and there is no global state.
 * A context is used from one thread at a time.
 */
#ifndef ZCRX_NETLINK_H
#define ZCRX_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/zcrx.h>

struct nlmsghdr;

/* Longest kernel message (NLMSGERR_ATTR_MSG) kept, with its NUL. */
#define ZCRX_NL_MESSAGE_MAX 256
/* Room for anything zcrx_nl_error_text() writes. */
#define ZCRX_NL_ERROR_TEXT_MAX (ZCRX_NL_MESSAGE_MAX + 64)

_Static_assert(ZCRX_A_BINDING_MAX < 64, "zcrx_binding_info.present is 64 bits");

/*
 * One binding's attributes, as a message carried them or as a request
 * should carry them, indexed by ZCRX_A_BINDING_*.  u32 attributes and
 * YNL "uint" counters (4 or 8 bytes on the wire) alike are held as u64.
 */
struct zcrx_binding_info {
	uint64_t present;			/* bit n: value[n] is set */
	uint64_t value[ZCRX_A_BINDING_MAX + 1];
};

static inline bool zcrx_binding_has(const struct zcrx_binding_info *info, int attr)
{
	return attr >= 1 && attr <= ZCRX_A_BINDING_MAX && (info->present & (1ull << attr));
}

static inline void zcrx_binding_set(struct zcrx_binding_info *info, int attr, uint64_t value)
{
	if (attr < 1 || attr > ZCRX_A_BINDING_MAX)
		return;
	info->present |= 1ull << attr;
	info->value[attr] = value;
}

/* One notification of the "events" group. */
struct zcrx_event {
	uint8_t cmd;				/* ZCRX_CMD_*_NTF */
	uint32_t reason;			/* ZCRX_UNBIND_REASON_*, 0 if none */
	struct zcrx_binding_info binding;	/* everything it carried */
};

/* What the kernel said about the last request. */
struct zcrx_nl_error {
	int error;		/* the kernel's negative errno; 0: accepted, or no answer */
	char message[ZCRX_NL_MESSAGE_MAX];	/* NLMSGERR_ATTR_MSG verbatim, "" if none */
	int bad_attr;		/* type of the request attribute NLMSGERR_ATTR_OFFS
				 * points at, -1 if none */
	int missing_attr;	/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
};

struct zcrx_nl;

/* ---- contexts ---- */

int zcrx_nl_open(struct zcrx_nl **nlp);
int zcrx_nl_open_events(const struct zcrx_nl *requests, struct zcrx_nl **eventsp);
void zcrx_nl_close(struct zcrx_nl *nl);
int zcrx_nl_fd(const struct zcrx_nl *nl);
int zcrx_nl_set_receive_buffer(struct zcrx_nl *nl, int bytes);
uint16_t zcrx_nl_family_id(const struct zcrx_nl *nl);
uint32_t zcrx_nl_events_group(const struct zcrx_nl *nl);

/* ---- requests (on a context from zcrx_nl_open()) ---- */

int zcrx_nl_bind(struct zcrx_nl *nl, const struct zcrx_binding_info *request, uint32_t *id);
int zcrx_nl_unbind(struct zcrx_nl *nl, uint32_t id);
int zcrx_nl_set(struct zcrx_nl *nl, uint32_t id, const struct zcrx_binding_info *changes);
int zcrx_nl_get(struct zcrx_nl *nl, uint32_t id, struct zcrx_binding_info *info);

/* Called for each binding of a dump; a negative errno stops the calls. */
typedef int (*zcrx_nl_binding_cb)(const struct zcrx_binding_info *info, void *data);

int zcrx_nl_dump(struct zcrx_nl *nl, zcrx_nl_binding_cb cb, void *data);
int zcrx_nl_dump_all(struct zcrx_nl *nl, struct zcrx_binding_info **bindings, size_t *count);

const struct zcrx_nl_error *zcrx_nl_last_error(const struct zcrx_nl *nl);
const char *zcrx_nl_error_text(const struct zcrx_nl_error *error, char *buf, size_t size);
const char *zcrx_nl_last_error_text(const struct zcrx_nl *nl, char *buf, size_t size);

/* ---- notifications (on a context from zcrx_nl_open_events()) ---- */

int zcrx_nl_read_event(struct zcrx_nl *nl, struct zcrx_event *event);

/* ---- names from the spec ---- */

const char *zcrx_binding_attr_name(int attr);
const char *zcrx_binding_value_name(int attr, uint64_t value);
const char *zcrx_event_name(uint8_t cmd);

/*
 * ---- message parsing, without a socket ----
 * What the contexts use on what they receive; public so that it can be
 * tested on hand-built messages.
 */

bool zcrx_nl_message_ok(const struct nlmsghdr *nlh, int len);
int zcrx_nl_parse_binding(const struct nlmsghdr *nlh, struct zcrx_binding_info *info);
int zcrx_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *request,
		      struct zcrx_nl_error *error);
int zcrx_nl_parse_next_event(const void *buf, size_t len, size_t *offset,
			     uint16_t family_id, struct zcrx_event *event);

#endif
