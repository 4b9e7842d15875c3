/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxd's table of bindings.
 *
 * Two views meet here:
 *
 *   - the kernel's: every binding of the zcrx family in the network
 *     namespace, from a dump at start (the kernel's bindings outlive the
 *     daemon) and kept current by the family's events and by the dump
 *     each sampling period makes;
 *   - what is wanted: the bindings zcrxd.conf declares, and the runtime
 *     bindings made over D-Bus with persist=true (saved in the state
 *     directory), by interface names.
 *
 * Reconciliation binds what is wanted and missing, adopts a kernel
 * binding that already matches a wanted one (same NIC, queue and
 * macvtap) and sets its low watermark and unbind-on-vhost-gone to the
 * wanted ones, and never unbinds anything still wanted; kernel bindings
 * nobody declared stay untouched and visible with origin "kernel".
 * A wanted binding the kernel ended with its guest (vhost-gone) is not
 * made again: a runtime one is forgotten, a declared one waits for the
 * next reload or restart.  So is one ended by an unbind request made
 * outside zcrxd.  When its unbound event was lost (the event socket
 * overflowed), the devices tell which: both still there means it was
 * ended on purpose (request or vhost-gone).
 * A wanted binding follows the devices it was bound to, not their names:
 * a macvtap made again under the same name (by another guest, maybe) is
 * another device, and does not inherit the queue (a runtime binding is
 * forgotten, a declared one waits for the next reload).
 * A wanted binding whose devices are absent waits for them (link
 * changes trigger a new attempt).
 *
 * Each sampling period, the counters of every binding are fed to its
 * rates and, unless it is a "kernel" binding, to its fallback policy;
 * a transition the policy asks for is applied with the family's `set`.
 *
 * D-Bus is not spoken here: what changed is reported through struct
 * zcrxd_bindings_ops (dbus.c), and the requests of the D-Bus methods
 * come in through zcrxd_bindings_bind(), _unbind(), _unbind_owner() and
 * _set(), which return a struct zcrxd_error for the caller to turn into a
 * reply.
 *
 * Logging: this is daemon code, it logs what it does (zcrxd_log()); the
 * request functions do not log refusals, they return them.
 */
#ifndef ZCRXD_BINDINGS_H
#define ZCRXD_BINDINGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <syslog.h>

#include <systemd/sd-event.h>

#include "common/zcrx-bus.h"
#include "common/zcrx-limits.h"
#include "common/zcrx-owner.h"
#include "ended.h"
#include "log.h"
#include "policy.h"
#include "rate.h"
#include "zcrx-netlink.h"
#include "zcrxd-conf.h"

/* The prefix, "/", up to 10 digits and the NUL. */
#define ZCRXD_BINDING_PATH_MAX (sizeof(ZCRX_BINDING_PATH_PREFIX) + 12)


enum zcrxd_origin {
	ZCRXD_ORIGIN_CONFIG,	/* declared in zcrxd.conf */
	ZCRXD_ORIGIN_RUNTIME,	/* made over D-Bus */
	ZCRXD_ORIGIN_KERNEL,	/* found in the kernel, not ours: left alone */
};

const char *zcrxd_origin_to_string(enum zcrxd_origin origin);

/* What a failed request tells its caller (dbus.c maps it to an error). */
enum zcrxd_error_kind {
	ZCRXD_ERROR_NONE,
	ZCRXD_ERROR_INVALID_ARGS,	/* nothing was changed */
	ZCRXD_ERROR_NOT_SUPPORTED,	/* the kernel has no zcrx family */
	ZCRXD_ERROR_NO_SUCH_DEVICE,	/* an interface name resolves to nothing */
	ZCRXD_ERROR_UNKNOWN_OBJECT,	/* no such binding */
	ZCRXD_ERROR_KERNEL,		/* the kernel refused: "<strerror>: <extack>" */
	ZCRXD_ERROR_FAILED,		/* anything else (state file, memory) */
	ZCRXD_ERROR_ALREADY_BOUND,	/* the queue or macvtap is another's binding */
	ZCRXD_ERROR_NOT_OWNER,		/* the binding has another owner */
};

#define ZCRXD_ERROR_MESSAGE_MAX 512

struct zcrxd_error {
	enum zcrxd_error_kind kind;
	char message[ZCRXD_ERROR_MESSAGE_MAX];
};

/* Sets @error and returns -EINVAL (or the errno that goes with @kind). */
int zcrxd_error_set(struct zcrxd_error *error, enum zcrxd_error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define ZCRXD_FAMILY_MISSING_TEXT \
	"zcrx generic netlink family not found: is the kernel built with CONFIG_ZCRX?"

/* A wanted binding: declared in zcrxd.conf, or runtime and persisted. */
struct zcrxd_wanted {
	TAILQ_ENTRY(zcrxd_wanted) link;
	struct zcrx_config_binding conf;	/* names, queue, overrides */
	enum zcrxd_origin origin;		/* CONFIG or RUNTIME */
	size_t config_index;			/* bindings[i] of zcrxd.conf */
	bool suppressed;	/* config: unbound by request, until reload */
	bool dropping;		/* runtime: being replaced (state file update) */
	char *last_problem;	/* last reason it is not bound, logged once */
	uint64_t retry_after_ns;	/* after a refused bind */
	/* The devices it was last bound to (0: not yet): it follows them,
	 * not their names, so it is bound again only to these. */
	int bound_nic_ifindex;
	int bound_macvtap_ifindex;
};

/*
 * A binding's D-Bus properties, as last computed.  Strings are static
 * except the names.  dbus.c reads them (the vtable points into them) and
 * compares them with what it last announced.
 */
struct zcrxd_binding_props {
	uint32_t id;
	uint32_t nic_ifindex;
	uint32_t queue;
	uint32_t macvtap_ifindex;
	uint32_t low_watermark;
	char nic[ZCRX_IFNAMSIZ];
	char macvtap[ZCRX_IFNAMSIZ];
	/* The macvtap's namespace: its name in /run/netns when zcrxd knows
	 * it ("" otherwise, and for the host's), and the kernel's
	 * macvtap-netnsid (-1: the NIC's own namespace). */
	char macvtap_netns[ZCRX_NETNS_NAME_MAX];
	int32_t macvtap_netnsid;
	const char *fallback;
	const char *state;
	const char *policy_level;
	const char *origin;
	uint64_t buffers_posted;
	uint64_t buffers_filled;
	uint64_t buffers_returned;
	uint64_t buffers_in_flight;
	uint64_t rx_zerocopy_packets;
	uint64_t rx_copy_packets;
	uint64_t rx_dropped_packets;
	uint64_t pinned_bytes;
	uint32_t copybreak;
	bool unbind_on_vhost_gone;	/* the kernel's setting */
	uint64_t rx_copybreak_packets;
	uint64_t rx_zerocopy_bytes;
	uint64_t rx_copied_bytes;
	double posted_per_sec;
	double filled_per_sec;
	double returned_per_sec;
	double starved_per_sec;
	double zerocopy_share;
	double copy_share;
	double drop_share;
	/* The policy's parameters (config defaults + the binding's overrides). */
	const char *policy_default_fallback;
	const char *policy_starved_fallback;
	uint64_t policy_engage_starved_per_sec;
	uint64_t policy_clear_starved_per_sec;
	uint32_t policy_low_watermark;
	uint64_t policy_min_dwell_ms;
	uint64_t policy_window_ms;
	char owner[ZCRX_OWNER_SIZE];	/* "" when it has none */
};

struct zcrxd_bindings;

struct zcrxd_binding {
	TAILQ_ENTRY(zcrxd_binding) link;	/* in id order */
	struct zcrxd_bindings *table;
	uint32_t id;
	char path[ZCRXD_BINDING_PATH_MAX];
	struct zcrx_binding_info info;		/* the kernel's, latest */
	enum zcrxd_origin origin;
	struct zcrxd_wanted *wanted;		/* NULL: not (or no longer) wanted */
	struct zcrx_config_binding overrides;	/* its policy overrides */
	struct zcrx_policy_params params;	/* config defaults + overrides */
	struct zcrx_policy policy;		/* run unless origin is KERNEL */
	struct zcrx_copybreak copybreak;	/* its cost readings ("auto") */
	bool copybreak_probe_set;		/* zcrxd turned the kernel's probe on */
	enum zcrx_policy_level level;
	struct zcrx_rate_window posted, filled, returned, starved;
	struct zcrx_rate_window rx_zerocopy, rx_copy, rx_dropped;
	uint64_t low_buffers_logged_ns;
	unsigned int low_buffers_suppressed;
	/* Its macvtap is in another namespace: the names it had there when
	 * zcrxd bound it (the host's link cache does not know that index;
	 * "" when adopted from the kernel unknown). */
	char netns[ZCRX_NETNS_NAME_MAX];
	char netns_macvtap[ZCRX_IFNAMSIZ];
	const char *end_reason;	/* why it leaves the table: "request", "nic-gone", ... */
	struct zcrxd_binding_props props;	/* current */
	struct zcrxd_binding_props announced;	/* owned by dbus.c */
};

/* How the table tells the D-Bus side what happened. */
struct zcrxd_bindings_ops {
	/* A binding entered the table (props filled). */
	void (*added)(struct zcrxd_binding *binding, void *userdata);
	/* A binding is about to leave the table (still findable). */
	void (*removing)(struct zcrxd_binding *binding, void *userdata);
	/* Its props were recomputed: announce what differs. */
	void (*changed)(struct zcrxd_binding *binding, void *userdata);
	/* The daemon set the kernel's fallback. */
	void (*fallback_changed)(struct zcrxd_binding *binding, const char *old_fallback,
				 const char *new_fallback, const char *reason, void *userdata);
	/* The kernel reported it low on guest buffers (rate-limited as the log). */
	void (*low_buffers)(struct zcrxd_binding *binding, void *userdata);
};

struct zcrxd_bind_request {
	char nic[ZCRX_IFNAMSIZ];
	char macvtap[ZCRX_IFNAMSIZ];
	/* The macvtap's namespace: a name of /run/netns, or an fd the caller
	 * passed (not saved: it cannot be opened again after a restart). */
	char netns[ZCRX_NETNS_NAME_MAX];
	bool has_netns_fd;
	int netns_fd;		/* the caller's; not closed */
	uint32_t queue;
	bool has_fallback;
	enum zcrx_fallback fallback;
	bool has_low_watermark;
	uint32_t low_watermark;
	bool has_unbind_on_vhost_gone;
	bool unbind_on_vhost_gone;
	bool persist;
	char owner[ZCRX_OWNER_SIZE];	/* "": none */
};

struct zcrxd_set_request {
	bool has_fallback;
	enum zcrx_fallback fallback;
	bool has_low_watermark;
	uint32_t low_watermark;
	bool has_unbind_on_vhost_gone;
	bool unbind_on_vhost_gone;
};

int zcrxd_bindings_new(struct zcrxd_bindings **ret, sd_event *event, const char *state_dir);
struct zcrxd_bindings *zcrxd_bindings_free(struct zcrxd_bindings *table);
void zcrxd_bindings_set_ops(struct zcrxd_bindings *table, const struct zcrxd_bindings_ops *ops,
			    void *userdata);
/* The userdata given with the ops. */
void *zcrxd_bindings_ops_userdata(const struct zcrxd_bindings *table);
/* Receive buffer of the event and link sockets, before _start(). */
void zcrxd_bindings_set_receive_buffer(struct zcrxd_bindings *table, int bytes);

/*
 * Link cache, then the family (absent: logged, retried each sample).
 * Returns 0 or a negative errno, with *ret_step naming what failed.
 */
int zcrxd_bindings_start(struct zcrxd_bindings *table, const char **ret_step);
/* Runtime bindings from the state directory (problems are logged). */
void zcrxd_bindings_load_state(struct zcrxd_bindings *table);
/*
 * Take @config (ownership passes) and reconcile.  @reload: bindings
 * declared by the previous configuration and not by this one are
 * unbound; at start nothing is.
 */
void zcrxd_bindings_apply_config(struct zcrxd_bindings *table, struct zcrx_config *config,
				 bool reload);
const struct zcrx_config *zcrxd_bindings_config(const struct zcrxd_bindings *table);

/* One sampling period: dump, rates, policy, properties. */
void zcrxd_bindings_sample(struct zcrxd_bindings *table);

bool zcrxd_bindings_have_family(const struct zcrxd_bindings *table);
size_t zcrxd_bindings_count(const struct zcrxd_bindings *table);
struct zcrxd_binding *zcrxd_bindings_first(struct zcrxd_bindings *table);
struct zcrxd_binding *zcrxd_bindings_next(struct zcrxd_binding *binding);
struct zcrxd_binding *zcrxd_bindings_find(struct zcrxd_bindings *table, uint32_t id);
/* The binding at a D-Bus object path ("<prefix>/<id in decimal>"), or NULL. */
struct zcrxd_binding *zcrxd_bindings_find_path(struct zcrxd_bindings *table, const char *path);

/* Requests of the D-Bus methods; @who names the caller in logs. */
int zcrxd_bindings_bind(struct zcrxd_bindings *table, const struct zcrxd_bind_request *request,
			const char *who, struct zcrxd_binding **ret, struct zcrxd_error *error);
int zcrxd_bindings_unbind(struct zcrxd_bindings *table, struct zcrxd_binding *binding,
			  const char *who, struct zcrxd_error *error);
/*
 * Unbind every binding of @owner; *ret_ids (to free()) lists those
 * unbound.  On a failure the others are still tried and the first
 * failure is returned, *ret_ids listing what was unbound.
 */
int zcrxd_bindings_unbind_owner(struct zcrxd_bindings *table, const char *owner, const char *who,
				uint32_t **ret_ids, size_t *ret_n, struct zcrxd_error *error);
/* Binding @id, gone from the table, if it ended recently with an owner. */
const struct zcrx_ended_binding *zcrxd_bindings_find_ended(const struct zcrxd_bindings *table,
							   uint32_t id);
/* The id of a binding's object path, 0 if @path is not one. */
uint32_t zcrxd_binding_path_id(const char *path);
int zcrxd_bindings_set(struct zcrxd_bindings *table, struct zcrxd_binding *binding,
		       const struct zcrxd_set_request *request, const char *who,
		       struct zcrxd_error *error);

#endif
