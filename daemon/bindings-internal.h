/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the pieces of zcrxd's binding table share; bindings.h is the
 * table's interface to the rest of zcrxd, this header is not.
 *
 *   bindings.c       the table's life cycle: new, start, free; link changes
 *   binding-table.c  the bindings it holds: add, find, remove, properties
 *   wanted.c         what is wanted: zcrxd.conf's bindings, the state file's
 *   kernel-sync.c    the kernel's view: the family, its events, dumps
 *   reconcile.c      binding what is wanted and missing, adopting what matches
 *   sampling.c       each sampling period: rates, policy, the kernel's settings
 *   requests.c       the requests of the D-Bus methods: bind, unbind, set
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

/* A macvtap as bind takes it and the table compares it. */
struct zcrxd_macvtap_place {
	int ifindex;		/* in its namespace */
	/* zcrxd's id of its namespace (the kernel's macvtap-netnsid); -1
	 * for zcrxd's own. */
	int netnsid;
	int netns_fd;		/* for macvtap-netns-fd; -1: the host's */
	bool close_fd;		/* netns_fd is ours */
};

/* ---- what one piece defines for the others, by file ---- */

/* bindings.c */
const char *zcrxd_kernel_error_text(const struct zcrxd_bindings *t, int r, char *buf, size_t size);
uint64_t zcrxd_bindings_now_ns(const struct zcrxd_bindings *t);
const struct zcrx_policy_params *zcrxd_policy_defaults(const struct zcrxd_bindings *t);

/* binding-table.c */
const char *zcrxd_binding_describe(const struct zcrxd_binding *b, char *buf, size_t size);
void zcrxd_binding_log(const struct zcrxd_binding *b, int priority, enum zcrxd_log_event event,
		       const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
uint64_t zcrxd_info_value(const struct zcrxd_binding *b, int attr);
int zcrxd_binding_netnsid(const struct zcrxd_binding *b);
void zcrxd_binding_refresh(struct zcrxd_binding *b);
void zcrxd_binding_publish(struct zcrxd_binding *b);
void zcrxd_binding_update_params(struct zcrxd_binding *b, bool was_kernel);
struct zcrxd_binding *zcrxd_binding_add(struct zcrxd_bindings *t,
					const struct zcrx_binding_info *info,
					enum zcrxd_origin origin, struct zcrxd_wanted *w,
					const struct zcrx_config_binding *overrides);
void zcrxd_binding_remove(struct zcrxd_bindings *t, struct zcrxd_binding *b);
bool zcrxd_binding_has_macvtap(const struct zcrxd_binding *b, int macvtap_ifindex, int netnsid);
struct zcrxd_binding *zcrxd_bindings_find_tuple(struct zcrxd_bindings *t, int nic_ifindex,
						uint32_t queue, int macvtap_ifindex, int netnsid);
struct zcrxd_binding *zcrxd_binding_of_wanted(struct zcrxd_bindings *t,
					      const struct zcrxd_wanted *w);

/* wanted.c */
const char *zcrxd_wanted_source(const struct zcrxd_bindings *t, const struct zcrxd_wanted *w,
				char *buf, size_t size);
const char *zcrxd_wanted_describe(const struct zcrxd_bindings *t, const struct zcrxd_wanted *w,
				  char *buf, size_t size);
bool zcrxd_wants_unbind_on_vhost_gone(const struct zcrx_config_binding *conf);
void zcrxd_request_unbind_on_vhost_gone(struct zcrx_binding_info *request,
					const struct zcrx_config_binding *conf);
void zcrxd_wanted_free(struct zcrxd_wanted *w);
struct zcrxd_wanted *zcrxd_wanted_new(const struct zcrx_config_binding *conf,
				      enum zcrxd_origin origin, size_t config_index);
void zcrxd_wanted_drop(struct zcrxd_bindings *t, struct wanted_list *list, struct zcrxd_wanted *w);
void zcrxd_wanted_problem(struct zcrxd_bindings *t, struct zcrxd_wanted *w, int priority,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int zcrxd_bindings_save_state(struct zcrxd_bindings *t, const struct zcrxd_wanted *skip,
			      const struct zcrx_config_binding *extra,
			      const struct zcrxd_wanted *replace_for,
			      const struct zcrx_config_binding *replacement);
void zcrxd_bindings_save_state_logged(struct zcrxd_bindings *t);
void zcrxd_wanted_retire(struct zcrxd_bindings *t, struct zcrxd_wanted *w);
void zcrxd_wanted_bound_to(struct zcrxd_wanted *w, int nic_ifindex, int macvtap_ifindex);

/* kernel-sync.c */
int zcrxd_bindings_sync_from_dump(struct zcrxd_bindings *t);
int zcrxd_bindings_start_family(struct zcrxd_bindings *t, const char **ret_step);
void zcrxd_bindings_retry_family(struct zcrxd_bindings *t);

/* reconcile.c */
void zcrxd_macvtap_place_release(struct zcrxd_macvtap_place *m);
int zcrxd_resolve_macvtap(const struct zcrxd_bindings *t, int nic, const char *macvtap,
			  const char *netns, int netns_fd, struct zcrxd_macvtap_place *ret,
			  struct zcrxd_error *error);
void zcrxd_bindings_reconcile(struct zcrxd_bindings *t, bool reload);

/* sampling.c */
void zcrxd_binding_apply_low_watermark(struct zcrxd_bindings *t, struct zcrxd_binding *b);
void zcrxd_binding_apply_unbind_on_vhost_gone(struct zcrxd_bindings *t, struct zcrxd_binding *b);

#endif
