// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
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

/* One request on @nl, its single reply (or ack) to @cb: 0 or a negative errno. */
static int rtnl_transact(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int ret;

	nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(buf, len, nlh->nlmsg_seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int open_rtnl(struct mnl_socket **ret)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return -errno;
	/* Strict checking: a name the kernel cannot match is an error, not a dump. */
	mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl);
		return err;
	}
	*ret = nl;
	return 0;
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

/* RTM_GETNSID on @nl: the id its namespace gives @netns_fd, -1 if none. */
static int query_nsid(struct mnl_socket *nl, int netns_fd, int *ret_nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *rt;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, netns_fd);
	*ret_nsid = -1;
	return rtnl_transact(nl, nlh, nsid_cb, ret_nsid);
}

int zcrx_netns_id(int netns_fd, int *ret_nsid)
{
	struct mnl_socket *nl;
	int ret;

	ret = open_rtnl(&nl);
	if (ret < 0)
		return ret;
	ret = query_nsid(nl, netns_fd, ret_nsid);
	mnl_socket_close(nl);
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

struct lookup {
	int netns_fd, host_fd;
	const char *name;
	struct zcrx_netns_link link;
	int ret;
};

static int lookup_in_netns(struct lookup *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct mnl_socket *nl;
	int ret;

	/* EINVAL: not a network namespace. */
	if (setns(l->netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	ret = open_rtnl(&nl);
	if (ret < 0)
		return ret;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, l->name);
	ret = rtnl_transact(nl, nlh, link_cb, &l->link);
	if (ret == 0 && l->link.ifindex <= 0)
		ret = -ENODEV;
	if (ret == 0)
		ret = query_nsid(nl, l->host_fd, &l->link.host_netnsid);
	mnl_socket_close(nl);
	return ret;
}

static void *lookup_thread(void *data)
{
	struct lookup *l = data;

	l->ret = lookup_in_netns(l);
	return NULL;
}

/**
 * zcrx_netns_lookup_link() - a link of another network namespace, by name
 * @netns_fd: the namespace (an fd of /run/netns/NAME, or one a caller passed)
 * @name: the link's name there
 * @ret: filled on success
 *
 * Return: 0, -EINVAL when @netns_fd is no network namespace, -ENODEV when
 * it has no link @name, -EPERM when zcrxd may not enter it, or another
 * negative errno.
 */
int zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret)
{
	struct lookup l = {
		.netns_fd = netns_fd, .name = name,
		.link = { .lower_netnsid = -1, .host_netnsid = -1 },
	};
	pthread_t thread;
	int r;

	if (zcrx_ifname_problem(name))
		return -EINVAL;
	l.host_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (l.host_fd < 0)
		return -errno;
	r = pthread_create(&thread, NULL, lookup_thread, &l);
	if (r == 0)
		r = pthread_join(thread, NULL);
	close(l.host_fd);
	if (r)
		return -r;
	if (l.ret < 0)
		return l.ret;
	*ret = l.link;
	return 0;
}
