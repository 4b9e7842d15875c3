// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: the bindings it holds.  Each is the kernel's
 * binding (its latest info) with what zcrxd adds: origin, policy, rates
 * and the D-Bus properties computed from them.  Kept in id order, found by
 * id, object path or devices; one that leaves is remembered as ended.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounting.h"
#include "bindings-internal.h"
#include "links.h"

const char *zcrxd_origin_to_string(enum zcrxd_origin origin)
{
	switch (origin) {
	case ZCRXD_ORIGIN_CONFIG:
		return "config";
	case ZCRXD_ORIGIN_RUNTIME:
		return "runtime";
	case ZCRXD_ORIGIN_KERNEL:
		return "kernel";
	}
	return "unknown";
}

const char *zcrxd_binding_describe(const struct zcrxd_binding *b, char *buf, size_t size)
{
	snprintf(buf, size, "binding %" PRIu32 " (%s queue %" PRIu32 " -> %s)", b->id,
		 b->props.nic[0] ? b->props.nic : "?", b->props.queue,
		 b->props.macvtap[0] ? b->props.macvtap : "?");
	return buf;
}

/* A message about @b: its id, devices and owner go to the journal too. */
void zcrxd_binding_log(const struct zcrxd_binding *b, int priority, enum zcrxd_log_event event,
		       const char *reason, const char *fmt, ...)
{
	const struct zcrxd_log_binding fields = {
		.id = b->id,
		.nic = b->props.nic,
		.queue = b->props.queue,
		.macvtap = b->props.macvtap,
		.owner = b->props.owner,
	};
	va_list ap;

	va_start(ap, fmt);
	zcrxd_log_eventv(priority, event, &fields, reason, fmt, ap);
	va_end(ap);
}

uint64_t zcrxd_info_value(const struct zcrxd_binding *b, int attr)
{
	return zcrx_binding_has(&b->info, attr) ? b->info.value[attr] : 0;
}

/* The macvtap's namespace as the kernel reports it: -1 for the NIC's. */
int zcrxd_binding_netnsid(const struct zcrxd_binding *b)
{
	return zcrx_binding_has(&b->info, ZCRX_A_BINDING_MACVTAP_NETNSID) ?
		(int32_t)b->info.value[ZCRX_A_BINDING_MACVTAP_NETNSID] : -1;
}

static void binding_name(const struct zcrxd_bindings *t, int ifindex, const char *wanted_name,
			 char name[static ZCRX_IFNAMSIZ])
{
	if (ifindex > 0 && zcrx_links_name(t->links, ifindex, name, ZCRX_IFNAMSIZ) == 0)
		return;
	/* The link cache does not know it (yet): what we were told. */
	snprintf(name, ZCRX_IFNAMSIZ, "%s", wanted_name ? wanted_name : "");
}

/* @b's state changed from @old_state: into the fallback, or out of it. */
static void binding_log_state(const struct zcrxd_binding *b, const char *old_state)
{
	const char *fallback = zcrx_binding_value_name(ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
	char desc[DESCRIBE_MAX];

	if (!fallback)
		return;
	if (!strcmp(b->props.state, fallback))
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_FALLBACK_ENTERED, NULL,
				  "%s: fallback entered (no guest buffer posted; fallback %s)",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), b->props.fallback);
	else if (!strcmp(old_state, fallback))
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_FALLBACK_LEFT, NULL,
				  "%s: fallback left (state %s)",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), b->props.state);
}

/* Recompute the D-Bus view of @b from the kernel's data and the rates. */
void zcrxd_binding_refresh(struct zcrxd_binding *b)
{
	const struct zcrxd_bindings *t = b->table;
	struct zcrxd_binding_props *p = &b->props;
	const char *old_state = p->state;	/* NULL: a new binding */
	struct zcrx_rx_shares shares;
	const char *s;

	p->id = b->id;
	p->nic_ifindex = zcrxd_info_value(b, ZCRX_A_BINDING_IFINDEX);
	p->queue = zcrxd_info_value(b, ZCRX_A_BINDING_QUEUE_ID);
	p->macvtap_ifindex = zcrxd_info_value(b, ZCRX_A_BINDING_MACVTAP_IFINDEX);
	p->low_watermark = zcrxd_info_value(b, ZCRX_A_BINDING_LOW_WATERMARK);
	binding_name(t, p->nic_ifindex, b->wanted ? b->wanted->conf.nic : NULL, p->nic);
	p->macvtap_netnsid = zcrxd_binding_netnsid(b);
	if (p->macvtap_netnsid < 0) {
		binding_name(t, p->macvtap_ifindex, b->wanted ? b->wanted->conf.macvtap : NULL,
			     p->macvtap);
		p->macvtap_netns[0] = '\0';
	} else {
		/* The host's link cache has another device at that index, if
		 * any: the names are those of bind time. */
		snprintf(p->macvtap, sizeof(p->macvtap), "%s", b->netns_macvtap);
		snprintf(p->macvtap_netns, sizeof(p->macvtap_netns), "%s", b->netns);
	}
	s = zcrx_binding_value_name(ZCRX_A_BINDING_FALLBACK,
				    zcrxd_info_value(b, ZCRX_A_BINDING_FALLBACK));
	p->fallback = s ? s : "unknown";
	s = zcrx_binding_value_name(ZCRX_A_BINDING_STATE,
				    zcrxd_info_value(b, ZCRX_A_BINDING_STATE));
	p->state = s ? s : "unknown";
	p->policy_level = b->origin == ZCRXD_ORIGIN_KERNEL ?
		zcrx_policy_level_to_string(ZCRX_POLICY_LEVEL_NORMAL) :
		zcrx_policy_level_to_string(b->level);
	p->origin = zcrxd_origin_to_string(b->origin);
	p->buffers_posted = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_POSTED);
	p->buffers_filled = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_FILLED);
	p->buffers_returned = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_RETURNED);
	p->buffers_in_flight = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_IN_FLIGHT);
	p->rx_zerocopy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS);
	p->rx_copy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_COPY_PACKETS);
	p->rx_dropped_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_DROPPED_PACKETS);
	p->pinned_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_PINNED_BYTES);
	p->copybreak = zcrxd_info_value(b, ZCRX_A_BINDING_COPYBREAK);
	p->unbind_on_vhost_gone = zcrxd_info_value(b, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE) != 0;
	p->rx_copybreak_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_COPYBREAK_PACKETS);
	p->rx_zerocopy_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_RX_ZEROCOPY_BYTES);
	p->rx_copied_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_RX_COPIED_BYTES);
	p->posted_per_sec = zcrx_rate_or_zero(&b->posted);
	p->filled_per_sec = zcrx_rate_or_zero(&b->filled);
	p->returned_per_sec = zcrx_rate_or_zero(&b->returned);
	p->starved_per_sec = zcrx_rate_or_zero(&b->starved);
	zcrx_rx_shares_compute(zcrx_rate_or_zero(&b->rx_zerocopy), zcrx_rate_or_zero(&b->rx_copy),
			       zcrx_rate_or_zero(&b->rx_dropped), &shares);
	p->zerocopy_share = shares.zerocopy;
	p->copy_share = shares.copy;
	p->drop_share = shares.drop;
	p->policy_default_fallback = zcrx_fallback_to_string(b->params.default_fallback);
	p->policy_starved_fallback = zcrx_fallback_to_string(b->params.starved_fallback);
	p->policy_engage_starved_per_sec = b->params.engage_starved_per_sec;
	p->policy_clear_starved_per_sec = b->params.clear_starved_per_sec;
	p->policy_low_watermark = b->params.low_watermark;
	p->policy_min_dwell_ms = b->params.min_dwell_ns / ZCRX_NSEC_PER_MSEC;
	p->policy_window_ms = b->params.window_ns / ZCRX_NSEC_PER_MSEC;
	snprintf(p->owner, sizeof(p->owner), "%s", b->overrides.owner);
	/* Logged here, where the state is learnt, whichever way it came. */
	if (old_state && strcmp(old_state, p->state))
		binding_log_state(b, old_state);
}

void zcrxd_binding_publish(struct zcrxd_binding *b)
{
	struct zcrxd_bindings *t = b->table;

	zcrxd_binding_refresh(b);
	if (t->ops && t->ops->changed)
		t->ops->changed(b, t->userdata);
}

static void binding_rates_init(struct zcrxd_binding *b)
{
	uint64_t window = b->params.window_ns;

	zcrx_rate_init(&b->posted, window);
	zcrx_rate_init(&b->filled, window);
	zcrx_rate_init(&b->returned, window);
	zcrx_rate_init(&b->starved, window);
	zcrx_rate_init(&b->rx_zerocopy, window);
	zcrx_rate_init(&b->rx_copy, window);
	zcrx_rate_init(&b->rx_dropped, window);
}

/*
 * Recompute @b's policy parameters from the configuration's defaults and
 * its overrides, and start or update its policy.  @was_kernel: the policy
 * was not running (the binding was not ours).
 */
void zcrxd_binding_update_params(struct zcrxd_binding *b, bool was_kernel)
{
	const struct zcrxd_bindings *t = b->table;
	struct zcrx_policy_params params;
	char desc[DESCRIBE_MAX];
	int r;

	if (b->origin == ZCRXD_ORIGIN_KERNEL) {
		params = *zcrxd_policy_defaults(t);
	} else {
		zcrx_config_binding_policy(zcrxd_policy_defaults(t), &b->overrides, &params);
	}
	if (params.window_ns != b->params.window_ns) {
		b->params.window_ns = params.window_ns;
		binding_rates_init(b);
	}
	if (b->origin == ZCRXD_ORIGIN_KERNEL) {
		b->params = params;
		b->level = ZCRX_POLICY_LEVEL_NORMAL;
		return;
	}
	if (was_kernel)
		r = zcrx_policy_init(&b->policy, &params);
	else
		r = zcrx_policy_update_params(&b->policy, &params);
	if (r < 0) {
		/* The parser and the D-Bus checks make this unreachable. */
		zcrxd_log(LOG_ERR, "%s: invalid policy parameters, policy not updated",
			  zcrxd_binding_describe(b, desc, sizeof(desc)));
		return;
	}
	b->params = params;
	b->level = b->policy.level;
}

static void binding_insert(struct zcrxd_bindings *t, struct zcrxd_binding *b)
{
	struct zcrxd_binding *other;

	TAILQ_FOREACH(other, &t->bindings, link)
		if (other->id > b->id)
			break;
	if (other)
		TAILQ_INSERT_BEFORE(other, b, link);
	else
		TAILQ_INSERT_TAIL(&t->bindings, b, link);
	t->n_bindings++;
}

struct zcrxd_binding *zcrxd_binding_add(struct zcrxd_bindings *t,
					const struct zcrx_binding_info *info,
					enum zcrxd_origin origin, struct zcrxd_wanted *w,
					const struct zcrx_config_binding *overrides)
{
	struct zcrxd_binding *b;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->table = t;
	b->id = info->value[ZCRX_A_BINDING_ID];
	snprintf(b->path, sizeof(b->path), "%s/%" PRIu32, ZCRX_BINDING_PATH_PREFIX, b->id);
	b->info = *info;
	b->origin = origin;
	b->wanted = w;
	if (overrides) {
		b->overrides = *overrides;
		/* A macvtap of another namespace, by name or fd: its names. */
		if (overrides->netns[0] ||
		    zcrx_binding_has(info, ZCRX_A_BINDING_MACVTAP_NETNSID)) {
			snprintf(b->netns, sizeof(b->netns), "%s", overrides->netns);
			snprintf(b->netns_macvtap, sizeof(b->netns_macvtap), "%s",
				 overrides->macvtap);
		}
	}
	b->params.window_ns = 0;	/* makes zcrxd_binding_update_params() init the rates */
	/* A new binding with the id of one remembered as ended. */
	zcrx_ended_forget(&t->ended, b->id);
	zcrxd_binding_update_params(b, true);
	zcrxd_binding_refresh(b);
	binding_insert(t, b);
	if (t->ops && t->ops->added)
		t->ops->added(b, t->userdata);
	return b;
}

void zcrxd_binding_remove(struct zcrxd_bindings *t, struct zcrxd_binding *b)
{
	if (!b->end_reason)
		b->end_reason = "unknown";
	if (t->ops && t->ops->removing)
		t->ops->removing(b, t->userdata);
	zcrx_ended_add(&t->ended, b->id, b->props.owner, b->end_reason);
	TAILQ_REMOVE(&t->bindings, b, link);
	t->n_bindings--;
	free(b);
}

struct zcrxd_binding *zcrxd_bindings_find(struct zcrxd_bindings *t, uint32_t id)
{
	struct zcrxd_binding *b;

	TAILQ_FOREACH(b, &t->bindings, link)
		if (b->id == id)
			return b;
	return NULL;
}

uint32_t zcrxd_binding_path_id(const char *path)
{
	size_t len = strlen(ZCRX_BINDING_PATH_PREFIX);
	const char *digits;
	uint64_t id = 0;

	if (strncmp(path, ZCRX_BINDING_PATH_PREFIX, len) || path[len] != '/')
		return 0;
	digits = path + len + 1;
	/* The id in decimal, as written by zcrxd_binding_add(): no sign, no
	 * leading zero, no escape. */
	if (digits[0] < '1' || digits[0] > '9' || strlen(digits) > 10)
		return 0;
	for (const char *p = digits; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		id = id * 10 + (uint64_t)(*p - '0');
	}
	if (id > UINT32_MAX)
		return 0;
	return (uint32_t)id;
}

struct zcrxd_binding *zcrxd_bindings_find_path(struct zcrxd_bindings *t, const char *path)
{
	uint32_t id = zcrxd_binding_path_id(path);

	return id ? zcrxd_bindings_find(t, id) : NULL;
}

const struct zcrx_ended_binding *zcrxd_bindings_find_ended(const struct zcrxd_bindings *t,
							   uint32_t id)
{
	return zcrx_ended_find(&t->ended, id);
}

struct zcrxd_binding *zcrxd_bindings_first(struct zcrxd_bindings *t)
{
	return TAILQ_FIRST(&t->bindings);
}

struct zcrxd_binding *zcrxd_bindings_next(struct zcrxd_binding *b)
{
	return TAILQ_NEXT(b, link);
}

size_t zcrxd_bindings_count(const struct zcrxd_bindings *t)
{
	return t->n_bindings;
}

bool zcrxd_bindings_have_family(const struct zcrxd_bindings *t)
{
	return t->nl != NULL;
}

const struct zcrx_config *zcrxd_bindings_config(const struct zcrxd_bindings *t)
{
	return t->config;
}

/* Whether @b's macvtap is @macvtap_ifindex of namespace @netnsid (-1: the NIC's). */
bool zcrxd_binding_has_macvtap(const struct zcrxd_binding *b, int macvtap_ifindex, int netnsid)
{
	return zcrxd_info_value(b, ZCRX_A_BINDING_MACVTAP_IFINDEX) == (uint64_t)macvtap_ifindex &&
	       zcrxd_binding_netnsid(b) == netnsid;
}

struct zcrxd_binding *zcrxd_bindings_find_tuple(struct zcrxd_bindings *t, int nic_ifindex,
						uint32_t queue, int macvtap_ifindex, int netnsid)
{
	struct zcrxd_binding *b;

	TAILQ_FOREACH(b, &t->bindings, link)
		if (zcrxd_info_value(b, ZCRX_A_BINDING_IFINDEX) == (uint64_t)nic_ifindex &&
		    zcrxd_info_value(b, ZCRX_A_BINDING_QUEUE_ID) == queue &&
		    zcrxd_binding_has_macvtap(b, macvtap_ifindex, netnsid))
			return b;
	return NULL;
}

struct zcrxd_binding *zcrxd_binding_of_wanted(struct zcrxd_bindings *t,
					      const struct zcrxd_wanted *w)
{
	struct zcrxd_binding *b;

	TAILQ_FOREACH(b, &t->bindings, link)
		if (b->wanted == w)
			return b;
	return NULL;
}
