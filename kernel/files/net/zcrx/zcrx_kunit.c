// SPDX-License-Identifier: GPL-2.0
/* KUnit tests of zcrx's pure logic: state transitions and watermarks. */
#include <kunit/test.h>

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

static struct kunit_case zcrx_test_cases[] = {
	KUNIT_CASE(zcrx_state_starve_then_post),
	KUNIT_CASE(zcrx_state_garbage_untouched),
	KUNIT_CASE(zcrx_low_watermark_crossing),
	{}
};

static struct kunit_suite zcrx_test_suite = {
	.name = "zcrx",
	.test_cases = zcrx_test_cases,
};

kunit_test_suite(zcrx_test_suite);

MODULE_DESCRIPTION("KUnit tests for zcrx");
MODULE_LICENSE("GPL");
