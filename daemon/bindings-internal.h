/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the pieces of zcrxd's binding table share; bindings.h is the
 * table's interface to the rest of zcrxd, this header is not.
 *
 *   bindings.c       the table's life cycle: new, start, free; link changes
 */
#ifndef ZCRXD_BINDINGS_INTERNAL_H
#define ZCRXD_BINDINGS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <systemd/sd-event.h>

#include "bindings.h"
#include "ended.h"
#include "policy.h"
#include "zcrxd-conf.h"

#define DESCRIBE_MAX 96
/* A wanted binding's description names the state file's path. */
#define SOURCE_MAX 4200
#define WANTED_DESC_MAX (DESCRIBE_MAX + SOURCE_MAX)

TAILQ_HEAD(binding_list, zcrxd_binding);
TAILQ_HEAD(wanted_list, zcrxd_wanted);

/* The table: every piece reads and changes it. */
struct zcrxd_bindings {
	sd_event *event;
	char *state_dir;
	struct zcrx_config *config;		/* NULL until the first apply */
	struct zcrx_policy_params builtin_policy; /* while config is NULL */
	struct zcrx_links *links;
	sd_event_source *links_source;
	struct zcrx_nl *nl;			/* NULL: no zcrx family (yet) */
	struct zcrx_nl *events;
	sd_event_source *events_source;
	struct binding_list bindings;		/* in id order */
	size_t n_bindings;
	struct wanted_list config_wanted;	/* zcrxd.conf's, in file order */
	struct wanted_list runtime_wanted;	/* the state file's */
	const struct zcrxd_bindings_ops *ops;
	void *userdata;
	bool family_missing_logged;
	char *sample_problem;			/* last one logged */
	struct zcrx_ended ended;		/* owned bindings that ended lately */
	int receive_buffer_bytes;		/* of the event and link sockets */
	bool state_kept;	/* the state file could not be read: never overwrite it */
};

/* ---- what one piece defines for the others, by file ---- */

#endif
