// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "rate.h"

#define NSEC_PER_SEC 1000000000.0

static const struct zcrx_rate_sample *
sample_at(const struct zcrx_rate_window *w, unsigned int i)
{
	return &w->samples[(w->first + i) % ZCRX_RATE_MAX_SAMPLES];
}

/**
 * zcrx_rate_init() - start an empty window
 * @w: the window
 * @window_ns: span the rate is averaged over, > 0
 *
 * Return: 0, or -EINVAL for a zero span.
 */
int zcrx_rate_init(struct zcrx_rate_window *w, uint64_t window_ns)
{
	if (!window_ns)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->window_ns = window_ns;
	return 0;
}

/**
 * zcrx_rate_add() - record a counter reading
 * @w: the window
 * @time_ns: monotonic time of the reading; must not go backwards
 * @value: the counter's value
 *
 * A value below the previous one means the counter was reset (the kernel
 * binding was recreated): the window restarts from this reading rather
 * than report a huge or negative rate.  Readings older than the window
 * are dropped, except the newest of them, which anchors the window's
 * start so the rate always spans at least @window_ns once enough history
 * exists.
 *
 * Return: 0, or -EINVAL if @time_ns is older than the last reading (the
 * window is left unchanged).
 */
int zcrx_rate_add(struct zcrx_rate_window *w, uint64_t time_ns,
		  uint64_t value)
{
	const struct zcrx_rate_sample *last;

	if (w->count) {
		last = sample_at(w, w->count - 1);
		if (time_ns < last->time_ns)
			return -EINVAL;
		if (value < last->value)
			w->count = 0;
	}

	if (w->count == ZCRX_RATE_MAX_SAMPLES) {
		w->first = (w->first + 1) % ZCRX_RATE_MAX_SAMPLES;
		w->count--;
	}
	w->samples[(w->first + w->count) % ZCRX_RATE_MAX_SAMPLES] =
		(struct zcrx_rate_sample){ .time_ns = time_ns, .value = value };
	w->count++;

	while (w->count > 2 && time_ns - sample_at(w, 1)->time_ns >= w->window_ns) {
		w->first = (w->first + 1) % ZCRX_RATE_MAX_SAMPLES;
		w->count--;
	}
	return 0;
}

/**
 * zcrx_rate_get() - the counter's rate over the window
 * @w: the window
 * @ret_per_sec: the rate in units per second
 *
 * Return: 0, or -ENODATA until two readings at different times exist.
 */
int zcrx_rate_get(const struct zcrx_rate_window *w, double *ret_per_sec)
{
	const struct zcrx_rate_sample *oldest, *newest;

	if (w->count < 2)
		return -ENODATA;
	oldest = sample_at(w, 0);
	newest = sample_at(w, w->count - 1);
	if (newest->time_ns == oldest->time_ns)
		return -ENODATA;
	*ret_per_sec = (double)(newest->value - oldest->value) * NSEC_PER_SEC /
		       (double)(newest->time_ns - oldest->time_ns);
	return 0;
}
