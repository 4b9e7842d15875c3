/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The _cleanup_ helpers zcrxd, zcrxctl and the tests share (systemd's
 * names and meaning): a variable so marked is freed or closed when it
 * goes out of scope; set it to NULL (or -1) to keep what it holds.
 */
#ifndef ZCRX_CLEANUP_H
#define ZCRX_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

#endif
