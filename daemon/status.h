/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxd's STATUS= line for the service manager (systemctl status).
 */
#ifndef ZCRXD_STATUS_H
#define ZCRXD_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the longest text and its NUL. */
#define ZCRXD_STATUS_MAX 96

/*
 * "3 bindings, 1 in fallback", or a word that the kernel has no zcrx
 * family when @have_family is false.  @n_fallback counts the bindings
 * whose state is "fallback".
 */
void zcrxd_status_format(char buf[static ZCRXD_STATUS_MAX], bool have_family, size_t n_bindings,
			 size_t n_fallback);

#endif
