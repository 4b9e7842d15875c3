// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/zcrx.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "zcrx-nl-gen.h"

#include <uapi/linux/zcrx.h>

/* ZCRX_CMD_BIND - do */
static const struct nla_policy zcrx_bind_nl_policy[ZCRX_A_BINDING_COPYBREAK_PROBE + 1] = {
	[ZCRX_A_BINDING_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[ZCRX_A_BINDING_QUEUE_ID] = { .type = NLA_U32, },
	[ZCRX_A_BINDING_MACVTAP_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[ZCRX_A_BINDING_FALLBACK] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[ZCRX_A_BINDING_LOW_WATERMARK] = { .type = NLA_U32, },
	[ZCRX_A_BINDING_COPYBREAK] = NLA_POLICY_MAX(NLA_U32, 4096),
	[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE] = NLA_POLICY_MAX(NLA_U8, 1),
	[ZCRX_A_BINDING_MACVTAP_NETNS_FD] = { .type = NLA_U32, },
	[ZCRX_A_BINDING_COPYBREAK_PROBE] = NLA_POLICY_MAX(NLA_U32, 32767),
};

/* ZCRX_CMD_UNBIND - do */
static const struct nla_policy zcrx_unbind_nl_policy[ZCRX_A_BINDING_ID + 1] = {
	[ZCRX_A_BINDING_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* ZCRX_CMD_GET - do */
static const struct nla_policy zcrx_get_nl_policy[ZCRX_A_BINDING_ID + 1] = {
	[ZCRX_A_BINDING_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* ZCRX_CMD_SET - do */
static const struct nla_policy zcrx_set_nl_policy[ZCRX_A_BINDING_COPYBREAK_PROBE + 1] = {
	[ZCRX_A_BINDING_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[ZCRX_A_BINDING_FALLBACK] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[ZCRX_A_BINDING_LOW_WATERMARK] = { .type = NLA_U32, },
	[ZCRX_A_BINDING_COPYBREAK] = NLA_POLICY_MAX(NLA_U32, 4096),
	[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE] = NLA_POLICY_MAX(NLA_U8, 1),
	[ZCRX_A_BINDING_COPYBREAK_PROBE] = NLA_POLICY_MAX(NLA_U32, 32767),
};

/* Ops table for zcrx */
static const struct genl_split_ops zcrx_nl_ops[] = {
	{
		.cmd		= ZCRX_CMD_BIND,
		.pre_doit	= zcrx_nl_pre_doit,
		.doit		= zcrx_nl_bind_doit,
		.post_doit	= zcrx_nl_post_doit,
		.policy		= zcrx_bind_nl_policy,
		.maxattr	= ZCRX_A_BINDING_COPYBREAK_PROBE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= ZCRX_CMD_UNBIND,
		.pre_doit	= zcrx_nl_pre_doit,
		.doit		= zcrx_nl_unbind_doit,
		.post_doit	= zcrx_nl_post_doit,
		.policy		= zcrx_unbind_nl_policy,
		.maxattr	= ZCRX_A_BINDING_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= ZCRX_CMD_GET,
		.doit		= zcrx_nl_get_doit,
		.policy		= zcrx_get_nl_policy,
		.maxattr	= ZCRX_A_BINDING_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= ZCRX_CMD_GET,
		.dumpit	= zcrx_nl_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= ZCRX_CMD_SET,
		.pre_doit	= zcrx_nl_pre_doit,
		.doit		= zcrx_nl_set_doit,
		.post_doit	= zcrx_nl_post_doit,
		.policy		= zcrx_set_nl_policy,
		.maxattr	= ZCRX_A_BINDING_COPYBREAK_PROBE,
		.flags		= GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group zcrx_nl_mcgrps[] = {
	[ZCRX_NLGRP_EVENTS] = { "events", },
};

struct genl_family zcrx_nl_family __ro_after_init = {
	.name		= ZCRX_FAMILY_NAME,
	.version	= ZCRX_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= zcrx_nl_ops,
	.n_split_ops	= ARRAY_SIZE(zcrx_nl_ops),
	.mcgrps		= zcrx_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(zcrx_nl_mcgrps),
};
