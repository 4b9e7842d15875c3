// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's STATUS= line: see status.h.
 */
#include <stdio.h>

#include "status.h"

void zcrxd_status_format(char buf[static ZCRXD_STATUS_MAX], bool have_family, size_t n_bindings,
			 size_t n_fallback)
{
	if (!have_family)
		snprintf(buf, ZCRXD_STATUS_MAX, "zcrx netlink family not found; D-Bus API up");
	else
		snprintf(buf, ZCRXD_STATUS_MAX, "%zu binding%s, %zu in fallback", n_bindings,
			 n_bindings == 1 ? "" : "s", n_fallback);
}
