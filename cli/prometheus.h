/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxctl stats --format prometheus: the bindings' counters, rates and
 * shares in the Prometheus text exposition format (version 0.0.4), as
 * node_exporter's textfile collector reads it.
 *
 * Every sample carries the labels nic, queue, macvtap and owner (empty
 * for a binding without one); counters end in _total, rates and shares
 * are gauges (_per_second, _ratio).  Each metric family is written whole,
 * HELP and TYPE first, so the file is valid with no binding too.
 */
#ifndef ZCRX_CLI_PROMETHEUS_H
#define ZCRX_CLI_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include "output.h"

/*
 * Write @bindings (@n of them) to @out.  Return: 0, or a negative errno
 * when writing failed.
 */
int zcrxctl_print_prometheus(FILE *out, const struct zcrxctl_binding *bindings, size_t n);

#endif
