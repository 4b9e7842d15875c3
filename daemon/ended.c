// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "ended.h"

void zcrx_ended_init(struct zcrx_ended *ended)
{
	memset(ended, 0, sizeof(*ended));
}

void zcrx_ended_add(struct zcrx_ended *ended, uint32_t id, const char *owner,
		    const char *reason)
{
	struct zcrx_ended_binding *slot;

	if (!id || !*owner)
		return;
	zcrx_ended_forget(ended, id);
	slot = &ended->slot[ended->next];
	slot->id = id;
	snprintf(slot->owner, sizeof(slot->owner), "%s", owner);
	snprintf(slot->reason, sizeof(slot->reason), "%s", reason);
	ended->next = (ended->next + 1) % ZCRX_ENDED_MAX;
}

const struct zcrx_ended_binding *zcrx_ended_find(const struct zcrx_ended *ended, uint32_t id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < ZCRX_ENDED_MAX; i++)
		if (ended->slot[i].id == id)
			return &ended->slot[i];
	return NULL;
}

void zcrx_ended_forget(struct zcrx_ended *ended, uint32_t id)
{
	for (size_t i = 0; i < ZCRX_ENDED_MAX; i++)
		if (id && ended->slot[i].id == id)
			memset(&ended->slot[i], 0, sizeof(ended->slot[i]));
}
