/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The network namespace's links, as libnl-route-3's link cache keeps them:
 * names <-> ifindexes, which links are macvtap devices and on what, and a
 * callback when a link comes, changes or goes.
 *
 * The cache follows the kernel through a NETLINK_ROUTE socket subscribed
 * to RTNLGRP_LINK: watch zcrx_links_fd() for input and call
 * zcrx_links_process().  If the socket overflowed, the cache is dumped
 * again and the callback told what changed meanwhile.
 *
 * Every function returns 0 (or an ifindex) on success and a negative
 * errno on failure; none prints or logs, and there is no global state.
 */
#ifndef ZCRX_LINKS_H
#define ZCRX_LINKS_H

#include <stdbool.h>
#include <stddef.h>

/* IFNAMSIZ, with its NUL. */
#define ZCRX_LINK_NAME_MAX 16

struct zcrx_link {
	int ifindex;
	char name[ZCRX_LINK_NAME_MAX];
	bool is_macvtap;	/* its kind (IFLA_INFO_KIND) is "macvtap" */
	int lower_ifindex;	/* IFLA_LINK: a macvtap's lower device; 0 if none */
};

enum zcrx_link_change {
	ZCRX_LINK_ADDED,
	ZCRX_LINK_REMOVED,
	ZCRX_LINK_CHANGED,	/* renamed, brought up or down, ... */
};

/* @link is valid during the call only. */
typedef void (*zcrx_link_change_cb)(enum zcrx_link_change change, const struct zcrx_link *link,
				    void *data);
/* Called for each link; a nonzero return stops the walk and is returned. */
typedef int (*zcrx_link_visit_cb)(const struct zcrx_link *link, void *data);

struct zcrx_links;

int zcrx_links_open(struct zcrx_links **linksp, zcrx_link_change_cb on_change, void *data);
void zcrx_links_close(struct zcrx_links *links);
int zcrx_links_fd(const struct zcrx_links *links);
int zcrx_links_process(struct zcrx_links *links);
int zcrx_links_set_receive_buffer(struct zcrx_links *links, int bytes);

int zcrx_links_ifindex(const struct zcrx_links *links, const char *name);
int zcrx_links_name(const struct zcrx_links *links, int ifindex, char *name, size_t size);
int zcrx_links_lookup(const struct zcrx_links *links, int ifindex, struct zcrx_link *link);
int zcrx_links_macvtap_lower(const struct zcrx_links *links, int ifindex, int *lower_ifindex);
int zcrx_links_for_each(const struct zcrx_links *links, zcrx_link_visit_cb visit, void *data);

#endif
