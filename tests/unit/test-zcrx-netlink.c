// SPDX-License-Identifier: GPL-2.0-only
/*
 * The zcrx netlink client's parsing, on hand-built messages: no socket,
 * no root, no kernel family.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "daemon/zcrx-netlink.h"
#include "tap.h"

#define FAMILY_ID 0x20
#define OTHER_FAMILY_ID 0x21
#define BUF_SIZE 4096

static bool tap_is_str(struct tap *t, const char *got, const char *want, const char *desc)
{
	bool pass = tap_ok(t, got && !strcmp(got, want), "%s", desc);

	if (!pass)
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)", want);
	return pass;
}

static bool tap_is_null(struct tap *t, const char *got, const char *desc)
{
	bool pass = tap_ok(t, !got, "%s", desc);

	if (!pass)
		printf("#   got \"%s\", want NULL\n", got);
	return pass;
}

/* A zcrx message of family FAMILY with command CMD at BUF. */
static struct nlmsghdr *genl_start(void *buf, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = ZCRX_FAMILY_VERSION;
	return nlh;
}

/*
 * A bind request as the library builds it; *QUEUE_OFFSET is where its
 * queue-id attribute starts, counted from the header, as in
 * NLMSGERR_ATTR_OFFS.
 */
static struct nlmsghdr *bind_request(void *buf, uint32_t *queue_offset)
{
	struct nlmsghdr *nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_BIND);

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 7;
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_IFINDEX, 3);
	*queue_offset = nlh->nlmsg_len;
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_QUEUE_ID, 1);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_MACVTAP_IFINDEX, 4);
	return nlh;
}

/*
 * The kernel's NLMSG_ERROR answer to REQUEST: ERROR, the request echoed
 * unless CAPPED, and NLM_F_ACK_TLVS if WITH_TLVS (the caller puts them).
 */
static struct nlmsghdr *ack_start(void *buf, const struct nlmsghdr *request, int error,
				  bool capped, bool with_tlvs)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (with_tlvs ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = request->nlmsg_seq;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg = *request;
	if (!capped) {
		size_t echo_len = request->nlmsg_len - sizeof(*request);

		memcpy(mnl_nlmsg_put_extra_header(nlh, echo_len), request + 1, echo_len);
	}
	return nlh;
}

static void test_ack_accepted(struct tap *t)
{
	static char req_buf[BUF_SIZE] __attribute__((aligned(8)));
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct zcrx_nl_error error;
	struct nlmsghdr *req, *ack;
	uint32_t queue_offset;

	req = bind_request(req_buf, &queue_offset);
	ack = ack_start(buf, req, 0, true, false);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), 0, "plain ack: accepted");
	tap_ok(t, error.error == 0 && !error.message[0] && error.bad_attr == -1 &&
	       error.missing_attr == -1, "plain ack: no errno, message or attribute");

	ack = ack_start(buf, req, 0, false, false);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), 0,
		   "ack echoing the request (not capped): accepted");
}

static void test_ack_refusal(struct tap *t, bool capped)
{
	static char req_buf[BUF_SIZE] __attribute__((aligned(8)));
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	const char *how = capped ? "capped" : "not capped";
	char text[ZCRX_NL_ERROR_TEXT_MAX];
	struct zcrx_nl_error error;
	struct nlmsghdr *req, *ack;
	uint32_t queue_offset;
	char desc[128];

	req = bind_request(req_buf, &queue_offset);
	ack = ack_start(buf, req, -EBUSY, capped, true);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "queue-id: queue already bound");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, queue_offset);

	snprintf(desc, sizeof(desc), "refusal, %s: the kernel's errno returned", how);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBUSY, desc);
	snprintf(desc, sizeof(desc), "refusal, %s: errno kept", how);
	tap_is_int(t, error.error, -EBUSY, desc);
	snprintf(desc, sizeof(desc), "refusal, %s: message kept verbatim", how);
	tap_is_str(t, error.message, "queue-id: queue already bound", desc);
	snprintf(desc, sizeof(desc), "refusal, %s: OFFS names the attribute in the request", how);
	tap_is_int(t, error.bad_attr, ZCRX_A_BINDING_QUEUE_ID, desc);
	snprintf(desc, sizeof(desc), "refusal, %s: no missing attribute", how);
	tap_is_int(t, error.missing_attr, -1, desc);
	snprintf(desc, sizeof(desc), "refusal, %s: text is the kernel's message", how);
	tap_is_str(t, zcrx_nl_error_text(&error, text, sizeof(text)),
		   "queue-id: queue already bound", desc);
}

static void test_ack_details(struct tap *t)
{
	static char req_buf[BUF_SIZE] __attribute__((aligned(8)));
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	char text[ZCRX_NL_ERROR_TEXT_MAX], long_msg[400];
	struct zcrx_nl_error error;
	struct nlmsghdr *req, *ack;
	uint32_t queue_offset;

	req = bind_request(req_buf, &queue_offset);

	/* The missing attribute alone. */
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, ZCRX_A_BINDING_MACVTAP_IFINDEX);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EINVAL, "MISS_TYPE only: EINVAL");
	tap_is_int(t, error.missing_attr, ZCRX_A_BINDING_MACVTAP_IFINDEX,
		   "MISS_TYPE only: the missing attribute");
	tap_is_str(t, zcrx_nl_error_text(&error, text, sizeof(text)), "missing macvtap-ifindex",
		   "MISS_TYPE only: text names it");

	/* The bad attribute alone. */
	ack = ack_start(buf, req, -ERANGE, false, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, queue_offset);
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_str(t, zcrx_nl_error_text(&error, text, sizeof(text)), "queue-id",
		   "OFFS only: text is the attribute's name");

	/* An offset not at an attribute of the request, or no request. */
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, 4000);
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_int(t, error.bad_attr, -1, "OFFS past the request: no attribute");
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, 4);
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_int(t, error.bad_attr, -1, "OFFS inside the headers: no attribute");
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_OFFS, queue_offset);
	tap_is_int(t, zcrx_nl_parse_ack(ack, NULL, &error), -EINVAL,
		   "OFFS without the request: errno still returned");
	tap_is_int(t, error.bad_attr, -1, "OFFS without the request: no attribute");

	/* An attribute this client does not know. */
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, 99);
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_str(t, zcrx_nl_error_text(&error, text, sizeof(text)), "missing attribute 99",
		   "unknown missing attribute: named by number");

	/* TLVs of a newer kernel are skipped; those we know still count. */
	ack = ack_start(buf, req, -EPERM, true, true);
	mnl_attr_put_u32(ack, 99, 1);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "CAP_NET_ADMIN required in the network namespace");
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EPERM, "unknown TLV: errno kept");
	tap_is_str(t, error.message, "CAP_NET_ADMIN required in the network namespace",
		   "unknown TLV: skipped, message after it read");

	/* Without NLM_F_ACK_TLVS, what follows the ack is not read. */
	ack = ack_start(buf, req, -EBUSY, true, false);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "not announced");
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_str(t, error.message, "", "no NLM_F_ACK_TLVS: no message");

	/* A message that is not a string ends the parse; the errno stands. */
	ack = ack_start(buf, req, -EBUSY, true, true);
	mnl_attr_put(ack, NLMSGERR_ATTR_MSG, 4, "abcd");
	mnl_attr_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, ZCRX_A_BINDING_IFINDEX);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBUSY,
		   "unterminated message: errno kept");
	tap_ok(t, !error.message[0] && error.missing_attr == -1,
	       "unterminated message: it and what follows are dropped");

	/* A longer message than we keep is cut, not overrun. */
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, long_msg);
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_int(t, strlen(error.message), ZCRX_NL_MESSAGE_MAX - 1, "long message cut to fit");

	/* A text buffer too small is filled, not overrun. */
	ack = ack_start(buf, req, -EINVAL, true, true);
	mnl_attr_put_strz(ack, NLMSGERR_ATTR_MSG, "queue-id: out of range");
	zcrx_nl_parse_ack(ack, req, &error);
	tap_is_str(t, zcrx_nl_error_text(&error, text, 9), "queue-id", "text cut to its buffer");
}

static void test_ack_malformed(struct tap *t)
{
	static char req_buf[BUF_SIZE] __attribute__((aligned(8)));
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct zcrx_nl_error error;
	struct nlmsghdr *req, *ack;
	struct nlmsgerr *err;
	uint32_t queue_offset;

	req = bind_request(req_buf, &queue_offset);

	ack = ack_start(buf, req, -EBUSY, true, false);
	ack->nlmsg_len = MNL_NLMSG_HDRLEN + 8;	/* half a struct nlmsgerr */
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBADMSG, "truncated ack: EBADMSG");
	tap_is_int(t, error.error, 0, "truncated ack: no kernel errno");

	ack = ack_start(buf, req, EBUSY, true, false);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBADMSG,
		   "positive error in an ack: EBADMSG");

	ack = ack_start(buf, req, -EBUSY, false, true);
	err = mnl_nlmsg_get_payload(ack);
	err->msg.nlmsg_len = 3;	/* shorter than the header it describes */
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBADMSG,
		   "echoed request shorter than a header: EBADMSG");

	ack = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	tap_is_int(t, zcrx_nl_parse_ack(ack, req, &error), -EBADMSG,
		   "a family message is not an ack: EBADMSG");
}

static void test_done(struct tap *t)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct zcrx_nl_error error;
	struct nlmsghdr *nlh;
	int *dump_error;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	dump_error = mnl_nlmsg_put_extra_header(nlh, sizeof(*dump_error));
	*dump_error = 0;
	tap_is_int(t, zcrx_nl_parse_ack(nlh, NULL, &error), 0, "DONE of a whole dump: 0");

	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	*dump_error = -ENOBUFS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump failed");
	tap_is_int(t, zcrx_nl_parse_ack(nlh, NULL, &error), -ENOBUFS,
		   "DONE with an error: the errno");
	tap_is_str(t, error.message, "dump failed", "DONE with an error: its extack message");

	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	tap_is_int(t, zcrx_nl_parse_ack(nlh, NULL, &error), -EBADMSG,
		   "DONE without its errno: EBADMSG");
}

/* A GET reply as the kernel fills it, counters as 4 or 8 bytes. */
static struct nlmsghdr *get_reply(void *buf, bool big_counters)
{
	struct nlmsghdr *nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	uint64_t base = big_counters ? 1ull << 32 : 0;

	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, 5);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_IFINDEX, 3);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_QUEUE_ID, 1);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_MACVTAP_IFINDEX, 4);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_COPY);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_LOW_WATERMARK, 8);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_STATE, ZCRX_STATE_ZEROCOPY);
	for (int attr = ZCRX_A_BINDING_BUFFERS_POSTED; attr <= ZCRX_A_BINDING_PINNED_BYTES; attr++) {
		/* NLA_UINT: 8 bytes only when the value needs them. */
		if (big_counters)
			mnl_attr_put_u64(nlh, attr, base + attr);
		else
			mnl_attr_put_u32(nlh, attr, attr);
	}
	return nlh;
}

static void test_get_reply(struct tap *t, bool big_counters)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	const char *how = big_counters ? "8-byte" : "4-byte";
	uint64_t base = big_counters ? 1ull << 32 : 0;
	struct zcrx_binding_info info;
	uint64_t want_present = 0;
	bool counters_ok = true;
	char desc[128];

	snprintf(desc, sizeof(desc), "GET reply with %s counters parses", how);
	tap_is_int(t, zcrx_nl_parse_binding(get_reply(buf, big_counters), &info), 0, desc);
	for (int attr = ZCRX_A_BINDING_ID; attr <= ZCRX_A_BINDING_PINNED_BYTES; attr++)
		want_present |= 1ull << attr;
	snprintf(desc, sizeof(desc), "GET reply with %s counters: every attribute but reason", how);
	tap_is_int(t, info.present, want_present, desc);
	tap_ok(t, info.value[ZCRX_A_BINDING_ID] == 5 && info.value[ZCRX_A_BINDING_IFINDEX] == 3 &&
	       info.value[ZCRX_A_BINDING_QUEUE_ID] == 1 &&
	       info.value[ZCRX_A_BINDING_MACVTAP_IFINDEX] == 4 &&
	       info.value[ZCRX_A_BINDING_FALLBACK] == ZCRX_FALLBACK_COPY &&
	       info.value[ZCRX_A_BINDING_LOW_WATERMARK] == 8 &&
	       info.value[ZCRX_A_BINDING_STATE] == ZCRX_STATE_ZEROCOPY,
	       "GET reply with %s counters: configuration values", how);
	for (int attr = ZCRX_A_BINDING_BUFFERS_POSTED; attr <= ZCRX_A_BINDING_PINNED_BYTES; attr++)
		if (info.value[attr] != base + attr)
			counters_ok = false;
	tap_ok(t, counters_ok, "GET reply with %s counters: counter values", how);
}

static void test_binding_malformed(struct tap *t)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct zcrx_binding_info info;
	struct nlmsghdr *nlh;
	uint16_t short_value = 7;

	/* Attributes of a newer kernel, or of type 0, are skipped. */
	nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, 9);
	mnl_attr_put_u64(nlh, ZCRX_A_BINDING_MAX + 1, 1);
	mnl_attr_put(nlh, 0, 3, "abc");
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), 0, "unknown attributes skipped");
	tap_is_int(t, info.present, (1ull << ZCRX_A_BINDING_ID) | (1ull << ZCRX_A_BINDING_STATE),
		   "unknown attributes skipped: known ones read");

	nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, 9);
	mnl_attr_put(nlh, ZCRX_A_BINDING_BUFFERS_FILLED, 6, "abcdef");
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG, "6-byte counter: EBADMSG");
	tap_is_int(t, info.present, 0, "refused message leaves nothing behind");

	nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	mnl_attr_put_u64(nlh, ZCRX_A_BINDING_QUEUE_ID, 1);
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG, "8-byte u32 attribute: EBADMSG");

	nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	mnl_attr_put(nlh, ZCRX_A_BINDING_ID, sizeof(short_value), &short_value);
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG, "2-byte u32 attribute: EBADMSG");

	/* Cut in the middle of its last attribute. */
	nlh = get_reply(buf, true);
	nlh->nlmsg_len -= 6;
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG, "truncated message: EBADMSG");

	/* Cut inside the header of its last attribute (4-byte counters). */
	nlh = get_reply(buf, false);
	nlh->nlmsg_len -= 6;
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG,
		   "message cut inside an attribute header: EBADMSG");

	/* Bytes after the last attribute that are not one. */
	nlh = get_reply(buf, false);
	memset((char *)nlh + nlh->nlmsg_len, 0, 4);
	nlh->nlmsg_len += 4;	/* an attribute header of length 0 */
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG, "garbage after attributes: EBADMSG");

	nlh = genl_start(buf, FAMILY_ID, ZCRX_CMD_GET);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	tap_is_int(t, zcrx_nl_parse_binding(nlh, &info), -EBADMSG,
		   "shorter than its genetlink header: EBADMSG");
}

/* Append a notification about binding ID to the datagram at *END. */
static struct nlmsghdr *put_event(char **end, uint16_t family, uint8_t cmd, uint32_t id)
{
	struct nlmsghdr *nlh = genl_start(*end, family, cmd);

	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, id);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_BUFFERS_POSTED, 17);
	return nlh;
}

static void event_done(char **end, struct nlmsghdr *nlh)
{
	*end += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void test_events(struct tap *t)
{
	static char buf[BUF_SIZE] __attribute__((aligned(8)));
	struct zcrx_event event;
	struct nlmsghdr *nlh;
	char *end = buf;
	size_t offset = 0, len;

	/* One datagram: an event, another family's message, an unbound event. */
	nlh = put_event(&end, FAMILY_ID, ZCRX_CMD_FALLBACK_ENGAGED_NTF, 9);
	mnl_attr_put_u64(nlh, ZCRX_A_BINDING_PINNED_BYTES, 0x123456789ull);
	event_done(&end, nlh);
	event_done(&end, put_event(&end, OTHER_FAMILY_ID, 1, 1));
	nlh = put_event(&end, FAMILY_ID, ZCRX_CMD_UNBOUND_NTF, 9);
	mnl_attr_put_u32(nlh, ZCRX_A_BINDING_REASON, ZCRX_UNBIND_REASON_MACVTAP_GONE);
	event_done(&end, nlh);
	len = end - buf;

	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), 0,
		   "first event of a datagram");
	tap_is_int(t, event.cmd, ZCRX_CMD_FALLBACK_ENGAGED_NTF, "first event: its command");
	tap_ok(t, event.binding.value[ZCRX_A_BINDING_ID] == 9 &&
	       event.binding.value[ZCRX_A_BINDING_BUFFERS_POSTED] == 17 &&
	       event.binding.value[ZCRX_A_BINDING_PINNED_BYTES] == 0x123456789ull,
	       "first event: its binding, 4- and 8-byte counters");
	tap_is_int(t, event.reason, 0, "first event: no reason");

	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), 0,
		   "another family's message skipped, next event read");
	tap_is_int(t, event.cmd, ZCRX_CMD_UNBOUND_NTF, "unbound event: its command");
	tap_is_int(t, event.reason, ZCRX_UNBIND_REASON_MACVTAP_GONE, "unbound event: its reason");
	tap_ok(t, zcrx_binding_has(&event.binding, ZCRX_A_BINDING_REASON),
	       "unbound event: reason in the binding too");
	tap_is_str(t, zcrx_event_name(event.cmd), "unbound", "unbound event: its name");
	tap_is_str(t, zcrx_binding_value_name(ZCRX_A_BINDING_REASON, event.reason),
		   "macvtap-gone", "unbound event: its reason's name");

	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), -ENOMSG,
		   "end of the datagram: ENOMSG");
	tap_is_int(t, offset, len, "end of the datagram: offset at its end");

	/* A malformed event is skipped; the one after it still comes. */
	end = buf;
	offset = 0;
	nlh = put_event(&end, FAMILY_ID, ZCRX_CMD_BOUND_NTF, 1);
	mnl_attr_put(nlh, ZCRX_A_BINDING_RX_COPY_PACKETS, 2, "ab");
	event_done(&end, nlh);
	event_done(&end, put_event(&end, FAMILY_ID, ZCRX_CMD_LOW_BUFFERS_NTF, 2));
	len = end - buf;
	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), -EBADMSG,
		   "malformed event: EBADMSG");
	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), 0,
		   "event after a malformed one: read");
	tap_ok(t, event.cmd == ZCRX_CMD_LOW_BUFFERS_NTF &&
	       event.binding.value[ZCRX_A_BINDING_ID] == 2, "event after a malformed one: its own");

	/* A header claiming more than the datagram holds ends it. */
	end = buf;
	offset = 0;
	event_done(&end, put_event(&end, FAMILY_ID, ZCRX_CMD_BOUND_NTF, 3));
	nlh = put_event(&end, FAMILY_ID, ZCRX_CMD_BOUND_NTF, 4);
	len = (end - buf) + nlh->nlmsg_len / 2;
	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), 0,
		   "event before a truncated one: read");
	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), -EBADMSG,
		   "truncated event: EBADMSG");
	tap_is_int(t, zcrx_nl_parse_next_event(buf, len, &offset, FAMILY_ID, &event), -ENOMSG,
		   "truncated event: rest of the datagram dropped");

	/* Garbage: fewer bytes than a header, and a header of length 0. */
	offset = 0;
	tap_is_int(t, zcrx_nl_parse_next_event("\x01\x02", 2, &offset, FAMILY_ID, &event),
		   -EBADMSG, "two bytes of garbage: EBADMSG");
	memset(buf, 0, 64);
	offset = 0;
	tap_is_int(t, zcrx_nl_parse_next_event(buf, 64, &offset, FAMILY_ID, &event), -EBADMSG,
		   "zeroed datagram: EBADMSG, no endless loop");
	tap_is_int(t, zcrx_nl_parse_next_event(buf, 0, &offset, FAMILY_ID, &event), -ENOMSG,
		   "empty datagram: ENOMSG");
}

static void test_names(struct tap *t)
{
	struct zcrx_binding_info info = { 0 };

	tap_is_str(t, zcrx_binding_attr_name(ZCRX_A_BINDING_MACVTAP_IFINDEX), "macvtap-ifindex",
		   "attribute name from the spec");
	tap_is_null(t, zcrx_binding_attr_name(0), "attribute 0 has no name");
	tap_is_null(t, zcrx_binding_attr_name(ZCRX_A_BINDING_MAX + 1), "unknown attribute: no name");
	tap_is_str(t, zcrx_binding_value_name(ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_DROP), "drop",
		   "fallback drop named");
	tap_is_str(t, zcrx_binding_value_name(ZCRX_A_BINDING_STATE, ZCRX_STATE_ZEROCOPY),
		   "zerocopy", "state zerocopy named");
	tap_is_null(t, zcrx_binding_value_name(ZCRX_A_BINDING_FALLBACK, 7),
		    "fallback 7: no name");
	tap_is_null(t, zcrx_binding_value_name(ZCRX_A_BINDING_FALLBACK, 0),
		    "fallback 0: no name");
	tap_is_null(t, zcrx_binding_value_name(ZCRX_A_BINDING_ID, 1), "not an enum: no name");
	tap_is_str(t, zcrx_event_name(ZCRX_CMD_FALLBACK_CLEARED_NTF), "fallback-cleared",
		   "event name from the spec");
	tap_is_null(t, zcrx_event_name(ZCRX_CMD_GET), "a request is not an event");
	tap_is_null(t, zcrx_event_name(200), "unknown command: no name");

	zcrx_binding_set(&info, 0, 1);
	zcrx_binding_set(&info, ZCRX_A_BINDING_MAX + 1, 1);
	tap_is_int(t, info.present, 0, "setting an unknown attribute does nothing");
	tap_ok(t, !zcrx_binding_has(&info, 0) && !zcrx_binding_has(&info, 40),
	       "unknown attributes are never present");
}

/* A reply whose nlmsg_len is 2 GiB or more (found by fuzz-zcrx-netlink). */
static void test_message_ok(struct tap *t)
{
	struct nlmsghdr nlh[4] = { { .nlmsg_len = sizeof(nlh) } };

	tap_ok(t, zcrx_nl_message_ok(nlh, sizeof(nlh)), "a message that fits is ok");
	tap_ok(t, !zcrx_nl_message_ok(nlh, sizeof(nlh) - 1), "one a byte too long is not");
	nlh[0].nlmsg_len = 0xf4f4f4f4;
	tap_ok(t, !zcrx_nl_message_ok(nlh, sizeof(nlh)),
	       "nlmsg_len 0xf4f4f4f4 is not (mnl_nlmsg_ok() takes it: a signed compare)");
	nlh[0].nlmsg_len = sizeof(nlh[0]) - 1;
	tap_ok(t, !zcrx_nl_message_ok(nlh, sizeof(nlh)), "nor one shorter than its header");
	tap_ok(t, !zcrx_nl_message_ok(nlh, 3), "nor a buffer shorter than a header");
}

int main(void)
{
	struct tap t = { 0 };

	test_ack_accepted(&t);
	test_ack_refusal(&t, true);
	test_ack_refusal(&t, false);
	test_ack_details(&t);
	test_ack_malformed(&t);
	test_done(&t);
	test_get_reply(&t, false);
	test_get_reply(&t, true);
	test_binding_malformed(&t);
	test_events(&t);
	test_names(&t);
	test_message_ok(&t);
	return tap_done(&t);
}
