/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcrx: zero-copy receive for vhost-net.
 *
 * A NIC receive queue is bound to a macvtap device.  The owner of the
 * receive buffers (vhost-net, for a guest) posts them to the bound queue;
 * the NIC writes frames straight into them and hands up skbs whose data
 * sits in those buffers, tagged with a ubuf_info so that nobody frees or
 * recycles the pages as if they were the driver's.  When the last
 * reference to such an skb goes, the buffer is returned to its owner.
 *
 * Not io_uring's zero-copy receive, which shares the name.
 */
#ifndef _NET_ZCRX_H
#define _NET_ZCRX_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <uapi/linux/zcrx.h>

struct zcrx_binding;
struct zcrx_buf;

/**
 * struct zcrx_buf_owner_ops - how a posted buffer goes back to its owner
 * @release: the buffer is no longer used by the NIC or the stack.
 *	@filled is true when a frame was received into it and delivered
 *	with the data in place (the owner may hand it to its consumer);
 *	false when it comes back unused (unbind, queue teardown) or when
 *	the frame was copied out of it (the owner may post it again).
 *	Called from any context, including hard IRQ; must not sleep.
 */
struct zcrx_buf_owner_ops {
	void (*release)(struct zcrx_buf *buf, bool filled);
};

/**
 * struct zcrx_buf - a receive buffer posted to a bound queue
 * @ubuf: tags the skb that carries the buffer; its refcount counts the
 *	skbs sharing the data (see skb_zerocopy_clone())
 * @page: the page holding the buffer
 * @offset: start of the buffer within @page
 * @len: room in the buffer, in bytes
 * @headroom: bytes right before @offset that belong to the buffer too,
 *	where a device may write a header of its own (a virtio-net NIC
 *	writes its virtio-net header there); for vhost-net, the room left
 *	for the guest's header
 * @cookie: the owner's name for the buffer (for vhost-net: the virtio
 *	descriptor head), passed back untouched
 * @pinned: bytes of user memory the owner pinned for the buffer, shown
 *	in the binding's accounting while the buffer is posted or in flight
 * @dest: where the owner wants the filled buffer delivered (for
 *	vhost-net: the macvtap queue it posted through); compared by the
 *	upper device, never dereferenced by zcrx or the driver
 * @frame_len: bytes of the frame the NIC wrote, set when filled
 * @copied: the frame was copied out of the buffer before delivery
 * @binding: the binding it was posted to (holds a reference)
 * @owner: whom to give the buffer back to
 * @dev_hdr: room for a header the device writes per buffer, in host
 *	memory the guest cannot reach (a virtio-net NIC's header), so that
 *	the driver reads the device's metadata from where nobody can
 *	rewrite it
 *
 * The owner allocates and fills in @page, @offset, @len, @headroom,
 * @cookie and @owner, then posts it with zcrx_post_rx_buffer(); the rest belongs to
 * zcrx and the driver.
 */
struct zcrx_buf {
	struct ubuf_info ubuf;
	struct page *page;
	u32 offset;
	u32 len;
	u32 headroom;
	u64 cookie;
	u32 pinned;
	const void *dest;
	u32 frame_len;
	bool copied;
	struct zcrx_binding *binding;
	const struct zcrx_buf_owner_ops *owner;
	u8 dev_hdr[24] __aligned(8);
};

/**
 * struct netdev_zcrx_ops - driver operations for zero-copy receive
 * @bind_queue: prepare RX queue @queue of @dev to take posted buffers
 *	for @binding.  Called under RTNL before the queue is restarted
 *	with netdev_rx_queue_restart(); from then on the driver takes
 *	frames for this queue from posted buffers.
 * @unbind_queue: stop taking posted buffers on @queue and release every
 *	buffer still posted with zcrx_buf_release(buf, false).  Called
 *	under RTNL after every post to the queue has finished; the queue is
 *	restarted afterwards.
 * @post_rx_buffer: the seed's ndo_post_rx_buffer: give @buf to the NIC
 *	for @queue.  Called in process or softirq context, concurrently
 *	with the queue's receive path; must not sleep.  Returns 0 or a
 *	negative errno (-ENOSPC when the queue's ring is full), in which
 *	case the buffer stays the caller's.
 * @flush_rx_buffers: release every buffer still posted to @queue, unused,
 *	with zcrx_buf_release(buf, false), while the queue stays bound: an
 *	owner that stops (vhost-net changing backend or memory table) gets
 *	its buffers back, and the device writes none of them afterwards.
 *	Called under RTNL, concurrently with the receive path and with
 *	posts; may sleep (a device holding buffers in its ring resets it).
 * @steer_queue: optional: steer the frames for unicast address @mac, and
 *	no other frame, to @queue: a MAC filter in the device, with @queue
 *	taken out of its RSS spreading, so that the device writes into the
 *	buffers posted to @queue only frames for that address (multicast
 *	and broadcast frames go elsewhere).  Called under RTNL after
 *	bind_queue and before the queue is restarted; undone by
 *	unbind_queue.  Without it a queue binds only to a macvtap in
 *	passthru mode, which owns the whole NIC.
 * @commit_rx_buffers: optional: the buffers posted to @queue since the
 *	last call are a batch; make them visible to the device at once (a
 *	doorbell).  Called in the poster's context after its posts.
 *
 * A driver sets dev->zcrx_ops to offer zero-copy receive.
 */
struct netdev_zcrx_ops {
	int (*bind_queue)(struct net_device *dev, unsigned int queue,
			  struct zcrx_binding *binding,
			  struct netlink_ext_ack *extack);
	void (*unbind_queue)(struct net_device *dev, unsigned int queue);
	int (*post_rx_buffer)(struct net_device *dev, unsigned int queue,
			      struct zcrx_buf *buf);
	void (*flush_rx_buffers)(struct net_device *dev, unsigned int queue);
	int (*steer_queue)(struct net_device *dev, unsigned int queue,
			   const u8 *mac, struct netlink_ext_ack *extack);
	void (*commit_rx_buffers)(struct net_device *dev, unsigned int queue);
};

/**
 * struct zcrx_rx_cost - what a binding's reader spent on a sample of frames
 * @copy_packets: sampled frames that came through the copy path
 * @copy_ns: time spent on each of them, from taking it off the queue to
 *	its descriptor being used (the copy included)
 * @copy_bytes: their bytes
 * @zerocopy_packets: sampled frames that came in a posted buffer
 * @zerocopy_ns: time spent on each of those, likewise
 * @buffers: buffers posted in the timed posting runs (timed only while the
 *	binding's copybreak probe is on)
 * @buffer_ns: time the posting and release runs took: what posting a
 *	buffer and taking it back costs (pinning, the driver's post,
 *	unpinning), which only the zero-copy path pays
 *
 * vhost-net measures a sample of its frames, and its posting and release
 * runs, and passes the sums on (TUN_MSG_ZCOPY_RX_COST); they are the
 * binding's cost-* counters.
 */
struct zcrx_rx_cost {
	u64 copy_packets;
	u64 copy_ns;
	u64 copy_bytes;
	u64 zerocopy_packets;
	u64 zerocopy_ns;
	u64 buffers;
	u64 buffer_ns;
};

#if IS_ENABLED(CONFIG_ZCRX)
struct zcrx_binding *zcrx_binding_get_by_macvtap(const struct net_device *dev);
void zcrx_binding_put(struct zcrx_binding *binding);
int zcrx_post_rx_buffer(struct zcrx_binding *binding, struct zcrx_buf *buf);
void zcrx_commit_rx_buffers(struct zcrx_binding *binding);
void zcrx_flush_rx_buffers(struct zcrx_binding *binding);
void zcrx_owner_gone(struct zcrx_binding *binding);
struct zcrx_buf *zcrx_skb_buf(struct sk_buff *skb);
void zcrx_count_copied_bytes(const struct net_device *macvtap, u32 bytes);
void zcrx_count_memcpy_cost(const struct net_device *macvtap, u32 bytes,
			    u64 ns);
bool zcrx_count_rx_cost(struct zcrx_binding *binding,
			const struct zcrx_rx_cost *cost);
void zcrx_buf_release(struct zcrx_buf *buf, bool filled);
void zcrx_buf_attach(struct zcrx_buf *buf, struct sk_buff *skb,
		     u32 frame_len);
u32 zcrx_rx_fallback(struct zcrx_binding *binding);
u32 zcrx_rx_too_big(struct zcrx_binding *binding);
bool zcrx_rx_len_ok(const struct zcrx_buf *buf, u32 len);
int zcrx_rx_orphan(struct sk_buff *skb, bool foreign);
bool zcrx_rx_copybreak(struct zcrx_binding *binding, unsigned int len);
void zcrx_count_rx_copy(struct zcrx_binding *binding);
u32 zcrx_dev_min_channel_count(const struct net_device *dev);
bool zcrx_rxq_bound(const struct net_device *dev, unsigned int queue);
#else
/* What tap and vhost-net call when the kernel has no zcrx. */
static inline struct zcrx_binding *
zcrx_binding_get_by_macvtap(const struct net_device *dev)
{
	return NULL;
}

static inline void zcrx_binding_put(struct zcrx_binding *binding) {}

static inline int zcrx_post_rx_buffer(struct zcrx_binding *binding,
				      struct zcrx_buf *buf)
{
	return -EOPNOTSUPP;
}

static inline void zcrx_commit_rx_buffers(struct zcrx_binding *binding) {}

static inline void zcrx_flush_rx_buffers(struct zcrx_binding *binding) {}
static inline void zcrx_owner_gone(struct zcrx_binding *binding) {}

static inline struct zcrx_buf *zcrx_skb_buf(struct sk_buff *skb)
{
	return NULL;
}

static inline void zcrx_count_copied_bytes(const struct net_device *macvtap,
					   u32 bytes)
{
}

static inline void zcrx_count_memcpy_cost(const struct net_device *macvtap,
					  u32 bytes, u64 ns)
{
}

static inline bool zcrx_count_rx_cost(struct zcrx_binding *binding,
				      const struct zcrx_rx_cost *cost)
{
	return false;
}

static inline int zcrx_rx_orphan(struct sk_buff *skb, bool foreign)
{
	return 0;
}

/* What the core asks before it hands a queue to another owner. */
static inline u32 zcrx_dev_min_channel_count(const struct net_device *dev)
{
	return 0;
}

static inline bool zcrx_rxq_bound(const struct net_device *dev,
				  unsigned int queue)
{
	return false;
}
#endif

#endif /* _NET_ZCRX_H */
