// SPDX-License-Identifier: GPL-2.0
/*
 * netdevsim zero-copy receive (zcrx): a bound RX queue keeps a ring of
 * posted buffers.  A frame arriving from the peer on that queue takes the
 * next buffer, is "DMAed" into it - a CPU copy, the one thing netdevsim
 * cannot do without - and goes up as an skb whose payload is a fragment
 * of the buffer's page, tagged by zcrx_buf_attach().  With no buffer the
 * binding's fallback applies: deliver the peer's skb (the driver-owned
 * buffer of this software NIC) or drop it.
 */
#include <linux/highmem.h>
#include <linux/ptr_ring.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/zcrx.h>

#include "netdevsim.h"

#define NSIM_ZCRX_RING_SIZE	1024

/**
 * struct nsim_zcrx_rq - zero-copy state of a bound RX queue
 * @ring: posted buffers; produced by posters, consumed by NAPI and by
 *	flushes, which share its consumer lock
 * @binding: the binding the queue serves
 */
struct nsim_zcrx_rq {
	struct ptr_ring ring;
	struct zcrx_binding *binding;
};

/**
 * nsim_zcrx_bind_queue() - give an RX queue a ring for posted buffers
 * @dev: the netdevsim device
 * @queue: index of the RX queue to bind
 * @binding: the binding the queue will serve
 * @extack: netlink extended ack, for an error message
 *
 * The ring is published before the queue restart, which then gives the
 * queue no page pool: from there on NAPI receives into posted buffers.
 *
 * Context: RTNL held; sleeps.
 * Return: 0, or -ENOMEM.
 */
static int nsim_zcrx_bind_queue(struct net_device *dev, unsigned int queue,
				struct zcrx_binding *binding,
				struct netlink_ext_ack *extack)
{
	struct netdevsim *ns = netdev_priv(dev);
	struct nsim_zcrx_rq *zc;

	zc = kzalloc(sizeof(*zc), GFP_KERNEL);
	if (!zc)
		return -ENOMEM;
	if (ptr_ring_init(&zc->ring, NSIM_ZCRX_RING_SIZE, GFP_KERNEL)) {
		kfree(zc);
		NL_SET_ERR_MSG(extack, "queue-id: no memory for the buffer ring");
		return -ENOMEM;
	}
	zc->binding = binding;
	rcu_assign_pointer(ns->rq[queue].zcrx, zc);
	return 0;
}

/**
 * nsim_zcrx_drain() - release every buffer still in a queue's ring
 * @zc: the queue's zero-copy state
 *
 * Each buffer goes back to its owner unused, zcrx_buf_release(buf, false).
 *
 * Context: process context.  NAPI takes the consumer lock in softirq, so
 * the ring is drained with BHs off.
 */
static void nsim_zcrx_drain(struct nsim_zcrx_rq *zc)
{
	struct zcrx_buf *buf;

	while ((buf = ptr_ring_consume_bh(&zc->ring)))
		zcrx_buf_release(buf, false);
}

/**
 * nsim_zcrx_unbind_queue() - stop taking posted buffers on an RX queue
 * @dev: the netdevsim device
 * @queue: index of the bound RX queue
 *
 * Unpublishes the ring, waits until NAPI no longer uses it, then gives
 * back the buffers still posted and frees it.
 *
 * Context: RTNL held, no post to @queue in progress; sleeps.
 */
static void nsim_zcrx_unbind_queue(struct net_device *dev, unsigned int queue)
{
	struct netdevsim *ns = netdev_priv(dev);
	struct nsim_zcrx_rq *zc;

	zc = rtnl_dereference(ns->rq[queue].zcrx);
	RCU_INIT_POINTER(ns->rq[queue].zcrx, NULL);
	/* NAPI may still be looking at the ring. */
	synchronize_net();
	nsim_zcrx_drain(zc);
	ptr_ring_cleanup(&zc->ring, NULL);
	kfree(zc);
}

/**
 * nsim_zcrx_flush_rx_buffers() - give back the buffers posted to a queue
 * @dev: the netdevsim device
 * @queue: index of the RX queue
 *
 * For an owner that stops while the queue stays bound.  The ring is all
 * the "device" holds, so there is nothing to reset.
 *
 * Context: RTNL held; concurrent with NAPI and with posts.
 */
static void nsim_zcrx_flush_rx_buffers(struct net_device *dev,
				       unsigned int queue)
{
	struct netdevsim *ns = netdev_priv(dev);
	struct nsim_zcrx_rq *zc;

	rcu_read_lock();
	zc = rcu_dereference(ns->rq[queue].zcrx);
	if (zc)
		nsim_zcrx_drain(zc);
	rcu_read_unlock();
}

/**
 * nsim_zcrx_post_rx_buffer() - add a buffer to a bound queue's ring
 * @dev: the netdevsim device
 * @queue: index of the RX queue
 * @buf: the buffer, set up by zcrx_post_rx_buffer()
 *
 * Context: process or softirq context, in an RCU read-side section (the
 * zcrx core's); does not sleep.
 * Return: 0, -ENODEV when @queue is not bound or -ENOSPC when its ring is
 * full; on error @buf stays the caller's.
 */
static int nsim_zcrx_post_rx_buffer(struct net_device *dev,
				    unsigned int queue, struct zcrx_buf *buf)
{
	struct netdevsim *ns = netdev_priv(dev);
	struct nsim_zcrx_rq *zc;

	zc = rcu_dereference(ns->rq[queue].zcrx);
	if (!zc)
		return -ENODEV;
	return ptr_ring_produce_bh(&zc->ring, buf);
}

const struct netdev_zcrx_ops nsim_zcrx_ops = {
	.bind_queue	= nsim_zcrx_bind_queue,
	.unbind_queue	= nsim_zcrx_unbind_queue,
	.post_rx_buffer	= nsim_zcrx_post_rx_buffer,
	.flush_rx_buffers = nsim_zcrx_flush_rx_buffers,
};

/**
 * nsim_zcrx_build_skb() - "DMA" a frame into a posted buffer
 * @rq: the RX queue, whose NAPI allocates the skb
 * @queue: index of @rq, recorded in the skb
 * @buf: the buffer, taken off the ring, with room for @skb
 * @skb: the frame from the peer, Ethernet header included; not consumed
 *
 * The device writes the frame into @buf; the new skb holds the Ethernet
 * header in its head and carries the rest as a fragment of @buf's page.
 *
 * Context: NAPI, under the ring's consumer lock.
 * Return: the skb, tagged with zcrx_buf_attach(), or NULL (no memory)
 * with @buf still the caller's.
 */
static struct sk_buff *nsim_zcrx_build_skb(struct nsim_rq *rq,
					   unsigned int queue,
					   struct zcrx_buf *buf,
					   const struct sk_buff *skb)
{
	unsigned int len = skb->len, hlen = min_t(unsigned int, len, ETH_HLEN);
	struct sk_buff *nskb;
	void *va;

	nskb = napi_alloc_skb(&rq->napi, hlen);
	if (!nskb)
		return NULL;

	va = kmap_local_page(buf->page) + buf->offset;
	if (skb_copy_bits(skb, 0, va, len)) {
		kunmap_local(va);
		kfree_skb(nskb);
		return NULL;
	}
	/* Header split: the stack parses the Ethernet header in the head. */
	skb_put_data(nskb, va, hlen);
	kunmap_local(va);
	if (len > hlen) {
		get_page(buf->page);
		skb_add_rx_frag(nskb, 0, buf->page, buf->offset + hlen,
				len - hlen, buf->len - hlen);
	}
	zcrx_buf_attach(buf, nskb, len);
	nskb->protocol = eth_type_trans(nskb, rq->napi.dev);
	skb_record_rx_queue(nskb, queue);
	return nskb;
}

/**
 * nsim_zcrx_rcv_bound() - receive a frame on a bound queue
 * @rq: the RX queue
 * @queue: index of @rq
 * @zc: the queue's zero-copy state
 * @skb: the frame from the peer, after eth_type_trans()
 *
 * The frame goes into the next posted buffer unless it is below the
 * copybreak or larger than that buffer (copy path); with no buffer
 * posted the binding's fallback decides.
 *
 * Context: NAPI, in an RCU read-side section.
 * Return: @skb (copy path), the skb built on a posted buffer (@skb is
 * then consumed), or NULL when @skb was dropped.
 */
static struct sk_buff *nsim_zcrx_rcv_bound(struct nsim_rq *rq,
					   unsigned int queue,
					   struct nsim_zcrx_rq *zc,
					   struct sk_buff *skb)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	struct sk_buff *nskb = NULL;
	struct zcrx_buf *buf;
	bool too_big = false;

	/*
	 * Short frames first, without the lock: with a buffer posted, a
	 * frame below the copybreak takes the copy path (a posted buffer
	 * seen or missed by this unlocked look is only a matter of which
	 * counter the frame lands in).
	 */
	if (!__ptr_ring_empty(&zc->ring) &&
	    zcrx_rx_copybreak(zc->binding, skb->len + mac_len))
		return skb;

	/* The frame as it came off the wire, Ethernet header included. */
	__skb_push(skb, mac_len);
	/* A flush may empty the ring between a peek and a consume. */
	spin_lock(&zc->ring.consumer_lock);
	buf = __ptr_ring_peek(&zc->ring);
	/* Too big for the buffer: copy path, the buffer stays posted. */
	if (buf) {
		if (skb->len <= buf->len) {
			__ptr_ring_discard_one(&zc->ring);
			nskb = nsim_zcrx_build_skb(rq, queue, buf, skb);
			/* No skb (no memory): the buffer goes back unused. */
			if (!nskb)
				zcrx_buf_release(buf, false);
		} else {
			too_big = true;
		}
	}
	spin_unlock(&zc->ring.consumer_lock);
	__skb_pull(skb, mac_len);

	if (nskb) {
		consume_skb(skb);
		return nskb;
	}
	if (too_big)
		zcrx_count_rx_copy(zc->binding);
	if (buf)
		return skb;
	if (zcrx_rx_fallback(zc->binding) == ZCRX_FALLBACK_DROP) {
		kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
		return NULL;
	}
	return skb;
}

/**
 * nsim_zcrx_rcv() - receive a frame on a queue that may be bound
 * @rq: the RX queue
 * @queue: its index
 * @skb: the frame from the peer, after eth_type_trans()
 *
 * Context: NAPI.
 * Return: the skb to pass up (@skb itself, or one whose data sits in a
 * posted buffer), or NULL when the frame was dropped.
 */
struct sk_buff *nsim_zcrx_rcv(struct nsim_rq *rq, unsigned int queue,
			      struct sk_buff *skb)
{
	struct nsim_zcrx_rq *zc;

	rcu_read_lock();
	zc = rcu_dereference(rq->zcrx);
	if (zc)
		skb = nsim_zcrx_rcv_bound(rq, queue, zc, skb);
	rcu_read_unlock();
	return skb;
}

/**
 * nsim_zcrx_bound() - does the queue take posted buffers?
 * @rq: the RX queue
 *
 * Context: RTNL held.
 * Return: true when a binding owns @rq: the driver's own buffers for it
 * are not allocated.
 */
bool nsim_zcrx_bound(struct nsim_rq *rq)
{
	return rcu_access_pointer(rq->zcrx);
}
