// SPDX-License-Identifier: GPL-2.0
/*
 * zcrx core: bindings of NIC RX queues to macvtap devices, the buffers
 * posted to them and their accounting.
 *
 * A binding belongs to the kernel, not to the socket that asked for it:
 * it ends on unbind, or when the NIC or the macvtap is unregistered.  Its
 * lifecycle follows net/core/devmem.c: refuse a queue somebody else owns,
 * record the binding on the queue, restart the queue so the driver
 * rebuilds it around the binding, and undo all of it on the way out.
 */
#include <linux/debugfs.h>
#include <linux/error-injection.h>
#include <linux/if_macvlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>
#include <net/netdev_queues.h>
#include <net/netdev_rx_queue.h>
#include <net/xdp_sock_drv.h>
#include <net/zcrx.h>

#include "zcrx.h"

/* id -> binding; changed under RTNL, looked up under RTNL or RCU. */
static DEFINE_XARRAY_ALLOC1(zcrx_bindings);
static u32 zcrx_next_id;

#define ZCRX_STAT(field) offsetof(struct zcrx_pcpu_stats, field)

/**
 * zcrx_stat_add() - add to one of a binding's per-CPU counters
 * @binding: the binding
 * @field: offset of the counter in &struct zcrx_pcpu_stats (ZCRX_STAT())
 * @delta: amount to add; negative to take back a count (a failed post)
 *
 * Counters move in any context: NAPI, the poster, whoever frees an skb.
 *
 * Context: any; does not sleep.
 */
static void zcrx_stat_add(struct zcrx_binding *binding, size_t field,
			  s64 delta)
{
	struct zcrx_pcpu_stats *s = get_cpu_ptr(binding->stats);
	u64_stats_t *counter = (void *)s + field;
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	if (delta >= 0)
		u64_stats_add(counter, delta);
	else
		u64_stats_sub(counter, -delta);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(binding->stats);
}

static const struct ubuf_info_ops zcrx_ubuf_ops;

/**
 * zcrx_binding_hold() - take a reference on a binding
 * @binding: the binding; the caller already holds a reference or RTNL
 */
void zcrx_binding_hold(struct zcrx_binding *binding)
{
	refcount_inc(&binding->refcnt);
}

/**
 * zcrx_binding_free_rcu() - free a binding once no RCU reader can see it
 * @rcu: &zcrx_binding.rcu
 *
 * The per-CPU counters go with it: readers that found the binding under
 * RCU without a reference (zcrx_count_copied_bytes()) still add to them.
 */
static void zcrx_binding_free_rcu(struct rcu_head *rcu)
{
	struct zcrx_binding *binding = container_of(rcu, struct zcrx_binding,
						    rcu);

	free_percpu(binding->stats);
	kfree(binding);
}

/**
 * zcrx_binding_put() - drop a reference; the last one frees the binding
 * @binding: the binding
 */
void zcrx_binding_put(struct zcrx_binding *binding)
{
	if (!refcount_dec_and_test(&binding->refcnt))
		return;
	call_rcu(&binding->rcu, zcrx_binding_free_rcu);
}
EXPORT_SYMBOL_GPL(zcrx_binding_put);

/**
 * zcrx_queue_event() - have an event multicast from process context
 * @binding: the binding
 * @event: the ZCRX_EV_* to send
 *
 * Events arise on the post and receive paths, which cannot take RTNL;
 * zcrx_event_work() sends them.  The queued work holds a reference on
 * @binding.  Nothing is scheduled once unbinding started.
 *
 * Context: the post or receive path; does not sleep.
 */
static void zcrx_queue_event(struct zcrx_binding *binding,
			     enum zcrx_event event)
{
	set_bit(event, &binding->events);
	if (!READ_ONCE(binding->bound))
		return;
	zcrx_binding_hold(binding);
	if (!schedule_work(&binding->event_work))
		zcrx_binding_put(binding);
}

/**
 * zcrx_event_work() - multicast a binding's queued events
 * @work: &zcrx_binding.event_work
 *
 * Sends each pending ZCRX_EV_* as its ZCRX_CMD_*_NTF, unless the binding
 * was unbound meanwhile, then drops the reference zcrx_queue_event() took.
 *
 * Context: process context (system workqueue); takes RTNL.
 */
static void zcrx_event_work(struct work_struct *work)
{
	static const u32 event_cmd[ZCRX_EV_COUNT] = {
		[ZCRX_EV_LOW_BUFFERS] = ZCRX_CMD_LOW_BUFFERS_NTF,
		[ZCRX_EV_FALLBACK_ENGAGED] = ZCRX_CMD_FALLBACK_ENGAGED_NTF,
		[ZCRX_EV_FALLBACK_CLEARED] = ZCRX_CMD_FALLBACK_CLEARED_NTF,
		[ZCRX_EV_FOREIGN] = ZCRX_CMD_FOREIGN_FRAMES_NTF,
	};
	struct zcrx_binding *binding;
	int event;

	binding = container_of(work, struct zcrx_binding, event_work);
	/* RTNL keeps the devices bound while the messages are built. */
	rtnl_lock();
	for (event = 0; event < ZCRX_EV_COUNT; event++) {
		if (test_and_clear_bit(event, &binding->events) &&
		    binding->bound)
			zcrx_nl_notify(binding, event_cmd[event], 0);
	}
	rtnl_unlock();
	zcrx_binding_put(binding);
}

/**
 * zcrx_binding_lookup() - find a live binding by id
 * @net: the network namespace the caller acts in
 * @id: the binding id
 *
 * Context: RTNL held.
 * Return: the binding, or NULL if none with @id lives in @net.
 */
struct zcrx_binding *zcrx_binding_lookup(struct net *net, u32 id)
{
	struct zcrx_binding *binding;

	ASSERT_RTNL();
	binding = xa_load(&zcrx_bindings, id);
	if (!binding || !net_eq(dev_net(binding->nic), net))
		return NULL;
	return binding;
}

/**
 * zcrx_binding_find_next() - iterate over the bindings of a namespace
 * @net: the network namespace
 * @id: in: the lowest id to consider; out: the id of the binding found
 *
 * Context: RTNL held.
 * Return: the binding with the lowest id >= @id in @net, or NULL.
 */
struct zcrx_binding *zcrx_binding_find_next(struct net *net,
					    unsigned long *id)
{
	struct zcrx_binding *binding;

	ASSERT_RTNL();
	xa_for_each_start(&zcrx_bindings, *id, binding, *id)
		if (net_eq(dev_net(binding->nic), net))
			return binding;
	return NULL;
}

/**
 * zcrx_binding_read() - sum a binding's counters over all CPUs
 * @binding: the binding
 * @ret: the sums
 */
void zcrx_binding_read(struct zcrx_binding *binding,
		       struct zcrx_counters *ret)
{
	int cpu;

	memset(ret, 0, sizeof(*ret));
	for_each_possible_cpu(cpu) {
		const struct zcrx_pcpu_stats *s = per_cpu_ptr(binding->stats, cpu);
		struct zcrx_counters c;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c.posted = u64_stats_read(&s->posted);
			c.filled = u64_stats_read(&s->filled);
			c.returned = u64_stats_read(&s->returned);
			c.rx_zerocopy = u64_stats_read(&s->rx_zerocopy);
			c.rx_copy = u64_stats_read(&s->rx_copy);
			c.rx_dropped = u64_stats_read(&s->rx_dropped);
			c.rx_zerocopy_bytes =
				u64_stats_read(&s->rx_zerocopy_bytes);
			c.rx_copied_bytes = u64_stats_read(&s->rx_copied_bytes);
			c.rx_copybreak = u64_stats_read(&s->rx_copybreak);
			c.rx_foreign = u64_stats_read(&s->rx_foreign);
			c.rx_length_errors =
				u64_stats_read(&s->rx_length_errors);
			c.cost_copy_packets =
				u64_stats_read(&s->cost_copy_packets);
			c.cost_copy_ns = u64_stats_read(&s->cost_copy_ns);
			c.cost_copy_bytes = u64_stats_read(&s->cost_copy_bytes);
			c.cost_memcpy_ns = u64_stats_read(&s->cost_memcpy_ns);
			c.cost_memcpy_bytes =
				u64_stats_read(&s->cost_memcpy_bytes);
			c.cost_zerocopy_packets =
				u64_stats_read(&s->cost_zerocopy_packets);
			c.cost_zerocopy_ns =
				u64_stats_read(&s->cost_zerocopy_ns);
			c.cost_buffers = u64_stats_read(&s->cost_buffers);
			c.cost_buffer_ns = u64_stats_read(&s->cost_buffer_ns);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		ret->posted += c.posted;
		ret->filled += c.filled;
		ret->returned += c.returned;
		ret->rx_zerocopy += c.rx_zerocopy;
		ret->rx_copy += c.rx_copy;
		ret->rx_dropped += c.rx_dropped;
		ret->rx_zerocopy_bytes += c.rx_zerocopy_bytes;
		ret->rx_copied_bytes += c.rx_copied_bytes;
		ret->rx_copybreak += c.rx_copybreak;
		ret->rx_foreign += c.rx_foreign;
		ret->rx_length_errors += c.rx_length_errors;
		ret->cost_copy_packets += c.cost_copy_packets;
		ret->cost_copy_ns += c.cost_copy_ns;
		ret->cost_copy_bytes += c.cost_copy_bytes;
		ret->cost_memcpy_ns += c.cost_memcpy_ns;
		ret->cost_memcpy_bytes += c.cost_memcpy_bytes;
		ret->cost_zerocopy_packets += c.cost_zerocopy_packets;
		ret->cost_zerocopy_ns += c.cost_zerocopy_ns;
		ret->cost_buffers += c.cost_buffers;
		ret->cost_buffer_ns += c.cost_buffer_ns;
	}
}
EXPORT_SYMBOL_IF_KUNIT(zcrx_binding_read);

/**
 * zcrx_is_macvtap() - is a device a macvtap device?
 * @dev: the device
 *
 * A macvtap is a macvlan of link kind "macvtap": only its tap queues have
 * readers (vhost-net) that post buffers.
 *
 * Return: true for a macvtap device.
 */
static bool zcrx_is_macvtap(const struct net_device *dev)
{
	return netif_is_macvlan(dev) && dev->rtnl_link_ops &&
	       !strcmp(dev->rtnl_link_ops->kind, "macvtap");
}

/**
 * zcrx_binding_by_macvtap_rcu() - the live binding of a macvtap device
 * @dev: the macvtap device
 *
 * No reference is taken: bindings are freed after a grace period, and
 * unbound only under RTNL.
 *
 * Context: RCU read-side critical section or RTNL.
 * Return: the live binding of @dev, or NULL (also while it unbinds).
 */
static struct zcrx_binding *zcrx_binding_by_macvtap_rcu(const struct net_device *dev)
{
	struct zcrx_binding *binding;
	unsigned long id;

	if (xa_empty(&zcrx_bindings))
		return NULL;
	xa_for_each(&zcrx_bindings, id, binding)
		if (binding->macvtap == dev)
			return READ_ONCE(binding->bound) ? binding : NULL;
	return NULL;
}

/**
 * zcrx_binding_get_by_macvtap() - the live binding of a macvtap device
 * @dev: the macvtap device
 *
 * For the macvtap's queues (tap.c), which post their reader's buffers
 * to the binding.  Bindings are few; the walk is over the bindings, not
 * the devices.
 *
 * Context: any; does not sleep.
 * Return: the binding with a reference the caller drops with
 * zcrx_binding_put(), or NULL when @dev is not bound (or unbinding).
 */
struct zcrx_binding *zcrx_binding_get_by_macvtap(const struct net_device *dev)
{
	struct zcrx_binding *binding;

	rcu_read_lock();
	binding = zcrx_binding_by_macvtap_rcu(dev);
	if (binding && !refcount_inc_not_zero(&binding->refcnt))
		binding = NULL;
	rcu_read_unlock();
	return binding;
}
EXPORT_SYMBOL_GPL(zcrx_binding_get_by_macvtap);

/**
 * zcrx_count_copied_bytes() - a reader of a macvtap copied a frame out
 * @macvtap: the macvtap device
 * @bytes: bytes copied
 *
 * tap.c calls this on its copy path, so that a binding shows the bytes
 * the zero-copy path did not save.  Nothing happens for an unbound
 * macvtap.
 *
 * Context: any; does not sleep.
 */
void zcrx_count_copied_bytes(const struct net_device *macvtap, u32 bytes)
{
	struct zcrx_binding *binding;

	/* Per copied frame: RCU keeps the binding, no reference taken. */
	rcu_read_lock();
	binding = zcrx_binding_by_macvtap_rcu(macvtap);
	if (binding)
		zcrx_stat_add(binding, ZCRX_STAT(rx_copied_bytes), bytes);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(zcrx_count_copied_bytes);

/**
 * zcrx_count_memcpy_cost() - a reader of a macvtap timed a frame's copy
 * @macvtap: the macvtap device
 * @bytes: bytes copied
 * @ns: time the copy into the reader's memory took
 *
 * tap.c times the copy of a sample of the frames it copies: the cost per
 * byte of the copy zero-copy saves, which user space weighs against what
 * a posted buffer costs (&struct zcrx_rx_cost) to set the copybreak.
 *
 * Context: any; does not sleep.
 */
void zcrx_count_memcpy_cost(const struct net_device *macvtap, u32 bytes,
			    u64 ns)
{
	struct zcrx_binding *binding;
	struct zcrx_pcpu_stats *s;
	unsigned long flags;

	rcu_read_lock();
	binding = zcrx_binding_by_macvtap_rcu(macvtap);
	if (binding) {
		s = get_cpu_ptr(binding->stats);
		flags = u64_stats_update_begin_irqsave(&s->syncp);
		u64_stats_add(&s->cost_memcpy_ns, ns);
		u64_stats_add(&s->cost_memcpy_bytes, bytes);
		u64_stats_update_end_irqrestore(&s->syncp, flags);
		put_cpu_ptr(binding->stats);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(zcrx_count_memcpy_cost);

/**
 * zcrx_count_rx_cost() - add what a binding's reader measured
 * @binding: the binding
 * @cost: the reader's sums since it last called
 *
 * Context: any; does not sleep.
 * Return: true when the binding's copybreak probe is on (user space sets
 * the copybreak from the costs): the reader then also times its posting
 * and release runs, which it skips otherwise, as they are on every RX run.
 */
bool zcrx_count_rx_cost(struct zcrx_binding *binding,
			const struct zcrx_rx_cost *cost)
{
	struct zcrx_pcpu_stats *s = get_cpu_ptr(binding->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->cost_copy_packets, cost->copy_packets);
	u64_stats_add(&s->cost_copy_ns, cost->copy_ns);
	u64_stats_add(&s->cost_copy_bytes, cost->copy_bytes);
	u64_stats_add(&s->cost_zerocopy_packets, cost->zerocopy_packets);
	u64_stats_add(&s->cost_zerocopy_ns, cost->zerocopy_ns);
	u64_stats_add(&s->cost_buffers, cost->buffers);
	u64_stats_add(&s->cost_buffer_ns, cost->buffer_ns);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(binding->stats);
	return READ_ONCE(binding->copybreak_probe);
}
EXPORT_SYMBOL_GPL(zcrx_count_rx_cost);

/**
 * zcrx_check_rxq() - refuse a NIC receive queue that cannot be ours
 * @nic: the NIC
 * @queue: its receive queue
 * @extack: names the attribute at fault
 *
 * A queue is ours to take when the driver supports zero-copy receive and
 * nobody else owns the queue: no binding, no XDP program on the NIC, no
 * AF_XDP socket and no memory provider (devmem) on the queue.  Exposed
 * to KUnit, which gives a fake NIC owners no test NIC can have.
 *
 * Context: RTNL.
 * Return: 0, -EINVAL (out of range), -EOPNOTSUPP or -EBUSY.
 */
VISIBLE_IF_KUNIT int zcrx_check_rxq(struct net_device *nic, u32 queue,
				    struct netlink_ext_ack *extack)
{
	struct netdev_rx_queue *rxq;

	if (queue >= nic->real_num_rx_queues) {
		NL_SET_ERR_MSG_FMT(extack, "queue-id: out of range (%s has %u RX queues)",
				   nic->name, nic->real_num_rx_queues);
		return -EINVAL;
	}
	if (!nic->zcrx_ops) {
		NL_SET_ERR_MSG(extack, "ifindex: driver has no zero-copy receive support");
		return -EOPNOTSUPP;
	}
	rxq = __netif_get_rx_queue(nic, queue);
	if (rxq->zcrx) {
		NL_SET_ERR_MSG(extack, "queue-id: queue already bound");
		return -EBUSY;
	}
	if (dev_xdp_prog_count(nic)) {
		NL_SET_ERR_MSG(extack, "ifindex: NIC runs an XDP program");
		return -EBUSY;
	}
	if (xsk_get_pool_from_qid(nic, queue)) {
		NL_SET_ERR_MSG(extack, "queue-id: queue owned by an AF_XDP socket");
		return -EBUSY;
	}
	if (rxq->mp_params.mp_priv || rxq->mp_params.mp_ops) {
		NL_SET_ERR_MSG(extack, "queue-id: queue has a memory provider");
		return -EBUSY;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(zcrx_check_rxq);

/**
 * zcrx_dev_min_channel_count() - channels a NIC needs for its bindings
 * @dev: the NIC
 *
 * The core asks before it gives a NIC's queues to another owner or takes
 * them away: attaching XDP (native or generic), an AF_XDP zero-copy
 * socket, fewer channels, new ring parameters.  A bound queue holds guest
 * buffers that only zcrx may hand out, so each of those is refused while
 * this is not zero, as for a memory provider
 * (dev_get_min_mp_channel_count()).
 *
 * Context: RTNL.
 * Return: the highest bound queue's index plus one, 0 when none is bound.
 */
u32 zcrx_dev_min_channel_count(const struct net_device *dev)
{
	int i;

	ASSERT_RTNL();
	for (i = dev->real_num_rx_queues - 1; i >= 0; i--)
		if (dev->_rx[i].zcrx)
			return i + 1;
	return 0;
}

/**
 * zcrx_rxq_bound() - is one receive queue bound?
 * @dev: the NIC
 * @queue: the queue's index, below @dev's real_num_rx_queues
 *
 * For a queue-sized owner (a devmem dma-buf binding) the core refuses.
 *
 * Context: RTNL.
 * Return: true when @queue of @dev is bound.
 */
bool zcrx_rxq_bound(const struct net_device *dev, unsigned int queue)
{
	ASSERT_RTNL();
	return dev->_rx[queue].zcrx;
}

/**
 * zcrx_check_isolation() - refuse a queue whose frames are not the guest's
 * @nic: the NIC
 * @macvtap: the macvtap stacked on @nic
 * @extack: names the attribute at fault
 * @ret: ZCRX_ISOLATION_* that holds
 *
 * The NIC writes every frame it puts on the queue into the guest's
 * buffers, where the guest can read it at once and rewrite it at any
 * time: only frames the hardware guarantees to be the guest's may land
 * there.  That holds for a passthru macvtap that is the NIC's only upper
 * device (the guest owns the NIC), or when the driver filters by MAC:
 * zcrx then steers the macvtap's address, and nothing else, to the queue.
 *
 * Context: RTNL.
 * Return: 0, -EINVAL (not isolated) or -EBUSY (another upper device).
 */
static int zcrx_check_isolation(struct net_device *nic,
				struct net_device *macvtap,
				struct netlink_ext_ack *extack, u32 *ret)
{
	const struct macvlan_dev *vlan = netdev_priv(macvtap);
	struct net_device *upper;
	struct list_head *iter;

	if (vlan->mode == MACVLAN_MODE_PASSTHRU) {
		netdev_for_each_upper_dev_rcu(nic, upper, iter) {
			if (upper == macvtap)
				continue;
			NL_SET_ERR_MSG_FMT(extack,
					   "ifindex: %s has upper device %s besides the passthru macvtap",
					   nic->name, upper->name);
			return -EBUSY;
		}
		*ret = ZCRX_ISOLATION_PASSTHRU;
		return 0;
	}
	if (nic->zcrx_ops->steer_queue) {
		*ret = ZCRX_ISOLATION_MAC_FILTER;
		return 0;
	}
	NL_SET_ERR_MSG(extack,
		       "macvtap-ifindex: queue not isolated: the macvtap must be in passthru mode, or the NIC must filter by MAC");
	return -EINVAL;
}

/**
 * zcrx_check_queue() - refuse a binding request that cannot be honoured
 * @nic: the NIC
 * @queue: its receive queue
 * @macvtap: the device to bind it to
 * @extack: names the attribute at fault
 * @ret_isolation: ZCRX_ISOLATION_* the binding will rely on
 *
 * Context: RTNL.
 * Return: 0, -EINVAL, -EOPNOTSUPP or -EBUSY.
 */
static int zcrx_check_queue(struct net_device *nic, u32 queue,
			    struct net_device *macvtap,
			    struct netlink_ext_ack *extack, u32 *ret_isolation)
{
	int err;

	err = zcrx_check_rxq(nic, queue, extack);
	if (err)
		return err;
	if (!zcrx_is_macvtap(macvtap)) {
		NL_SET_ERR_MSG(extack, "macvtap-ifindex: not a macvtap device");
		return -EINVAL;
	}
	if (macvlan_dev_real_dev(macvtap) != nic) {
		NL_SET_ERR_MSG(extack, "macvtap-ifindex: not stacked on this NIC");
		return -EINVAL;
	}
	if (zcrx_binding_by_macvtap_rcu(macvtap)) {
		NL_SET_ERR_MSG(extack, "macvtap-ifindex: macvtap already bound");
		return -EBUSY;
	}
	return zcrx_check_isolation(nic, macvtap, extack, ret_isolation);
}

/**
 * zcrx_restart_queue() - rebuild a binding's queue after (un)binding it
 * @binding: the binding
 *
 * After bind_queue or unbind_queue, so that the driver reallocates the
 * queue's buffers with or without the binding.  A driver without queue
 * management ops (virtio_net) is not restarted: its bind_queue and
 * unbind_queue reset the queue themselves.
 *
 * Context: RTNL held.
 * Return: 0, or the error of netdev_rx_queue_restart().  Tests inject
 * errors here (fail_function).
 */
static noinline int zcrx_restart_queue(struct zcrx_binding *binding)
{
	if (!binding->nic->queue_mgmt_ops)
		return 0;
	return netdev_rx_queue_restart(binding->nic, binding->queue);
}
ALLOW_ERROR_INJECTION(zcrx_restart_queue, ERRNO);

/**
 * zcrx_binding_alloc() - a binding not yet attached to its queue
 * @nic: the NIC
 * @queue: its RX queue
 * @macvtap: the macvtap device stacked on @nic
 * @fallback: ZCRX_FALLBACK_* for when no buffer is posted
 * @low_watermark: posted level below which an event is sent, 0 for none
 *
 * No device reference is taken and nothing is registered: that is
 * zcrx_binding_create()'s work.  Freed by the last zcrx_binding_put().
 *
 * Return: the binding, with one reference, or NULL without memory.
 */
struct zcrx_binding *zcrx_binding_alloc(struct net_device *nic, u32 queue,
					struct net_device *macvtap,
					u32 fallback, u32 low_watermark)
{
	struct zcrx_binding *binding;

	binding = kzalloc(sizeof(*binding), GFP_KERNEL);
	if (!binding)
		return NULL;
	binding->stats = netdev_alloc_pcpu_stats(struct zcrx_pcpu_stats);
	if (!binding->stats) {
		kfree(binding);
		return NULL;
	}
	binding->nic = nic;
	binding->queue = queue;
	binding->macvtap = macvtap;
	binding->fallback = fallback;
	binding->low_watermark = low_watermark;
	/* Nothing is posted yet: the fallback applies until something is. */
	binding->state = ZCRX_STATE_FALLBACK;
	binding->bound = true;
	refcount_set(&binding->refcnt, 1);
	INIT_WORK(&binding->event_work, zcrx_event_work);
	return binding;
}
EXPORT_SYMBOL_IF_KUNIT(zcrx_binding_alloc);

/**
 * zcrx_binding_create() - bind a NIC RX queue to a macvtap device
 * @net: the network namespace of the request
 * @ifindex: the NIC
 * @queue: its RX queue
 * @macvtap_net: the network namespace the macvtap is in (@net, or a
 *	pod's the caller holds CAP_NET_ADMIN over)
 * @macvtap_ifindex: a macvtap device stacked on the NIC, in @macvtap_net
 * @config: its fallback, watermark, copybreak and lifetime
 * @extack: where a refusal is explained
 * @ret: the new binding
 *
 * Context: RTNL held.
 * Return: 0, or a negative errno with @extack set.
 */
int zcrx_binding_create(struct net *net, u32 ifindex, u32 queue,
			struct net *macvtap_net, u32 macvtap_ifindex,
			const struct zcrx_binding_config *config,
			struct netlink_ext_ack *extack,
			struct zcrx_binding **ret)
{
	struct net_device *nic, *macvtap;
	struct zcrx_binding *binding;
	u32 isolation;
	int err;

	ASSERT_RTNL();
	nic = __dev_get_by_index(net, ifindex);
	if (!nic) {
		NL_SET_ERR_MSG(extack, "ifindex: no such device");
		return -ENODEV;
	}
	macvtap = __dev_get_by_index(macvtap_net, macvtap_ifindex);
	if (!macvtap) {
		NL_SET_ERR_MSG(extack, "macvtap-ifindex: no such device");
		return -ENODEV;
	}
	err = zcrx_check_queue(nic, queue, macvtap, extack, &isolation);
	if (err)
		return err;

	binding = zcrx_binding_alloc(nic, queue, macvtap, config->fallback,
				     config->low_watermark);
	if (!binding) {
		NL_SET_ERR_MSG(extack, "no memory for the binding");
		return -ENOMEM;
	}
	binding->copybreak = config->copybreak;
	binding->copybreak_probe = config->copybreak_probe;
	binding->unbind_on_vhost_gone = config->unbind_on_vhost_gone;
	binding->isolation = isolation;

	/*
	 * Only the id is reserved: nobody can find the binding, nor post to
	 * it, before its queue is bound, steered and restarted.
	 */
	err = xa_alloc_cyclic(&zcrx_bindings, &binding->id, NULL,
			      xa_limit_31b, &zcrx_next_id, GFP_KERNEL);
	if (err < 0) {
		NL_SET_ERR_MSG(extack, "no binding id left, or no memory for one");
		goto err_put;
	}

	err = nic->zcrx_ops->bind_queue(nic, queue, binding, extack);
	if (err)
		goto err_erase;
	if (isolation == ZCRX_ISOLATION_MAC_FILTER) {
		err = nic->zcrx_ops->steer_queue(nic, queue, macvtap->dev_addr,
						 extack);
		if (err)
			goto err_unbind_queue;
	}
	__netif_get_rx_queue(nic, queue)->zcrx = binding;
	err = zcrx_restart_queue(binding);
	if (err) {
		NL_SET_ERR_MSG(extack, "queue-id: restarting the queue failed");
		goto err_clear_queue;
	}
	xa_store(&zcrx_bindings, binding->id, binding, GFP_KERNEL);

	netdev_hold(nic, &binding->nic_tracker, GFP_KERNEL);
	netdev_hold(macvtap, &binding->macvtap_tracker, GFP_KERNEL);
	zcrx_debugfs_binding_add(binding);
	zcrx_nl_notify(binding, ZCRX_CMD_BOUND_NTF, 0);
	*ret = binding;
	return 0;

err_clear_queue:
	__netif_get_rx_queue(nic, queue)->zcrx = NULL;
err_unbind_queue:
	nic->zcrx_ops->unbind_queue(nic, queue);
err_erase:
	xa_erase(&zcrx_bindings, binding->id);
err_put:
	zcrx_binding_put(binding);
	return err;
}

/**
 * zcrx_binding_destroy() - end a binding
 * @binding: the binding
 * @reason: ZCRX_UNBIND_REASON_* sent with the unbound event
 *
 * Posting stops, every buffer still posted goes back to its owner, the
 * queue is restarted as a normal queue.  Buffers still travelling in skbs
 * go back to their owner when the skb is freed; they keep the binding's
 * memory (not its devices) alive until then.
 *
 * Context: RTNL held.
 */
void zcrx_binding_destroy(struct zcrx_binding *binding, u32 reason)
{
	struct net_device *nic = binding->nic;
	int err;

	ASSERT_RTNL();
	WRITE_ONCE(binding->bound, false);
	/* Wait for posts that saw the binding bound (they run under RCU). */
	synchronize_net();

	debugfs_remove_recursive(binding->debugfs);
	__netif_get_rx_queue(nic, binding->queue)->zcrx = NULL;
	nic->zcrx_ops->unbind_queue(nic, binding->queue);
	err = zcrx_restart_queue(binding);
	if (err)
		netdev_warn(nic, "zcrx: restarting RX queue %u after unbind failed: %d\n",
			    binding->queue, err);

	xa_erase(&zcrx_bindings, binding->id);
	zcrx_nl_notify(binding, ZCRX_CMD_UNBOUND_NTF, reason);
	netdev_put(binding->macvtap, &binding->macvtap_tracker);
	netdev_put(nic, &binding->nic_tracker);
	zcrx_binding_put(binding);
}

/**
 * zcrx_post_rx_buffer() - post a receive buffer to a bound queue
 * @binding: the binding; the caller holds a reference
 * @buf: the buffer, with @page, @offset, @len, @cookie and @owner set
 *
 * Context: process or softirq context; does not sleep.
 * Return: 0 when the NIC owns the buffer, or a negative errno and the
 * buffer is still the caller's: -ENODEV once the binding is ending,
 * -EINVAL for a buffer with no room, the driver's error otherwise.
 */
int zcrx_post_rx_buffer(struct zcrx_binding *binding, struct zcrx_buf *buf)
{
	int err;

	if (!buf->len || buf->offset >= PAGE_SIZE ||
	    buf->len > PAGE_SIZE - buf->offset ||
	    buf->headroom > buf->offset || !buf->owner)
		return -EINVAL;

	buf->ubuf.ops = &zcrx_ubuf_ops;
	buf->ubuf.flags = SKBFL_ZEROCOPY_FRAG;
	refcount_set(&buf->ubuf.refcnt, 1);
	buf->frame_len = 0;
	buf->copied = false;
	buf->binding = binding;

	rcu_read_lock();
	if (!READ_ONCE(binding->bound)) {
		err = -ENODEV;
		goto out;
	}
	zcrx_binding_hold(binding);
	/* Count before the driver can fill and release the buffer. */
	atomic_inc(&binding->level);
	zcrx_stat_add(binding, ZCRX_STAT(posted), 1);
	err = binding->nic->zcrx_ops->post_rx_buffer(binding->nic,
						     binding->queue, buf);
	if (err) {
		atomic_dec(&binding->level);
		zcrx_stat_add(binding, ZCRX_STAT(posted), -1);
		zcrx_binding_put(binding);
		goto out;
	}
	atomic64_add(buf->pinned, &binding->pinned_bytes);
	if (zcrx_state_enter(&binding->state, ZCRX_STATE_ZEROCOPY))
		zcrx_queue_event(binding, ZCRX_EV_FALLBACK_CLEARED);
out:
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(zcrx_post_rx_buffer);

/**
 * zcrx_commit_rx_buffers() - end a batch of posts
 * @binding: the binding; the caller holds a reference
 *
 * Posters call this after posting one or more buffers, so that a driver
 * which rings a doorbell (or schedules NAPI) does it once a batch.
 *
 * Context: process or softirq context; does not sleep.
 */
void zcrx_commit_rx_buffers(struct zcrx_binding *binding)
{
	struct net_device *nic = binding->nic;

	rcu_read_lock();
	if (READ_ONCE(binding->bound) && nic->zcrx_ops->commit_rx_buffers)
		nic->zcrx_ops->commit_rx_buffers(nic, binding->queue);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(zcrx_commit_rx_buffers);

/**
 * zcrx_buf_release() - give a posted buffer back to its owner
 * @buf: the buffer
 * @filled: a frame was delivered in it, in place
 *
 * Drivers call this for buffers they never filled (unbind, teardown);
 * filled buffers come back through their skb's ubuf_info.
 *
 * Context: any; does not sleep.
 */
void zcrx_buf_release(struct zcrx_buf *buf, bool filled)
{
	struct zcrx_binding *binding = buf->binding;

	if (!buf->frame_len)
		atomic_dec(&binding->level);
	atomic64_sub(buf->pinned, &binding->pinned_bytes);
	zcrx_stat_add(binding, ZCRX_STAT(returned), 1);
	buf->owner->release(buf, filled);
	zcrx_binding_put(binding);
}
EXPORT_SYMBOL_GPL(zcrx_buf_release);

/**
 * zcrx_flush_rx_buffers() - get back every buffer posted and not filled
 * @binding: the binding; the caller holds a reference
 *
 * For an owner that stops while the queue stays bound.  Buffers already
 * filled are in skbs and come back when those are freed.  Takes RTNL,
 * against unbinding and the driver's own queue reconfiguration.
 *
 * Context: process context; sleeps.
 */
void zcrx_flush_rx_buffers(struct zcrx_binding *binding)
{
	struct net_device *nic = binding->nic;

	rtnl_lock();
	/* Once unbinding started, unbind_queue releases them instead. */
	if (binding->bound)
		nic->zcrx_ops->flush_rx_buffers(nic, binding->queue);
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(zcrx_flush_rx_buffers);

/**
 * zcrx_owner_gone() - the owner of a binding's buffers is gone for good
 * @binding: the binding; the caller holds a reference
 *
 * For tap, when a queue vhost-net posted buffers through is closed: the
 * guest's VMM closed its devices or exited.  vhost-net flushed its
 * buffers when it let go of the queue; what is left is to end a binding
 * made to end with its owner (unbind-on-vhost-gone), with reason
 * vhost-gone: nothing would post to it again.  Any other binding stays.
 *
 * Context: process context; sleeps.
 */
void zcrx_owner_gone(struct zcrx_binding *binding)
{
	/* Most bindings outlive their guest: no RTNL for those. */
	if (!READ_ONCE(binding->unbind_on_vhost_gone))
		return;
	rtnl_lock();
	/* Under RTNL, bound means not yet destroyed. */
	if (binding->bound && binding->unbind_on_vhost_gone)
		zcrx_binding_destroy(binding, ZCRX_UNBIND_REASON_VHOST_GONE);
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(zcrx_owner_gone);

/**
 * zcrx_ubuf_complete() - an skb carrying a posted buffer let go of it
 * @skb: the skb (unused)
 * @uarg: &zcrx_buf.ubuf of the buffer
 * @zerocopy_success: false when the data was copied out of the buffer
 *	(skb_copy_ubufs())
 *
 * The last skb sharing the buffer gives it back to its owner: as filled,
 * unless the data was copied out of it on the way.
 *
 * Context: wherever the skb is freed or copied; does not sleep.
 */
static void zcrx_ubuf_complete(struct sk_buff *skb, struct ubuf_info *uarg,
			       bool zerocopy_success)
{
	struct zcrx_buf *buf = container_of(uarg, struct zcrx_buf, ubuf);

	/* The data was copied out of the buffer (skb_copy_ubufs()). */
	if (!zerocopy_success)
		WRITE_ONCE(buf->copied, true);
	if (!refcount_dec_and_test(&uarg->refcnt))
		return;
	zcrx_buf_release(buf, !READ_ONCE(buf->copied));
}

/**
 * zcrx_ubuf_link_skb() - refuse to attach a buffer to another skb
 * @skb: the skb more zero-copy data would be appended to
 * @uarg: &zcrx_buf.ubuf of the buffer
 *
 * One buffer, one skb: never coalesce another skb's data into it.
 *
 * Return: 0 when @skb already carries @uarg, else -EEXIST.
 */
static int zcrx_ubuf_link_skb(struct sk_buff *skb, struct ubuf_info *uarg)
{
	/* One buffer, one skb: never coalesce another skb's data into it. */
	return skb_zcopy(skb) == uarg ? 0 : -EEXIST;
}

static const struct ubuf_info_ops zcrx_ubuf_ops = {
	.complete = zcrx_ubuf_complete,
	.link_skb = zcrx_ubuf_link_skb,
};

/**
 * zcrx_skb_buf() - the posted buffer an skb's data sits in
 * @skb: a received skb
 *
 * Return: the buffer, or NULL when @skb does not carry one (its data is
 * in the driver's or the stack's memory, or was copied out).
 */
struct zcrx_buf *zcrx_skb_buf(struct sk_buff *skb)
{
	struct ubuf_info *uarg = skb_zcopy(skb);

	if (!uarg || uarg->ops != &zcrx_ubuf_ops)
		return NULL;
	return container_of(uarg, struct zcrx_buf, ubuf);
}
EXPORT_SYMBOL_GPL(zcrx_skb_buf);

/**
 * zcrx_buf_attach() - account a filled buffer and tag the skb carrying it
 * @buf: the buffer the NIC wrote a frame into
 * @skb: the skb whose fragments point into @buf
 * @frame_len: bytes of the frame in @buf
 *
 * From here the buffer goes back to its owner when the last skb sharing
 * the data is freed.
 *
 * Context: the queue's receive path.
 */
void zcrx_buf_attach(struct zcrx_buf *buf, struct sk_buff *skb,
		     u32 frame_len)
{
	struct zcrx_binding *binding = buf->binding;
	int level;

	buf->frame_len = frame_len;
	level = atomic_dec_return(&binding->level);
	zcrx_stat_add(binding, ZCRX_STAT(filled), 1);
	zcrx_stat_add(binding, ZCRX_STAT(rx_zerocopy), 1);
	zcrx_stat_add(binding, ZCRX_STAT(rx_zerocopy_bytes), frame_len);
	skb_zcopy_init(skb, &buf->ubuf);
	if (zcrx_crossed_low(level + 1, level,
			     READ_ONCE(binding->low_watermark)))
		zcrx_queue_event(binding, ZCRX_EV_LOW_BUFFERS);
}
EXPORT_SYMBOL_GPL(zcrx_buf_attach);

/**
 * zcrx_rx_fallback() - a frame found no posted buffer
 * @binding: the binding of the queue
 *
 * Engages the fallback (announced once per starvation) and counts the
 * frame as copied or dropped.
 *
 * Context: the queue's receive path.
 * Return: ZCRX_FALLBACK_COPY (deliver the frame in the driver's buffer)
 * or ZCRX_FALLBACK_DROP (drop it).
 */
u32 zcrx_rx_fallback(struct zcrx_binding *binding)
{
	u32 fallback = READ_ONCE(binding->fallback);

	if (zcrx_state_enter(&binding->state, ZCRX_STATE_FALLBACK))
		zcrx_queue_event(binding, ZCRX_EV_FALLBACK_ENGAGED);
	if (fallback == ZCRX_FALLBACK_DROP)
		zcrx_stat_add(binding, ZCRX_STAT(rx_dropped), 1);
	else
		zcrx_stat_add(binding, ZCRX_STAT(rx_copy), 1);
	return fallback;
}
EXPORT_SYMBOL_GPL(zcrx_rx_fallback);

/**
 * zcrx_rx_too_big() - a frame spans several buffers
 * @binding: the binding of the queue
 *
 * Zero-copy takes one buffer a frame: one the device spread over several
 * (bigger than a posted buffer) is copied or dropped as the fallback
 * says, and counted so, without engaging the fallback (buffers did not
 * run out).
 *
 * Context: the queue's receive path.
 * Return: ZCRX_FALLBACK_COPY (copy the frame out) or ZCRX_FALLBACK_DROP.
 */
u32 zcrx_rx_too_big(struct zcrx_binding *binding)
{
	u32 fallback = READ_ONCE(binding->fallback);

	if (fallback == ZCRX_FALLBACK_DROP)
		zcrx_stat_add(binding, ZCRX_STAT(rx_dropped), 1);
	else
		zcrx_stat_add(binding, ZCRX_STAT(rx_copy), 1);
	return fallback;
}
EXPORT_SYMBOL_GPL(zcrx_rx_too_big);

/**
 * zcrx_rx_len_ok() - bound the length a device reported for a buffer
 * @buf: the posted buffer the device says it wrote a frame into
 * @len: the frame's length as the device reported it
 *
 * A device's word is not trusted: an empty frame, or one longer than the
 * buffer (it would make fragment sizes, copies and the owner's used
 * length run past the buffer), is counted and must be dropped by the
 * caller, which gives the buffer back unused.
 *
 * Context: the queue's receive path.
 * Return: true when @len fits @buf.
 */
bool zcrx_rx_len_ok(const struct zcrx_buf *buf, u32 len)
{
	if (likely(len && len <= buf->len))
		return true;
	zcrx_stat_add(buf->binding, ZCRX_STAT(rx_length_errors), 1);
	net_warn_ratelimited("zcrx: %s queue %u reported %u bytes in a %u-byte buffer\n",
			     buf->binding->nic->name, buf->binding->queue, len,
			     buf->len);
	return false;
}
EXPORT_SYMBOL_GPL(zcrx_rx_len_ok);

/**
 * zcrx_rx_orphan() - give a frame in a posted buffer a private copy
 * @skb: a received skb; nothing happens unless it carries a posted buffer
 * @foreign: the frame is not being delivered in place to the queue that
 *	posted the buffer (count it, and tell user space once)
 *
 * The buffer is guest memory the guest may rewrite at any time: whoever
 * else looks at the frame (another tap queue, the host stack, tc,
 * netfilter) must see bytes of its own.  The buffer goes back to its
 * owner as not filled.
 *
 * Context: the receive path (softirq); does not sleep.
 * Return: 0, or the error of skb_orphan_frags_rx(): -ENOMEM, or -EINVAL
 * for a shared skb (the caller drops @skb; the buffer comes back with its
 * last reference).
 */
int zcrx_rx_orphan(struct sk_buff *skb, bool foreign)
{
	struct zcrx_buf *buf = zcrx_skb_buf(skb);
	struct zcrx_binding *binding;

	if (!buf)
		return 0;
	if (foreign) {
		/* Before the copy, which may give back the buffer's reference. */
		binding = buf->binding;
		zcrx_stat_add(binding, ZCRX_STAT(rx_foreign), 1);
		if (!test_and_set_bit(0, &binding->foreign_seen))
			zcrx_queue_event(binding, ZCRX_EV_FOREIGN);
	}
	return skb_orphan_frags_rx(skb, GFP_ATOMIC);
}
EXPORT_SYMBOL_GPL(zcrx_rx_orphan);

/**
 * zcrx_rx_copybreak() - should a short frame take the copy path?
 * @binding: the binding of the queue
 * @len: the frame's length, Ethernet header included
 *
 * A frame below the binding's copybreak costs less to copy than a guest
 * page costs to fill.  Counted apart from the fallback: buffers are
 * posted, the guest is not short of them.  Drivers ask only when a
 * buffer is posted.  With a copybreak probe of N, every Nth frame asked
 * about takes the other path, so that the reader keeps measuring both
 * paths at the sizes the queue receives even when the copybreak sends
 * them all one way (user space sets the copybreak from those costs).
 *
 * Context: the queue's receive path.
 * Return: true when the driver delivers the frame in its own buffer.
 */
bool zcrx_rx_copybreak(struct zcrx_binding *binding, unsigned int len)
{
	u32 probe = READ_ONCE(binding->copybreak_probe);
	bool copy = len < READ_ONCE(binding->copybreak);

	if (unlikely(probe)) {
		/* One receive path per queue: no other writer. */
		u32 seq = READ_ONCE(binding->probe_seq) + 1;

		if (seq >= probe) {
			seq = 0;
			copy = !copy;
		}
		WRITE_ONCE(binding->probe_seq, seq);
	}
	if (copy)
		zcrx_stat_add(binding, ZCRX_STAT(rx_copybreak), 1);
	return copy;
}
EXPORT_SYMBOL_GPL(zcrx_rx_copybreak);

/**
 * zcrx_count_rx_copy() - a frame took the copy path with buffers posted
 * @binding: the binding of the queue
 *
 * For frames the zero-copy path cannot carry (larger than the buffer).
 *
 * Context: the queue's receive path.
 */
void zcrx_count_rx_copy(struct zcrx_binding *binding)
{
	zcrx_stat_add(binding, ZCRX_STAT(rx_copy), 1);
}
EXPORT_SYMBOL_GPL(zcrx_count_rx_copy);

/**
 * zcrx_veto_change() - refuse a device change that would break isolation
 * @event: NETDEV_PRECHANGEUPPER or NETDEV_PRE_CHANGEADDR
 * @ptr: the notifier info of the device
 *
 * A passthru binding relies on its macvtap being the NIC's only upper
 * device: another (a VLAN, a second stack) would receive frames the NIC
 * wrote into the guest's buffers.  A MAC-filter binding relies on the
 * macvtap keeping the address steered to the queue.
 *
 * Context: RTNL held (netdevice notifier).
 * Return: NOTIFY_DONE, or notifier_from_errno(-EBUSY) with the extack set.
 */
static int zcrx_veto_change(unsigned long event, void *ptr)
{
	struct netlink_ext_ack *extack = netdev_notifier_info_to_extack(ptr);
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *upper = ptr;
	struct zcrx_binding *binding;
	unsigned long id;

	xa_for_each(&zcrx_bindings, id, binding) {
		if (event == NETDEV_PRECHANGEUPPER && binding->nic == dev &&
		    binding->isolation == ZCRX_ISOLATION_PASSTHRU &&
		    upper->linking && upper->upper_dev != binding->macvtap) {
			NL_SET_ERR_MSG(extack,
				       "zcrx: a queue of this NIC is bound to its passthru macvtap");
			return notifier_from_errno(-EBUSY);
		}
		if (event == NETDEV_PRE_CHANGEADDR && binding->macvtap == dev &&
		    binding->isolation == ZCRX_ISOLATION_MAC_FILTER) {
			NL_SET_ERR_MSG(extack,
				       "zcrx: the macvtap's address is steered to a bound queue");
			return notifier_from_errno(-EBUSY);
		}
	}
	return NOTIFY_DONE;
}

/**
 * zcrx_netdev_event() - follow the devices of the bindings
 * @nb: &zcrx_netdev_notifier
 * @event: NETDEV_*: NETDEV_UNREGISTER, NETDEV_PRECHANGEUPPER and
 *	NETDEV_PRE_CHANGEADDR matter
 * @ptr: &struct netdev_notifier_info of the device
 *
 * A binding holds references on its NIC and macvtap, so it ends, with
 * reason nic-gone or macvtap-gone, for unregistering to complete.
 * Changes that would break a binding's isolation are refused
 * (zcrx_veto_change()).
 *
 * Context: RTNL held (netdevice notifier).
 * Return: NOTIFY_DONE, or a veto.
 */
static int zcrx_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct zcrx_binding *binding;
	unsigned long id;

	if (event == NETDEV_PRECHANGEUPPER || event == NETDEV_PRE_CHANGEADDR)
		return zcrx_veto_change(event, ptr);
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	xa_for_each(&zcrx_bindings, id, binding) {
		if (binding->nic == dev)
			zcrx_binding_destroy(binding, ZCRX_UNBIND_REASON_NIC_GONE);
		else if (binding->macvtap == dev)
			zcrx_binding_destroy(binding,
					     ZCRX_UNBIND_REASON_MACVTAP_GONE);
	}
	return NOTIFY_DONE;
}

static struct notifier_block zcrx_netdev_notifier = {
	.notifier_call = zcrx_netdev_event,
};

/**
 * zcrx_init() - set zcrx up at boot
 *
 * Registers the netdevice notifier (bindings end with their devices),
 * the netlink family and the debugfs test files.  zcrx is built in only
 * (bool ZCRX), so there is no exit.
 *
 * Context: boot (subsys_initcall).
 * Return: 0, or the error of a registration; none is left registered.
 */
static int __init zcrx_init(void)
{
	int err;

	err = register_netdevice_notifier(&zcrx_netdev_notifier);
	if (err)
		return err;
	err = zcrx_nl_init();
	if (err) {
		unregister_netdevice_notifier(&zcrx_netdev_notifier);
		return err;
	}
	zcrx_debugfs_init();
	return 0;
}
subsys_initcall(zcrx_init);
