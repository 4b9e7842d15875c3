// SPDX-License-Identifier: GPL-2.0
/*
 * netdevsim zero-copy receive (zcrx): a bound RX queue keeps a ring of
 * posted buffers.  A frame arriving from the peer on that queue takes the
 * next buffer, is "DMAed" into it - a CPU copy, the one thing netdevsim
 * cannot do without - and goes up as an skb whose payload is a fragment
 * of the buffer's page, tagged by zcrx_buf_attach().  With no buffer the
 * binding's fallback applies: deliver the peer's skb (the driver-owned
 * buffer of this software NIC) or drop it.
 *
 * A benchmark that weighs zero-copy against the copy path needs a copy
 * path that costs what a NIC's does: with debugfs zcrx_own_buffers set,
 * every frame that does not go into a posted buffer is "DMAed" into an
 * skb of netdevsim's own, on bound and unbound queues alike.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/ptr_ring.h>
#include <linux/rtnetlink.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <net/zcrx.h>

#include "netdevsim.h"

#define NSIM_ZCRX_RING_SIZE	1024

/**
 * struct nsim_zcrx_rq - zero-copy state of a bound RX queue
 * @ring: posted buffers; produced by posters, consumed by NAPI and by
 *	flushes, which share its consumer lock
 * @binding: the binding the queue serves
 * @mac: the unicast address steered to the queue, when @steered
 * @steered: the queue takes the frames for @mac and no others (the MAC
 *	filter of a real NIC; read by the peer's transmit path)
 */
struct nsim_zcrx_rq {
	struct ptr_ring ring;
	struct zcrx_binding *binding;
	u8 mac[ETH_ALEN];
	bool steered;
};

/* Values of the zcrx_fault_len debugfs knob: what the "device" reports. */
enum nsim_zcrx_fault {
	NSIM_ZCRX_FAULT_NONE,
	NSIM_ZCRX_FAULT_LEN_ZERO,	/* an empty frame */
	NSIM_ZCRX_FAULT_LEN_PAST_BUF,	/* one byte past the posted buffer */
	NSIM_ZCRX_FAULT_LEN_PAST_PAGE,	/* past the buffer's page */
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
	if (!zc) {
		NL_SET_ERR_MSG(extack, "queue-id: no memory for the queue's state");
		return -ENOMEM;
	}
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
	if (zc->steered)
		WRITE_ONCE(ns->zcrx_steered, ns->zcrx_steered - 1);
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
 * With debugfs zcrx_post_cost_ns set, each post busy-waits that long (at
 * most 1 ms): a NIC behind an IOMMU maps every buffer it is given, a cost
 * netdevsim does not have otherwise.
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
	/* At most 1 ms: posts run under RCU, 32 to a batch. */
	u32 cost = min_t(u32, READ_ONCE(ns->zcrx_post_cost_ns), NSEC_PER_MSEC);
	struct nsim_zcrx_rq *zc;

	if (cost)
		ndelay(cost);

	zc = rcu_dereference(ns->rq[queue].zcrx);
	if (!zc)
		return -ENODEV;
	return ptr_ring_produce_bh(&zc->ring, buf);
}

/**
 * nsim_zcrx_steer_queue() - program the queue's MAC filter
 * @dev: the netdevsim device
 * @queue: index of the bound RX queue
 * @mac: the unicast address whose frames, and no others, go to @queue
 * @extack: netlink extended ack, for an error message
 *
 * From here the peer's transmit path puts the frames for @mac on @queue
 * and every other frame on an unsteered queue (nsim_zcrx_steer()), as a
 * NIC's MAC filter with the queue out of RSS would.  Undone by unbind.
 *
 * Context: RTNL held, after bind_queue.
 * Return: 0, or -EINVAL for an address that is not unicast.
 */
static int nsim_zcrx_steer_queue(struct net_device *dev, unsigned int queue,
				 const u8 *mac, struct netlink_ext_ack *extack)
{
	struct netdevsim *ns = netdev_priv(dev);
	struct nsim_zcrx_rq *zc = rtnl_dereference(ns->rq[queue].zcrx);

	if (!is_unicast_ether_addr(mac)) {
		NL_SET_ERR_MSG(extack, "macvtap-ifindex: address is not unicast");
		return -EINVAL;
	}
	ether_addr_copy(zc->mac, mac);
	/* The address before the flag: the transmit path reads them locklessly. */
	smp_store_release(&zc->steered, true);
	WRITE_ONCE(ns->zcrx_steered, ns->zcrx_steered + 1);
	return 0;
}

const struct netdev_zcrx_ops nsim_zcrx_ops = {
	.bind_queue	= nsim_zcrx_bind_queue,
	.unbind_queue	= nsim_zcrx_unbind_queue,
	.post_rx_buffer	= nsim_zcrx_post_rx_buffer,
	.flush_rx_buffers = nsim_zcrx_flush_rx_buffers,
	.steer_queue	= nsim_zcrx_steer_queue,
};

/**
 * nsim_zcrx_rq_steered() - does an RX queue have a MAC filter?
 * @rq: the RX queue
 *
 * Context: RCU read-side section.
 * Return: true when @rq takes only the frames of its steered address.
 */
static bool nsim_zcrx_rq_steered(struct nsim_rq *rq)
{
	struct nsim_zcrx_rq *zc = rcu_dereference(rq->zcrx);

	/* Pairs with nsim_zcrx_steer_queue(): the address is set first. */
	return zc && smp_load_acquire(&zc->steered);
}

/**
 * nsim_zcrx_steer() - the RX queue of @ns a frame lands on
 * @ns: the receiving netdevsim device
 * @skb: the frame, Ethernet header at @skb->data (the sender's transmit)
 * @rxq: the queue the frame would take without MAC filters
 *
 * A frame for a steered address goes to its queue; any other frame never
 * goes to a steered queue, but to the first queue that is not.
 *
 * Context: the sender's transmit path, in an RCU read-side section.
 * Return: the queue index, or -1 when every queue is steered elsewhere.
 */
int nsim_zcrx_steer(struct netdevsim *ns, const struct sk_buff *skb, int rxq)
{
	unsigned int i, n = ns->netdev->num_rx_queues;
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;
	struct nsim_zcrx_rq *zc;

	if (!READ_ONCE(ns->zcrx_steered))
		return rxq;
	for (i = 0; i < n && skb_headlen(skb) >= ETH_HLEN; i++) {
		zc = rcu_dereference(ns->rq[i].zcrx);
		if (nsim_zcrx_rq_steered(&ns->rq[i]) &&
		    ether_addr_equal(zc->mac, eth->h_dest))
			return i;
	}
	if (!nsim_zcrx_rq_steered(&ns->rq[rxq]))
		return rxq;
	for (i = 0; i < n; i++)
		if (!nsim_zcrx_rq_steered(&ns->rq[i]))
			return i;
	return -1;
}

/**
 * nsim_zcrx_reported_len() - the frame length the "device" reports
 * @rq: the RX queue
 * @buf: the buffer the frame was written into
 * @len: the frame's true length
 *
 * A hostile or buggy device, on demand (debugfs zcrx_fault_len): zcrx
 * must bound what the device says before anything uses it.
 *
 * Return: @len, or the faulty length the knob asks for.
 */
static u32 nsim_zcrx_reported_len(struct nsim_rq *rq,
				  const struct zcrx_buf *buf, u32 len)
{
	struct netdevsim *ns = netdev_priv(rq->napi.dev);

	switch (READ_ONCE(ns->zcrx_fault_len)) {
	case NSIM_ZCRX_FAULT_LEN_ZERO:
		return 0;
	case NSIM_ZCRX_FAULT_LEN_PAST_BUF:
		return buf->len + 1;
	case NSIM_ZCRX_FAULT_LEN_PAST_PAGE:
		return PAGE_SIZE + 100;
	}
	return len;
}

/**
 * nsim_zcrx_build_skb() - "DMA" a frame into a posted buffer
 * @rq: the RX queue, whose NAPI allocates the skb
 * @queue: index of @rq, recorded in the skb
 * @buf: the buffer, taken off the ring, with room for @skb
 * @skb: the frame from the peer, Ethernet header included; not consumed
 *
 * The device writes the frame into @buf (a CPU copy, timed in the
 * queue's zcrx_dma_ns); the new skb holds the Ethernet header in its
 * head and carries the rest as a fragment of @buf's page.
 * The head is copied from the frame as sent (host memory), never read
 * back from the guest's page, and the length the device reports is
 * bounded before use.
 *
 * Context: NAPI, under the ring's consumer lock.
 * Return: the skb, tagged with zcrx_buf_attach(); NULL (no memory) or
 * ERR_PTR(-EMSGSIZE) (a length the buffer cannot hold: drop the frame)
 * with @buf still the caller's.
 */
static struct sk_buff *nsim_zcrx_build_skb(struct nsim_rq *rq,
					   unsigned int queue,
					   struct zcrx_buf *buf,
					   const struct sk_buff *skb)
{
	unsigned int len = skb->len, hlen;
	struct sk_buff *nskb;
	u64 start;
	void *va;

	/* The copy is the NIC's DMA: its time is reported apart. */
	start = local_clock();
	va = kmap_local_page(buf->page) + buf->offset;
	if (skb_copy_bits(skb, 0, va, len)) {
		kunmap_local(va);
		return NULL;
	}
	kunmap_local(va);
	WRITE_ONCE(rq->zcrx_dma_ns, rq->zcrx_dma_ns + local_clock() - start);
	len = nsim_zcrx_reported_len(rq, buf, len);
	if (!zcrx_rx_len_ok(buf, len))
		return ERR_PTR(-EMSGSIZE);

	hlen = min_t(unsigned int, len, ETH_HLEN);
	nskb = napi_alloc_skb(&rq->napi, hlen);
	if (!nskb)
		return NULL;
	/* Header split: the stack parses the Ethernet header in the head. */
	skb_copy_bits(skb, 0, skb_put(nskb, hlen), hlen);
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
	bool bad_len = false;

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
			/* No skb: the buffer goes back unused. */
			if (IS_ERR_OR_NULL(nskb)) {
				bad_len = IS_ERR(nskb);
				nskb = NULL;
				zcrx_buf_release(buf, false);
			}
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
	/* The device's word on the frame cannot be trusted: drop it. */
	if (bad_len) {
		kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
		return NULL;
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
 * nsim_zcrx_rcv_own() - receive a frame into a buffer of the device's own
 * @rq: the RX queue, whose NAPI allocates the buffer
 * @queue: index of @rq, recorded in the skb
 * @skb: the frame from the peer, after eth_type_trans()
 *
 * What a NIC does with a frame that has no posted buffer: its DMA writes
 * the frame into a driver buffer (here an skb from NAPI's page fragments;
 * a CPU copy timed in zcrx_dma_ns) and the driver hands that up.  Handing
 * up the peer's skb instead costs no allocation, copy or free, which
 * would flatter the copy path against zero-copy.
 *
 * Context: NAPI.
 * Return: the new skb (@skb is then consumed), or @skb itself when it
 * cannot be copied (a GSO frame, no memory).
 */
static struct sk_buff *nsim_zcrx_rcv_own(struct nsim_rq *rq,
					 unsigned int queue,
					 struct sk_buff *skb)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	unsigned int len = skb->len + mac_len;
	struct sk_buff *nskb;
	u64 start;

	if (skb_is_gso(skb))
		return skb;
	nskb = napi_alloc_skb(&rq->napi, len);
	if (!nskb)
		return skb;
	start = local_clock();
	/* The frame as it came off the wire, Ethernet header included. */
	if (skb_copy_bits(skb, -(int)mac_len, skb_put(nskb, len), len)) {
		kfree_skb(nskb);
		return skb;
	}
	WRITE_ONCE(rq->zcrx_dma_ns, rq->zcrx_dma_ns + local_clock() - start);
	nskb->protocol = eth_type_trans(nskb, rq->napi.dev);
	skb_record_rx_queue(nskb, queue);
	consume_skb(skb);
	return nskb;
}

/*
 * A frame the device copies must carry its final checksum, as one off the
 * wire does: the peer may hand over a partial one (netdevsim offers
 * checksum offload), which a copy into a fresh skb would lose.
 */
static int nsim_zcrx_wire_csum(struct sk_buff *skb)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL || skb_is_gso(skb))
		return 0;
	return skb_checksum_help(skb);
}

/**
 * nsim_zcrx_rcv() - receive a frame on a queue that may be bound
 * @rq: the RX queue
 * @queue: its index
 * @skb: the frame from the peer, after eth_type_trans()
 *
 * Context: NAPI.
 * Return: the skb to pass up (@skb itself, one whose data sits in a
 * posted buffer, or with zcrx_own_buffers a copy in netdevsim's own), or
 * NULL when the frame was dropped.
 */
struct sk_buff *nsim_zcrx_rcv(struct nsim_rq *rq, unsigned int queue,
			      struct sk_buff *skb)
{
	struct netdevsim *ns = netdev_priv(rq->napi.dev);
	bool own = READ_ONCE(ns->zcrx_own_buffers);
	struct sk_buff *up = skb;
	struct nsim_zcrx_rq *zc;

	rcu_read_lock();
	zc = rcu_dereference(rq->zcrx);
	if ((zc || own) && nsim_zcrx_wire_csum(skb)) {
		rcu_read_unlock();
		kfree_skb(skb);
		return NULL;
	}
	if (zc)
		up = nsim_zcrx_rcv_bound(rq, queue, zc, skb);
	rcu_read_unlock();
	/* The copy path: the peer's skb, unless the device has its own. */
	if (up == skb && own)
		up = nsim_zcrx_rcv_own(rq, queue, skb);
	return up;
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
