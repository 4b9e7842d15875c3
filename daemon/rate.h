/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-second rates of monotonic counters over a sliding time window.
 *
 * zcrxd samples each binding's kernel counters (buffers posted, filled,
 * returned, fallback deliveries, drops) and its fallback policy acts on
 * their rates.  Time is passed in by the caller, never read here, so the
 * policy can be tested with a fake clock.
 */
#ifndef ZCRX_RATE_H
#define ZCRX_RATE_H

#include <stdint.h>

#define ZCRX_RATE_MAX_SAMPLES 64

struct zcrx_rate_sample {
	uint64_t time_ns;
	uint64_t value;
};

/* A ring of the most recent samples of one counter. */
struct zcrx_rate_window {
	uint64_t window_ns;
	unsigned int first;	/* index of the oldest sample kept */
	unsigned int count;
	struct zcrx_rate_sample samples[ZCRX_RATE_MAX_SAMPLES];
};

int zcrx_rate_init(struct zcrx_rate_window *w, uint64_t window_ns);
int zcrx_rate_add(struct zcrx_rate_window *w, uint64_t time_ns,
		  uint64_t value);
int zcrx_rate_get(const struct zcrx_rate_window *w, double *ret_per_sec);

#endif
