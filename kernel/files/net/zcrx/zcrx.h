/* SPDX-License-Identifier: GPL-2.0 */
/* zcrx internals shared by the core, netlink and debugfs parts. */
#ifndef _NET_ZCRX_ZCRX_H
#define _NET_ZCRX_ZCRX_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/zcrx.h>

/**
 * struct zcrx_pcpu_stats - per-CPU counters of a binding
 * @posted: buffers posted
 * @filled: posted buffers a frame was written into
 * @returned: posted buffers given back to their owner
 * @rx_zerocopy: frames delivered in a posted buffer
 * @rx_copy: frames delivered through the copy path
 * @rx_dropped: frames dropped for lack of a posted buffer
 * @rx_zerocopy_bytes: bytes of the frames counted in @rx_zerocopy
 * @rx_copied_bytes: bytes the macvtap's readers copied out of frames
 * @rx_copybreak: frames below the copybreak, copied with buffers posted
 * @rx_foreign: frames in a posted buffer not delivered in place to the
 *	queue that posted it, copied out before anyone else saw them
 * @rx_length_errors: frames the driver reported empty or longer than
 *	their posted buffer, dropped
 * @cost_copy_packets: sampled frames the reader took through the copy
 *	path (see &struct zcrx_rx_cost)
 * @cost_copy_ns: time the reader spent on them
 * @cost_copy_bytes: their bytes
 * @cost_memcpy_ns: time the macvtap's readers spent copying sampled frames
 * @cost_memcpy_bytes: the bytes of those frames
 * @cost_zerocopy_packets: sampled frames the reader took in place
 * @cost_zerocopy_ns: time the reader spent on them
 * @cost_buffers: buffers posted in the reader's timed posting runs
 * @cost_buffer_ns: time it spent posting and taking back buffers
 * @syncp: consistent 64-bit reads on 32-bit hosts
 *
 * Per CPU so that the poster, the NIC's NAPI context and whoever frees
 * the skb count without sharing a lock or a cache line.
 */
struct zcrx_pcpu_stats {
	u64_stats_t posted;
	u64_stats_t filled;
	u64_stats_t returned;
	u64_stats_t rx_zerocopy;
	u64_stats_t rx_copy;
	u64_stats_t rx_dropped;
	u64_stats_t rx_zerocopy_bytes;
	u64_stats_t rx_copied_bytes;
	u64_stats_t rx_copybreak;
	u64_stats_t rx_foreign;
	u64_stats_t rx_length_errors;
	u64_stats_t cost_copy_packets;
	u64_stats_t cost_copy_ns;
	u64_stats_t cost_copy_bytes;
	u64_stats_t cost_memcpy_ns;
	u64_stats_t cost_memcpy_bytes;
	u64_stats_t cost_zerocopy_packets;
	u64_stats_t cost_zerocopy_ns;
	u64_stats_t cost_buffers;
	u64_stats_t cost_buffer_ns;
	struct u64_stats_sync syncp;
};

/**
 * struct zcrx_counters - a binding's counters summed over CPUs
 * @posted: see &struct zcrx_pcpu_stats
 * @filled: see &struct zcrx_pcpu_stats
 * @returned: see &struct zcrx_pcpu_stats
 * @rx_zerocopy: see &struct zcrx_pcpu_stats
 * @rx_copy: see &struct zcrx_pcpu_stats
 * @rx_dropped: see &struct zcrx_pcpu_stats
 * @rx_zerocopy_bytes: see &struct zcrx_pcpu_stats
 * @rx_copied_bytes: see &struct zcrx_pcpu_stats
 * @rx_copybreak: see &struct zcrx_pcpu_stats
 * @rx_foreign: see &struct zcrx_pcpu_stats
 * @rx_length_errors: see &struct zcrx_pcpu_stats
 * @cost_copy_packets: see &struct zcrx_pcpu_stats
 * @cost_copy_ns: see &struct zcrx_pcpu_stats
 * @cost_copy_bytes: see &struct zcrx_pcpu_stats
 * @cost_memcpy_ns: see &struct zcrx_pcpu_stats
 * @cost_memcpy_bytes: see &struct zcrx_pcpu_stats
 * @cost_zerocopy_packets: see &struct zcrx_pcpu_stats
 * @cost_zerocopy_ns: see &struct zcrx_pcpu_stats
 * @cost_buffers: see &struct zcrx_pcpu_stats
 * @cost_buffer_ns: see &struct zcrx_pcpu_stats
 */
struct zcrx_counters {
	u64 posted;
	u64 filled;
	u64 returned;
	u64 rx_zerocopy;
	u64 rx_copy;
	u64 rx_dropped;
	u64 rx_zerocopy_bytes;
	u64 rx_copied_bytes;
	u64 rx_copybreak;
	u64 rx_foreign;
	u64 rx_length_errors;
	u64 cost_copy_packets;
	u64 cost_copy_ns;
	u64 cost_copy_bytes;
	u64 cost_memcpy_ns;
	u64 cost_memcpy_bytes;
	u64 cost_zerocopy_packets;
	u64 cost_zerocopy_ns;
	u64 cost_buffers;
	u64 cost_buffer_ns;
};

/* Events waiting in zcrx_binding.events for the event work. */
enum zcrx_event {
	ZCRX_EV_LOW_BUFFERS,
	ZCRX_EV_FALLBACK_ENGAGED,
	ZCRX_EV_FALLBACK_CLEARED,
	ZCRX_EV_FOREIGN,
	ZCRX_EV_COUNT,
};

/**
 * struct zcrx_binding - a NIC RX queue bound to a macvtap device
 * @id: the id user space knows it by
 * @nic: the NIC (reference held while bound)
 * @nic_tracker: tracker of that reference
 * @queue: the bound RX queue of @nic
 * @macvtap: the macvtap device stacked on @nic (reference held)
 * @macvtap_tracker: tracker of that reference
 * @fallback: ZCRX_FALLBACK_* applied when no buffer is posted
 * @low_watermark: posted-buffer level below which user space is told
 * @copybreak: frames shorter than this take the copy path
 * @copybreak_probe: 1 in this many frames takes the other path than the
 *	copybreak says (0: none), so that both paths' costs stay measured
 * @probe_seq: frames asked about since the last probe; written by the
 *	queue's receive path alone
 * @unbind_on_vhost_gone: the binding ends when its owner is released
 *	(zcrx_owner_gone())
 * @isolation: ZCRX_ISOLATION_*: why the queue's frames are the guest's
 * @foreign_seen: a foreign frame was seen (foreign-frames-ntf sent once)
 * @state: ZCRX_STATE_*: whether frames land in posted buffers now
 * @level: buffers posted to the NIC and neither filled nor released
 * @bound: false once unbinding started; posting is refused from then
 * @refcnt: held by the binding table, each posted buffer, queued events
 * @pinned_bytes: owner memory pinned for posted buffers
 * @stats: counters, see &struct zcrx_pcpu_stats
 * @events: ZCRX_EV_* bits waiting to be multicast by @event_work
 * @event_work: multicasts events from process context
 * @debugfs: the binding's debugfs directory
 * @rcu: frees the binding after RCU readers are done
 *
 * @nic, @queue and @macvtap do not change while the binding lives;
 * @fallback, @low_watermark, @copybreak, @copybreak_probe and
 * @unbind_on_vhost_gone change under RTNL and are read locklessly on the receive path.
 */
struct zcrx_binding {
	u32 id;
	struct net_device *nic;
	netdevice_tracker nic_tracker;
	unsigned int queue;
	struct net_device *macvtap;
	netdevice_tracker macvtap_tracker;
	u32 fallback;
	u32 low_watermark;
	u32 copybreak;
	u32 copybreak_probe;
	u32 probe_seq;
	bool unbind_on_vhost_gone;
	u32 isolation;
	unsigned long foreign_seen;
	u32 state;
	atomic_t level;
	bool bound;
	refcount_t refcnt;
	atomic64_t pinned_bytes;
	struct zcrx_pcpu_stats __percpu *stats;
	unsigned long events;
	struct work_struct event_work;
	struct dentry *debugfs;
	struct rcu_head rcu;
};

/**
 * zcrx_state_enter() - move a binding's state to @new
 * @state: the state word, updated concurrently by posters and the NIC
 * @new: ZCRX_STATE_ZEROCOPY or ZCRX_STATE_FALLBACK
 *
 * Return: true for the one caller that made the change (it sends the
 * event), false when the state already was @new.
 */
static inline bool zcrx_state_enter(u32 *state, u32 new)
{
	u32 old = new == ZCRX_STATE_ZEROCOPY ? ZCRX_STATE_FALLBACK :
					       ZCRX_STATE_ZEROCOPY;

	return cmpxchg(state, old, new) == old;
}

/**
 * zcrx_crossed_low() - did the posted level just fall below the watermark?
 * @old: level before the change
 * @new: level after it
 * @watermark: the binding's low watermark; 0 disables the event
 *
 * Return: true only on the downward crossing, so the event is sent once
 * per dip rather than for every buffer filled below the watermark.
 */
static inline bool zcrx_crossed_low(u32 old, u32 new, u32 watermark)
{
	return watermark && old >= watermark && new < watermark;
}

struct zcrx_binding *zcrx_binding_alloc(struct net_device *nic, u32 queue,
					struct net_device *macvtap,
					u32 fallback, u32 low_watermark);
struct zcrx_binding *zcrx_binding_lookup(struct net *net, u32 id);
struct zcrx_binding *zcrx_binding_find_next(struct net *net,
					    unsigned long *id);
/**
 * struct zcrx_binding_config - what bind chooses for a new binding
 * @fallback: ZCRX_FALLBACK_* for when no buffer is posted
 * @low_watermark: posted level below which an event is sent, 0 for none
 * @copybreak: frames shorter than this take the copy path, 0 for none
 * @copybreak_probe: 1 in this many frames goes against the copybreak, 0
 *	for none
 * @unbind_on_vhost_gone: end the binding when its owner is released
 */
struct zcrx_binding_config {
	u32 fallback;
	u32 low_watermark;
	u32 copybreak;
	u32 copybreak_probe;
	bool unbind_on_vhost_gone;
};

int zcrx_binding_create(struct net *net, u32 ifindex, u32 queue,
			struct net *macvtap_net, u32 macvtap_ifindex,
			const struct zcrx_binding_config *config,
			struct netlink_ext_ack *extack,
			struct zcrx_binding **ret);
void zcrx_binding_destroy(struct zcrx_binding *binding, u32 reason);
void zcrx_binding_hold(struct zcrx_binding *binding);
void zcrx_binding_read(struct zcrx_binding *binding,
		       struct zcrx_counters *ret);
#if IS_ENABLED(CONFIG_KUNIT)
int zcrx_check_rxq(struct net_device *nic, u32 queue,
		   struct netlink_ext_ack *extack);
#endif

/* netlink.c */
void zcrx_nl_notify(struct zcrx_binding *binding, u32 cmd, u32 reason);
int zcrx_nl_init(void);

/* debugfs.c */
#if IS_ENABLED(CONFIG_ZCRX_TEST_POST)
void zcrx_debugfs_binding_add(struct zcrx_binding *binding);
void zcrx_debugfs_init(void);
#else
static inline void zcrx_debugfs_binding_add(struct zcrx_binding *binding) {}
static inline void zcrx_debugfs_init(void) {}
#endif

#endif /* _NET_ZCRX_ZCRX_H */
