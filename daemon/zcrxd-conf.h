/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxd.conf: the daemon's JSON configuration, parsed with json-c.
 *
 *   {
 *     "policy": {
 *       "default-fallback": "copy",
 *       "starved-fallback": "drop",
 *       "engage-starved-per-sec": 1000,
 *       "clear-starved-per-sec": 100,
 *       "low-watermark": 32,
 *       "min-dwell-ms": 5000,
 *       "window-ms": 2000
 *     },
 *     "bindings": [
 *       { "nic": "eth0", "queue": 1, "macvtap": "mvt0",
 *         "fallback": "copy", "low-watermark": 16,
 *         "unbind-on-vhost-gone": true }
 *     ]
 *   }
 *
 * Every key is optional except a binding's nic, queue and macvtap; `{}`
 * is the smallest valid file (all defaults, no bindings).
 *
 *   admin-group       no longer used (polkit decides; zcrxd warns that it
 *                     is ignored), still accepted so old files load.
 *   policy            defaults of every binding's fallback policy (see
 *                     policy.h for the semantics); absent keys take the
 *                     ZCRX_POLICY_DEFAULT_* values, copy and drop:
 *     default-fallback        "copy"|"drop", the mode when not starved
 *     starved-fallback        "copy"|"drop", the mode under sustained
 *                             starvation; equal to default-fallback pins it
 *     engage-starved-per-sec  1..4294967295, frames/s without a posted
 *                             buffer (copied + dropped) that engage it
 *     clear-starved-per-sec   0..4294967295, below engage-starved-per-sec,
 *                             the rate at or under which it clears
 *     low-watermark           0..65535 buffers: set on the kernel binding
 *                             (low-buffers event) and, for the policy, the
 *                             in-flight reserve below which moderate
 *                             starvation engages too; 0 disables both
 *     min-dwell-ms            0..86400000, least time between transitions
 *     window-ms               1..600000, span the rates are averaged over
 *   bindings          array of bindings declared at boot and on reload:
 *     nic, macvtap            interface names as the kernel accepts them
 *                             (1..15 bytes, no '/', ':' or whitespace, not
 *                             "." or ".."), different from each other
 *     queue                   0..65535, the NIC's receive queue
 *     fallback, starved-fallback, low-watermark
 *                             per-binding overrides of the policy keys
 *                             (fallback overrides default-fallback)
 *     unbind-on-vhost-gone    true|false (default false): the kernel ends
 *                             the binding when the vhost-net device
 *                             posting to it is released (its guest is gone)
 *     owner                   1..255 bytes of printable UTF-8 (owner.h): the
 *                             guest it is for, as Manager.Bind's "owner";
 *                             Manager.UnbindOwner ends it with the others
 *
 * Strict on purpose, as a typo must not silently change behaviour:
 * unknown keys, duplicate keys, wrong types, out-of-range numbers, a
 * (nic, queue) or macvtap bound twice, or a device used both as a NIC and
 * as a macvtap are all errors.  An error message names the file and the
 * key path, e.g. "zcrxd.conf: bindings[1].queue: must be an integer
 * 0..65535", or the line and column for JSON syntax.
 *
 * The runtime state file (state-file.h) holds a document of this format
 * with only a "bindings" key and its format's "version" (absent: 1, as
 * written before it was added); its parsing and formatting live here so
 * there is one definition of a binding's JSON form.
 *
 * Library code: nothing is logged, errors are returned with messages.
 */
#ifndef ZCRX_DAEMON_CONFIG_H
#define ZCRX_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/zcrx-ifname.h"
#include "common/zcrx-owner.h"
#include "netns.h"
#include "policy.h"

/*
 * The state file's format, its "version": a newer one is not read.
 * 2: a binding may name its macvtap's "netns".  A file without one is
 * still written as 1, so a zcrxd of before reads it.
 */
#define ZCRX_STATE_VERSION 2
#define ZCRX_STATE_VERSION_NETNS 2

/* Files larger than this are refused: configs are a few KiB at most. */
#define ZCRX_CONFIG_MAX_BYTES (1024 * 1024)

struct zcrx_config_binding {
	char nic[ZCRX_IFNAMSIZ];
	char macvtap[ZCRX_IFNAMSIZ];
	/* The network namespace the macvtap is in, a name of /run/netns
	 * (netns.h); "" for the host's. */
	char netns[ZCRX_NETNS_NAME_MAX];
	uint32_t queue;
	/* Overrides of the "policy" section, for this binding only. */
	bool has_fallback;
	enum zcrx_fallback fallback;
	bool has_starved_fallback;
	enum zcrx_fallback starved_fallback;
	bool has_low_watermark;
	uint32_t low_watermark;
	/* Not a policy key: the kernel binding's lifetime (absent: false). */
	bool has_unbind_on_vhost_gone;
	bool unbind_on_vhost_gone;
	/* Who the binding is for (owner.h); "" for nobody in particular. */
	char owner[ZCRX_OWNER_SIZE];
};

struct zcrx_config {
	char *admin_group;			/* NULL if absent */
	struct zcrx_policy_params policy;	/* defaults filled in */
	struct zcrx_config_binding *bindings;
	size_t n_bindings;
};

/* Why two bindings cannot coexist. */
enum zcrx_binding_conflict {
	ZCRX_BINDING_CONFLICT_NONE,
	ZCRX_BINDING_CONFLICT_QUEUE,	/* same nic and queue */
	ZCRX_BINDING_CONFLICT_MACVTAP,	/* same macvtap */
	ZCRX_BINDING_CONFLICT_ROLE,	/* one's nic is the other's macvtap */
};

/* How a binding's request compares with a binding of the same devices. */
enum zcrx_binding_match {
	ZCRX_BINDING_MATCH_SAME,	/* owner and Bind's options alike */
	ZCRX_BINDING_MATCH_OWNER,	/* another owner, or one and none */
	ZCRX_BINDING_MATCH_OPTIONS,	/* fallback, low-watermark or
					 * unbind-on-vhost-gone differ */
};

int zcrx_config_parse(const char *path_for_messages, const char *text,
		      struct zcrx_config **ret, char **ret_error);
int zcrx_config_load(const char *path, struct zcrx_config **ret,
		     char **ret_error);
void zcrx_config_free(struct zcrx_config *config);

static inline void zcrx_config_freep(struct zcrx_config **config)
{
	zcrx_config_free(*config);
}

void zcrx_config_binding_policy(const struct zcrx_policy_params *defaults,
				const struct zcrx_config_binding *binding,
				struct zcrx_policy_params *ret);
enum zcrx_binding_conflict
zcrx_config_binding_conflict(const struct zcrx_config_binding *a,
			     const struct zcrx_config_binding *b);
enum zcrx_binding_match
zcrx_config_binding_match(const struct zcrx_config_binding *have,
			  const struct zcrx_config_binding *want);

/* For the state file: a size-limited read, and the bindings document. */
int zcrx_config_read_file(const char *path, char **ret_text,
			  char **ret_error);
int zcrx_config_parse_bindings(const char *path_for_messages,
			       const char *text,
			       struct zcrx_config_binding **ret_bindings,
			       size_t *ret_n, char **ret_error);
int zcrx_config_format_bindings(const struct zcrx_config_binding *bindings,
				size_t n, char **ret_text);

#endif
