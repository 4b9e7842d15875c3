// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "netns.h"

int zcrx_netns_open(const char *name)
{
	char path[sizeof(ZCRX_NETNS_DIR) + ZCRX_NETNS_NAME_MAX];
	int fd;

	if (zcrx_netns_name_problem(name))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", ZCRX_NETNS_DIR, name);
	/* O_NOFOLLOW: `ip netns` makes bind mounts, never links. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

struct rtnl {
	struct mnl_socket *sock;
	unsigned int seq;
};

/* One request, its reply (if @cb) and ack: 0 or the kernel's negative errno. */
static int rtnl_transact(struct rtnl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl->sock);
	ssize_t len;
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(buf, len, nlh->nlmsg_seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;
	int *nsid = data;

	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg))
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			*nsid = (int32_t)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

/* RTM_GETNSID of the namespace @attr (NETNSA_FD or NETNSA_PID) = @value. */
static int get_nsid(struct rtnl *nl, int attr, uint32_t value, int *ret_nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *rt;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, attr, value);
	*ret_nsid = -1;
	return rtnl_transact(nl, nlh, nsid_cb, ret_nsid);
}

/* @netns_fd's id, given one if it has none yet (as `ip netns set NAME auto`). */
static int netns_id(struct rtnl *nl, int netns_fd, int *ret_nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtgenmsg *rt;
	int ret;

	ret = get_nsid(nl, NETNSA_FD, netns_fd, ret_nsid);
	if (ret < 0 || *ret_nsid >= 0)
		return ret;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, netns_fd);
	mnl_attr_put_u32(nlh, NETNSA_NSID, (uint32_t)-1);	/* any free id */
	ret = rtnl_transact(nl, nlh, NULL, NULL);
	/* EEXIST: another process gave it one meanwhile. */
	if (ret < 0 && ret != -EEXIST)
		return ret;
	ret = get_nsid(nl, NETNSA_FD, netns_fd, ret_nsid);
	if (ret == 0 && *ret_nsid < 0)
		ret = -EIO;
	return ret;
}

static int linkinfo_kind_cb(const struct nlattr *attr, void *data)
{
	struct zcrx_netns_link *link = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		link->is_macvtap = !strcmp(mnl_attr_get_str(attr), "macvtap");
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct zcrx_netns_link *link = data;
	struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	link->ifindex = ifi->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_LINK:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				link->lower_ifindex = mnl_attr_get_u32(attr);
			break;
		case IFLA_LINK_NETNSID:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				link->lower_netnsid = (int32_t)mnl_attr_get_u32(attr);
			break;
		case IFLA_LINKINFO:
			mnl_attr_parse_nested(attr, linkinfo_kind_cb, link);
			break;
		}
	}
	return MNL_CB_OK;
}

static int lookup(struct rtnl *nl, int netns_fd, const char *name, struct zcrx_netns_link *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret;

	/* EINVAL: not a network namespace. */
	ret = netns_id(nl, netns_fd, &link->netnsid);
	if (ret < 0)
		return ret;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, link->netnsid);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	ret = rtnl_transact(nl, nlh, link_cb, link);
	if (ret == 0 && link->ifindex <= 0)
		ret = -ENODEV;
	/* Asked after the link: its IFLA_LINK_NETNSID gave zcrxd's namespace
	 * an id of itself if the lower device is there. */
	if (ret == 0)
		ret = get_nsid(nl, NETNSA_PID, (uint32_t)getpid(), &link->own_netnsid);
	return ret;
}

/**
 * zcrx_netns_lookup_link() - a link of another network namespace, by name
 * @netns_fd: the namespace (an fd of /run/netns/NAME, or one a caller passed)
 * @name: the link's name there
 * @ret: filled on success
 *
 * The namespace is given an id in zcrxd's if it has none.
 *
 * Return: 0, -EINVAL when @netns_fd is no network namespace, -ENODEV when
 * it has no link @name, -EACCES when zcrxd has no CAP_NET_ADMIN over it,
 * or another negative errno.
 */
int zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret)
{
	struct zcrx_netns_link link = { .netnsid = -1, .lower_netnsid = -1, .own_netnsid = -1 };
	struct rtnl nl = { .seq = (unsigned int)time(NULL) };
	int one = 1, r;

	if (zcrx_ifname_problem(name))
		return -EINVAL;
	nl.sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl.sock)
		return -errno;
	/* Strict checking: attributes this kernel does not know are refused. */
	mnl_socket_setsockopt(nl.sock, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(nl.sock, 0, MNL_SOCKET_AUTOPID) < 0)
		r = -errno;
	else
		r = lookup(&nl, netns_fd, name, &link);
	mnl_socket_close(nl.sock);
	if (r < 0)
		return r;
	*ret = link;
	return 0;
}
