// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: the requests of the D-Bus methods (bind, unbind,
 * unbind an owner's, set).  A refused request changes nothing and is not
 * logged: it returns a struct zcrxd_error for dbus.c to reply with.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bindings-internal.h"
#include "links.h"
#include "state-file.h"

int zcrxd_error_set(struct zcrxd_error *error, enum zcrxd_error_kind kind, const char *fmt, ...)
{
	va_list ap;

	error->kind = kind;
	va_start(ap, fmt);
	vsnprintf(error->message, sizeof(error->message), fmt, ap);
	va_end(ap);
	switch (kind) {
	case ZCRXD_ERROR_NONE:
		return 0;
	case ZCRXD_ERROR_INVALID_ARGS:
		return -EINVAL;
	case ZCRXD_ERROR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case ZCRXD_ERROR_NO_SUCH_DEVICE:
		return -ENODEV;
	case ZCRXD_ERROR_UNKNOWN_OBJECT:
		return -ENOENT;
	case ZCRXD_ERROR_ALREADY_BOUND:
		return -EBUSY;
	case ZCRXD_ERROR_NOT_OWNER:
		return -EPERM;
	case ZCRXD_ERROR_KERNEL:
	case ZCRXD_ERROR_FAILED:
		break;
	}
	return -EIO;
}

static int set_kernel_error(const struct zcrxd_bindings *t, int r, struct zcrxd_error *error)
{
	char text[ZCRX_NL_ERROR_TEXT_MAX + 64];

	return zcrxd_error_set(error, ZCRXD_ERROR_KERNEL, "%s",
			       zcrxd_kernel_error_text(t, r, text, sizeof(text)));
}

/* The settings Binding.Set changes, from @from into @conf. */
static void conf_take_settings(struct zcrx_config_binding *conf,
			       const struct zcrx_config_binding *from)
{
	conf->has_fallback = from->has_fallback;
	conf->fallback = from->fallback;
	conf->has_low_watermark = from->has_low_watermark;
	conf->low_watermark = from->low_watermark;
	conf->has_unbind_on_vhost_gone = from->has_unbind_on_vhost_gone;
	conf->unbind_on_vhost_gone = from->unbind_on_vhost_gone;
}

/*
 * Why @b, on the devices @conf names, is not the binding @conf asks for;
 * NULL when it is (Bind is idempotent): made over D-Bus, by the same
 * owner, with the same options, saved or not as asked.
 */
static const char *request_mismatch(const struct zcrxd_binding *b,
				    const struct zcrx_config_binding *conf, bool persist)
{
	if (b->origin == ZCRXD_ORIGIN_CONFIG)
		return "zcrxd.conf declares it";
	if (b->origin == ZCRXD_ORIGIN_KERNEL)
		return "zcrxd does not manage it";
	switch (zcrx_config_binding_match(&b->overrides, conf)) {
	case ZCRX_BINDING_MATCH_OWNER:
		return b->overrides.owner[0] ? "another owner holds it" : "it has no owner";
	case ZCRX_BINDING_MATCH_OPTIONS:
		return "its options differ: change them with its Set method";
	case ZCRX_BINDING_MATCH_SAME:
		break;
	}
	if (persist != (b->wanted != NULL))
		return persist ? "it is not saved across restarts" : "it is saved across restarts";
	return NULL;
}

/* "origin runtime, owner \"vm1\"" or "origin config, no owner". */
static const char *holder_describe(const struct zcrxd_binding *b, char *buf, size_t size)
{
	if (b->props.owner[0])
		snprintf(buf, size, "origin %s, owner \"%s\"", b->props.origin, b->props.owner);
	else
		snprintf(buf, size, "origin %s, no owner", b->props.origin);
	return buf;
}

/*
 * A Bind of @conf where zcrxd's table already has a binding of its queue
 * or its macvtap: 1 with *ret set when it is the very binding asked for,
 * a negative errno with @error naming the holder when it is another's,
 * 0 when neither is taken (the kernel still has the last word).
 */
static int check_holder(struct zcrxd_bindings *t, int nic, int macvtap, int netnsid,
			const struct zcrx_config_binding *conf, bool persist,
			struct zcrxd_binding **ret, struct zcrxd_error *error)
{
	char holder[ZCRX_OWNER_SIZE + 64];
	struct zcrxd_binding *b;
	const char *mismatch;

	b = zcrxd_bindings_find_tuple(t, nic, conf->queue, macvtap, netnsid);
	mismatch = b ? request_mismatch(b, conf, persist) : NULL;
	if (b && !mismatch) {
		*ret = b;
		return 1;
	}
	if (b)
		return zcrxd_error_set(error, ZCRXD_ERROR_ALREADY_BOUND,
				       "%s queue %" PRIu32 " -> %s is already bound as %s (%s): %s",
				       conf->nic, conf->queue, conf->macvtap, b->path,
				       holder_describe(b, holder, sizeof(holder)), mismatch);
	TAILQ_FOREACH(b, &t->bindings, link) {
		if (zcrxd_info_value(b, ZCRX_A_BINDING_IFINDEX) == (uint64_t)nic &&
		    zcrxd_info_value(b, ZCRX_A_BINDING_QUEUE_ID) == conf->queue)
			return zcrxd_error_set(error, ZCRXD_ERROR_ALREADY_BOUND,
					       "queue-id: %s queue %" PRIu32 " is held by %s "
					       "(macvtap %s, %s)", conf->nic, conf->queue,
					       b->path, b->props.macvtap,
					       holder_describe(b, holder, sizeof(holder)));
		if (zcrxd_binding_has_macvtap(b, macvtap, netnsid))
			return zcrxd_error_set(error, ZCRXD_ERROR_ALREADY_BOUND,
					       "macvtap-ifindex: %s is held by %s (%s queue %" PRIu32
					       ", %s)", conf->macvtap, b->path, b->props.nic,
					       b->props.queue, holder_describe(b, holder, sizeof(holder)));
	}
	return 0;
}

static int check_family(const struct zcrxd_bindings *t, struct zcrxd_error *error)
{
	if (t->nl)
		return 0;
	return zcrxd_error_set(error, ZCRXD_ERROR_NOT_SUPPORTED, "%s", ZCRXD_FAMILY_MISSING_TEXT);
}

/* Bind what @req asks, its devices found. */
static int bind_resolved(struct zcrxd_bindings *t, const struct zcrxd_bind_request *req,
			 const char *who, int nic, const struct zcrxd_macvtap_place *m,
			 struct zcrxd_binding **ret, struct zcrxd_error *error)
{
	struct zcrx_binding_info request = { 0 }, info;
	struct zcrx_config_binding conf = { 0 };
	struct zcrx_policy_params params;
	struct zcrxd_wanted *w = NULL, *rw;
	struct zcrxd_binding *b = NULL;
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	int macvtap = m->ifindex, r;
	/* A namespace passed as an fd cannot be opened again from the state
	 * file after a restart: such a binding stays the kernel's then. */
	bool persist = req->persist && !req->has_netns_fd;
	uint32_t id;

	snprintf(conf.nic, sizeof(conf.nic), "%s", req->nic);
	snprintf(conf.macvtap, sizeof(conf.macvtap), "%s", req->macvtap);
	snprintf(conf.netns, sizeof(conf.netns), "%s", req->netns);
	conf.queue = req->queue;
	conf.has_fallback = req->has_fallback;
	conf.fallback = req->fallback;
	conf.has_low_watermark = req->has_low_watermark;
	conf.low_watermark = req->low_watermark;
	conf.has_unbind_on_vhost_gone = req->has_unbind_on_vhost_gone;
	conf.unbind_on_vhost_gone = req->unbind_on_vhost_gone;
	snprintf(conf.owner, sizeof(conf.owner), "%s", req->owner);
	r = check_holder(t, nic, macvtap, m->netnsid, &conf, persist, &b, error);
	if (r < 0)
		return r;
	if (r > 0) {
		zcrxd_log(LOG_INFO, "%s: bound already as asked by %s",
			  zcrxd_binding_describe(b, desc, sizeof(desc)), who);
		*ret = b;
		return 0;
	}
	zcrx_config_binding_policy(zcrxd_policy_defaults(t), &conf, &params);

	zcrx_binding_set(&request, ZCRX_A_BINDING_IFINDEX, nic);
	zcrx_binding_set(&request, ZCRX_A_BINDING_QUEUE_ID, req->queue);
	zcrx_binding_set(&request, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap);
	if (m->netns_fd >= 0)
		zcrx_binding_set(&request, ZCRX_A_BINDING_MACVTAP_NETNS_FD, m->netns_fd);
	zcrx_binding_set(&request, ZCRX_A_BINDING_FALLBACK, params.default_fallback);
	zcrx_binding_set(&request, ZCRX_A_BINDING_LOW_WATERMARK, params.low_watermark);
	zcrxd_request_unbind_on_vhost_gone(&request, &conf);
	r = zcrx_nl_bind(t->nl, &request, &id);
	if (r < 0)
		return set_kernel_error(t, r, error);

	if (persist) {
		/* Saved runtime bindings this one conflicts with (waiting for
		 * their devices, or naming other devices now) are replaced
		 * by it: the newer request wins. */
		struct zcrxd_wanted *next;

		TAILQ_FOREACH(rw, &t->runtime_wanted, link)
			rw->dropping = zcrx_config_binding_conflict(&rw->conf, &conf) !=
				       ZCRX_BINDING_CONFLICT_NONE;
		r = zcrxd_bindings_save_state(t, NULL, &conf, NULL, NULL);
		if (r < 0) {
			int u = zcrx_nl_unbind(t->nl, id);

			TAILQ_FOREACH(rw, &t->runtime_wanted, link)
				rw->dropping = false;
			if (u < 0)
				zcrxd_log(LOG_ERR, "binding %" PRIu32 " could not be saved nor "
					  "undone: %s", id,
					  zcrxd_kernel_error_text(t, u, text, sizeof(text)));
			return zcrxd_error_set(error, ZCRXD_ERROR_FAILED,
					       "cannot save %s/%s: %s%s", t->state_dir,
					       ZCRX_STATE_FILE, strerror(-r),
					       u < 0 ? "" : " (binding undone)");
		}
		for (rw = TAILQ_FIRST(&t->runtime_wanted); rw; rw = next) {
			next = TAILQ_NEXT(rw, link);
			if (!rw->dropping)
				continue;
			zcrxd_log(LOG_INFO, "saved runtime binding %s queue %" PRIu32 " -> %s is "
				  "replaced by %s queue %" PRIu32 " -> %s",
				  rw->conf.nic, rw->conf.queue, rw->conf.macvtap,
				  conf.nic, conf.queue, conf.macvtap);
			zcrxd_wanted_drop(t, &t->runtime_wanted, rw);
		}
		w = zcrxd_wanted_new(&conf, ZCRXD_ORIGIN_RUNTIME, 0);
		if (w) {
			zcrxd_wanted_bound_to(w, nic, macvtap);
			TAILQ_INSERT_TAIL(&t->runtime_wanted, w, link);
		}
	}

	if (zcrx_nl_get(t->nl, id, &info) < 0) {
		info = request;
		zcrx_binding_set(&info, ZCRX_A_BINDING_ID, id);
	}
	/* The bound event may have come first: it is still unread. */
	b = zcrxd_binding_add(t, &info, ZCRXD_ORIGIN_RUNTIME, w, &conf);
	if (!b)
		return zcrxd_error_set(error, ZCRXD_ERROR_FAILED,
				       "out of memory: binding %" PRIu32 " made but not tracked", id);
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_BINDING_MADE, NULL,
			  "bound %s for %s%s%s%s%s", zcrxd_binding_describe(b, desc, sizeof(desc)),
			  who, persist ? ", saved" : req->persist ?
			  ", not saved (netns passed as an fd)" : ", not saved",
			  conf.owner[0] ? ", owner \"" : "", conf.owner, conf.owner[0] ? "\"" : "");
	*ret = b;
	return 0;
}

int zcrxd_bindings_bind(struct zcrxd_bindings *t, const struct zcrxd_bind_request *req,
			const char *who, struct zcrxd_binding **ret, struct zcrxd_error *error)
{
	struct zcrxd_macvtap_place m;
	int nic, r;

	r = check_family(t, error);
	if (r < 0)
		return r;
	nic = zcrx_links_ifindex(t->links, req->nic);
	if (nic < 0)
		return zcrxd_error_set(error, ZCRXD_ERROR_NO_SUCH_DEVICE,
				       "nic: no network device named \"%s\"", req->nic);
	r = zcrxd_resolve_macvtap(t, nic, req->macvtap, req->netns,
				  req->has_netns_fd ? req->netns_fd : -1, &m, error);
	if (r < 0)
		return r;
	r = bind_resolved(t, req, who, nic, &m, ret, error);
	zcrxd_macvtap_place_release(&m);
	return r;
}

int zcrxd_bindings_unbind(struct zcrxd_bindings *t, struct zcrxd_binding *b, const char *who,
			  struct zcrxd_error *error)
{
	struct zcrxd_wanted *w = b->wanted;
	bool saved = w && w->origin == ZCRXD_ORIGIN_RUNTIME;
	char desc[DESCRIBE_MAX], wdesc[WANTED_DESC_MAX];
	int r;

	r = check_family(t, error);
	if (r < 0)
		return r;
	/* Forget it in the state file first: a failure changes nothing. */
	if (saved) {
		r = zcrxd_bindings_save_state(t, w, NULL, NULL, NULL);
		if (r < 0)
			return zcrxd_error_set(error, ZCRXD_ERROR_FAILED, "cannot save %s/%s: %s",
					       t->state_dir, ZCRX_STATE_FILE, strerror(-r));
	}
	r = zcrx_nl_unbind(t->nl, b->id);
	if (r < 0) {
		r = set_kernel_error(t, r, error);
		if (saved)
			zcrxd_bindings_save_state_logged(t);
		return r;
	}
	zcrxd_binding_describe(b, desc, sizeof(desc));
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_BINDING_ENDED, "request",
			  "unbound %s for %s", desc, who);
	if (w && w->origin == ZCRXD_ORIGIN_CONFIG) {
		w->suppressed = true;
		zcrxd_log(LOG_NOTICE, "%s is not bound again until the next reload",
			  zcrxd_wanted_describe(t, w, wdesc, sizeof(wdesc)));
	} else if (saved) {
		zcrxd_wanted_drop(t, &t->runtime_wanted, w);
	}
	b->end_reason = "request";
	zcrxd_binding_remove(t, b);
	return 0;
}

int zcrxd_bindings_unbind_owner(struct zcrxd_bindings *t, const char *owner, const char *who,
				uint32_t **ret_ids, size_t *ret_n, struct zcrxd_error *error)
{
	struct zcrxd_error first = { 0 };
	struct zcrxd_binding *b;
	uint32_t *owned, *ids;
	size_t n_owned = 0, n = 0;
	int r, failure = 0;

	*ret_ids = NULL;
	*ret_n = 0;
	r = check_family(t, error);
	if (r < 0)
		return r;
	/* Ids first: unbinding removes from the table being walked. */
	owned = calloc(t->n_bindings ? t->n_bindings : 1, sizeof(*owned));
	ids = calloc(t->n_bindings ? t->n_bindings : 1, sizeof(*ids));
	if (!owned || !ids) {
		free(owned);
		free(ids);
		return zcrxd_error_set(error, ZCRXD_ERROR_FAILED, "out of memory");
	}
	TAILQ_FOREACH(b, &t->bindings, link)
		if (!strcmp(b->props.owner, owner))
			owned[n_owned++] = b->id;
	for (size_t i = 0; i < n_owned; i++) {
		b = zcrxd_bindings_find(t, owned[i]);
		if (!b)
			continue;	/* ended meanwhile */
		r = zcrxd_bindings_unbind(t, b, who, error);
		if (r < 0 && !failure) {
			failure = r;
			first = *error;
		}
		if (r == 0)
			ids[n++] = owned[i];
	}
	free(owned);
	if (failure)
		zcrxd_error_set(error, first.kind, "%zu of the %zu bindings of owner \"%s\" "
				"unbound; the first refusal: %s", n, n_owned, owner, first.message);
	*ret_ids = ids;
	*ret_n = n;
	return failure;
}

int zcrxd_bindings_set(struct zcrxd_bindings *t, struct zcrxd_binding *b,
		       const struct zcrxd_set_request *req, const char *who,
		       struct zcrxd_error *error)
{
	struct zcrx_binding_info changes = { 0 };
	struct zcrx_config_binding overrides = b->overrides;
	struct zcrx_policy_params params;
	struct zcrxd_wanted *w = b->wanted;
	bool saved = w && w->origin == ZCRXD_ORIGIN_RUNTIME;
	enum zcrx_fallback old = zcrxd_info_value(b, ZCRX_A_BINDING_FALLBACK), want = old;
	char desc[DESCRIBE_MAX], lw[32] = "", vhost_gone_text[32] = "";
	const char *old_name = zcrx_fallback_to_string(old);
	int r;

	r = check_family(t, error);
	if (r < 0)
		return r;
	if (req->has_fallback) {
		overrides.has_fallback = true;
		overrides.fallback = req->fallback;
	}
	if (req->has_low_watermark) {
		overrides.has_low_watermark = true;
		overrides.low_watermark = req->low_watermark;
	}
	if (req->has_unbind_on_vhost_gone) {
		overrides.has_unbind_on_vhost_gone = true;
		overrides.unbind_on_vhost_gone = req->unbind_on_vhost_gone;
	}
	if (b->origin == ZCRXD_ORIGIN_KERNEL) {
		/* Not ours: the request goes to the kernel as it is. */
		if (req->has_fallback)
			want = req->fallback;
	} else if (req->has_fallback) {
		/* The binding's normal mode; under starvation the starved
		 * mode stays until the policy sees recovery. */
		zcrx_config_binding_policy(zcrxd_policy_defaults(t), &overrides, &params);
		want = params.default_fallback;
		if (params.default_fallback != params.starved_fallback &&
		    b->level == ZCRX_POLICY_LEVEL_STARVED)
			want = params.starved_fallback;
	}
	if (want != old)
		zcrx_binding_set(&changes, ZCRX_A_BINDING_FALLBACK, want);
	if (req->has_low_watermark &&
	    req->low_watermark != zcrxd_info_value(b, ZCRX_A_BINDING_LOW_WATERMARK))
		zcrx_binding_set(&changes, ZCRX_A_BINDING_LOW_WATERMARK, req->low_watermark);
	if (req->has_unbind_on_vhost_gone &&
	    req->unbind_on_vhost_gone !=
	    (zcrxd_info_value(b, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE) != 0))
		zcrx_binding_set(&changes, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE,
				 req->unbind_on_vhost_gone);

	if (saved) {
		struct zcrx_config_binding conf = w->conf;

		conf_take_settings(&conf, &overrides);
		r = zcrxd_bindings_save_state(t, NULL, NULL, w, &conf);
		if (r < 0)
			return zcrxd_error_set(error, ZCRXD_ERROR_FAILED, "cannot save %s/%s: %s",
					       t->state_dir, ZCRX_STATE_FILE, strerror(-r));
	}
	if (changes.present) {
		r = zcrx_nl_set(t->nl, b->id, &changes);
		if (r < 0) {
			r = set_kernel_error(t, r, error);
			if (saved)
				zcrxd_bindings_save_state_logged(t);
			return r;
		}
		for (int a = 1; a <= ZCRX_A_BINDING_MAX; a++)
			if (zcrx_binding_has(&changes, a))
				zcrx_binding_set(&b->info, a, changes.value[a]);
	}
	if (b->origin != ZCRXD_ORIGIN_KERNEL) {
		b->overrides = overrides;
		if (w)
			conf_take_settings(&w->conf, &overrides);
		zcrxd_binding_update_params(b, false);
	}
	zcrxd_binding_describe(b, desc, sizeof(desc));
	if (req->has_low_watermark)
		snprintf(lw, sizeof(lw), " low-watermark %" PRIu32, req->low_watermark);
	if (req->has_unbind_on_vhost_gone)
		snprintf(vhost_gone_text, sizeof(vhost_gone_text), " unbind-on-vhost-gone %d",
			 req->unbind_on_vhost_gone);
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
			  "%s: set%s%s%s%s for %s", desc, req->has_fallback ? " fallback " : "",
			  req->has_fallback ? zcrx_fallback_to_string(req->fallback) : "", lw,
			  vhost_gone_text, who);
	zcrxd_binding_refresh(b);
	if (want != old) {
		zcrxd_binding_log(b, LOG_NOTICE, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: fallback %s -> %s (request)", desc, old_name,
				  zcrx_fallback_to_string(want));
		if (t->ops && t->ops->fallback_changed)
			t->ops->fallback_changed(b, old_name, zcrx_fallback_to_string(want),
						 "request", t->userdata);
	}
	zcrxd_binding_publish(b);
	return 0;
}
