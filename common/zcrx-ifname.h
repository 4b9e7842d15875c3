/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interface names as the kernel's dev_valid_name() accepts them.  zcrxd
 * (config file, D-Bus arguments) and zcrxctl (command line) refuse the
 * same names with the same words, so a name refused here could never
 * name a device.
 */
#ifndef ZCRX_IFNAME_H
#define ZCRX_IFNAME_H

#include <stdbool.h>
#include <string.h>

/* IFNAMSIZ: 15 bytes and the terminating NUL. */
#define ZCRX_IFNAMSIZ 16

/* Like the kernel's isspace(), which also counts Latin-1's NBSP. */
static inline bool zcrx_ifname_isspace(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (unsigned char)c == 0xa0;
}

/* NULL if @name is a valid interface name, else a static "must ..." text. */
static inline const char *zcrx_ifname_problem(const char *name)
{
	if (!*name)
		return "must not be empty";
	if (strlen(name) >= ZCRX_IFNAMSIZ)
		return "must be at most 15 bytes long";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "must not be \".\" or \"..\"";
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || zcrx_ifname_isspace(*c))
			return "must not contain '/', ':' or whitespace";
	return NULL;
}

#endif
