/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names of network namespaces in /run/netns, as `ip netns` makes them:
 * checked by zcrxd (Bind's netns option, zcrxd.conf) and by zcrxctl
 * before it asks.  zcrxd opens /run/netns/NAME with its own privileges,
 * so only a bare name is accepted, never a caller's path.
 */
#ifndef ZCRX_COMMON_NETNS_NAME_H
#define ZCRX_COMMON_NETNS_NAME_H

#include <string.h>

#define ZCRX_NETNS_DIR "/run/netns"
/* A name of /run/netns, with its NUL (a file name, not a path). */
#define ZCRX_NETNS_NAME_MAX 64

/*
 * NULL if @name may name /run/netns/@name, else a static "must ..." text.
 * Inline, as zcrx-ifname.h: the config parser and zcrxctl check names without
 * linking the look-up.
 */
static inline const char *zcrx_netns_name_problem(const char *name)
{
	if (!*name)
		return "must not be empty";
	if (strlen(name) >= ZCRX_NETNS_NAME_MAX)
		return "must be at most 63 bytes long";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "must not be \".\" or \"..\"";
	for (const char *c = name; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return "must be a name in " ZCRX_NETNS_DIR ", without '/' or control "
			       "characters";
	return NULL;
}

#endif
