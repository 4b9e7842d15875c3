// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "rcvbuf.h"
#include "zcrx-netlink.h"

#define REQUEST_BUF_SIZE 1024
/* The kernel fills dump skbs up to 32 KiB; a smaller buffer truncates. */
#define RX_BUF_SIZE 32768
/* A request the kernel never answers fails instead of blocking forever. */
#define REPLY_TIMEOUT_S 10

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct zcrx_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint16_t family_id;
	uint32_t events_group;	/* 0 if the family has none: ids start at 1 */
	uint32_t seq;
	bool receives_events;	/* subscribed: reads events, sends nothing */
	struct zcrx_nl_error last_error;
	/* Kept until the ack is read: NLMSGERR_ATTR_OFFS points into it. */
	char request[REQUEST_BUF_SIZE] __attribute__((aligned(8)));
	char rx[RX_BUF_SIZE] __attribute__((aligned(8)));
	size_t rx_len, rx_offset;	/* events received, not handed out yet */
};

/* Called for each reply message other than the closing ack or DONE. */
typedef int (*reply_cb)(const struct nlmsghdr *nlh, void *data);

/* ---- what we know about the family's attributes ---- */

static const char *const fallback_names[] = {
	[ZCRX_FALLBACK_DROP] = "drop",
	[ZCRX_FALLBACK_COPY] = "copy",
};

static const char *const state_names[] = {
	[ZCRX_STATE_ZEROCOPY] = "zerocopy",
	[ZCRX_STATE_FALLBACK] = "fallback",
};

static const char *const unbind_reason_names[] = {
	[ZCRX_UNBIND_REASON_REQUEST] = "request",
	[ZCRX_UNBIND_REASON_NIC_GONE] = "nic-gone",
	[ZCRX_UNBIND_REASON_MACVTAP_GONE] = "macvtap-gone",
	[ZCRX_UNBIND_REASON_VHOST_GONE] = "vhost-gone",
};

static const char *const isolation_names[] = {
	[ZCRX_ISOLATION_PASSTHRU] = "passthru",
	[ZCRX_ISOLATION_MAC_FILTER] = "mac-filter",
};

static const char *const event_names[] = {
	[ZCRX_CMD_BOUND_NTF] = "bound",
	[ZCRX_CMD_UNBOUND_NTF] = "unbound",
	[ZCRX_CMD_LOW_BUFFERS_NTF] = "low-buffers",
	[ZCRX_CMD_FALLBACK_ENGAGED_NTF] = "fallback-engaged",
	[ZCRX_CMD_FALLBACK_CLEARED_NTF] = "fallback-cleared",
	[ZCRX_CMD_FOREIGN_FRAMES_NTF] = "foreign-frames",
};

struct binding_attr {
	const char *name;		/* as in the YNL spec */
	bool is_uint;			/* YNL "uint": 4 or 8 bytes; else u32 */
	bool is_u8;			/* a u8 (a 0/1 setting) */
	const char *const *value_names;	/* an enum's names, indexed by value */
	size_t value_count;
};

#define VALUE_NAMES(names) .value_names = (names), .value_count = ARRAY_SIZE(names)

static const struct binding_attr binding_attrs[ZCRX_A_BINDING_MAX + 1] = {
	[ZCRX_A_BINDING_ID] = { .name = "id" },
	[ZCRX_A_BINDING_IFINDEX] = { .name = "ifindex" },
	[ZCRX_A_BINDING_QUEUE_ID] = { .name = "queue-id" },
	[ZCRX_A_BINDING_MACVTAP_IFINDEX] = { .name = "macvtap-ifindex" },
	[ZCRX_A_BINDING_FALLBACK] = { .name = "fallback", VALUE_NAMES(fallback_names) },
	[ZCRX_A_BINDING_LOW_WATERMARK] = { .name = "low-watermark" },
	[ZCRX_A_BINDING_STATE] = { .name = "state", VALUE_NAMES(state_names) },
	[ZCRX_A_BINDING_BUFFERS_POSTED] = { .name = "buffers-posted", .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_FILLED] = { .name = "buffers-filled", .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_RETURNED] = { .name = "buffers-returned", .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_IN_FLIGHT] = { .name = "buffers-in-flight", .is_uint = true },
	[ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS] = { .name = "rx-zerocopy-packets", .is_uint = true },
	[ZCRX_A_BINDING_RX_COPY_PACKETS] = { .name = "rx-copy-packets", .is_uint = true },
	[ZCRX_A_BINDING_RX_DROPPED_PACKETS] = { .name = "rx-dropped-packets", .is_uint = true },
	[ZCRX_A_BINDING_PINNED_BYTES] = { .name = "pinned-bytes", .is_uint = true },
	[ZCRX_A_BINDING_REASON] = { .name = "reason", VALUE_NAMES(unbind_reason_names) },
	[ZCRX_A_BINDING_RX_ZEROCOPY_BYTES] = { .name = "rx-zerocopy-bytes", .is_uint = true },
	[ZCRX_A_BINDING_RX_COPIED_BYTES] = { .name = "rx-copied-bytes", .is_uint = true },
	[ZCRX_A_BINDING_COPYBREAK] = { .name = "copybreak" },
	[ZCRX_A_BINDING_RX_COPYBREAK_PACKETS] = { .name = "rx-copybreak-packets", .is_uint = true },
	[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE] = { .name = "unbind-on-vhost-gone", .is_u8 = true },
	[ZCRX_A_BINDING_ISOLATION] = { .name = "isolation", VALUE_NAMES(isolation_names) },
	[ZCRX_A_BINDING_RX_FOREIGN_PACKETS] = { .name = "rx-foreign-packets", .is_uint = true },
	[ZCRX_A_BINDING_RX_LENGTH_ERRORS] = { .name = "rx-length-errors", .is_uint = true },
	[ZCRX_A_BINDING_MACVTAP_NETNS_FD] = { .name = "macvtap-netns-fd" },
	/* An s32 on the wire; ids are never negative once assigned. */
	[ZCRX_A_BINDING_MACVTAP_NETNSID] = { .name = "macvtap-netnsid" },
	[ZCRX_A_BINDING_COPYBREAK_PROBE] = { .name = "copybreak-probe" },
	[ZCRX_A_BINDING_COST_COPY_PACKETS] = { .name = "cost-copy-packets", .is_uint = true },
	[ZCRX_A_BINDING_COST_COPY_NS] = { .name = "cost-copy-ns", .is_uint = true },
	[ZCRX_A_BINDING_COST_COPY_BYTES] = { .name = "cost-copy-bytes", .is_uint = true },
	[ZCRX_A_BINDING_COST_MEMCPY_NS] = { .name = "cost-memcpy-ns", .is_uint = true },
	[ZCRX_A_BINDING_COST_MEMCPY_BYTES] = { .name = "cost-memcpy-bytes", .is_uint = true },
	[ZCRX_A_BINDING_COST_ZEROCOPY_PACKETS] = { .name = "cost-zerocopy-packets", .is_uint = true },
	[ZCRX_A_BINDING_COST_ZEROCOPY_NS] = { .name = "cost-zerocopy-ns", .is_uint = true },
	[ZCRX_A_BINDING_COST_BUFFERS] = { .name = "cost-buffers", .is_uint = true },
	[ZCRX_A_BINDING_COST_BUFFER_NS] = { .name = "cost-buffer-ns", .is_uint = true },
};

/**
 * zcrx_binding_attr_name() - an attribute's name in the spec
 * @attr: ZCRX_A_BINDING_*
 *
 * Return: "queue-id" and the like, or NULL for an unknown attribute.
 */
const char *zcrx_binding_attr_name(int attr)
{
	if (attr < 1 || attr > ZCRX_A_BINDING_MAX)
		return NULL;
	return binding_attrs[attr].name;
}

/**
 * zcrx_binding_value_name() - the spec's name of an enum attribute's value
 * @attr: ZCRX_A_BINDING_FALLBACK, _STATE or _REASON
 * @value: its value
 *
 * Return: "copy", "fallback", "nic-gone" and the like, or NULL when @attr
 * is not an enum or @value has no name.
 */
const char *zcrx_binding_value_name(int attr, uint64_t value)
{
	const struct binding_attr *ba;

	if (attr < 1 || attr > ZCRX_A_BINDING_MAX)
		return NULL;
	ba = &binding_attrs[attr];
	return value < ba->value_count ? ba->value_names[value] : NULL;
}

/**
 * zcrx_event_name() - the spec's name of a notification
 * @cmd: ZCRX_CMD_*_NTF
 *
 * Return: "bound", "unbound", "low-buffers", "fallback-engaged",
 * "fallback-cleared", or NULL for any other command.
 */
const char *zcrx_event_name(uint8_t cmd)
{
	return cmd < ARRAY_SIZE(event_names) ? event_names[cmd] : NULL;
}

/* ---- parsing ---- */

static void error_reset(struct zcrx_nl_error *error)
{
	error->error = 0;
	error->message[0] = '\0';
	error->bad_attr = -1;
	error->missing_attr = -1;
}

/**
 * zcrx_nl_message_ok() - whether a whole message starts at @nlh
 * @nlh: where the next message would start
 * @len: bytes left in the buffer from @nlh
 *
 * mnl_nlmsg_ok() compares nlmsg_len as a signed int, so a length of 2 GiB
 * or more passes it and the parsers would read far past the buffer.
 *
 * Return: true when the header and nlmsg_len bytes fit in @len.
 */
bool zcrx_nl_message_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* YNL "uint" (NLA_UINT): 4 bytes when the value fits, else 8; u8 settings. */
static int binding_attr_value(int type, const struct nlattr *attr, uint64_t *value)
{
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (binding_attrs[type].is_u8) {
		if (len != sizeof(uint8_t))
			return -EBADMSG;
		*value = mnl_attr_get_u8(attr);
		return 0;
	}
	if (len == sizeof(uint32_t))
		*value = mnl_attr_get_u32(attr);
	else if (len == sizeof(uint64_t) && binding_attrs[type].is_uint)
		*value = mnl_attr_get_u64(attr);
	else
		return -EBADMSG;
	return 0;
}

/**
 * zcrx_nl_parse_binding() - read a zcrx message's binding attributes
 * @nlh: a message of the zcrx family (reply or notification)
 * @info: filled with what @nlh carries; cleared first
 *
 * Attributes this client does not know (a newer kernel's) are skipped.
 *
 * Return: 0, or -EBADMSG when @nlh is shorter than its headers, an
 * attribute has the wrong size, or the attributes do not fill the
 * message exactly (a truncated one, or trailing garbage).
 */
int zcrx_nl_parse_binding(const struct nlmsghdr *nlh, struct zcrx_binding_info *info)
{
	size_t offset = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);
	size_t end = nlh->nlmsg_len;

	memset(info, 0, sizeof(*info));
	if (end < offset)
		return -EBADMSG;
	while (offset < end) {
		const struct nlattr *attr = (const struct nlattr *)((const char *)nlh + offset);
		size_t left = end - offset;
		uint64_t value;
		int type;

		if (left < sizeof(*attr) || attr->nla_len < sizeof(*attr) || attr->nla_len > left)
			goto bad;
		type = mnl_attr_get_type(attr);
		offset += MNL_ALIGN(attr->nla_len);
		if (type < 1 || type > ZCRX_A_BINDING_MAX)
			continue;	/* newer kernel: not for us */
		if (binding_attr_value(type, attr, &value) < 0)
			goto bad;
		zcrx_binding_set(info, type, value);
	}
	return 0;

bad:
	memset(info, 0, sizeof(*info));
	return -EBADMSG;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		break;
	case NLMSGERR_ATTR_OFFS:
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;	/* a newer kernel's, or not for us */
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Type of the attribute at OFFSET in REQUEST, -1 if none starts there. */
static int request_attr_type_at(const struct nlmsghdr *request, uint32_t offset)
{
	struct nlattr attr;

	if (!request || offset < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    (size_t)offset + sizeof(attr) > request->nlmsg_len)
		return -1;
	memcpy(&attr, (const char *)request + offset, sizeof(attr));
	return attr.nla_type & NLA_TYPE_MASK;
}

/* The TLVs at payload OFFSET of an ack or DONE; a malformed one ends the parse. */
static void parse_extack(const struct nlmsghdr *nlh, size_t offset,
			 const struct nlmsghdr *request, struct zcrx_nl_error *error)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, offset, extack_attr_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(error->message, sizeof(error->message), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		error->bad_attr = request_attr_type_at(request,
						       mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		error->missing_attr = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]) & NLA_TYPE_MASK;
}

/**
 * zcrx_nl_parse_ack() - read the kernel's answer to a request
 * @nlh: NLMSG_ERROR (an ack, or a refusal), or the NLMSG_DONE closing a dump
 * @request: the request answered, for NLMSGERR_ATTR_OFFS; may be NULL
 * @error: filled with the errno and the extended ack; reset first
 *
 * Acks are understood with and without NLM_F_CAPPED (with or without the
 * request echoed before the TLVs).  A malformed TLV ends the extack
 * parse; the errno and what came before it stand.
 *
 * Return: the kernel's errno (0: accepted, or a negative errno, also in
 * @error->error), or -EBADMSG for a message that is neither, is too short
 * or carries a positive error (then @error->error stays 0).
 */
int zcrx_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *request,
		      struct zcrx_nl_error *error)
{
	size_t payload_len;
	size_t tlv_offset;
	int kernel_error;

	error_reset(error);
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN)
		return -EBADMSG;
	payload_len = mnl_nlmsg_get_payload_len(nlh);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *ack = mnl_nlmsg_get_payload(nlh);

		if (payload_len < sizeof(*ack))
			return -EBADMSG;
		kernel_error = ack->error;
		tlv_offset = sizeof(*ack);
		/* Unless capped, our request is echoed back before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (ack->msg.nlmsg_len < sizeof(ack->msg))
				return -EBADMSG;
			tlv_offset += ack->msg.nlmsg_len - sizeof(ack->msg);
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's errno, then its extack. */
		if (payload_len < sizeof(kernel_error))
			return -EBADMSG;
		memcpy(&kernel_error, mnl_nlmsg_get_payload(nlh), sizeof(kernel_error));
		tlv_offset = sizeof(kernel_error);
	} else {
		return -EBADMSG;
	}
	if (kernel_error > 0)
		return -EBADMSG;
	parse_extack(nlh, tlv_offset, request, error);
	error->error = kernel_error;
	return kernel_error;
}

/**
 * zcrx_nl_parse_next_event() - the next zcrx notification in a datagram
 * @buf: the datagram, aligned as received
 * @len: its length
 * @offset: where to start; moved past what was read
 * @family_id: the zcrx family's id; messages of any other type are skipped
 * @event: filled on success
 *
 * Return: 0 with @event filled; -ENOMSG when no notification is left;
 * -EBADMSG for a malformed one (skipped: *@offset moved past it, or to
 * @len when its header cannot be trusted).
 */
int zcrx_nl_parse_next_event(const void *buf, size_t len, size_t *offset,
			     uint16_t family_id, struct zcrx_event *event)
{
	while (*offset < len) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)buf + *offset);
		size_t left = len - *offset;
		const struct genlmsghdr *genl;
		int ret;

		if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > left) {
			*offset = len;
			return -EBADMSG;
		}
		*offset += NLMSG_ALIGN(nlh->nlmsg_len) < left ? NLMSG_ALIGN(nlh->nlmsg_len) : left;
		if (nlh->nlmsg_type != family_id)
			continue;
		memset(event, 0, sizeof(*event));
		if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
			return -EBADMSG;
		genl = mnl_nlmsg_get_payload(nlh);
		ret = zcrx_nl_parse_binding(nlh, &event->binding);
		if (ret < 0)
			return ret;
		event->cmd = genl->cmd;
		if (zcrx_binding_has(&event->binding, ZCRX_A_BINDING_REASON))
			event->reason = event->binding.value[ZCRX_A_BINDING_REASON];
		return 0;
	}
	return -ENOMSG;
}

/* ---- the last error ---- */

static void format_attr(char *buf, size_t size, const char *prefix, int attr)
{
	const char *name = zcrx_binding_attr_name(attr);

	if (name)
		snprintf(buf, size, "%s%s", prefix, name);
	else
		snprintf(buf, size, "%sattribute %d", prefix, attr);
}

/**
 * zcrx_nl_error_text() - what the kernel said, in one line
 * @error: from zcrx_nl_last_error() or zcrx_nl_parse_ack()
 * @buf: where to write it; ZCRX_NL_ERROR_TEXT_MAX holds anything
 * @size: its size, > 0
 *
 * The kernel's message verbatim; without one, the name of the attribute
 * it pointed at, or "missing <attribute>"; else "".
 *
 * Return: @buf.
 */
const char *zcrx_nl_error_text(const struct zcrx_nl_error *error, char *buf, size_t size)
{
	if (error->message[0])
		snprintf(buf, size, "%s", error->message);
	else if (error->bad_attr >= 0)
		format_attr(buf, size, "", error->bad_attr);
	else if (error->missing_attr >= 0)
		format_attr(buf, size, "missing ", error->missing_attr);
	else
		buf[0] = '\0';
	return buf;
}

/**
 * zcrx_nl_last_error() - what the kernel said about the last request
 * @nl: a request context
 *
 * ->error is 0 when the last request was accepted, or failed before the
 * kernel answered (then its function's return value tells why).
 *
 * Return: valid until the next request on @nl.
 */
const struct zcrx_nl_error *zcrx_nl_last_error(const struct zcrx_nl *nl)
{
	return &nl->last_error;
}

/* zcrx_nl_error_text() of zcrx_nl_last_error(). */
const char *zcrx_nl_last_error_text(const struct zcrx_nl *nl, char *buf, size_t size)
{
	return zcrx_nl_error_text(&nl->last_error, buf, size);
}

/* ---- requests and replies ---- */

static struct nlmsghdr *request_start(struct zcrx_nl *nl, uint16_t type, uint8_t cmd,
				      uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->request);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (++nl->seq == 0)	/* 0 is what notifications carry */
		nl->seq = 1;
	nlh->nlmsg_seq = nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static struct nlmsghdr *zcrx_request_start(struct zcrx_nl *nl, uint8_t cmd, uint16_t flags)
{
	return request_start(nl, nl->family_id, cmd, ZCRX_FAMILY_VERSION, flags);
}

/*
 * Hand the replies to REQUEST in nl->rx to CB.  Returns 1 while more are
 * due, 0 once acked (or the dump is done), or a negative errno.  The first
 * error of CB is kept in *cb_error; the rest is still read so that nothing
 * of this request is left on the socket.
 */
static int dispatch_replies(struct zcrx_nl *nl, size_t len, const struct nlmsghdr *request,
			    reply_cb cb, void *data, int *cb_error)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->rx;
	int left = len;

	for (; zcrx_nl_message_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		/* Only ours: not a late answer to an earlier request. */
		if (nlh->nlmsg_pid != nl->portid || nlh->nlmsg_seq != request->nlmsg_seq)
			continue;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
		case NLMSG_DONE:
			return zcrx_nl_parse_ack(nlh, request, &nl->last_error);
		case NLMSG_OVERRUN:
			return -ENOBUFS;
		default:
			if (cb && !*cb_error)
				*cb_error = cb(nlh, data);
			break;
		}
	}
	return 1;
}

/*
 * Send the request built in nl->request and read until its ack.  Returns
 * 0, the kernel's negative errno (details in nl->last_error) or a
 * negative errno of our own.
 */
static int transact(struct zcrx_nl *nl, reply_cb cb, void *data)
{
	const struct nlmsghdr *request = (const struct nlmsghdr *)nl->request;
	int cb_error = 0;
	int ret;

	error_reset(&nl->last_error);
	if (nl->receives_events)
		return -EINVAL;
	if (mnl_socket_sendto(nl->sock, request, request->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t len = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));

		if (len < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		ret = dispatch_replies(nl, len, request, cb, data, &cb_error);
	} while (ret > 0);
	return ret < 0 ? ret : cb_error;
}

/* ---- opening: resolving the family ---- */

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int ctrl_group_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	switch (type) {
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_MCAST_GRP_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int family_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	struct zcrx_nl *nl = data;
	const struct nlattr *group;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr_cb, tb) != MNL_CB_OK ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	nl->family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(group, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };

		if (mnl_attr_parse_nested(group, ctrl_group_attr_cb, gtb) != MNL_CB_OK)
			return -EBADMSG;
		if (gtb[CTRL_ATTR_MCAST_GRP_NAME] && gtb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]), ZCRX_MCGRP_EVENTS))
			nl->events_group = mnl_attr_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/* -ENOENT: the kernel has no such family. */
static int resolve_family(struct zcrx_nl *nl)
{
	struct nlmsghdr *nlh = request_start(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	int ret;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ZCRX_FAMILY_NAME);
	ret = transact(nl, family_reply_cb, nl);
	if (ret < 0)
		return ret;
	return nl->family_id ? 0 : -EBADMSG;
}

static int context_alloc(struct zcrx_nl **nlp)
{
	struct zcrx_nl *nl;
	int one = 1;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	error_reset(&nl->last_error);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		ret = -errno;
		free(nl);
		return ret;
	}
	/* Refusals come with the kernel's message; acks do not echo our request. */
	if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		zcrx_nl_close(nl);
		return ret;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	*nlp = nl;
	return 0;
}

/**
 * zcrx_nl_open() - a context for requests to the zcrx family
 * @nlp: set to the new context on success
 *
 * Resolves the family and its "events" group.  Requests are synchronous:
 * each waits for the kernel's ack, at most REPLY_TIMEOUT_S seconds.
 *
 * Return: 0, -ENOENT when the kernel has no zcrx family, or another
 * negative errno.
 */
int zcrx_nl_open(struct zcrx_nl **nlp)
{
	struct timeval reply_timeout = { .tv_sec = REPLY_TIMEOUT_S };
	struct zcrx_nl *nl;
	int ret;

	ret = context_alloc(&nl);
	if (ret < 0)
		return ret;
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO,
		       &reply_timeout, sizeof(reply_timeout)) < 0) {
		ret = -errno;
		goto err_close;
	}
	ret = resolve_family(nl);
	if (ret < 0)
		goto err_close;
	error_reset(&nl->last_error);
	*nlp = nl;
	return 0;

err_close:
	zcrx_nl_close(nl);
	return ret;
}

/**
 * zcrx_nl_open_events() - a context subscribed to the "events" group
 * @requests: an open request context: the family it resolved is used
 * @eventsp: set to the new context on success
 *
 * The new context's socket is non-blocking: poll zcrx_nl_fd() and call
 * zcrx_nl_read_event() until -EAGAIN.  It sends no request.
 *
 * Return: 0, -ENOENT when the family has no "events" group, or another
 * negative errno.
 */
int zcrx_nl_open_events(const struct zcrx_nl *requests, struct zcrx_nl **eventsp)
{
	struct zcrx_nl *nl;
	int flags;
	int ret;

	if (!requests->events_group)
		return -ENOENT;
	ret = context_alloc(&nl);
	if (ret < 0)
		return ret;
	nl->family_id = requests->family_id;
	nl->events_group = requests->events_group;
	nl->receives_events = true;
	flags = fcntl(mnl_socket_get_fd(nl->sock), F_GETFL);
	if (flags < 0 ||
	    fcntl(mnl_socket_get_fd(nl->sock), F_SETFL, flags | O_NONBLOCK) < 0 ||
	    mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &nl->events_group,
				  sizeof(nl->events_group)) < 0) {
		ret = -errno;
		zcrx_nl_close(nl);
		return ret;
	}
	*eventsp = nl;
	return 0;
}

/* Closes the socket and frees @nl; NULL is ignored. */
void zcrx_nl_close(struct zcrx_nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

/* The socket, to poll for events (or to watch, in an event loop). */
int zcrx_nl_fd(const struct zcrx_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

/**
 * zcrx_nl_set_receive_buffer() - room for notifications not read yet
 * @nl: a context, usually one from zcrx_nl_open_events()
 * @bytes: the receive buffer's size (see zcrx_socket_set_rcvbuf())
 *
 * Return: 0 or a negative errno.
 */
int zcrx_nl_set_receive_buffer(struct zcrx_nl *nl, int bytes)
{
	return zcrx_socket_set_rcvbuf(mnl_socket_get_fd(nl->sock), bytes);
}

uint16_t zcrx_nl_family_id(const struct zcrx_nl *nl)
{
	return nl->family_id;
}

/* The "events" group's id, 0 if the family has none. */
uint32_t zcrx_nl_events_group(const struct zcrx_nl *nl)
{
	return nl->events_group;
}

/* ---- binding requests ---- */

/* Put those of ATTRS (all u32 in requests) that REQUEST has. */
static void put_binding_attrs(struct nlmsghdr *nlh, const struct zcrx_binding_info *request,
			      const int *attrs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t value = request->value[attrs[i]];

		if (!zcrx_binding_has(request, attrs[i]))
			continue;
		if (binding_attrs[attrs[i]].is_u8)
			mnl_attr_put_u8(nlh, attrs[i], (uint8_t)value);
		else
			mnl_attr_put_u32(nlh, attrs[i], (uint32_t)value);
	}
}

static int binding_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return zcrx_nl_parse_binding(nlh, data);
}

/**
 * zcrx_nl_bind() - bind a NIC queue to a macvtap device
 * @nl: a request context
 * @request: the ifindex, queue-id, macvtap-ifindex, fallback,
 *	low-watermark, copybreak, copybreak-probe and unbind-on-vhost-gone it
 *	has are sent; the kernel refuses a request
 *	without one of the first three, and defaults the others
 * @id: set to the new binding's id
 *
 * Return: 0, the kernel's negative errno (see zcrx_nl_last_error()), or
 * another negative errno (-EBADMSG: a reply without an id).
 */
int zcrx_nl_bind(struct zcrx_nl *nl, const struct zcrx_binding_info *request, uint32_t *id)
{
	static const int attrs[] = {
		ZCRX_A_BINDING_IFINDEX, ZCRX_A_BINDING_QUEUE_ID,
		ZCRX_A_BINDING_MACVTAP_IFINDEX, ZCRX_A_BINDING_FALLBACK,
		ZCRX_A_BINDING_LOW_WATERMARK, ZCRX_A_BINDING_COPYBREAK,
		ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, ZCRX_A_BINDING_MACVTAP_NETNS_FD,
		ZCRX_A_BINDING_COPYBREAK_PROBE,
	};
	struct nlmsghdr *nlh = zcrx_request_start(nl, ZCRX_CMD_BIND, NLM_F_ACK);
	struct zcrx_binding_info reply = { 0 };
	int ret;

	put_binding_attrs(nlh, request, attrs, ARRAY_SIZE(attrs));
	ret = transact(nl, binding_reply_cb, &reply);
	if (ret < 0)
		return ret;
	if (!zcrx_binding_has(&reply, ZCRX_A_BINDING_ID))
		return -EBADMSG;
	*id = reply.value[ZCRX_A_BINDING_ID];
	return 0;
}

/* Return: as zcrx_nl_bind(). */
int zcrx_nl_unbind(struct zcrx_nl *nl, uint32_t id)
{
	struct nlmsghdr *nlh = zcrx_request_start(nl, ZCRX_CMD_UNBIND, NLM_F_ACK);

	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	return transact(nl, NULL, NULL);
}

/**
 * zcrx_nl_set() - change a binding's settings
 * @nl: a request context
 * @id: the binding
 * @changes: the fallback, low-watermark, copybreak, copybreak-probe and
 *	unbind-on-vhost-gone it has are sent; the rest of its attributes are
 *	ignored
 *
 * Return: as zcrx_nl_bind().
 */
int zcrx_nl_set(struct zcrx_nl *nl, uint32_t id, const struct zcrx_binding_info *changes)
{
	static const int attrs[] = { ZCRX_A_BINDING_FALLBACK, ZCRX_A_BINDING_LOW_WATERMARK,
				     ZCRX_A_BINDING_COPYBREAK, ZCRX_A_BINDING_COPYBREAK_PROBE,
				     ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE };
	struct nlmsghdr *nlh = zcrx_request_start(nl, ZCRX_CMD_SET, NLM_F_ACK);

	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	put_binding_attrs(nlh, changes, attrs, ARRAY_SIZE(attrs));
	return transact(nl, NULL, NULL);
}

/**
 * zcrx_nl_get() - one binding with its counters
 * @nl: a request context
 * @id: the binding
 * @info: cleared, then filled from the reply
 *
 * Return: as zcrx_nl_bind() (-EBADMSG: a reply without an id).
 */
int zcrx_nl_get(struct zcrx_nl *nl, uint32_t id, struct zcrx_binding_info *info)
{
	struct nlmsghdr *nlh = zcrx_request_start(nl, ZCRX_CMD_GET, NLM_F_ACK);
	int ret;

	memset(info, 0, sizeof(*info));
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	ret = transact(nl, binding_reply_cb, info);
	if (ret < 0)
		return ret;
	return zcrx_binding_has(info, ZCRX_A_BINDING_ID) ? 0 : -EBADMSG;
}

struct dump_call {
	zcrx_nl_binding_cb cb;
	void *data;
};

static int dump_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct dump_call *call = data;
	struct zcrx_binding_info info;
	int ret;

	ret = zcrx_nl_parse_binding(nlh, &info);
	if (ret < 0)
		return ret;
	return call->cb(&info, call->data);
}

/**
 * zcrx_nl_dump() - every binding in the network namespace
 * @nl: a request context
 * @cb: called for each binding, in id order
 * @data: passed to @cb
 *
 * After @cb's first failure, or a malformed message, @cb is not called
 * again but the dump is still read to its end.
 *
 * Return: 0, the kernel's negative errno, @cb's negative errno,
 * -EBADMSG, or another negative errno.
 */
int zcrx_nl_dump(struct zcrx_nl *nl, zcrx_nl_binding_cb cb, void *data)
{
	struct dump_call call = { .cb = cb, .data = data };

	zcrx_request_start(nl, ZCRX_CMD_GET, NLM_F_DUMP);
	return transact(nl, dump_reply_cb, &call);
}

struct binding_array {
	struct zcrx_binding_info *items;
	size_t count, capacity;
};

static int binding_array_add(const struct zcrx_binding_info *info, void *data)
{
	struct binding_array *array = data;

	if (array->count == array->capacity) {
		size_t capacity = array->capacity ? 2 * array->capacity : 8;
		struct zcrx_binding_info *items;

		items = reallocarray(array->items, capacity, sizeof(*items));
		if (!items)
			return -ENOMEM;
		array->items = items;
		array->capacity = capacity;
	}
	array->items[array->count++] = *info;
	return 0;
}

/**
 * zcrx_nl_dump_all() - every binding, as an array
 * @nl: a request context
 * @bindings: set to a malloc()ed array the caller frees; NULL when empty
 * @count: set to its length
 *
 * Return: as zcrx_nl_dump(); on failure *@bindings is NULL and *@count 0.
 */
int zcrx_nl_dump_all(struct zcrx_nl *nl, struct zcrx_binding_info **bindings, size_t *count)
{
	struct binding_array array = { 0 };
	int ret;

	ret = zcrx_nl_dump(nl, binding_array_add, &array);
	if (ret < 0) {
		free(array.items);
		array.items = NULL;
		array.count = 0;
	}
	*bindings = array.items;
	*count = array.count;
	return ret;
}

/* ---- notifications ---- */

/**
 * zcrx_nl_read_event() - the next notification received
 * @nl: a context from zcrx_nl_open_events()
 * @event: filled on success
 *
 * Hands out what was received before reading the socket again: a
 * datagram may hold several notifications.  Never blocks.
 *
 * Return: 0 with @event filled; -EAGAIN when none is pending; -ENOBUFS
 * when the socket overflowed and notifications were lost (dump to catch
 * up); -EBADMSG for a malformed one (skipped; call again); -EINVAL on a
 * request context; or another negative errno.
 */
int zcrx_nl_read_event(struct zcrx_nl *nl, struct zcrx_event *event)
{
	if (!nl->receives_events)
		return -EINVAL;
	for (;;) {
		ssize_t len;
		int ret;

		ret = zcrx_nl_parse_next_event(nl->rx, nl->rx_len, &nl->rx_offset,
					       nl->family_id, event);
		if (ret != -ENOMSG)
			return ret;
		nl->rx_len = nl->rx_offset = 0;
		len = mnl_socket_recvfrom(nl->sock, nl->rx, sizeof(nl->rx));
		if (len < 0)
			return -errno;
		if (len == 0)
			return -EAGAIN;
		nl->rx_len = len;
	}
}
