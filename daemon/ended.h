/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bindings that ended recently while they had an owner, so that an
 * owner's Manager.Release() of a binding that is already gone (the guest
 * went first, or the reply to an earlier Release was lost) succeeds and
 * says why it ended.
 *
 * A ring of the last ZCRX_ENDED_MAX such bindings, by kernel binding id:
 * the oldest is forgotten first.  Memory only: a zcrxd restart forgets
 * them all.  The kernel allocates ids cyclically over 31 bits, so an id
 * comes back only after two billion bindings; should it, the new binding
 * replaces the record (zcrx_ended_forget()).
 *
 * Library code: no logging, no allocation.
 */
#ifndef ZCRX_ENDED_H
#define ZCRX_ENDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/zcrx-owner.h"

#define ZCRX_ENDED_MAX 256
/* "macvtap-gone" and the NUL, with room to spare. */
#define ZCRX_ENDED_REASON_SIZE 16

struct zcrx_ended_binding {
	uint32_t id;			/* 0: an empty slot (ids start at 1) */
	char owner[ZCRX_OWNER_SIZE];
	char reason[ZCRX_ENDED_REASON_SIZE];
};

struct zcrx_ended {
	struct zcrx_ended_binding slot[ZCRX_ENDED_MAX];
	size_t next;			/* the slot written next */
};

void zcrx_ended_init(struct zcrx_ended *ended);
/* Remember binding @id of @owner (not empty), ended for @reason. */
void zcrx_ended_add(struct zcrx_ended *ended, uint32_t id, const char *owner,
		    const char *reason);
/* The record of binding @id, or NULL. */
const struct zcrx_ended_binding *zcrx_ended_find(const struct zcrx_ended *ended, uint32_t id);
/* Forget binding @id (its id was given to a new binding). */
void zcrx_ended_forget(struct zcrx_ended *ended, uint32_t id);

#endif
