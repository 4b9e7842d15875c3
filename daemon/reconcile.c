// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: reconciliation.  What is wanted and missing is
 * bound, a kernel binding that matches a wanted one is adopted, a wanted
 * binding follows the devices it was bound to, not their names, and on a
 * reload what is no longer declared is unbound (bindings.h has the rules).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bindings-internal.h"
#include "links.h"
#include "netns.h"

/* A refused bind of a wanted binding is tried again after this long
 * (or at once when a link comes or changes). */
#define RETRY_BIND_NS (10 * 1000 * ZCRX_NSEC_PER_MSEC)

void zcrxd_macvtap_place_release(struct zcrxd_macvtap_place *m)
{
	if (m->close_fd)
		close(m->netns_fd);
	m->close_fd = false;
	m->netns_fd = -1;
}

/*
 * Find @macvtap: in the host's link cache when @netns is "" and no
 * @netns_fd (>= 0) is given, else by name inside that namespace, where
 * it must be a macvtap whose lower device is @nic of the host's (its
 * IFLA_LINK_NETNSID, an id of zcrxd's namespace, must be zcrxd's own id
 * of itself, and IFLA_LINK is an index there; netns.h).
 * Returns 0, or a negative errno with @error set (INVALID_ARGS for a bad
 * namespace or device, NO_SUCH_DEVICE when it has no such link); the
 * caller releases *ret.
 */
int zcrxd_resolve_macvtap(const struct zcrxd_bindings *t, int nic, const char *macvtap,
			  const char *netns, int netns_fd, struct zcrxd_macvtap_place *ret,
			  struct zcrxd_error *error)
{
	struct zcrx_netns_link link;
	char where[ZCRX_NETNS_NAME_MAX + 40];
	int r;

	*ret = (struct zcrxd_macvtap_place){ .netnsid = -1, .netns_fd = -1 };
	if (!netns[0] && netns_fd < 0) {
		ret->ifindex = zcrx_links_ifindex(t->links, macvtap);
		if (ret->ifindex < 0)
			return zcrxd_error_set(error, ZCRXD_ERROR_NO_SUCH_DEVICE,
					       "macvtap: no network device named \"%s\"", macvtap);
		return 0;
	}
	if (netns_fd < 0) {
		const char *problem = zcrx_netns_name_problem(netns);

		if (problem)
			return zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
					       "netns: \"%s\" %s", netns, problem);
		netns_fd = zcrx_netns_open(netns);
		if (netns_fd < 0)
			return zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
					       "netns: cannot open %s/%s: %s", ZCRX_NETNS_DIR,
					       netns, strerror(-netns_fd));
		ret->close_fd = true;
		snprintf(where, sizeof(where), "network namespace %s", netns);
	} else {
		snprintf(where, sizeof(where), "the network namespace passed");
	}
	ret->netns_fd = netns_fd;

	r = zcrx_netns_lookup_link(netns_fd, macvtap, &link);
	if (r == -EACCES)
		r = zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
				    "netns: zcrxd may not administer %s (CAP_NET_ADMIN over it)", where);
	else if (r == -EINVAL)
		r = zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
				    "netns: %s is not a network namespace", where);
	else if (r == -ENODEV)
		r = zcrxd_error_set(error, ZCRXD_ERROR_NO_SUCH_DEVICE,
				    "macvtap: no network device named \"%s\" in %s", macvtap, where);
	else if (r < 0)
		r = zcrxd_error_set(error, ZCRXD_ERROR_FAILED, "netns: cannot look up %s in %s: %s",
				    macvtap, where, strerror(-r));
	else if (!link.is_macvtap)
		r = zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
				    "macvtap: %s in %s is not a macvtap device", macvtap, where);
	else if (link.lower_netnsid < 0 || link.lower_netnsid != link.own_netnsid ||
		 link.lower_ifindex != nic)
		r = zcrxd_error_set(error, ZCRXD_ERROR_INVALID_ARGS,
				    "macvtap: %s in %s is not stacked on the nic (ifindex %d of "
				    "zcrxd's namespace)", macvtap, where, nic);
	if (r < 0) {
		zcrxd_macvtap_place_release(ret);
		return r;
	}
	ret->netnsid = link.netnsid;
	ret->ifindex = link.ifindex;
	return 0;
}

/*
 * Whether the devices @w names now are those it was bound to: the same
 * ifindexes, and the macvtap still on that NIC.  Never bound: any are.
 */
static bool wanted_same_devices(const struct zcrxd_bindings *t, const struct zcrxd_wanted *w,
				int nic, int macvtap)
{
	int lower = 0;

	if (!w->bound_macvtap_ifindex)
		return true;
	if (nic != w->bound_nic_ifindex || macvtap != w->bound_macvtap_ifindex)
		return false;
	/* In another namespace, zcrxd_resolve_macvtap() checked its lower device. */
	return w->conf.netns[0] ||
	       (zcrx_links_macvtap_lower(t->links, macvtap, &lower) == 1 && lower == nic);
}

/*
 * @w's names belong to other devices now (a guest's macvtap went and
 * another was made under its name): the queue was for the old one.
 */
static void wanted_devices_replaced(struct zcrxd_bindings *t, struct zcrxd_wanted *w, int nic,
				    int macvtap)
{
	char desc[WANTED_DESC_MAX];

	zcrxd_log(LOG_NOTICE, "%s: %s and %s are now ifindex %d and %d, not the devices it was "
		  "bound to (%d and %d), maybe another guest's; %s",
		  zcrxd_wanted_describe(t, w, desc, sizeof(desc)), w->conf.nic, w->conf.macvtap,
		  nic, macvtap, w->bound_nic_ifindex, w->bound_macvtap_ifindex,
		  w->origin == ZCRXD_ORIGIN_CONFIG ?
		  "not bound to them until the next reload or restart" : "forgetting it");
	zcrxd_wanted_retire(t, w);
}

static void binding_adopt(struct zcrxd_bindings *t, struct zcrxd_binding *b, struct zcrxd_wanted *w)
{
	bool was_kernel = b->origin == ZCRXD_ORIGIN_KERNEL;
	enum zcrxd_origin old_origin = b->origin;
	char desc[DESCRIBE_MAX], wdesc[WANTED_DESC_MAX];

	b->origin = w->origin;
	b->wanted = w;
	b->overrides = w->conf;
	if (w->conf.netns[0]) {
		/* Adopted after a restart: the names come from the wanted one. */
		snprintf(b->netns, sizeof(b->netns), "%s", w->conf.netns);
		snprintf(b->netns_macvtap, sizeof(b->netns_macvtap), "%s", w->conf.macvtap);
	}
	zcrxd_wanted_bound_to(w, zcrxd_info_value(b, ZCRX_A_BINDING_IFINDEX),
			      zcrxd_info_value(b, ZCRX_A_BINDING_MACVTAP_IFINDEX));
	zcrxd_binding_update_params(b, was_kernel);
	free(w->last_problem);
	w->last_problem = NULL;
	zcrxd_binding_refresh(b);
	/* A binding of ours declared again by a reloaded configuration is
	 * not news. */
	if (was_kernel || old_origin != w->origin)
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
				  "adopted %s: %s", zcrxd_binding_describe(b, desc, sizeof(desc)),
				  zcrxd_wanted_source(t, w, wdesc, sizeof(wdesc)));
	zcrxd_binding_apply_low_watermark(t, b);
	zcrxd_binding_apply_unbind_on_vhost_gone(t, b);
	zcrxd_binding_publish(b);
}

/* Bind what @w wants; its devices exist. */
static void wanted_bind(struct zcrxd_bindings *t, struct zcrxd_wanted *w, int nic_ifindex,
			const struct zcrxd_macvtap_place *m, uint64_t now)
{
	struct zcrx_binding_info request = { 0 }, info;
	struct zcrx_policy_params params;
	struct zcrxd_binding *b;
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	uint32_t id;
	int r;

	zcrx_config_binding_policy(zcrxd_policy_defaults(t), &w->conf, &params);
	zcrx_binding_set(&request, ZCRX_A_BINDING_IFINDEX, nic_ifindex);
	zcrx_binding_set(&request, ZCRX_A_BINDING_QUEUE_ID, w->conf.queue);
	zcrx_binding_set(&request, ZCRX_A_BINDING_MACVTAP_IFINDEX, m->ifindex);
	if (m->netns_fd >= 0)
		zcrx_binding_set(&request, ZCRX_A_BINDING_MACVTAP_NETNS_FD, m->netns_fd);
	zcrx_binding_set(&request, ZCRX_A_BINDING_FALLBACK, params.default_fallback);
	zcrx_binding_set(&request, ZCRX_A_BINDING_LOW_WATERMARK, params.low_watermark);
	zcrxd_request_unbind_on_vhost_gone(&request, &w->conf);
	r = zcrx_nl_bind(t->nl, &request, &id);
	if (r < 0) {
		w->retry_after_ns = now + RETRY_BIND_NS;
		zcrxd_wanted_problem(t, w, LOG_ERR, "cannot bind: %s",
				     zcrxd_kernel_error_text(t, r, text, sizeof(text)));
		return;
	}
	if (zcrx_nl_get(t->nl, id, &info) < 0) {
		/* The next sample fills in the rest. */
		info = request;
		zcrx_binding_set(&info, ZCRX_A_BINDING_ID, id);
	}
	free(w->last_problem);
	w->last_problem = NULL;
	zcrxd_wanted_bound_to(w, nic_ifindex, m->ifindex);
	b = zcrxd_binding_add(t, &info, w->origin, w, &w->conf);
	if (!b) {
		zcrxd_log(LOG_ERR, "out of memory: binding %" PRIu32 " made but not tracked", id);
		return;
	}
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_BINDING_MADE, NULL,
			  "bound %s: %s", zcrxd_binding_describe(b, desc, sizeof(desc)),
			  zcrxd_wanted_source(t, w, text, sizeof(text)));
}

static void reconcile_one(struct zcrxd_bindings *t, struct zcrxd_wanted *w, uint64_t now)
{
	struct zcrxd_error error = { 0 };
	struct zcrxd_macvtap_place m;
	struct zcrxd_binding *b;
	char desc[DESCRIBE_MAX];
	int nic, macvtap, r;

	if (w->suppressed || zcrxd_binding_of_wanted(t, w))
		return;
	nic = zcrx_links_ifindex(t->links, w->conf.nic);
	if (nic < 0) {
		zcrxd_wanted_problem(t, w, LOG_INFO, "waiting for device %s", w->conf.nic);
		return;
	}
	r = zcrxd_resolve_macvtap(t, nic, w->conf.macvtap, w->conf.netns, -1, &m, &error);
	if (r == -ENODEV || (r < 0 && error.kind == ZCRXD_ERROR_NO_SUCH_DEVICE)) {
		zcrxd_wanted_problem(t, w, LOG_INFO, "waiting for device %s", w->conf.macvtap);
		return;
	}
	if (r < 0) {
		/* A namespace not made yet, a device not the one wanted yet. */
		zcrxd_wanted_problem(t, w, LOG_INFO, "waiting: %s", error.message);
		return;
	}
	macvtap = m.ifindex;
	if (!wanted_same_devices(t, w, nic, macvtap)) {
		wanted_devices_replaced(t, w, nic, macvtap);
		goto out;
	}
	b = zcrxd_bindings_find_tuple(t, nic, w->conf.queue, macvtap, m.netnsid);
	if (b && b->wanted) {
		/* Declared by zcrxd.conf and kept in the state file too. */
		zcrxd_wanted_problem(t, w, LOG_WARNING, "already %s",
				     zcrxd_binding_describe(b, desc, sizeof(desc)));
		goto out;
	}
	if (b) {
		binding_adopt(t, b, w);
		goto out;
	}
	if (now >= w->retry_after_ns)
		wanted_bind(t, w, nic, &m, now);
out:
	zcrxd_macvtap_place_release(&m);
}

/*
 * Bind what is wanted and missing, adopt what matches.  @reload: also
 * unbind what the previous configuration declared and this one does not.
 */
void zcrxd_bindings_reconcile(struct zcrxd_bindings *t, bool reload)
{
	struct zcrxd_binding *b, *next;
	struct zcrxd_wanted *w, *w_next;
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	uint64_t now = zcrxd_bindings_now_ns(t);
	int r;

	if (!t->nl)
		return;
	TAILQ_FOREACH(w, &t->config_wanted, link)
		reconcile_one(t, w, now);
	/* A runtime one may be forgotten on the way. */
	for (w = TAILQ_FIRST(&t->runtime_wanted); w; w = w_next) {
		w_next = TAILQ_NEXT(w, link);
		reconcile_one(t, w, now);
	}
	if (!reload)
		return;
	for (b = TAILQ_FIRST(&t->bindings); b; b = next) {
		next = TAILQ_NEXT(b, link);
		if (b->origin != ZCRXD_ORIGIN_CONFIG || b->wanted)
			continue;
		zcrxd_binding_describe(b, desc, sizeof(desc));
		r = zcrx_nl_unbind(t->nl, b->id);
		if (r < 0) {
			zcrxd_binding_log(b, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL,
					  "%s is no longer declared, but cannot be unbound: %s",
					  desc, zcrxd_kernel_error_text(t, r, text, sizeof(text)));
			continue;
		}
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_BINDING_ENDED, "request",
				  "unbound %s: no longer declared in the configuration", desc);
		b->end_reason = "request";
		zcrxd_binding_remove(t, b);
	}
}
