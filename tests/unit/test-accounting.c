// SPDX-License-Identifier: GPL-2.0-only
/* The shares of zero-copy, copied and dropped frames zcrxd publishes. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/accounting.h"
#include "tap.h"

#define SEC 1000000000ULL

static void check_shares(struct tap *t, double zc, double copy, double drop, double want_zc,
			 double want_copy, double want_drop, const char *desc)
{
	struct zcrx_rx_shares s = { -1, -1, -1 };
	char what[128];

	zcrx_rx_shares_compute(zc, copy, drop, &s);
	snprintf(what, sizeof(what), "%s: zero-copy share", desc);
	tap_is_double(t, s.zerocopy, want_zc, 1e-12, what);
	snprintf(what, sizeof(what), "%s: copy share", desc);
	tap_is_double(t, s.copy, want_copy, 1e-12, what);
	snprintf(what, sizeof(what), "%s: drop share", desc);
	tap_is_double(t, s.drop, want_drop, 1e-12, what);
}

static void test_shares(struct tap *t)
{
	check_shares(t, 0, 0, 0, 0, 0, 0, "no frame in the window: all 0");
	check_shares(t, 500, 0, 0, 1, 0, 0, "zero-copy only");
	check_shares(t, 0, 40, 0, 0, 1, 0, "copy fallback only");
	check_shares(t, 0, 0, 7, 0, 0, 1, "drop fallback only");
	check_shares(t, 300, 100, 0, 0.75, 0.25, 0, "3:1 zero-copy to copy");
	check_shares(t, 1, 1, 2, 0.25, 0.25, 0.5, "1:1:2");
	check_shares(t, 0.5, 0, 0.5, 0.5, 0, 0.5, "fractional rates");
	check_shares(t, -5, 10, 0, 0, 1, 0, "a negative rate counts as 0");
	check_shares(t, NAN, 10, INFINITY, 0, 1, 0, "NaN and infinity count as 0");
	check_shares(t, DBL_MAX, DBL_MAX, 0, 0.5, 0.5, 0, "huge rates do not overflow the sum");
	check_shares(t, -1, NAN, 0, 0, 0, 0, "only unusable rates: all 0");
}

static void test_shares_sum_to_one(struct tap *t)
{
	struct zcrx_rx_shares s;
	bool all_one = true;

	for (int zc = 0; zc <= 20; zc++)
		for (int copy = 0; copy <= 20; copy++)
			for (int drop = 1; drop <= 20; drop++) {
				zcrx_rx_shares_compute(zc * 13.7, copy * 0.3, drop * 1e6, &s);
				if (fabs(s.zerocopy + s.copy + s.drop - 1) > 1e-12 ||
				    s.zerocopy < 0 || s.copy < 0 || s.drop < 0)
					all_one = false;
			}
	tap_ok(t, all_one, "shares are 0..1 and add up to 1 whenever a frame arrived");
}

static void test_rate_or_zero(struct tap *t)
{
	struct zcrx_rate_window w;

	zcrx_rate_init(&w, 2 * SEC);
	tap_is_double(t, zcrx_rate_or_zero(&w), 0, 0, "rate of an empty window: 0");
	zcrx_rate_add(&w, 1 * SEC, 10);
	tap_is_double(t, zcrx_rate_or_zero(&w), 0, 0, "rate of one reading: 0");
	zcrx_rate_add(&w, 2 * SEC, 110);
	tap_is_double(t, zcrx_rate_or_zero(&w), 100, 1e-9, "rate of two readings 1 s apart");
}

/* The path zcrxd takes: counter readings -> rates -> shares. */
static void test_from_counters(struct tap *t)
{
	struct zcrx_rate_window zc, copy, drop;
	struct zcrx_rx_shares s;

	zcrx_rate_init(&zc, 2 * SEC);
	zcrx_rate_init(&copy, 2 * SEC);
	zcrx_rate_init(&drop, 2 * SEC);
	/* 900 zero-copy and 100 copied frames a second, nothing dropped... */
	for (uint64_t i = 0; i <= 4; i++) {
		zcrx_rate_add(&zc, i * SEC, 900 * i);
		zcrx_rate_add(&copy, i * SEC, 100 * i);
		zcrx_rate_add(&drop, i * SEC, 0);
	}
	zcrx_rx_shares_compute(zcrx_rate_or_zero(&zc), zcrx_rate_or_zero(&copy),
			       zcrx_rate_or_zero(&drop), &s);
	tap_is_double(t, s.zerocopy, 0.9, 1e-9, "from counters: 90 % zero-copy");
	tap_is_double(t, s.copy, 0.1, 1e-9, "from counters: 10 % copied");
	tap_is_double(t, s.drop, 0, 0, "from counters: nothing dropped");

	/* ...then starved: the counters of zero-copy stop, drops run. */
	for (uint64_t i = 5; i <= 8; i++) {
		zcrx_rate_add(&zc, i * SEC, 3600);
		zcrx_rate_add(&copy, i * SEC, 400);
		zcrx_rate_add(&drop, i * SEC, 500 * (i - 4));
	}
	zcrx_rx_shares_compute(zcrx_rate_or_zero(&zc), zcrx_rate_or_zero(&copy),
			       zcrx_rate_or_zero(&drop), &s);
	tap_is_double(t, s.drop, 1, 1e-9, "starved window: every frame dropped");

	/* Idle: every counter stands still, the window forgets the rest. */
	for (uint64_t i = 9; i <= 12; i++) {
		zcrx_rate_add(&zc, i * SEC, 3600);
		zcrx_rate_add(&copy, i * SEC, 400);
		zcrx_rate_add(&drop, i * SEC, 2000);
	}
	zcrx_rx_shares_compute(zcrx_rate_or_zero(&zc), zcrx_rate_or_zero(&copy),
			       zcrx_rate_or_zero(&drop), &s);
	tap_ok(t, s.zerocopy == 0 && s.copy == 0 && s.drop == 0, "idle window: all shares 0");
}

int main(void)
{
	struct tap t = { 0 };

	test_shares(&t);
	test_shares_sum_to_one(&t);
	test_rate_or_zero(&t);
	test_from_counters(&t);
	return tap_done(&t);
}
