// SPDX-License-Identifier: GPL-2.0-only
/*
 * queue-owner: try to give a NIC, or one of its receive queues, to an
 * owner other than zcrx, as an administrator's tools would.
 *
 *   queue-owner xdp IFNAME generic|native	attach an XDP program that
 *						passes every frame (rtnetlink,
 *						as "ip link set xdp" does); it
 *						stays attached after exit
 *   queue-owner xdp-off IFNAME generic|native	detach it
 *   queue-owner xsk IFNAME QUEUE copy|zerocopy	bind an AF_XDP socket to
 *						QUEUE, then close it
 *
 * Prints "ok", or what the kernel said in zcrx-nl's form:
 *	error: <strerror> (<errno>): <extack message>
 * Exit 0 on success, 1 on a refusal, 2 on bad usage.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define EXIT_USAGE 2
#define EXTACK_MAX 256
#define XSK_FRAMES 64
#define XSK_FRAME_SIZE 4096

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void print_result(int err, const char *extack)
{
	if (!err)
		printf("ok\n");
	else if (extack && extack[0])
		printf("error: %s (%d): %s\n", strerror(-err), -err, extack);
	else
		printf("error: %s (%d)\n", strerror(-err), -err);
}

/* A program that passes every frame.  Return: its fd or a negative errno. */
static int xdp_pass_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (uintptr_t)"GPL";
	fd = (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* The extack message of an NLMSG_ERROR, if the kernel sent one. */
static void ack_extack(const struct nlmsghdr *nlh, char *text, size_t size)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t offset = sizeof(*err);

	text[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += mnl_nlmsg_get_payload_len(&err->msg);
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(text, size, "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/*
 * RTM_SETLINK with IFLA_XDP: the path that reports an extack.
 * PROG_FD -1 detaches.  Return: 0 or a negative errno, the kernel's
 * message in EXTACK.
 */
static int xdp_set(uint32_t ifindex, int prog_fd, uint32_t mode_flag, char *extack, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *xdp;
	int one = 1;
	ssize_t n;
	int ret;

	extack[0] = '\0';
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	xdp = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)prog_fd);
	mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, mode_flag);
	mnl_attr_nest_end(nlh, xdp);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(nlh, (int)n) || nlh->nlmsg_type != NLMSG_ERROR) {
		ret = -EPROTO;
		goto out;
	}
	ret = ((const struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
	if (ret)
		ack_extack(nlh, extack, size);
out:
	mnl_socket_close(nl);
	return ret;
}

static int parse_mode(const char *s, uint32_t *flag)
{
	if (!strcmp(s, "generic"))
		*flag = XDP_FLAGS_SKB_MODE;
	else if (!strcmp(s, "native"))
		*flag = XDP_FLAGS_DRV_MODE;
	else
		return -EINVAL;
	return 0;
}

static int cmd_xdp(int argc, char **argv, int attach)
{
	char extack[EXTACK_MAX];
	uint32_t ifindex, flag;
	int prog_fd = -1;
	int ret;

	if (argc != 2 || parse_mode(argv[1], &flag) < 0)
		return EXIT_USAGE;
	ifindex = if_nametoindex(argv[0]);
	if (!ifindex) {
		printf("queue-owner: no such interface: %s\n", argv[0]);
		return EXIT_FAILURE;
	}
	if (attach) {
		prog_fd = xdp_pass_load();
		if (prog_fd < 0) {
			printf("queue-owner: loading the XDP program: %s\n", strerror(-prog_fd));
			return EXIT_FAILURE;
		}
	}
	ret = xdp_set(ifindex, prog_fd, flag, extack, sizeof(extack));
	if (prog_fd >= 0)
		close(prog_fd);
	print_result(ret, extack);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Bind an AF_XDP socket to QUEUE in the given mode.  Return: 0 or -errno. */
static int xsk_bind(uint32_t ifindex, uint32_t queue, uint16_t mode)
{
	const size_t len = XSK_FRAMES * XSK_FRAME_SIZE;
	struct sockaddr_xdp addr = {
		.sxdp_family = AF_XDP,
		.sxdp_flags = mode,
		.sxdp_ifindex = ifindex,
		.sxdp_queue_id = queue,
	};
	struct xdp_umem_reg reg = { .len = len, .chunk_size = XSK_FRAME_SIZE };
	int ring = XSK_FRAMES;
	void *umem;
	int fd, ret = 0;

	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	umem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (umem == MAP_FAILED) {
		ret = -errno;
		goto out_close;
	}
	reg.addr = (uintptr_t)umem;
	if (setsockopt(fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring, sizeof(ring)) ||
	    setsockopt(fd, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)))
		ret = -errno;
	munmap(umem, len);
out_close:
	close(fd);
	return ret;
}

static int cmd_xsk(int argc, char **argv)
{
	uint32_t ifindex, queue;
	uint16_t mode;
	char *end;
	int ret;

	if (argc != 3)
		return EXIT_USAGE;
	errno = 0;
	queue = (uint32_t)strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end)
		return EXIT_USAGE;
	if (!strcmp(argv[2], "copy"))
		mode = XDP_COPY;
	else if (!strcmp(argv[2], "zerocopy"))
		mode = XDP_ZEROCOPY;
	else
		return EXIT_USAGE;
	ifindex = if_nametoindex(argv[0]);
	if (!ifindex) {
		printf("queue-owner: no such interface: %s\n", argv[0]);
		return EXIT_FAILURE;
	}
	ret = xsk_bind(ifindex, queue, mode);
	print_result(ret, NULL);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	int ret = EXIT_USAGE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "xdp"))
		ret = cmd_xdp(argc - 2, argv + 2, 1);
	else if (argc >= 2 && !strcmp(argv[1], "xdp-off"))
		ret = cmd_xdp(argc - 2, argv + 2, 0);
	else if (argc >= 2 && !strcmp(argv[1], "xsk"))
		ret = cmd_xsk(argc - 2, argv + 2);
	if (ret == EXIT_USAGE)
		fprintf(stderr, "usage: queue-owner xdp|xdp-off IFNAME generic|native\n"
				"       queue-owner xsk IFNAME QUEUE copy|zerocopy\n");
	return ret;
}
