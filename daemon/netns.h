/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespaces a macvtap may live in (a pod's, as macvtap-cni and
 * KubeVirt put it): names of /run/netns as `ip netns` makes them, and a
 * look-up of a link by name inside such a namespace.
 *
 * zcrxd opens /run/netns/NAME with its own privileges, so only a bare
 * name is accepted, never a caller's path.
 *
 * The look-up is made from zcrxd's own namespace, never by entering the
 * other: setns() into a network namespace needs CAP_SYS_ADMIN, which
 * zcrxd.service does not grant (CAP_NET_ADMIN only), and a thread or
 * socket switched into a pod's namespace is one mistake away from
 * binding the wrong device.  rtnetlink reaches another namespace by its
 * id instead (IFLA_TARGET_NETNSID, CAP_NET_ADMIN over it, as the zcrx
 * family's bind asks): the namespace gets an id in zcrxd's (RTM_NEWNSID
 * when it has none, as `ip netns set NAME auto`), the link is asked for
 * by name there, and its IFLA_LINK_NETNSID comes as an id of zcrxd's
 * namespace too, so it can be compared with zcrxd's id of its own.
 *
 * Every function returns 0 (or an fd or id) on success and a negative
 * errno on failure; none prints or logs, and there is no global state.
 */
#ifndef ZCRX_NETNS_H
#define ZCRX_NETNS_H

#include <stdbool.h>

#include "common/zcrx-ifname.h"
#include "common/zcrx-netns-name.h"

/* Open /run/netns/@name (checked first): an O_CLOEXEC fd, or a negative errno. */
int zcrx_netns_open(const char *name);

/* A link of another namespace, with ids as zcrxd's namespace gives them. */
struct zcrx_netns_link {
	int netnsid;			/* the namespace's id (what bind reports) */
	int ifindex;			/* in that namespace */
	bool is_macvtap;
	int lower_ifindex;		/* IFLA_LINK, 0 if none */
	/* IFLA_LINK_NETNSID: the namespace lower_ifindex is in; -1 when
	 * absent (the lower device is in the link's namespace). */
	int lower_netnsid;
	/* zcrxd's own namespace's id of itself, -1 if none: lower_netnsid
	 * equal to it means the lower device is in zcrxd's namespace. */
	int own_netnsid;
};

int zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret);

#endif
