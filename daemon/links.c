// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "links.h"
#include "rcvbuf.h"

struct zcrx_links {
	struct nl_cache_mngr *manager;	/* its socket follows RTNLGRP_LINK */
	struct nl_cache *cache;		/* "route/link", kept by the manager */
	struct nl_sock *resync_sock;	/* dumps the links again after an overflow */
	zcrx_link_change_cb on_change;
	void *data;
};

/* libnl's NLE_* as a negative errno. */
static int errno_from_libnl(int nl_error)
{
	switch (nl_error < 0 ? -nl_error : nl_error) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_OVERFLOW:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

/* Per-family entries (AF_BRIDGE port info and the like) are not links. */
static bool is_link_entry(struct rtnl_link *rtnl)
{
	return rtnl_link_get_family(rtnl) == AF_UNSPEC;
}

static void link_from_rtnl(struct rtnl_link *rtnl, struct zcrx_link *link)
{
	const char *name = rtnl_link_get_name(rtnl);
	const char *kind = rtnl_link_get_type(rtnl);

	memset(link, 0, sizeof(*link));
	link->ifindex = rtnl_link_get_ifindex(rtnl);
	snprintf(link->name, sizeof(link->name), "%s", name ? name : "");
	link->is_macvtap = kind && !strcmp(kind, "macvtap");
	link->lower_ifindex = link->is_macvtap ? rtnl_link_get_link(rtnl) : 0;
}

static void cache_changed(struct nl_cache *cache, struct nl_object *object, int action,
			  void *data)
{
	struct zcrx_links *links = data;
	struct rtnl_link *rtnl = (struct rtnl_link *)object;
	enum zcrx_link_change change;
	struct zcrx_link link;

	(void)cache;
	if (!links->on_change || !is_link_entry(rtnl))
		return;
	switch (action) {
	case NL_ACT_NEW:
		change = ZCRX_LINK_ADDED;
		break;
	case NL_ACT_DEL:
		change = ZCRX_LINK_REMOVED;
		break;
	case NL_ACT_CHANGE:
		change = ZCRX_LINK_CHANGED;
		break;
	default:
		return;
	}
	link_from_rtnl(rtnl, &link);
	links->on_change(change, &link, links->data);
}

/**
 * zcrx_links_open() - fill a link cache and follow the kernel's changes
 * @linksp: set to the new cache on success
 * @on_change: called from zcrx_links_process() for each link added,
 *	removed or changed after this call (not for those already there:
 *	see zcrx_links_for_each()); may be NULL
 * @data: passed to @on_change
 *
 * Return: 0 or a negative errno.
 */
int zcrx_links_open(struct zcrx_links **linksp, zcrx_link_change_cb on_change, void *data)
{
	struct zcrx_links *links;
	int ret;

	links = calloc(1, sizeof(*links));
	if (!links)
		return -ENOMEM;
	links->on_change = on_change;
	links->data = data;
	links->resync_sock = nl_socket_alloc();
	if (!links->resync_sock) {
		ret = -ENOMEM;
		goto err_close;
	}
	ret = nl_connect(links->resync_sock, NETLINK_ROUTE);
	if (ret < 0)
		goto err_libnl;
	/* No NL_AUTO_PROVIDE: the cache stays ours, not libnl's global one. */
	ret = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, 0, &links->manager);
	if (ret < 0)
		goto err_libnl;
	ret = nl_cache_mngr_add(links->manager, "route/link", cache_changed, links, &links->cache);
	if (ret < 0)
		goto err_libnl;
	*linksp = links;
	return 0;

err_libnl:
	ret = errno_from_libnl(ret);
err_close:
	zcrx_links_close(links);
	return ret;
}

/* Frees the cache and closes its sockets; NULL is ignored. */
void zcrx_links_close(struct zcrx_links *links)
{
	if (!links)
		return;
	nl_cache_mngr_free(links->manager);	/* frees the cache too */
	nl_socket_free(links->resync_sock);
	free(links);
}

/* The socket carrying link changes, to watch for input. */
int zcrx_links_fd(const struct zcrx_links *links)
{
	return nl_cache_mngr_get_fd(links->manager);
}

/**
 * zcrx_links_process() - apply the link changes received
 * @links: the cache
 *
 * Never blocks.  Calls the change callback for each link added, removed or
 * changed.  When the socket overflowed and changes were lost, the links are
 * dumped again and the callback is called for every difference found.
 *
 * Return: the number of messages handled (0 if none was pending), or a
 * negative errno.
 */
int zcrx_links_process(struct zcrx_links *links)
{
	int ret = nl_cache_mngr_data_ready(links->manager);

	/* ENOBUFS comes as NLE_NOMEM: notifications were lost. */
	if (ret == -NLE_NOMEM) {
		ret = nl_cache_resync(links->resync_sock, links->cache, cache_changed, links);
		if (ret == 0)
			ret = 1;
	}
	return ret < 0 ? errno_from_libnl(ret) : ret;
}

/**
 * zcrx_links_set_receive_buffer() - room for link changes not read yet
 * @links: the cache
 * @bytes: the receive buffer's size (see zcrx_socket_set_rcvbuf())
 *
 * Return: 0 or a negative errno.
 */
int zcrx_links_set_receive_buffer(struct zcrx_links *links, int bytes)
{
	return zcrx_socket_set_rcvbuf(nl_cache_mngr_get_fd(links->manager), bytes);
}

/* The link @ifindex, with a reference the caller drops; NULL if none. */
static struct rtnl_link *get_link(const struct zcrx_links *links, int ifindex)
{
	struct rtnl_link *rtnl;

	if (ifindex <= 0)
		return NULL;
	rtnl = rtnl_link_get(links->cache, ifindex);
	if (rtnl && !is_link_entry(rtnl)) {
		rtnl_link_put(rtnl);
		return NULL;
	}
	return rtnl;
}

/**
 * zcrx_links_ifindex() - a link's index by name
 * @links: the cache
 * @name: the link's name
 *
 * Return: the ifindex (> 0), or -ENODEV when no link has that name.
 */
int zcrx_links_ifindex(const struct zcrx_links *links, const char *name)
{
	int ifindex = rtnl_link_name2i(links->cache, name);

	return ifindex > 0 ? ifindex : -ENODEV;
}

/**
 * zcrx_links_lookup() - what the cache knows of a link
 * @links: the cache
 * @ifindex: the link
 * @link: filled on success
 *
 * Return: 0, or -ENODEV when there is no such link.
 */
int zcrx_links_lookup(const struct zcrx_links *links, int ifindex, struct zcrx_link *link)
{
	struct rtnl_link *rtnl = get_link(links, ifindex);

	if (!rtnl)
		return -ENODEV;
	link_from_rtnl(rtnl, link);
	rtnl_link_put(rtnl);
	return 0;
}

/**
 * zcrx_links_name() - a link's name by index
 * @links: the cache
 * @ifindex: the link
 * @name: where to write it; ZCRX_LINK_NAME_MAX bytes hold any
 * @size: its size
 *
 * Return: 0, -ENODEV when there is no such link, or -ENAMETOOLONG when
 * @size is too small (@name is then unchanged).
 */
int zcrx_links_name(const struct zcrx_links *links, int ifindex, char *name, size_t size)
{
	struct zcrx_link link;
	size_t len;
	int ret;

	ret = zcrx_links_lookup(links, ifindex, &link);
	if (ret < 0)
		return ret;
	len = strlen(link.name);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(name, link.name, len + 1);
	return 0;
}

/**
 * zcrx_links_macvtap_lower() - whether a link is a macvtap, and on what
 * @links: the cache
 * @ifindex: the link
 * @lower_ifindex: set to the lower device's ifindex when it is a macvtap
 *
 * Return: 1 for a macvtap (*@lower_ifindex set), 0 for any other link,
 * -ENODEV when there is no such link.
 */
int zcrx_links_macvtap_lower(const struct zcrx_links *links, int ifindex, int *lower_ifindex)
{
	struct zcrx_link link;
	int ret;

	ret = zcrx_links_lookup(links, ifindex, &link);
	if (ret < 0)
		return ret;
	if (!link.is_macvtap)
		return 0;
	*lower_ifindex = link.lower_ifindex;
	return 1;
}

struct visit_call {
	zcrx_link_visit_cb visit;
	void *data;
	int ret;
};

static void visit_object(struct nl_object *object, void *data)
{
	struct rtnl_link *rtnl = (struct rtnl_link *)object;
	struct visit_call *call = data;
	struct zcrx_link link;

	if (call->ret || !is_link_entry(rtnl))
		return;
	link_from_rtnl(rtnl, &link);
	call->ret = call->visit(&link, call->data);
}

/**
 * zcrx_links_for_each() - walk the links in the cache
 * @links: the cache
 * @visit: called for each link, in the cache's order
 * @data: passed to @visit
 *
 * Return: 0 after the whole walk, or @visit's nonzero return that ended it.
 */
int zcrx_links_for_each(const struct zcrx_links *links, zcrx_link_visit_cb visit, void *data)
{
	struct visit_call call = { .visit = visit, .data = data };

	nl_cache_foreach(links->cache, visit_object, &call);
	return call.ret;
}
