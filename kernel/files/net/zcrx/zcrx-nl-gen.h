/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/zcrx.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_ZCRX_GEN_H
#define _LINUX_ZCRX_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/zcrx.h>

int zcrx_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		     struct genl_info *info);
void
zcrx_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		  struct genl_info *info);

int zcrx_nl_bind_doit(struct sk_buff *skb, struct genl_info *info);
int zcrx_nl_unbind_doit(struct sk_buff *skb, struct genl_info *info);
int zcrx_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int zcrx_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int zcrx_nl_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	ZCRX_NLGRP_EVENTS,
};

extern struct genl_family zcrx_nl_family;

#endif /* _LINUX_ZCRX_GEN_H */
