/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ranges zcrxd accepts (zcrxd.conf, D-Bus arguments) and zcrxctl
 * checks before asking, in one place, so that a value the command line
 * lets through is never one the daemon refuses.
 */
#ifndef ZCRX_LIMITS_H
#define ZCRX_LIMITS_H

#include <stdint.h>

/* A NIC's receive queue: the kernel's queue indexes are 16 bits. */
#define ZCRX_QUEUE_MAX 65535
/* Low watermark, in posted buffers: the kernel's rings hold fewer. */
#define ZCRX_LOW_WATERMARK_MAX 65535
/* Binding ids: the kernel's start at 1. */
#define ZCRX_BINDING_ID_MIN 1
#define ZCRX_BINDING_ID_MAX UINT32_MAX

#endif
