// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>

#include "daemon/rate.h"
#include "tap.h"

#define SEC 1000000000ULL

static void test_empty(struct tap *t)
{
	struct zcrx_rate_window w;
	double rate = -1;

	tap_is_int(t, zcrx_rate_init(&w, 0), -EINVAL, "zero window refused");
	zcrx_rate_init(&w, 5 * SEC);
	tap_is_int(t, zcrx_rate_get(&w, &rate), -ENODATA, "no rate with no sample");
	zcrx_rate_add(&w, 1 * SEC, 100);
	tap_is_int(t, zcrx_rate_get(&w, &rate), -ENODATA, "no rate with one sample");
	zcrx_rate_add(&w, 1 * SEC, 200);
	tap_is_int(t, zcrx_rate_get(&w, &rate), -ENODATA,
		   "no rate when all samples share one time");
	tap_is_double(t, rate, -1, 0, "output untouched on error");
}

static void test_steady(struct tap *t)
{
	struct zcrx_rate_window w;
	double rate = 0;

	zcrx_rate_init(&w, 5 * SEC);
	for (uint64_t s = 0; s <= 10; s++)
		zcrx_rate_add(&w, s * SEC, 1000 * s);
	tap_is_int(t, zcrx_rate_get(&w, &rate), 0, "rate after steady samples");
	tap_is_double(t, rate, 1000, 1e-9, "steady 1000/s measured exactly");
}

static void test_window_forgets(struct tap *t)
{
	struct zcrx_rate_window w;
	double rate = 0;

	/* 10 s at 1000/s, then 5 s idle: a 5 s window sees only the idle part. */
	zcrx_rate_init(&w, 5 * SEC);
	for (uint64_t s = 0; s <= 10; s++)
		zcrx_rate_add(&w, s * SEC, 1000 * s);
	for (uint64_t s = 11; s <= 15; s++)
		zcrx_rate_add(&w, s * SEC, 10000);
	zcrx_rate_get(&w, &rate);
	tap_is_double(t, rate, 0, 1e-9, "old traffic leaves the window");

	/* One more busy second: 500 over the 5 s window = 100/s. */
	zcrx_rate_add(&w, 16 * SEC, 10500);
	zcrx_rate_get(&w, &rate);
	tap_is_double(t, rate, 100, 1e-9, "rate spans the whole window");
}

static void test_bad_time_and_reset(struct tap *t)
{
	struct zcrx_rate_window w;
	double rate = 0;

	zcrx_rate_init(&w, 5 * SEC);
	zcrx_rate_add(&w, 1 * SEC, 100);
	zcrx_rate_add(&w, 2 * SEC, 300);
	tap_is_int(t, zcrx_rate_add(&w, 1 * SEC, 400), -EINVAL,
		   "time going backwards refused");
	zcrx_rate_get(&w, &rate);
	tap_is_double(t, rate, 200, 1e-9, "refused sample changed nothing");

	/* Counter reset: restart instead of a bogus negative rate. */
	tap_is_int(t, zcrx_rate_add(&w, 3 * SEC, 10), 0, "counter reset accepted");
	tap_is_int(t, zcrx_rate_get(&w, &rate), -ENODATA,
		   "window restarts after a counter reset");
	zcrx_rate_add(&w, 4 * SEC, 60);
	zcrx_rate_get(&w, &rate);
	tap_is_double(t, rate, 50, 1e-9, "rate measured from the reset on");
}

static void test_ring_full(struct tap *t)
{
	struct zcrx_rate_window w;
	double rate = 0;

	/* Many samples within one window: the ring keeps the newest ones. */
	zcrx_rate_init(&w, 1000 * SEC);
	for (uint64_t i = 0; i < 3 * ZCRX_RATE_MAX_SAMPLES; i++)
		zcrx_rate_add(&w, i * SEC, i * i);
	tap_is_int(t, w.count, ZCRX_RATE_MAX_SAMPLES, "ring holds at most its size");
	zcrx_rate_get(&w, &rate);
	/* Oldest kept i = 128, newest i = 191: (191^2 - 128^2) / 63. */
	tap_is_double(t, rate, (191.0 * 191 - 128.0 * 128) / 63, 1e-9,
		      "overflow drops the oldest samples");
}

int main(void)
{
	struct tap t = { 0 };

	test_empty(&t);
	test_steady(&t);
	test_window_forgets(&t);
	test_bad_time_and_reset(&t);
	test_ring_full(&t);
	return tap_done(&t);
}
