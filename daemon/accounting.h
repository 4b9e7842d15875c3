/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Accounting math of zcrxd: what a binding's D-Bus properties derive from
 * the rates of its kernel counters.  Pure functions, no clock, no I/O, so
 * the unit tests check them directly.
 */
#ifndef ZCRX_ACCOUNTING_H
#define ZCRX_ACCOUNTING_H

#include "rate.h"

/* How the frames received in the window were delivered; each 0..1. */
struct zcrx_rx_shares {
	double zerocopy;	/* into a posted guest buffer */
	double copy;		/* by the copy fallback */
	double drop;		/* dropped by the drop fallback */
};

/* A window's rate per second; 0 until known, and never negative. */
double zcrx_rate_or_zero(const struct zcrx_rate_window *w);

void zcrx_rx_shares_compute(double zerocopy_per_sec, double copy_per_sec,
			    double drop_per_sec, struct zcrx_rx_shares *ret);

#endif
