/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A binding's owner: the orchestrator's name for the guest it serves (a
 * VM's UUID or name, as libvirt gives them).  zcrxd only stores and
 * compares it, but it travels into logs, the state file, D-Bus and
 * Prometheus labels, so it is kept to printable text of bounded size:
 * 1..255 bytes of UTF-8, no control character (C0, DEL or C1).
 */
#ifndef ZCRX_OWNER_H
#define ZCRX_OWNER_H

#include <stddef.h>
#include <stdint.h>

#define ZCRX_OWNER_MAX 255
/* An owner and its NUL; "" means the binding has none. */
#define ZCRX_OWNER_SIZE (ZCRX_OWNER_MAX + 1)

/*
 * The length of the UTF-8 sequence at @s (1..4) if it is a well-formed,
 * printable character, else 0.
 */
static inline size_t zcrx_owner_char_len(const unsigned char *s)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond Unicode, C1 controls. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* NULL if @owner is a valid owner, else a static "must ..." text. */
static inline const char *zcrx_owner_problem(const char *owner)
{
	const unsigned char *s = (const unsigned char *)owner;
	size_t n = 0, len;

	if (!*s)
		return "must not be empty";
	while (s[n]) {
		if (n >= ZCRX_OWNER_MAX)
			return "must be at most 255 bytes long";
		len = zcrx_owner_char_len(s + n);
		if (!len)
			return "must be printable UTF-8 text (no control characters)";
		n += len;
	}
	if (n > ZCRX_OWNER_MAX)
		return "must be at most 255 bytes long";
	return NULL;
}

#endif
