// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of zcrx: the state and watermark logic, and the buffer
 * accounting of a binding on a fake NIC whose "ring" is an array.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <net/netdev_rx_queue.h>

#include "zcrx.h"

static void zcrx_state_starve_then_post(struct kunit *test)
{
	u32 state = ZCRX_STATE_FALLBACK;

	/* First post after bind clears the fallback, once. */
	KUNIT_EXPECT_TRUE(test, zcrx_state_enter(&state, ZCRX_STATE_ZEROCOPY));
	KUNIT_EXPECT_EQ(test, state, ZCRX_STATE_ZEROCOPY);
	KUNIT_EXPECT_FALSE(test, zcrx_state_enter(&state, ZCRX_STATE_ZEROCOPY));

	/* Starvation engages it, once however many frames starve. */
	KUNIT_EXPECT_TRUE(test, zcrx_state_enter(&state, ZCRX_STATE_FALLBACK));
	KUNIT_EXPECT_FALSE(test, zcrx_state_enter(&state, ZCRX_STATE_FALLBACK));
	KUNIT_EXPECT_FALSE(test, zcrx_state_enter(&state, ZCRX_STATE_FALLBACK));
	KUNIT_EXPECT_EQ(test, state, ZCRX_STATE_FALLBACK);

	KUNIT_EXPECT_TRUE(test, zcrx_state_enter(&state, ZCRX_STATE_ZEROCOPY));
}

static void zcrx_state_garbage_untouched(struct kunit *test)
{
	u32 state = 0;

	/* A state word that is neither value never moves (no event). */
	KUNIT_EXPECT_FALSE(test, zcrx_state_enter(&state, ZCRX_STATE_ZEROCOPY));
	KUNIT_EXPECT_FALSE(test, zcrx_state_enter(&state, ZCRX_STATE_FALLBACK));
	KUNIT_EXPECT_EQ(test, state, 0);
}

static void zcrx_low_watermark_crossing(struct kunit *test)
{
	/* Only the step from the watermark to below it counts. */
	KUNIT_EXPECT_TRUE(test, zcrx_crossed_low(4, 3, 4));
	KUNIT_EXPECT_FALSE(test, zcrx_crossed_low(5, 4, 4));
	KUNIT_EXPECT_FALSE(test, zcrx_crossed_low(3, 2, 4));
	KUNIT_EXPECT_FALSE(test, zcrx_crossed_low(3, 4, 4));
	/* A whole batch consumed at once still crosses. */
	KUNIT_EXPECT_TRUE(test, zcrx_crossed_low(10, 0, 4));
	/* 0 disables the event. */
	KUNIT_EXPECT_FALSE(test, zcrx_crossed_low(1, 0, 0));
	/* Watermark 1: the last buffer going is the event. */
	KUNIT_EXPECT_TRUE(test, zcrx_crossed_low(1, 0, 1));
}

#define FAKE_RING_SIZE 4

/* The fake NIC's ring and what the fake owner got back. */
struct zcrx_fake {
	struct zcrx_buf *ring[FAKE_RING_SIZE];
	unsigned int posted;
	unsigned int released_filled;
	unsigned int released_unused;
};

static struct zcrx_fake *zcrx_fake_of(struct net_device *dev)
{
	return *(struct zcrx_fake **)netdev_priv(dev);
}

static int zcrx_fake_post(struct net_device *dev, unsigned int queue,
			  struct zcrx_buf *buf)
{
	struct zcrx_fake *fake = zcrx_fake_of(dev);

	if (fake->posted == FAKE_RING_SIZE)
		return -ENOSPC;
	fake->ring[fake->posted++] = buf;
	return 0;
}

static const struct netdev_zcrx_ops zcrx_fake_ops = {
	.post_rx_buffer = zcrx_fake_post,
};

static void zcrx_fake_release(struct zcrx_buf *buf, bool filled)
{
	struct zcrx_fake *fake = (void *)buf->cookie;

	if (filled)
		fake->released_filled++;
	else
		fake->released_unused++;
	__free_page(buf->page);
}

static const struct zcrx_buf_owner_ops zcrx_fake_owner = {
	.release = zcrx_fake_release,
};

static struct zcrx_buf *zcrx_fake_buf(struct kunit *test,
				      struct zcrx_fake *fake)
{
	struct zcrx_buf *buf = kunit_kzalloc(test, sizeof(*buf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf->page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf->page);
	buf->len = PAGE_SIZE;
	buf->cookie = (unsigned long)fake;
	buf->owner = &zcrx_fake_owner;
	return buf;
}

static void zcrx_expect_counters(struct kunit *test,
				 struct zcrx_binding *binding,
				 const struct zcrx_counters *want)
{
	struct zcrx_counters got;

	zcrx_binding_read(binding, &got);
	KUNIT_EXPECT_EQ(test, got.posted, want->posted);
	KUNIT_EXPECT_EQ(test, got.filled, want->filled);
	KUNIT_EXPECT_EQ(test, got.returned, want->returned);
	KUNIT_EXPECT_EQ(test, got.rx_zerocopy, want->rx_zerocopy);
	KUNIT_EXPECT_EQ(test, got.rx_copy, want->rx_copy);
	KUNIT_EXPECT_EQ(test, got.rx_dropped, want->rx_dropped);
}

static void zcrx_buffer_accounting(struct kunit *test)
{
	struct zcrx_fake *fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	struct zcrx_binding *binding;
	struct zcrx_buf *buf[3], *extra;
	struct net_device *nic;
	struct sk_buff *skb;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, fake);
	nic = alloc_etherdev(sizeof(fake));
	KUNIT_ASSERT_NOT_NULL(test, nic);
	*(struct zcrx_fake **)netdev_priv(nic) = fake;
	nic->zcrx_ops = &zcrx_fake_ops;
	binding = zcrx_binding_alloc(nic, 0, nic, ZCRX_FALLBACK_COPY, 2);
	KUNIT_ASSERT_NOT_NULL(test, binding);

	for (i = 0; i < 3; i++) {
		buf[i] = zcrx_fake_buf(test, fake);
		KUNIT_EXPECT_EQ(test, zcrx_post_rx_buffer(binding, buf[i]), 0);
	}
	zcrx_expect_counters(test, binding, &(struct zcrx_counters){
		.posted = 3 });
	KUNIT_EXPECT_EQ(test, atomic_read(&binding->level), 3);
	KUNIT_EXPECT_EQ(test, binding->state, ZCRX_STATE_ZEROCOPY);

	/* Filled, carried by an skb, back to the owner when it is freed. */
	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	get_page(buf[0]->page);
	skb_add_rx_frag(skb, 0, buf[0]->page, 0, 100, PAGE_SIZE);
	zcrx_buf_attach(buf[0], skb, 100);
	KUNIT_EXPECT_EQ(test, atomic_read(&binding->level), 2);
	KUNIT_EXPECT_EQ(test, fake->released_filled, 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, fake->released_filled, 1);
	zcrx_expect_counters(test, binding, &(struct zcrx_counters){
		.posted = 3, .filled = 1, .returned = 1, .rx_zerocopy = 1 });

	/* Copied out before delivery: back to the owner as not filled. */
	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	get_page(buf[1]->page);
	skb_add_rx_frag(skb, 0, buf[1]->page, 0, 100, PAGE_SIZE);
	zcrx_buf_attach(buf[1], skb, 100);
	KUNIT_EXPECT_EQ(test, skb_orphan_frags_rx(skb, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, fake->released_unused, 1);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, fake->released_filled, 1);

	/* Never filled: the driver gives it back (unbind). */
	zcrx_buf_release(buf[2], false);
	KUNIT_EXPECT_EQ(test, fake->released_unused, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&binding->level), 0);
	zcrx_expect_counters(test, binding, &(struct zcrx_counters){
		.posted = 3, .filled = 2, .returned = 3, .rx_zerocopy = 2 });

	/* No buffer: the fallback engages and counts per its mode. */
	KUNIT_EXPECT_EQ(test, zcrx_rx_fallback(binding), ZCRX_FALLBACK_COPY);
	KUNIT_EXPECT_EQ(test, binding->state, ZCRX_STATE_FALLBACK);
	WRITE_ONCE(binding->fallback, ZCRX_FALLBACK_DROP);
	KUNIT_EXPECT_EQ(test, zcrx_rx_fallback(binding), ZCRX_FALLBACK_DROP);
	zcrx_count_rx_copy(binding);

	/* A refused post changes nothing and leaves the buffer the caller's. */
	fake->posted = FAKE_RING_SIZE;
	extra = zcrx_fake_buf(test, fake);
	KUNIT_EXPECT_EQ(test, zcrx_post_rx_buffer(binding, extra), -ENOSPC);
	extra->len = 0;
	KUNIT_EXPECT_EQ(test, zcrx_post_rx_buffer(binding, extra), -EINVAL);
	__free_page(extra->page);
	zcrx_expect_counters(test, binding, &(struct zcrx_counters){
		.posted = 3, .filled = 2, .returned = 3, .rx_zerocopy = 2,
		.rx_copy = 2, .rx_dropped = 1 });
	KUNIT_EXPECT_EQ(test, atomic_read(&binding->level), 0);
	KUNIT_EXPECT_EQ(test, binding->state, ZCRX_STATE_FALLBACK);

	/* Queued events (low buffers, fallback) need the NIC: flush first. */
	WRITE_ONCE(binding->bound, false);
	flush_work(&binding->event_work);
	zcrx_binding_put(binding);
	free_netdev(nic);
}

/*
 * The copybreak, and its probe: 1 in N frames takes the other path, so
 * that both paths stay measured; the costs a reader reports add up.
 */
static void zcrx_copybreak_probe(struct kunit *test)
{
	struct zcrx_rx_cost cost = {
		.copy_packets = 2, .copy_ns = 3000, .copy_bytes = 200,
		.zerocopy_packets = 1, .zerocopy_ns = 900,
		.buffers = 32, .buffer_ns = 6400,
	};
	unsigned int i, copied_short = 0, copied_long = 0;
	struct zcrx_binding *binding;
	struct zcrx_counters got;
	struct net_device *nic;

	nic = alloc_etherdev(0);
	KUNIT_ASSERT_NOT_NULL(test, nic);
	binding = zcrx_binding_alloc(nic, 0, nic, ZCRX_FALLBACK_COPY, 0);
	KUNIT_ASSERT_NOT_NULL(test, binding);
	binding->copybreak = 256;

	KUNIT_EXPECT_TRUE(test, zcrx_rx_copybreak(binding, 255));
	KUNIT_EXPECT_FALSE(test, zcrx_rx_copybreak(binding, 256));

	WRITE_ONCE(binding->copybreak_probe, 5);
	for (i = 0; i < 40; i++) {
		copied_short += zcrx_rx_copybreak(binding, 64);
		copied_long += zcrx_rx_copybreak(binding, 1500);
	}
	/* 80 frames asked about, every 5th the other way: 8 of each kind. */
	KUNIT_EXPECT_EQ(test, copied_short, 32);
	KUNIT_EXPECT_EQ(test, copied_long, 8);

	zcrx_count_rx_cost(binding, &cost);
	zcrx_count_rx_cost(binding, &cost);
	zcrx_binding_read(binding, &got);
	KUNIT_EXPECT_EQ(test, got.rx_copybreak, 1 + 32 + 8);
	KUNIT_EXPECT_EQ(test, got.cost_copy_packets, 4);
	KUNIT_EXPECT_EQ(test, got.cost_copy_ns, 6000);
	KUNIT_EXPECT_EQ(test, got.cost_copy_bytes, 400);
	KUNIT_EXPECT_EQ(test, got.cost_zerocopy_packets, 2);
	KUNIT_EXPECT_EQ(test, got.cost_zerocopy_ns, 1800);
	KUNIT_EXPECT_EQ(test, got.cost_buffers, 64);
	KUNIT_EXPECT_EQ(test, got.cost_buffer_ns, 12800);

	zcrx_binding_put(binding);
	free_netdev(nic);
}

/*
 * Queues that other owners hold are refused.  6.12's only memory
 * provider is devmem, which needs a dma-buf mapped for the NIC's DMA:
 * netdevsim has no DMA mask and this virtio_net no queue_mgmt_ops, so no
 * NIC in the test VM can take one.  Here a fake NIC's queue gets one.
 */
static void zcrx_owned_queue_refused(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct netdev_rx_queue *rxq;
	struct net_device *nic;

	nic = alloc_etherdev_mqs(0, 1, 4);
	KUNIT_ASSERT_NOT_NULL(test, nic);

	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 1, &extack), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "ifindex: driver has no zero-copy receive support");
	nic->zcrx_ops = &zcrx_fake_ops;
	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 4, &extack), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 1, &extack), 0);

	rxq = __netif_get_rx_queue(nic, 1);
	rxq->mp_params.mp_priv = test;		/* any provider's state */
	extack._msg = NULL;
	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 1, &extack), -EBUSY);
	KUNIT_EXPECT_STREQ(test, extack._msg,
			   "queue-id: queue has a memory provider");
	/* The NIC's other queues are still free. */
	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 0, &extack), 0);
	rxq->mp_params.mp_priv = NULL;
	KUNIT_EXPECT_EQ(test, zcrx_check_rxq(nic, 1, &extack), 0);

	free_netdev(nic);
}

static struct kunit_case zcrx_test_cases[] = {
	KUNIT_CASE(zcrx_state_starve_then_post),
	KUNIT_CASE(zcrx_state_garbage_untouched),
	KUNIT_CASE(zcrx_low_watermark_crossing),
	KUNIT_CASE(zcrx_buffer_accounting),
	KUNIT_CASE(zcrx_copybreak_probe),
	KUNIT_CASE(zcrx_owned_queue_refused),
	{}
};

static struct kunit_suite zcrx_test_suite = {
	.name = "zcrx",
	.test_cases = zcrx_test_cases,
};

kunit_test_suite(zcrx_test_suite);

MODULE_DESCRIPTION("KUnit tests for zcrx");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
