// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrx-nl: drive the zcrx generic netlink family from the test VM.
 *
 *   zcrx-nl bind IFNAME QUEUE MACVTAP [copy|drop] [WATERMARK]	prints id=N
 *   zcrx-nl unbind ID
 *   zcrx-nl set ID [fallback copy|drop] [watermark N]
 *   zcrx-nl get ID		one line of key=value pairs
 *   zcrx-nl dump		one such line per binding
 *   zcrx-nl events MS [COUNT]	prints "ready" once subscribed, then one
 *				line per notification until MS ms pass
 *				without one or COUNT arrived
 *   zcrx-nl control NIC MACVTAP OTHER_NIC OTHER_MACVTAP NOSUPPORT_NIC
 *		     NOSUPPORT_MACVTAP
 *				TAP test of the control plane
 *
 * IFNAME and MACVTAP are interface names (or ifindexes, to provoke
 * ENODEV).  Everything goes to stdout; exit 0 on success, 1 on failure,
 * 2 on bad usage.  A request the kernel refuses prints
 *	error: <strerror> (<errno>): <extack message>
 * where the message is the kernel's, verbatim; without one, the name of
 * the attribute it points at (NLMSGERR_ATTR_OFFS) or "missing <attribute>"
 * (NLMSGERR_ATTR_MISS_TYPE).
 */
#include <ctype.h>
#include <errno.h>
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
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/zcrx.h>

#define PROG "zcrx-nl"
#define EXIT_USAGE 2

#define REQ_BUF_SIZE 1024
/* The kernel fills dump skbs up to 32 KiB; a smaller buffer truncates. */
#define RX_BUF_SIZE 32768
#define EXTACK_MSG_MAX 256
#define EXTACK_TEXT_MAX (EXTACK_MSG_MAX + 64)
#define LINE_MAX_LEN 512
/* A request the kernel never answers fails instead of hanging the VM. */
#define REPLY_TIMEOUT_S 10
#define EVENT_WAIT_MS 2000
#define NO_SUCH_INDEX 999999
#define NOBODY_ID 65534
#define OMIT (-1)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(ZCRX_A_BINDING_MAX < 32, "binding_info.present is 32 bits");

/* ---- what we know about the family's attributes ---- */

static const char *const fallback_names[] = {
	[ZCRX_FALLBACK_DROP] = "drop",
	[ZCRX_FALLBACK_COPY] = "copy",
};

static const char *const state_names[] = {
	[ZCRX_STATE_ZEROCOPY] = "zerocopy",
	[ZCRX_STATE_FALLBACK] = "fallback",
};

static const char *const reason_names[] = {
	[ZCRX_UNBIND_REASON_REQUEST] = "request",
	[ZCRX_UNBIND_REASON_NIC_GONE] = "nic-gone",
	[ZCRX_UNBIND_REASON_MACVTAP_GONE] = "macvtap-gone",
	[ZCRX_UNBIND_REASON_VHOST_GONE] = "vhost-gone",
};

static const char *const event_names[] = {
	[ZCRX_CMD_BOUND_NTF] = "bound",
	[ZCRX_CMD_UNBOUND_NTF] = "unbound",
	[ZCRX_CMD_LOW_BUFFERS_NTF] = "low-buffers",
	[ZCRX_CMD_FALLBACK_ENGAGED_NTF] = "fallback-engaged",
	[ZCRX_CMD_FALLBACK_CLEARED_NTF] = "fallback-cleared",
};

struct binding_field {
	const char *name;		/* attribute name in the YNL spec */
	const char *key;		/* key in get/dump lines, NULL: not printed */
	bool is_uint;			/* YNL "uint": 4 or 8 bytes; else u32 */
	const char *const *enum_names;	/* value names, indexed by value */
	size_t enum_count;
};

#define ENUM_NAMES(names) .enum_names = (names), .enum_count = ARRAY_SIZE(names)

/* In attribute order, which is also the order of a get line. */
static const struct binding_field binding_fields[ZCRX_A_BINDING_MAX + 1] = {
	[ZCRX_A_BINDING_ID] = { .name = "id", .key = "id" },
	[ZCRX_A_BINDING_IFINDEX] = { .name = "ifindex", .key = "ifindex" },
	[ZCRX_A_BINDING_QUEUE_ID] = { .name = "queue-id", .key = "queue" },
	[ZCRX_A_BINDING_MACVTAP_IFINDEX] = { .name = "macvtap-ifindex", .key = "macvtap" },
	[ZCRX_A_BINDING_FALLBACK] = { .name = "fallback", .key = "fallback",
				      ENUM_NAMES(fallback_names) },
	[ZCRX_A_BINDING_LOW_WATERMARK] = { .name = "low-watermark", .key = "watermark" },
	[ZCRX_A_BINDING_STATE] = { .name = "state", .key = "state", ENUM_NAMES(state_names) },
	[ZCRX_A_BINDING_BUFFERS_POSTED] = { .name = "buffers-posted", .key = "posted",
					    .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_FILLED] = { .name = "buffers-filled", .key = "filled",
					    .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_RETURNED] = { .name = "buffers-returned", .key = "returned",
					      .is_uint = true },
	[ZCRX_A_BINDING_BUFFERS_IN_FLIGHT] = { .name = "buffers-in-flight", .key = "in_flight",
					       .is_uint = true },
	[ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS] = { .name = "rx-zerocopy-packets",
						 .key = "rx_zerocopy", .is_uint = true },
	[ZCRX_A_BINDING_RX_COPY_PACKETS] = { .name = "rx-copy-packets", .key = "rx_copy",
					     .is_uint = true },
	[ZCRX_A_BINDING_RX_DROPPED_PACKETS] = { .name = "rx-dropped-packets",
						.key = "rx_dropped", .is_uint = true },
	[ZCRX_A_BINDING_PINNED_BYTES] = { .name = "pinned-bytes", .key = "pinned_bytes",
					  .is_uint = true },
	[ZCRX_A_BINDING_REASON] = { .name = "reason", ENUM_NAMES(reason_names) },
};

/* One binding as a message carried it, or as a request should carry it. */
struct binding_info {
	uint32_t present;	/* bit n: attribute n is set */
	uint64_t value[ZCRX_A_BINDING_MAX + 1];
};

struct binding_list {
	struct binding_info *items;
	size_t count;
};

struct zcrx_event {
	uint8_t cmd;
	struct binding_info info;
};

/* What the kernel said about the last request. */
struct kernel_ack {
	int error;		/* the ack's negative errno, 0 if accepted */
	char msg[EXTACK_MSG_MAX]; /* NLMSGERR_ATTR_MSG, "" if none */
	int bad_attr;		/* type NLMSGERR_ATTR_OFFS points at, -1 if none */
	int missing_attr;	/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
};

struct zcrx_ctx {
	struct mnl_socket *sock;
	uint32_t portid;
	uint16_t family_id;
	uint32_t events_group;	/* 0 if the family has none: ids start at 1 */
	uint32_t seq;
	struct kernel_ack last;
	/* Kept until the ack is read: NLMSGERR_ATTR_OFFS points into it. */
	char req[REQ_BUF_SIZE] __attribute__((aligned(8)));
	char rx[RX_BUF_SIZE] __attribute__((aligned(8)));
	size_t rx_len, rx_off;	/* notifications read but not handed out yet */
};

typedef int (*reply_cb_t)(const struct nlmsghdr *nlh, void *data);

static bool binding_has(const struct binding_info *info, int attr)
{
	return info->present & (1u << attr);
}

static void binding_set(struct binding_info *info, int attr, uint64_t value)
{
	info->present |= 1u << attr;
	info->value[attr] = value;
}

static const char *attr_name(int attr, char *buf, size_t size)
{
	if (attr >= 1 && attr <= ZCRX_A_BINDING_MAX)
		return binding_fields[attr].name;
	snprintf(buf, size, "attribute %d", attr);
	return buf;
}

/* An enum value by its spec name, anything else as a number. */
static const char *format_value(int attr, uint64_t value, char *buf, size_t size)
{
	const struct binding_field *field = &binding_fields[attr];

	if (value < field->enum_count && field->enum_names[value])
		return field->enum_names[value];
	snprintf(buf, size, "%" PRIu64, value);
	return buf;
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

/* ---- socket and family ---- */

static void ack_reset(struct kernel_ack *ack)
{
	ack->error = 0;
	ack->msg[0] = '\0';
	ack->bad_attr = -1;
	ack->missing_attr = -1;
}

static struct nlmsghdr *msg_start(struct zcrx_ctx *ctx, uint16_t type, uint8_t cmd,
				  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(ctx->req);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++ctx->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static struct nlmsghdr *zcrx_msg_start(struct zcrx_ctx *ctx, uint8_t cmd, uint16_t flags)
{
	return msg_start(ctx, ctx->family_id, cmd, ZCRX_FAMILY_VERSION, flags);
}

/* ---- acks and extended acks ---- */

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;	/* newer kernel: not for us */
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
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Type of the attribute at OFFSET in the request we sent, -1 if none is. */
static int request_attr_type_at(const struct zcrx_ctx *ctx, uint32_t offset)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)ctx->req;
	struct nlattr attr;

	if (offset < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    offset > req->nlmsg_len - sizeof(attr))
		return -1;
	memcpy(&attr, ctx->req + offset, sizeof(attr));
	return attr.nla_type & NLA_TYPE_MASK;
}

static void parse_extack(struct zcrx_ctx *ctx, const struct nlmsghdr *nlh, size_t offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };

	if (offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	/* A malformed TLV ends the parse; the errno and what came before stand. */
	mnl_attr_parse(nlh, offset, extack_attr_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(ctx->last.msg, sizeof(ctx->last.msg), "%s",
			 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		ctx->last.bad_attr = request_attr_type_at(ctx,
				mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		ctx->last.missing_attr = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]) & 0xffff;
}

static int parse_ack(struct zcrx_ctx *ctx, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t tlv_offset = sizeof(*err);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err) || err->error > 0)
		return -EBADMSG;
	/* Unless capped, our request is echoed back before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		tlv_offset += err->msg.nlmsg_len - sizeof(err->msg);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_extack(ctx, nlh, tlv_offset);
	ctx->last.error = err->error;
	return err->error;
}

/* NLMSG_DONE carries the dump's error and, after it, its extack. */
static int parse_done(struct zcrx_ctx *ctx, const struct nlmsghdr *nlh)
{
	int error = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (error > 0)
		return -EBADMSG;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_extack(ctx, nlh, sizeof(error));
	ctx->last.error = error;
	return error;
}

/*
 * Hand the replies to request SEQ in ctx->rx to CB.  Returns 1 while more
 * are due, 0 once acked (or the dump is done), or a negative errno.  The
 * first error of CB is kept in *cb_error; the rest is still read so that
 * nothing of this request is left on the socket.
 */
static int dispatch_replies(struct zcrx_ctx *ctx, int len, uint32_t seq,
			    reply_cb_t cb, void *data, int *cb_error)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)ctx->rx;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/* A late answer to an earlier request. */
		if (!mnl_nlmsg_portid_ok(nlh, ctx->portid) || !mnl_nlmsg_seq_ok(nlh, seq))
			continue;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
			return parse_ack(ctx, nlh);
		case NLMSG_DONE:
			return parse_done(ctx, nlh);
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
 * Send the request built in ctx->req and read until its ack.  Use a socket
 * that is not subscribed to events: their notifications would be taken
 * for replies.  Returns 0, the kernel's negative errno (details in
 * ctx->last) or a negative errno of our own.
 */
static int zcrx_transact(struct zcrx_ctx *ctx, reply_cb_t cb, void *data)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)ctx->req;
	int cb_error = 0;
	int ret;

	ack_reset(&ctx->last);
	ctx->rx_len = ctx->rx_off = 0;
	if (mnl_socket_sendto(ctx->sock, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t len = mnl_socket_recvfrom(ctx->sock, ctx->rx, sizeof(ctx->rx));

		if (len < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		ret = dispatch_replies(ctx, len, req->nlmsg_seq, cb, data, &cb_error);
	} while (ret > 0);
	return ret < 0 ? ret : cb_error;
}

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, CTRL_ATTR_MAX) < 0)
		return MNL_CB_OK;
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

	if (mnl_attr_type_valid(attr, CTRL_ATTR_MCAST_GRP_MAX) < 0)
		return MNL_CB_OK;
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
	struct zcrx_ctx *ctx = data;
	const struct nlattr *group;

	if (mnl_attr_parse(nlh, GENL_HDRLEN, ctrl_attr_cb, tb) != MNL_CB_OK ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	ctx->family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(group, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { 0 };

		if (mnl_attr_parse_nested(group, ctrl_group_attr_cb, gtb) != MNL_CB_OK)
			return -EBADMSG;
		if (gtb[CTRL_ATTR_MCAST_GRP_NAME] && gtb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(mnl_attr_get_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]), ZCRX_MCGRP_EVENTS))
			ctx->events_group = mnl_attr_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

/* -ENOENT: the kernel has no such family. */
static int resolve_family(struct zcrx_ctx *ctx)
{
	struct nlmsghdr *nlh = msg_start(ctx, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	int ret;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ZCRX_FAMILY_NAME);
	ret = zcrx_transact(ctx, family_reply_cb, ctx);
	if (ret < 0)
		return ret;
	return ctx->family_id ? 0 : -EBADMSG;
}

static int zcrx_open(struct zcrx_ctx **ctxp)
{
	struct timeval reply_timeout = { .tv_sec = REPLY_TIMEOUT_S };
	struct zcrx_ctx *ctx;
	int one = 1;
	int ret;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!ctx->sock) {
		ret = -errno;
		goto err_free;
	}
	/* Refusals come with the kernel's message; acks do not echo our request. */
	if (mnl_socket_setsockopt(ctx->sock, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(ctx->sock, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(mnl_socket_get_fd(ctx->sock), SOL_SOCKET, SO_RCVTIMEO,
		       &reply_timeout, sizeof(reply_timeout)) < 0 ||
	    mnl_socket_bind(ctx->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto err_close;
	}
	ctx->portid = mnl_socket_get_portid(ctx->sock);
	ctx->seq = time(NULL);
	ack_reset(&ctx->last);
	ret = resolve_family(ctx);
	if (ret < 0)
		goto err_close;
	*ctxp = ctx;
	return 0;

err_close:
	mnl_socket_close(ctx->sock);
err_free:
	free(ctx);
	return ret;
}

static void zcrx_close(struct zcrx_ctx *ctx)
{
	if (!ctx)
		return;
	mnl_socket_close(ctx->sock);
	free(ctx);
}

/* ---- binding messages ---- */

/* YNL "uint" (NLA_UINT): 4 bytes when the value fits, else 8. */
static bool uint_attr_valid(const struct nlattr *attr)
{
	uint16_t len = mnl_attr_get_payload_len(attr);

	return len == sizeof(uint32_t) || len == sizeof(uint64_t);
}

static uint64_t uint_attr_get(const struct nlattr *attr)
{
	if (mnl_attr_get_payload_len(attr) == sizeof(uint32_t))
		return mnl_attr_get_u32(attr);
	return mnl_attr_get_u64(attr);
}

static int binding_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, ZCRX_A_BINDING_MAX) < 0 || type == 0)
		return MNL_CB_OK;	/* newer kernel: not for us */
	if (binding_fields[type].is_uint ? !uint_attr_valid(attr) :
	    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int binding_parse(const struct nlmsghdr *nlh, struct binding_info *info)
{
	const struct nlattr *tb[ZCRX_A_BINDING_MAX + 1] = { 0 };

	memset(info, 0, sizeof(*info));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, binding_attr_cb, tb) != MNL_CB_OK)
		return -EBADMSG;
	for (int attr = 1; attr <= ZCRX_A_BINDING_MAX; attr++) {
		if (!tb[attr])
			continue;
		binding_set(info, attr, binding_fields[attr].is_uint ?
			    uint_attr_get(tb[attr]) : mnl_attr_get_u32(tb[attr]));
	}
	return 0;
}

static int binding_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	return binding_parse(nlh, data);
}

static int binding_list_add_cb(const struct nlmsghdr *nlh, void *data)
{
	struct binding_list *list = data;
	struct binding_info *items;
	struct binding_info info;
	int ret;

	ret = binding_parse(nlh, &info);
	if (ret < 0)
		return ret;
	items = realloc(list->items, (list->count + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	items[list->count++] = info;
	list->items = items;
	return 0;
}

/* Put those of ATTRS (all u32 in requests) that REQ has. */
static void put_binding_attrs(struct nlmsghdr *nlh, const struct binding_info *req,
			      const int *attrs, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (binding_has(req, attrs[i]))
			mnl_attr_put_u32(nlh, attrs[i], (uint32_t)req->value[attrs[i]]);
}

static int zcrx_bind(struct zcrx_ctx *ctx, const struct binding_info *req, uint32_t *id)
{
	static const int attrs[] = {
		ZCRX_A_BINDING_IFINDEX, ZCRX_A_BINDING_QUEUE_ID,
		ZCRX_A_BINDING_MACVTAP_IFINDEX, ZCRX_A_BINDING_FALLBACK,
		ZCRX_A_BINDING_LOW_WATERMARK,
	};
	struct nlmsghdr *nlh = zcrx_msg_start(ctx, ZCRX_CMD_BIND, NLM_F_ACK);
	struct binding_info reply = { 0 };
	int ret;

	put_binding_attrs(nlh, req, attrs, ARRAY_SIZE(attrs));
	ret = zcrx_transact(ctx, binding_reply_cb, &reply);
	if (ret < 0)
		return ret;
	if (!binding_has(&reply, ZCRX_A_BINDING_ID))
		return -EBADMSG;
	*id = reply.value[ZCRX_A_BINDING_ID];
	return 0;
}

static int zcrx_unbind(struct zcrx_ctx *ctx, uint32_t id)
{
	struct nlmsghdr *nlh = zcrx_msg_start(ctx, ZCRX_CMD_UNBIND, NLM_F_ACK);

	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	return zcrx_transact(ctx, NULL, NULL);
}

static int zcrx_set(struct zcrx_ctx *ctx, const struct binding_info *req)
{
	static const int attrs[] = {
		ZCRX_A_BINDING_ID, ZCRX_A_BINDING_FALLBACK, ZCRX_A_BINDING_LOW_WATERMARK,
	};
	struct nlmsghdr *nlh = zcrx_msg_start(ctx, ZCRX_CMD_SET, NLM_F_ACK);

	put_binding_attrs(nlh, req, attrs, ARRAY_SIZE(attrs));
	return zcrx_transact(ctx, NULL, NULL);
}

static int zcrx_get(struct zcrx_ctx *ctx, uint32_t id, struct binding_info *info)
{
	struct nlmsghdr *nlh = zcrx_msg_start(ctx, ZCRX_CMD_GET, NLM_F_ACK);
	int ret;

	memset(info, 0, sizeof(*info));
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	ret = zcrx_transact(ctx, binding_reply_cb, info);
	if (ret < 0)
		return ret;
	return binding_has(info, ZCRX_A_BINDING_ID) ? 0 : -EBADMSG;
}

/* The caller frees list->items, also on failure. */
static int zcrx_dump(struct zcrx_ctx *ctx, struct binding_list *list)
{
	zcrx_msg_start(ctx, ZCRX_CMD_GET, NLM_F_DUMP);
	return zcrx_transact(ctx, binding_list_add_cb, list);
}

/* ---- events ---- */

static int zcrx_subscribe_events(struct zcrx_ctx *ctx)
{
	if (!ctx->events_group)
		return -ENOENT;
	if (mnl_socket_setsockopt(ctx->sock, NETLINK_ADD_MEMBERSHIP, &ctx->events_group,
				  sizeof(ctx->events_group)) < 0)
		return -errno;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0: *ev filled; 1: not a zcrx message, skip it; or a negative errno. */
static int parse_event(const struct zcrx_ctx *ctx, const struct nlmsghdr *nlh,
		       struct zcrx_event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != ctx->family_id)
		return 1;
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	ev->cmd = genl->cmd;
	return binding_parse(nlh, &ev->info);
}

/*
 * The next notification, waiting up to TIMEOUT_MS for it.  A datagram may
 * hold several; the rest stay in ctx->rx for the next call.
 */
static int zcrx_next_event(struct zcrx_ctx *ctx, int timeout_ms, struct zcrx_event *ev)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(ctx->sock), .events = POLLIN };
		int64_t left;
		ssize_t len;
		int ret;

		while (ctx->rx_off < ctx->rx_len) {
			const struct nlmsghdr *nlh =
				(const struct nlmsghdr *)(ctx->rx + ctx->rx_off);
			int remaining = ctx->rx_len - ctx->rx_off;

			if (!mnl_nlmsg_ok(nlh, remaining)) {
				ctx->rx_off = ctx->rx_len;
				break;
			}
			mnl_nlmsg_next(nlh, &remaining);
			ctx->rx_off = remaining > 0 ? ctx->rx_len - remaining : ctx->rx_len;
			ret = parse_event(ctx, nlh, ev);
			if (ret <= 0)
				return ret;
		}
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
		len = mnl_socket_recvfrom(ctx->sock, ctx->rx, sizeof(ctx->rx));
		if (len < 0)
			return -errno;	/* ENOBUFS: events were lost */
		ctx->rx_len = len;
		ctx->rx_off = 0;
	}
}

/* Wait for notification CMD about binding ID, skipping any other. */
static int wait_for_event(struct zcrx_ctx *ctx, uint8_t cmd, uint32_t id,
			  int timeout_ms, struct zcrx_event *ev)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		int64_t left = deadline - now_ms();
		int ret;

		if (left < 0)
			return -ETIMEDOUT;
		ret = zcrx_next_event(ctx, left, ev);
		if (ret < 0)
			return ret;
		if (ev->cmd == cmd && binding_has(&ev->info, ZCRX_A_BINDING_ID) &&
		    ev->info.value[ZCRX_A_BINDING_ID] == id)
			return 0;
	}
}

/* ---- printers ---- */

/* The kernel's message, naming the attribute it pointed at. */
static void extack_format(const struct kernel_ack *ack, char *buf, size_t size)
{
	char scratch[32];

	/* The kernel's own words, untouched: tests assert on them. */
	if (ack->msg[0])
		snprintf(buf, size, "%s", ack->msg);
	else if (ack->bad_attr >= 0)
		snprintf(buf, size, "%s",
			 attr_name(ack->bad_attr, scratch, sizeof(scratch)));
	else if (ack->missing_attr >= 0)
		snprintf(buf, size, "missing %s",
			 attr_name(ack->missing_attr, scratch, sizeof(scratch)));
	else
		buf[0] = '\0';
}

static void format_binding(const struct binding_info *info, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int attr = 1; attr <= ZCRX_A_BINDING_MAX && used < size; attr++) {
		const char *key = binding_fields[attr].key;
		char scratch[32];
		int n;

		if (!key)
			continue;
		n = snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "", key,
			     binding_has(info, attr) ?
			     format_value(attr, info->value[attr], scratch, sizeof(scratch)) :
			     "?");
		if (n < 0)
			break;
		used += n;
	}
}

static void print_binding(const struct binding_info *info)
{
	char line[LINE_MAX_LEN];

	format_binding(info, line, sizeof(line));
	printf("%s\n", line);
}

static void print_event(const struct zcrx_event *ev)
{
	const struct binding_info *info = &ev->info;
	char scratch[32];

	if (ev->cmd < ARRAY_SIZE(event_names) && event_names[ev->cmd])
		printf("event=%s", event_names[ev->cmd]);
	else
		printf("event=cmd-%u", ev->cmd);
	if (binding_has(info, ZCRX_A_BINDING_ID))
		printf(" id=%" PRIu64, info->value[ZCRX_A_BINDING_ID]);
	else
		printf(" id=?");
	if (ev->cmd == ZCRX_CMD_UNBOUND_NTF)
		printf(" reason=%s", binding_has(info, ZCRX_A_BINDING_REASON) ?
		       format_value(ZCRX_A_BINDING_REASON, info->value[ZCRX_A_BINDING_REASON],
				    scratch, sizeof(scratch)) : "?");
	/* Then everything the event carries, as "get" prints it. */
	if (binding_has(info, ZCRX_A_BINDING_STATE)) {
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
static void report_failure(const struct zcrx_ctx *ctx, const char *what, int err)
{
	char text[EXTACK_TEXT_MAX];

	if (!ctx->last.error || err != ctx->last.error) {
		printf(PROG ": %s: %s\n", what, strerror(-err));
		return;
	}
	extack_format(&ctx->last, text, sizeof(text));
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

static void diag_outcome(int rc, const struct kernel_ack *ack)
{
	char text[EXTACK_TEXT_MAX], bad[32], missing[32];

	if (rc == 0) {
		tap_diag("got: success");
		return;
	}
	if (!ack->error || rc != ack->error) {
		tap_diag("got: %s (%s), not from the kernel", errno_name(-rc), strerror(-rc));
		return;
	}
	extack_format(ack, text, sizeof(text));
	tap_diag("got: %s (%d), extack \"%s\"", errno_name(-rc), -rc, text);
	if (ack->bad_attr < 0 && ack->missing_attr < 0)
		return;
	tap_diag("     kernel msg \"%s\", bad attribute %s, missing attribute %s", ack->msg,
		 ack->bad_attr < 0 ? "-" : attr_name(ack->bad_attr, bad, sizeof(bad)),
		 ack->missing_attr < 0 ? "-" :
		 attr_name(ack->missing_attr, missing, sizeof(missing)));
}

static bool check_success(struct tap *tap, int rc, const struct kernel_ack *ack,
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
static bool check_refusal(struct tap *tap, int rc, const struct kernel_ack *ack, int want,
			  const char *text, const char *desc)
{
	char got_text[EXTACK_TEXT_MAX];
	bool ok;

	extack_format(ack, got_text, sizeof(got_text));
	ok = rc == -want && ack->error == -want;
	if (ok && text)
		ok = text[0] ? strstr(got_text, text) != NULL : ack->msg[0] != '\0';
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

static size_t binding_mismatches(const struct binding_info *got, const struct field_want *want,
				 size_t count, bool report)
{
	size_t mismatches = 0;

	for (size_t i = 0; i < count; i++) {
		int attr = want[i].attr;
		char got_buf[32], want_buf[32];

		if (binding_has(got, attr) && got->value[attr] == want[i].value)
			continue;
		mismatches++;
		if (report)
			tap_diag("%s: got %s, want %s", binding_fields[attr].name,
				 binding_has(got, attr) ?
				 format_value(attr, got->value[attr], got_buf, sizeof(got_buf)) :
				 "nothing",
				 format_value(attr, want[i].value, want_buf, sizeof(want_buf)));
	}
	return mismatches;
}

static bool check_binding(struct tap *tap, int rc, const struct kernel_ack *ack,
			  const struct binding_info *got, const struct field_want *want,
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
	struct zcrx_ctx *ctx;		/* requests */
	struct zcrx_ctx *events;	/* subscribed to "events" */
	uint32_t nic, macvtap, other_nic, other_macvtap;
	uint32_t nosupport_nic, nosupport_macvtap;
	uint32_t id;			/* the binding under test, 0 if none */
};

/* WANT_COUNT bindings; with one, it is the binding under test. */
static void check_dump(struct control *c, size_t want_count, const char *desc)
{
	struct binding_list list = { 0 };
	char line[LINE_MAX_LEN];
	bool ok;
	int ret;

	ret = zcrx_dump(c->ctx, &list);
	ok = ret == 0 && list.count == want_count;
	if (ok && want_count == 1)
		ok = binding_has(&list.items[0], ZCRX_A_BINDING_ID) &&
		     list.items[0].value[ZCRX_A_BINDING_ID] == c->id;
	if (!tap_check(&c->tap, ok, desc)) {
		if (ret < 0)
			diag_outcome(ret, &c->ctx->last);
		else
			tap_diag("got %zu bindings, want %zu%s", list.count, want_count,
				 want_count == 1 ? " (the one under test)" : "");
		for (size_t i = 0; i < list.count; i++) {
			format_binding(&list.items[i], line, sizeof(line));
			tap_diag("got: %s", line);
		}
		if (want_count == 1)
			tap_diag("want: id=%u", c->id);
	}
	free(list.items);
}

static struct binding_info bind_request(int64_t ifindex, int64_t queue_id,
					int64_t macvtap_ifindex, int64_t fallback)
{
	struct binding_info req = { 0 };

	if (ifindex != OMIT)
		binding_set(&req, ZCRX_A_BINDING_IFINDEX, ifindex);
	if (queue_id != OMIT)
		binding_set(&req, ZCRX_A_BINDING_QUEUE_ID, queue_id);
	if (macvtap_ifindex != OMIT)
		binding_set(&req, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap_ifindex);
	if (fallback != OMIT)
		binding_set(&req, ZCRX_A_BINDING_FALLBACK, fallback);
	return req;
}

/* Case 1: a failure here ends the test. */
static bool control_resolve(struct control *c)
{
	int ret = zcrx_open(&c->ctx);

	if (tap_check(&c->tap, ret == 0 && c->ctx->events_group,
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
	struct binding_info req = bind_request(c->nic, 1, c->macvtap, ZCRX_FALLBACK_COPY);
	struct zcrx_event ev;
	int ret;

	ret = zcrx_open(&c->events);
	if (ret == 0)
		ret = zcrx_subscribe_events(c->events);
	if (!tap_check(&c->tap, ret == 0, "a second socket subscribes to the events group"))
		tap_diag("got: %s", strerror(-ret));

	binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, 4);
	ret = zcrx_bind(c->ctx, &req, &c->id);
	if (!tap_check(&c->tap, ret == 0 && c->id >= 1,
		       "bind NIC queue 1 to MACVTAP, fallback copy, watermark 4: reply has an id")) {
		diag_outcome(ret, &c->ctx->last);
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
	struct binding_info info;
	int ret;

	ret = zcrx_get(c->ctx, c->id, &info);
	check_binding(&c->tap, ret, &c->ctx->last, &info, config, ARRAY_SIZE(config),
		      "get: ifindex, queue 1, macvtap, fallback copy, watermark 4, state fallback");
	check_binding(&c->tap, ret, &c->ctx->last, &info, counters, ARRAY_SIZE(counters),
		      "get: buffer and packet counters all 0");
}

/* Case 5. */
static void control_set(struct control *c)
{
	const struct field_want changed[] = {
		{ ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP },
		{ ZCRX_A_BINDING_LOW_WATERMARK, 2 },
	};
	struct binding_info req = { 0 };
	struct binding_info info;
	int ret;

	binding_set(&req, ZCRX_A_BINDING_ID, c->id);
	binding_set(&req, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP);
	binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, 2);
	ret = zcrx_set(c->ctx, &req);
	check_success(&c->tap, ret, &c->ctx->last, "set fallback drop watermark 2");

	ret = zcrx_get(c->ctx, c->id, &info);
	check_binding(&c->tap, ret, &c->ctx->last, &info, changed, ARRAY_SIZE(changed),
		      "get shows fallback drop, watermark 2");
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
		struct binding_info req = bind_request(cases[i].ifindex, cases[i].queue_id,
						       cases[i].macvtap_ifindex,
						       cases[i].fallback);
		uint32_t id = 0;
		int ret;

		ret = zcrx_bind(c->ctx, &req, &id);
		if (!check_refusal(&c->tap, ret, &c->ctx->last, cases[i].want, cases[i].text,
				   cases[i].desc) && ret == 0)
			tap_diag("it made binding id=%u", id);
	}
	check_dump(c, 1, "dump still lists exactly the one binding after the refusals");
}

/* Case 7. */
static void control_no_such_binding(struct control *c)
{
	struct binding_info req = { 0 };
	struct binding_info info;
	int ret;

	ret = zcrx_unbind(c->ctx, NO_SUCH_INDEX);
	check_refusal(&c->tap, ret, &c->ctx->last, ENOENT, "id: no such binding",
		      "unbind 999999: ENOENT");
	ret = zcrx_get(c->ctx, NO_SUCH_INDEX, &info);
	check_refusal(&c->tap, ret, &c->ctx->last, ENOENT, "id: no such binding",
		      "get 999999: ENOENT");
	binding_set(&req, ZCRX_A_BINDING_ID, NO_SUCH_INDEX);
	binding_set(&req, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP);
	ret = zcrx_set(c->ctx, &req);
	check_refusal(&c->tap, ret, &c->ctx->last, ENOENT, NULL, "set 999999: ENOENT");
}

enum { PROBE_BIND, PROBE_UNBIND, PROBE_GET, PROBE_COUNT };

/* What the unprivileged child saw, sent up a pipe as is. */
struct probe_result {
	int rc;
	struct kernel_ack ack;
	uint32_t id;
};

static void probe_results_fail(struct probe_result *results, int rc)
{
	for (int i = 0; i < PROBE_COUNT; i++) {
		results[i].rc = rc;
		results[i].id = 0;
		ack_reset(&results[i].ack);
	}
}

/* In the child: drop to nobody, which loses CAP_NET_ADMIN (no keep-caps). */
static void run_unprivileged_probes(const struct control *c, struct probe_result *results)
{
	struct binding_info req = bind_request(c->nic, 2, c->macvtap, OMIT);
	struct binding_info info;
	struct zcrx_ctx *ctx;
	int ret;

	if (setgroups(0, NULL) < 0 || setgid(NOBODY_ID) < 0 || setuid(NOBODY_ID) < 0) {
		probe_results_fail(results, -errno);
		return;
	}
	ret = zcrx_open(&ctx);
	if (ret < 0) {
		probe_results_fail(results, ret);
		return;
	}
	results[PROBE_BIND].rc = zcrx_bind(ctx, &req, &results[PROBE_BIND].id);
	results[PROBE_BIND].ack = ctx->last;
	results[PROBE_UNBIND].rc = zcrx_unbind(ctx, c->id);
	results[PROBE_UNBIND].ack = ctx->last;
	results[PROBE_GET].rc = zcrx_get(ctx, c->id, &info);
	results[PROBE_GET].ack = ctx->last;
	results[PROBE_GET].id = info.value[ZCRX_A_BINDING_ID];
	zcrx_close(ctx);
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
	struct binding_info info;
	struct zcrx_event ev;
	char scratch[32];
	int ret;

	ret = zcrx_unbind(c->ctx, c->id);
	check_success(&c->tap, ret, &c->ctx->last, "unbind the binding");

	ret = c->events ? wait_for_event(c->events, ZCRX_CMD_UNBOUND_NTF, c->id,
					 EVENT_WAIT_MS, &ev) : -ENOTCONN;
	if (!tap_check(&c->tap, ret == 0 && binding_has(&ev.info, ZCRX_A_BINDING_REASON) &&
		       ev.info.value[ZCRX_A_BINDING_REASON] == ZCRX_UNBIND_REASON_REQUEST,
		       "unbound event with reason request within 2 s")) {
		if (ret < 0)
			tap_diag("got: %s", strerror(-ret));
		else
			tap_diag("got: reason=%s",
				 binding_has(&ev.info, ZCRX_A_BINDING_REASON) ?
				 format_value(ZCRX_A_BINDING_REASON,
					      ev.info.value[ZCRX_A_BINDING_REASON],
					      scratch, sizeof(scratch)) : "nothing");
		tap_diag("want: event=unbound id=%u reason=request", c->id);
	}

	check_dump(c, 0, "dump is empty after the unbind");
	ret = zcrx_get(c->ctx, c->id, &info);
	check_refusal(&c->tap, ret, &c->ctx->last, ENOENT, NULL, "get after the unbind: ENOENT");
}

static int run_control(struct control *c)
{
	if (control_resolve(c)) {
		control_bind(c);
		control_get_fresh(c);
		check_dump(c, 1, "dump lists exactly the one binding");
		control_set(c);
		control_bind_refusals(c);
		control_no_such_binding(c);
		control_unprivileged(c);
		control_unbind(c);
	}
	zcrx_close(c->events);
	zcrx_close(c->ctx);
	printf("1..%u\n", c->tap.run);
	return c->tap.failed || !c->tap.run ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- command line ---- */

static void print_usage(void)
{
	printf("usage: " PROG " bind IFNAME QUEUE MACVTAP [copy|drop] [WATERMARK]\n"
	       "       " PROG " unbind ID\n"
	       "       " PROG " set ID [fallback copy|drop] [watermark N]\n"
	       "       " PROG " get ID\n"
	       "       " PROG " dump\n"
	       "       " PROG " events MS [COUNT]\n"
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

static int cmd_bind(int argc, char **argv)
{
	struct binding_info req = { 0 };
	uint32_t ifindex, queue_id, macvtap_ifindex, value, id;
	const char *unknown = NULL;
	struct zcrx_ctx *ctx;
	int next = 3;
	int ret;

	if (argc < 3 || argc > 5 || parse_u32(argv[1], &queue_id) < 0)
		return usage_error();
	if (next < argc && parse_fallback(argv[next], &value) == 0) {
		binding_set(&req, ZCRX_A_BINDING_FALLBACK, value);
		next++;
	}
	if (next < argc && parse_u32(argv[next], &value) == 0) {
		binding_set(&req, ZCRX_A_BINDING_LOW_WATERMARK, value);
		next++;
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
	binding_set(&req, ZCRX_A_BINDING_IFINDEX, ifindex);
	binding_set(&req, ZCRX_A_BINDING_QUEUE_ID, queue_id);
	binding_set(&req, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap_ifindex);

	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_bind(ctx, &req, &id);
	if (ret < 0)
		report_failure(ctx, "bind", ret);
	else
		printf("id=%u\n", id);
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_unbind(int argc, char **argv)
{
	struct zcrx_ctx *ctx;
	uint32_t id;
	int ret;

	if (argc != 1 || parse_u32(argv[0], &id) < 0)
		return usage_error();
	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_unbind(ctx, id);
	if (ret < 0)
		report_failure(ctx, "unbind", ret);
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_set(int argc, char **argv)
{
	struct binding_info req = { 0 };
	struct zcrx_ctx *ctx;
	uint32_t value;
	int ret;

	if (argc < 1 || argc % 2 != 1 || parse_u32(argv[0], &value) < 0)
		return usage_error();
	binding_set(&req, ZCRX_A_BINDING_ID, value);
	for (int i = 1; i < argc; i += 2) {
		int attr;

		if (!strcmp(argv[i], "fallback")) {
			attr = ZCRX_A_BINDING_FALLBACK;
			ret = parse_fallback(argv[i + 1], &value);
		} else if (!strcmp(argv[i], "watermark")) {
			attr = ZCRX_A_BINDING_LOW_WATERMARK;
			ret = parse_u32(argv[i + 1], &value);
		} else {
			return usage_error();
		}
		if (ret < 0 || binding_has(&req, attr))
			return usage_error();
		binding_set(&req, attr, value);
	}

	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_set(ctx, &req);
	if (ret < 0)
		report_failure(ctx, "set", ret);
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_get(int argc, char **argv)
{
	struct binding_info info;
	struct zcrx_ctx *ctx;
	uint32_t id;
	int ret;

	if (argc != 1 || parse_u32(argv[0], &id) < 0)
		return usage_error();
	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_get(ctx, id, &info);
	if (ret < 0)
		report_failure(ctx, "get", ret);
	else
		print_binding(&info);
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_dump(int argc, char **argv)
{
	struct binding_list list = { 0 };
	struct zcrx_ctx *ctx;
	int ret;

	(void)argv;
	if (argc != 0)
		return usage_error();
	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_dump(ctx, &list);
	if (ret < 0)
		report_failure(ctx, "dump", ret);
	else
		for (size_t i = 0; i < list.count; i++)
			print_binding(&list.items[i]);
	free(list.items);
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_events(int argc, char **argv)
{
	uint32_t idle_ms, count = 0;
	struct zcrx_event ev;
	struct zcrx_ctx *ctx;
	int ret;

	if (argc < 1 || argc > 2 || parse_u32(argv[0], &idle_ms) < 0 || idle_ms > INT_MAX ||
	    (argc == 2 && (parse_u32(argv[1], &count) < 0 || count == 0)))
		return usage_error();
	ret = zcrx_open(&ctx);
	if (ret < 0) {
		report_open_failure(ret);
		return EXIT_FAILURE;
	}
	ret = zcrx_subscribe_events(ctx);
	if (ret < 0) {
		printf(PROG ": cannot subscribe to " ZCRX_MCGRP_EVENTS ": %s\n", strerror(-ret));
		goto out;
	}
	printf("ready\n");
	fflush(stdout);
	for (uint32_t seen = 0; !count || seen < count; seen++) {
		ret = zcrx_next_event(ctx, idle_ms, &ev);
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
out:
	zcrx_close(ctx);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
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
