/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespaces a macvtap may live in (a pod's, as macvtap-cni and
 * KubeVirt put it): names of /run/netns as `ip netns` makes them, and a
 * look-up of a link by name inside such a namespace.
 *
 * zcrxd opens /run/netns/NAME with its own privileges, so only a bare
 * name is accepted, never a caller's path.  The look-up runs in a
 * short-lived thread that enters the namespace (setns() changes the
 * calling thread only), opens its NETLINK_ROUTE socket there, asks and
 * exits: the daemon's own threads never leave the host's namespace, so
 * no socket or look-up of theirs can land in the wrong one, and nothing
 * has to switch back on an error path.
 *
 * Every function returns 0 (or an fd or id) on success and a negative
 * errno on failure; none prints or logs, and there is no global state.
 */
#ifndef ZCRX_NETNS_H
#define ZCRX_NETNS_H

#include <stdbool.h>
#include <string.h>

#include "ifname.h"

#define ZCRX_NETNS_DIR "/run/netns"
/* A name of /run/netns, with its NUL (a file name, not a path). */
#define ZCRX_NETNS_NAME_MAX 64

/*
 * NULL if @name may name /run/netns/@name, else a static "must ..." text.
 * Inline, as ifname.h: the config parser and zcrxctl check names without
 * linking the look-up.
 */
static inline const char *zcrx_netns_name_problem(const char *name)
{
	if (!*name)
		return "must not be empty";
	if (strlen(name) >= ZCRX_NETNS_NAME_MAX)
		return "must be at most 63 bytes long";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "must not be \".\" or \"..\"";
	for (const char *c = name; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return "must be a name in " ZCRX_NETNS_DIR ", without '/' or control "
			       "characters";
	return NULL;
}
/* Open /run/netns/@name (checked first): an O_CLOEXEC fd, or a negative errno. */
int zcrx_netns_open(const char *name);

/* A link as the namespace it is in sees it. */
struct zcrx_netns_link {
	int ifindex;			/* in that namespace */
	bool is_macvtap;
	int lower_ifindex;		/* IFLA_LINK, 0 if none */
	/* IFLA_LINK_NETNSID: the namespace lower_ifindex is in, as an id of
	 * that namespace; -1 when absent (the lower device is there too). */
	int lower_netnsid;
	/* The caller's (host's) namespace as an id of that namespace, -1 if
	 * it has none: lower_netnsid equal to it means the host's. */
	int host_netnsid;
};

int zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret);
/* @netns_fd's id in the caller's namespace (-1: none assigned), or a negative errno. */
int zcrx_netns_id(int netns_fd, int *ret_nsid);

#endif
