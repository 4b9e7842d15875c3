// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>

#include "accounting.h"

double zcrx_rate_or_zero(const struct zcrx_rate_window *w)
{
	double v;

	return zcrx_rate_get(w, &v) == 0 && v >= 0 ? v : 0;
}

/* A rate that cannot be a count of frames per second counts as none. */
static double frames_per_sec(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

/**
 * zcrx_rx_shares_compute() - shares of zero-copy, copied and dropped frames
 * @zerocopy_per_sec: rate of rx-zerocopy-packets
 * @copy_per_sec: rate of rx-copy-packets
 * @drop_per_sec: rate of rx-dropped-packets
 * @ret: the shares of their sum; they add up to 1, or are all 0 when no
 *       frame arrived in the window (an idle binding is not "0 %
 *       zero-copy and 0 % fallback" by accident but by definition)
 *
 * A negative or non-finite rate counts as 0.
 */
void zcrx_rx_shares_compute(double zerocopy_per_sec, double copy_per_sec,
			    double drop_per_sec, struct zcrx_rx_shares *ret)
{
	double zc = frames_per_sec(zerocopy_per_sec);
	double copy = frames_per_sec(copy_per_sec);
	double drop = frames_per_sec(drop_per_sec);
	double largest = zc > copy ? zc : copy, total;

	if (drop > largest)
		largest = drop;
	if (largest == 0) {
		*ret = (struct zcrx_rx_shares){ 0 };
		return;
	}
	/* Scaled to the largest first, so that the sum cannot overflow. */
	zc /= largest;
	copy /= largest;
	drop /= largest;
	total = zc + copy + drop;
	*ret = (struct zcrx_rx_shares){
		.zerocopy = zc / total,
		.copy = copy / total,
		.drop = drop / total,
	};
}
