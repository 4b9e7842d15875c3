// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: what daemon/zcrx-netlink.c makes of the bytes a
 * netlink socket hands it.  The input is read as a datagram of
 * notifications (zcrx_nl_parse_next_event(), as zcrx_nl_read_event()
 * does), and each whole message in it as a reply (a binding, or an ack
 * with extack against a request of ours), as the request path does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "daemon/zcrx-netlink.h"

#define FAMILY_ID 0x1a

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(8)));
	char request_buf[256] __attribute__((aligned(8)));
	const struct nlmsghdr *nlh;
	struct nlmsghdr *request;
	struct zcrx_binding_info info;
	struct zcrx_nl_error error;
	struct zcrx_event event;
	size_t offset = 0;
	int left, r;

	if (size > sizeof(buf))
		return -1;
	memcpy(buf, data, size);	/* aligned, as a receive buffer is */

	for (unsigned int i = 0; i < 1000; i++) {
		r = zcrx_nl_parse_next_event(buf, size, &offset, FAMILY_ID, &event);
		if (r == -ENOMSG)
			break;
		(void)r;
		if (offset > size)
			abort();
	}

	request = mnl_nlmsg_put_header(request_buf);
	request->nlmsg_type = FAMILY_ID;
	mnl_nlmsg_put_extra_header(request, GENL_HDRLEN);
	mnl_attr_put_u32(request, ZCRX_A_BINDING_ID, 7);
	mnl_attr_put_u32(request, ZCRX_A_BINDING_LOW_WATERMARK, 70000);
	left = size;
	/* As the request path walks a datagram of replies. */
	for (nlh = (const struct nlmsghdr *)buf; zcrx_nl_message_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		char text[ZCRX_NL_ERROR_TEXT_MAX];

		zcrx_nl_parse_binding(nlh, &info);
		if (zcrx_nl_parse_ack(nlh, request, &error) != -EBADMSG)
			zcrx_nl_error_text(&error, text, sizeof(text));
	}
	return 0;
}
