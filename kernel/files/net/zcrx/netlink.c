// SPDX-License-Identifier: GPL-2.0
/*
 * The zcrx generic netlink family (Documentation/netlink/specs/zcrx.yaml).
 * Policies and the ops table are generated into zcrx-nl-gen.c; this file
 * holds the handlers.  Every refusal carries an errno and an extack
 * message that starts with the name of the attribute at fault.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "zcrx.h"
#include "zcrx-nl-gen.h"

/**
 * zcrx_nl_pre_doit() - check permission and take RTNL for a mutating op
 * @ops: the op (bind, unbind or set)
 * @skb: the request
 * @info: the request's attributes and extack
 *
 * Mutating ops: CAP_NET_ADMIN over the devices' netns (the request's),
 * then RTNL, which zcrx_nl_post_doit() releases.
 *
 * Return: 0 with RTNL held, or -EPERM.
 */
int zcrx_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		     struct genl_info *info)
{
	if (!netlink_ns_capable(skb, genl_info_net(info)->user_ns,
				CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "CAP_NET_ADMIN required in the network namespace");
		return -EPERM;
	}
	rtnl_lock();
	return 0;
}

/**
 * zcrx_nl_post_doit() - release RTNL after a mutating op
 * @ops: the op
 * @skb: the request
 * @info: the request's attributes
 *
 * Context: RTNL held, taken by zcrx_nl_pre_doit().
 */
void zcrx_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		       struct genl_info *info)
{
	rtnl_unlock();
}

/**
 * zcrx_nl_missing() - report a required attribute missing
 * @info: the request
 * @attr: the attribute's ZCRX_A_BINDING_*
 * @msg: the extack message, naming the attribute
 *
 * Reports it by type and by name.  A macro because extack messages must
 * be string literals.
 *
 * Return: true when @attr is missing.
 */
#define zcrx_nl_missing(info, attr, msg)				\
	({								\
		struct genl_info *__info = (info);			\
		int __attr = (attr);					\
		bool __missing = !__info->attrs[__attr];		\
									\
		if (__missing) {					\
			NL_SET_ERR_ATTR_MISS(__info->extack, NULL, __attr); \
			NL_SET_ERR_MSG(__info->extack, msg);		\
		}							\
		__missing;						\
	})

/**
 * zcrx_nl_binding() - the binding a request's id attribute names
 * @info: the request
 *
 * Context: RTNL held.
 * Return: the binding, ERR_PTR(-EINVAL) without id, or ERR_PTR(-ENOENT)
 * when no binding has that id in the request's netns; the extack is set.
 */
static struct zcrx_binding *zcrx_nl_binding(struct genl_info *info)
{
	struct zcrx_binding *binding;

	if (zcrx_nl_missing(info, ZCRX_A_BINDING_ID, "missing id"))
		return ERR_PTR(-EINVAL);
	binding = zcrx_binding_lookup(genl_info_net(info),
				      nla_get_u32(info->attrs[ZCRX_A_BINDING_ID]));
	if (!binding) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[ZCRX_A_BINDING_ID]);
		NL_SET_ERR_MSG(info->extack, "id: no such binding");
		return ERR_PTR(-ENOENT);
	}
	return binding;
}

/**
 * zcrx_nl_fill() - put a binding's settings and counters in a message
 * @skb: the message
 * @binding: the binding
 * @portid: netlink port of the recipient, 0 for an event
 * @seq: sequence number of the request, 0 for an event
 * @flags: NLM_F_* (NLM_F_MULTI in a dump)
 * @cmd: ZCRX_CMD_GET for get and dump, ZCRX_CMD_*_NTF for an event
 * @reason: ZCRX_UNBIND_REASON_*, put only for ZCRX_CMD_UNBOUND_NTF
 *
 * One layout for get, dump and every event (the spec's binding-all).
 *
 * Context: RTNL held, so the devices stay bound.
 * Return: 0, or -EMSGSIZE with @skb left as it was.
 */
static int zcrx_nl_fill(struct sk_buff *skb, struct zcrx_binding *binding,
			u32 portid, u32 seq, int flags, u32 cmd, u32 reason)
{
	struct zcrx_counters c;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &zcrx_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(skb, ZCRX_A_BINDING_ID, binding->id) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_IFINDEX, binding->nic->ifindex) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_QUEUE_ID, binding->queue) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_MACVTAP_IFINDEX,
			binding->macvtap->ifindex))
		goto err_cancel;

	zcrx_binding_read(binding, &c);
	if (nla_put_u32(skb, ZCRX_A_BINDING_FALLBACK,
			READ_ONCE(binding->fallback)) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_LOW_WATERMARK,
			READ_ONCE(binding->low_watermark)) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_STATE, READ_ONCE(binding->state)) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_BUFFERS_POSTED, c.posted) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_BUFFERS_FILLED, c.filled) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_BUFFERS_RETURNED, c.returned) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_BUFFERS_IN_FLIGHT,
			 c.posted - c.returned) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS,
			 c.rx_zerocopy) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_COPY_PACKETS, c.rx_copy) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_DROPPED_PACKETS,
			 c.rx_dropped) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_PINNED_BYTES,
			 atomic64_read(&binding->pinned_bytes)) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_ZEROCOPY_BYTES,
			 c.rx_zerocopy_bytes) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_COPIED_BYTES,
			 c.rx_copied_bytes) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_COPYBREAK,
			READ_ONCE(binding->copybreak)) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_COPYBREAK_PACKETS,
			 c.rx_copybreak) ||
	    nla_put_u8(skb, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE,
		       READ_ONCE(binding->unbind_on_vhost_gone)) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_ISOLATION, binding->isolation) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_FOREIGN_PACKETS,
			 c.rx_foreign) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_RX_LENGTH_ERRORS,
			 c.rx_length_errors) ||
	    nla_put_u32(skb, ZCRX_A_BINDING_COPYBREAK_PROBE,
			READ_ONCE(binding->copybreak_probe)) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_COPY_PACKETS,
			 c.cost_copy_packets) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_COPY_NS, c.cost_copy_ns) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_COPY_BYTES,
			 c.cost_copy_bytes) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_MEMCPY_NS,
			 c.cost_memcpy_ns) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_MEMCPY_BYTES,
			 c.cost_memcpy_bytes) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_ZEROCOPY_PACKETS,
			 c.cost_zerocopy_packets) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_ZEROCOPY_NS,
			 c.cost_zerocopy_ns) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_BUFFERS, c.cost_buffers) ||
	    nla_put_uint(skb, ZCRX_A_BINDING_COST_BUFFER_NS,
			 c.cost_buffer_ns))
		goto err_cancel;
	if (cmd == ZCRX_CMD_UNBOUND_NTF &&
	    nla_put_u32(skb, ZCRX_A_BINDING_REASON, reason))
		goto err_cancel;
	/* A macvtap elsewhere: its ifindex means something there only. */
	if (!net_eq(dev_net(binding->macvtap), dev_net(binding->nic)) &&
	    nla_put_s32(skb, ZCRX_A_BINDING_MACVTAP_NETNSID,
			peernet2id_alloc(dev_net(binding->nic),
					 dev_net(binding->macvtap), GFP_KERNEL)))
		goto err_cancel;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * zcrx_nl_notify() - multicast an event about a binding
 * @binding: the binding
 * @cmd: ZCRX_CMD_*_NTF
 * @reason: ZCRX_UNBIND_REASON_* for ZCRX_CMD_UNBOUND_NTF, else ignored
 *
 * Context: process context, RTNL held (the devices are still bound).
 */
void zcrx_nl_notify(struct zcrx_binding *binding, u32 cmd, u32 reason)
{
	struct net *net = dev_net(binding->nic);
	struct sk_buff *msg;

	if (!genl_has_listeners(&zcrx_nl_family, net, ZCRX_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (zcrx_nl_fill(msg, binding, 0, 0, 0, cmd, reason)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&zcrx_nl_family, net, msg, 0,
				ZCRX_NLGRP_EVENTS, GFP_KERNEL);
}

/*
 * Below 256 bytes a copy is cheaper than a guest page posted, filled and
 * published (the copybreak drivers such as e1000 and igb use, and what
 * the netdevsim benchmark needs for bound 64-byte frames to keep the
 * unbound packet rate).
 */
#define ZCRX_DEFAULT_COPYBREAK 256

/**
 * zcrx_nl_macvtap_net() - the network namespace a bind's macvtap is in
 * @skb: the request
 * @info: its attributes: macvtap-netns-fd, if the macvtap is elsewhere
 *
 * An orchestrator puts a guest's macvtap in the guest's pod namespace
 * while the NIC stays in the host's.  The requester then needs
 * CAP_NET_ADMIN over that namespace too, not only over its own
 * (zcrx_nl_pre_doit()).
 *
 * Return: the namespace with a reference (put_net()), or an ERR_PTR:
 * -EBADF or -EINVAL (not a network namespace) or -EPERM, with the extack
 * set.
 */
static struct net *zcrx_nl_macvtap_net(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ZCRX_A_BINDING_MACVTAP_NETNS_FD];
	struct net *net;

	if (!attr)
		return get_net(genl_info_net(info));
	net = get_net_ns_by_fd(nla_get_u32(attr));
	if (IS_ERR(net)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "macvtap-netns-fd: not a network namespace");
		return net;
	}
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		put_net(net);
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "macvtap-netns-fd: CAP_NET_ADMIN required in the macvtap's network namespace");
		return ERR_PTR(-EPERM);
	}
	return net;
}

/*
 * A copybreak probe of 1 would send every frame the other way than the
 * copybreak says: refused, 0 (none) and 2 up are what it can be.
 */
static bool zcrx_nl_probe_bad(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[ZCRX_A_BINDING_COPYBREAK_PROBE];

	if (!attr || nla_get_u32(attr) != 1)
		return false;
	NL_SET_ERR_MSG_ATTR(info->extack, attr,
			    "copybreak-probe 1 inverts the copybreak for every frame: 0 or 2 and up");
	return true;
}

/**
 * zcrx_nl_bind_doit() - handle ZCRX_CMD_BIND
 * @skb: the request
 * @info: its attributes: ifindex, queue-id and macvtap-ifindex; optional
 *	fallback (copy), low-watermark (0), copybreak (256),
 *	copybreak-probe (0) and unbind-on-vhost-gone (0)
 *
 * Replies with the new binding's id.  The reply is allocated before the
 * binding is made, so that running out of memory leaves no binding.
 *
 * Context: RTNL held (zcrx_nl_pre_doit()).
 * Return: 0 or a negative errno.
 */
int zcrx_nl_bind_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct zcrx_binding_config config = {
		/* Copy by default: no frame is lost while buffers run short. */
		.fallback = ZCRX_FALLBACK_COPY,
		.copybreak = ZCRX_DEFAULT_COPYBREAK,
	};
	struct nlattr **tb = info->attrs;
	struct zcrx_binding *binding;
	struct net *macvtap_net;
	struct sk_buff *rsp;
	void *hdr;
	int err;

	if (zcrx_nl_missing(info, ZCRX_A_BINDING_IFINDEX, "missing ifindex") ||
	    zcrx_nl_missing(info, ZCRX_A_BINDING_QUEUE_ID, "missing queue-id") ||
	    zcrx_nl_missing(info, ZCRX_A_BINDING_MACVTAP_IFINDEX,
			    "missing macvtap-ifindex") ||
	    zcrx_nl_probe_bad(info))
		return -EINVAL;
	if (tb[ZCRX_A_BINDING_FALLBACK])
		config.fallback = nla_get_u32(tb[ZCRX_A_BINDING_FALLBACK]);
	if (tb[ZCRX_A_BINDING_LOW_WATERMARK])
		config.low_watermark =
			nla_get_u32(tb[ZCRX_A_BINDING_LOW_WATERMARK]);
	if (tb[ZCRX_A_BINDING_COPYBREAK])
		config.copybreak = nla_get_u32(tb[ZCRX_A_BINDING_COPYBREAK]);
	if (tb[ZCRX_A_BINDING_COPYBREAK_PROBE])
		config.copybreak_probe =
			nla_get_u32(tb[ZCRX_A_BINDING_COPYBREAK_PROBE]);
	if (tb[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE])
		config.unbind_on_vhost_gone =
			nla_get_u8(tb[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE]);

	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp) {
		GENL_SET_ERR_MSG(info, "no memory for the reply");
		return -ENOMEM;
	}
	hdr = genlmsg_iput(rsp, info);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	macvtap_net = zcrx_nl_macvtap_net(skb, info);
	if (IS_ERR(macvtap_net)) {
		err = PTR_ERR(macvtap_net);
		goto err_free;
	}
	err = zcrx_binding_create(genl_info_net(info),
				  nla_get_u32(tb[ZCRX_A_BINDING_IFINDEX]),
				  nla_get_u32(tb[ZCRX_A_BINDING_QUEUE_ID]),
				  macvtap_net,
				  nla_get_u32(tb[ZCRX_A_BINDING_MACVTAP_IFINDEX]),
				  &config, info->extack, &binding);
	put_net(macvtap_net);
	if (err)
		goto err_free;

	if (nla_put_u32(rsp, ZCRX_A_BINDING_ID, binding->id)) {
		zcrx_binding_destroy(binding, ZCRX_UNBIND_REASON_REQUEST);
		err = -EMSGSIZE;
		goto err_free;
	}
	genlmsg_end(rsp, hdr);
	return genlmsg_reply(rsp, info);

err_free:
	nlmsg_free(rsp);
	return err;
}

/**
 * zcrx_nl_unbind_doit() - handle ZCRX_CMD_UNBIND
 * @skb: the request
 * @info: its attributes: id
 *
 * Ends the binding with reason request; the unbound event carries its
 * final accounting.
 *
 * Context: RTNL held (zcrx_nl_pre_doit()).
 * Return: 0, -EINVAL without id or for a copybreak-probe of 1, or -ENOENT
 * for an unknown id.
 */
int zcrx_nl_unbind_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct zcrx_binding *binding = zcrx_nl_binding(info);

	if (IS_ERR(binding))
		return PTR_ERR(binding);
	zcrx_binding_destroy(binding, ZCRX_UNBIND_REASON_REQUEST);
	return 0;
}

/**
 * zcrx_nl_set_doit() - handle ZCRX_CMD_SET
 * @skb: the request
 * @info: its attributes: id, and any of fallback, low-watermark,
 *	copybreak, copybreak-probe and unbind-on-vhost-gone
 *
 * The values are read without a lock (the receive path among the
 * readers), hence WRITE_ONCE(); they apply from the next frame on.
 *
 * Context: RTNL held (zcrx_nl_pre_doit()).
 * Return: 0, -EINVAL without id or for a copybreak-probe of 1, or -ENOENT
 * for an unknown id.
 */
int zcrx_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct zcrx_binding *binding = zcrx_nl_binding(info);
	struct nlattr **tb = info->attrs;

	if (IS_ERR(binding))
		return PTR_ERR(binding);
	/* Before any change: a refused request changes nothing. */
	if (zcrx_nl_probe_bad(info))
		return -EINVAL;
	if (tb[ZCRX_A_BINDING_FALLBACK])
		WRITE_ONCE(binding->fallback,
			   nla_get_u32(tb[ZCRX_A_BINDING_FALLBACK]));
	if (tb[ZCRX_A_BINDING_LOW_WATERMARK])
		WRITE_ONCE(binding->low_watermark,
			   nla_get_u32(tb[ZCRX_A_BINDING_LOW_WATERMARK]));
	if (tb[ZCRX_A_BINDING_COPYBREAK])
		WRITE_ONCE(binding->copybreak,
			   nla_get_u32(tb[ZCRX_A_BINDING_COPYBREAK]));
	if (tb[ZCRX_A_BINDING_COPYBREAK_PROBE])
		WRITE_ONCE(binding->copybreak_probe,
			   nla_get_u32(tb[ZCRX_A_BINDING_COPYBREAK_PROBE]));
	if (tb[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE])
		WRITE_ONCE(binding->unbind_on_vhost_gone,
			   nla_get_u8(tb[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE]));
	return 0;
}

/**
 * zcrx_nl_get_doit() - handle ZCRX_CMD_GET for one binding
 * @skb: the request
 * @info: its attributes: id
 *
 * Open to any user (no pre_doit); takes RTNL itself, after allocating
 * the reply.
 *
 * Context: process context; takes RTNL.
 * Return: 0 or a negative errno (-EINVAL without id, -ENOENT for an
 * unknown id).
 */
int zcrx_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct zcrx_binding *binding;
	struct sk_buff *rsp;
	int err;

	rsp = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rsp) {
		GENL_SET_ERR_MSG(info, "no memory for the reply");
		return -ENOMEM;
	}

	rtnl_lock();
	binding = zcrx_nl_binding(info);
	if (IS_ERR(binding))
		err = PTR_ERR(binding);
	else
		err = zcrx_nl_fill(rsp, binding, info->snd_portid,
				   info->snd_seq, 0, info->genlhdr->cmd, 0);
	rtnl_unlock();
	if (err) {
		nlmsg_free(rsp);
		return err;
	}
	return genlmsg_reply(rsp, info);
}

/**
 * struct zcrx_nl_dump_ctx - where a dump of the bindings resumes
 * @next_id: the lowest binding id not yet dumped
 *
 * Kept in &netlink_callback.ctx between the calls of a dump.
 */
struct zcrx_nl_dump_ctx {
	unsigned long next_id;
};

/**
 * zcrx_nl_get_dumpit() - dump the bindings of the requester's netns
 * @skb: the message to fill
 * @cb: the dump's state; &struct zcrx_nl_dump_ctx in its ctx
 *
 * Walks the bindings in id order from where the last call stopped, so
 * none is sent twice.
 *
 * Context: process context; takes RTNL.
 * Return: 0 when done, or -EMSGSIZE when @skb is full and the netlink
 * core is to call again.
 */
int zcrx_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct zcrx_nl_dump_ctx *ctx = (void *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct zcrx_binding *binding;
	int err = 0;

	rtnl_lock();
	for (; (binding = zcrx_binding_find_next(net, &ctx->next_id));
	     ctx->next_id++) {
		err = zcrx_nl_fill(skb, binding, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   ZCRX_CMD_GET, 0);
		if (err)
			break;
	}
	rtnl_unlock();
	/* -EMSGSIZE with messages in @skb: the core calls again. */
	return err;
}

/**
 * zcrx_nl_init() - register the zcrx generic netlink family
 *
 * Context: boot, from zcrx_init().
 * Return: 0 or the error of genl_register_family().
 */
int __init zcrx_nl_init(void)
{
	return genl_register_family(&zcrx_nl_family);
}
