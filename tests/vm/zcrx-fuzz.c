// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrx-fuzz: generated and mutated messages against the zcrx generic
 * netlink family, from the test VM.
 *
 *   zcrx-fuzz COUNT SEED [--as-nobody] [--protect ID]... [--ifindex N]...
 *
 * Sends COUNT requests: every command number (the family's and others),
 * random flags, attributes of random type, length and content, nested
 * and truncated attributes, oversized messages, and well-formed bind and
 * set requests with one field mutated (real ifindexes from --ifindex, so
 * that the kernel gets past its first checks).  A request that names a
 * --protect binding id is not sent: the test checks that binding is
 * unchanged after the run.  --as-nobody drops to uid/gid 65534 first.
 *
 * Every request must be answered by an ack (errno 0 or negative) or, for
 * a dump, by replies ended with NLMSG_DONE, within a second.  Prints a
 * summary line "sent N answered N ok N errors N skipped N (ERRNO:COUNT
 * ...)" and
 * exits 0 when every request was answered, 1 otherwise, 2 on bad usage.
 */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/zcrx.h>

#define NOBODY_ID 65534
#define MAX_PROTECT 8
#define MAX_IFINDEX 8
#define MAX_ERRNO 256
#define MSG_MAX 8192

struct fuzz {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t seq;
	uint64_t rng;
	uint32_t protect[MAX_PROTECT];
	unsigned int nprotect;
	uint32_t ifindex[MAX_IFINDEX];
	unsigned int nifindex;
	unsigned long sent, answered, ok, errors, skipped;
	unsigned long by_errno[MAX_ERRNO];
};

/* xorshift64*: the same SEED gives the same run. */
static uint32_t rnd(struct fuzz *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return (f->rng * 2685821657736338717ULL) >> 32;
}

static uint32_t rnd_below(struct fuzz *f, uint32_t n)
{
	return n ? rnd(f) % n : 0;
}

static void rnd_bytes(struct fuzz *f, void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = rnd(f);
}

/* A value an attribute might plausibly carry: small, edge or random. */
static uint32_t rnd_value(struct fuzz *f)
{
	static const uint32_t edges[] = { 0, 1, 2, 3, 255, 256, 4095, 4096,
					  4097, 65535, 65536, 0x7fffffff,
					  0x80000000, 0xffffffff };

	switch (rnd_below(f, 4)) {
	case 0:
		return edges[rnd_below(f, sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return rnd_below(f, 8);
	case 2:
		return f->nifindex ? f->ifindex[rnd_below(f, f->nifindex)] : 1;
	}
	return rnd(f);
}

static int resolve_family(struct fuzz *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	struct nlattr *attr;
	int len;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++f->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ZCRX_FAMILY_NAME);
	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	len = mnl_socket_recvfrom(f->nl, buf, sizeof(buf));
	if (len < 0)
		return -errno;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return -ENOENT;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			f->family = mnl_attr_get_u16(attr);
	return f->family ? 0 : -ENOENT;
}

/* Random attributes; sometimes nested, sometimes cut short. */
static void put_random_attrs(struct fuzz *f, struct nlmsghdr *nlh, int depth)
{
	unsigned int n = rnd_below(f, 8);
	uint8_t payload[64];

	for (unsigned int i = 0; i < n; i++) {
		uint16_t type = rnd_below(f, ZCRX_A_BINDING_MAX + 4);
		size_t len;

		if (depth < 2 && !rnd_below(f, 8)) {
			struct nlattr *nest = mnl_attr_nest_start(nlh, type);

			put_random_attrs(f, nlh, depth + 1);
			mnl_attr_nest_end(nlh, nest);
			continue;
		}
		switch (rnd_below(f, 4)) {
		case 0:
			mnl_attr_put_u32(nlh, type, rnd_value(f));
			continue;
		case 1:
			mnl_attr_put_u64(nlh, type, ((uint64_t)rnd(f) << 32) | rnd_value(f));
			continue;
		case 2:
			mnl_attr_put_u8(nlh, type, rnd(f));
			continue;
		}
		len = rnd_below(f, sizeof(payload) + 1);
		rnd_bytes(f, payload, len);
		mnl_attr_put(nlh, type, len, payload);
	}
	/* An attribute whose length runs past the message. */
	if (!depth && !rnd_below(f, 10)) {
		struct nlattr *bad = mnl_nlmsg_get_payload_tail(nlh);

		mnl_attr_put_u32(nlh, rnd_below(f, ZCRX_A_BINDING_MAX + 1), rnd(f));
		bad->nla_len += 4 + rnd_below(f, 64);
	}
}

/* A well-formed bind or set, then one field of it mutated. */
static void put_mutated_request(struct fuzz *f, struct nlmsghdr *nlh, uint8_t cmd)
{
	if (cmd == ZCRX_CMD_BIND) {
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_IFINDEX, rnd_value(f));
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_QUEUE_ID, rnd_value(f));
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_MACVTAP_IFINDEX, rnd_value(f));
	} else {
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_ID, rnd_value(f));
	}
	if (rnd_below(f, 2))
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_FALLBACK, rnd_value(f));
	if (rnd_below(f, 2))
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_LOW_WATERMARK, rnd_value(f));
	if (rnd_below(f, 2))
		mnl_attr_put_u32(nlh, ZCRX_A_BINDING_COPYBREAK, rnd_value(f));
	if (rnd_below(f, 2))
		mnl_attr_put_u8(nlh, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, rnd_value(f));
	/* Flip a byte of the attributes. */
	if (rnd_below(f, 2)) {
		uint8_t *p = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
		size_t len = (uint8_t *)mnl_nlmsg_get_payload_tail(nlh) - p;

		if (len)
			p[rnd_below(f, len)] ^= 1 << rnd_below(f, 8);
	}
}

/* Does the request carry the id of a binding the run must not touch? */
static bool names_protected(const struct fuzz *f, const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != ZCRX_A_BINDING_ID ||
		    mnl_attr_get_payload_len(attr) < sizeof(uint32_t))
			continue;
		for (unsigned int i = 0; i < f->nprotect; i++)
			if (mnl_attr_get_u32(attr) == f->protect[i])
				return true;
	}
	return false;
}

/* Read until the request's ack or NLMSG_DONE: 0 answered, -1 not. */
static int await_answer(struct fuzz *f, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];

	for (;;) {
		int len = mnl_socket_recvfrom(f->nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;

		if (len < 0)
			return -1;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				f->ok++;
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
				int e = -err->error;

				if (!e) {
					f->ok++;
				} else {
					f->errors++;
					f->by_errno[e > 0 && e < MAX_ERRNO ? e : 0]++;
				}
				return 0;
			}
		}
	}
}

static int fuzz_one(struct fuzz *f)
{
	static char buf[MSG_MAX];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;
	/* Mostly the family's own commands, so that requests reach its policy. */
	uint8_t cmd = rnd_below(f, 4) ? 1 + rnd_below(f, ZCRX_CMD_SET) : rnd_below(f, 256);

	nlh->nlmsg_type = f->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (!rnd_below(f, 8))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = ++f->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = rnd_below(f, 4) ? 1 : rnd(f);
	if ((cmd == ZCRX_CMD_BIND || cmd == ZCRX_CMD_SET) && rnd_below(f, 2))
		put_mutated_request(f, nlh, cmd);
	else
		put_random_attrs(f, nlh, 0);
	/* Oversized: padding attributes up to the buffer. */
	while (!rnd_below(f, 50) && nlh->nlmsg_len + 1024 < MSG_MAX) {
		char pad[1000];

		rnd_bytes(f, pad, sizeof(pad));
		mnl_attr_put(nlh, rnd_below(f, ZCRX_A_BINDING_MAX + 4), sizeof(pad), pad);
	}
	if (names_protected(f, nlh)) {
		f->skipped++;
		return 0;
	}
	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0) {
		/* The socket itself refused the message (too big): an answer. */
		f->sent++;
		f->answered++;
		f->errors++;
		f->by_errno[errno < MAX_ERRNO ? errno : 0]++;
		return 0;
	}
	f->sent++;
	if (await_answer(f, nlh->nlmsg_seq) < 0) {
		printf("request %lu (command %u, %u bytes) got no answer\n", f->sent,
		       cmd, nlh->nlmsg_len);
		return -1;
	}
	f->answered++;
	return 0;
}

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID))
		return -errno;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: zcrx-fuzz COUNT SEED [--as-nobody] [--protect ID]... [--ifindex N]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct timeval timeout = { .tv_sec = 1 };
	struct fuzz f = { 0 };
	unsigned long count;
	bool nobody = false;
	int r, fd;

	if (argc < 3)
		return usage();
	count = strtoul(argv[1], NULL, 0);
	f.rng = strtoull(argv[2], NULL, 0) * 2 + 1;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--as-nobody"))
			nobody = true;
		else if (!strcmp(argv[i], "--protect") && i + 1 < argc && f.nprotect < MAX_PROTECT)
			f.protect[f.nprotect++] = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ifindex") && i + 1 < argc && f.nifindex < MAX_IFINDEX)
			f.ifindex[f.nifindex++] = strtoul(argv[++i], NULL, 0);
		else
			return usage();
	}
	if (nobody && (r = drop_to_nobody()) < 0) {
		printf("cannot drop to uid %d: %s\n", NOBODY_ID, strerror(-r));
		return 1;
	}
	f.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!f.nl || mnl_socket_bind(f.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		printf("netlink: %s\n", strerror(errno));
		return 1;
	}
	fd = mnl_socket_get_fd(f.nl);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	r = resolve_family(&f);
	if (r < 0) {
		printf("no " ZCRX_FAMILY_NAME " family: %s\n", strerror(-r));
		return 1;
	}
	r = 0;
	while (!r && f.sent + f.skipped < count)
		r = fuzz_one(&f);
	printf("sent %lu answered %lu ok %lu errors %lu skipped %lu (", f.sent,
	       f.answered, f.ok, f.errors, f.skipped);
	for (int e = 0; e < MAX_ERRNO; e++)
		if (f.by_errno[e])
			printf(" %d:%lu", e, f.by_errno[e]);
	printf(" )\n");
	mnl_socket_close(f.nl);
	return r || f.answered != f.sent ? 1 : 0;
}
