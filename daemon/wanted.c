// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: what is wanted.  The bindings zcrxd.conf declares
 * (taken in at start and on each reload) and the runtime ones saved in
 * the state file, which is read at start and written whenever a saved
 * binding is made, changed or forgotten.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bindings-internal.h"
#include "state-file.h"

const char *zcrxd_wanted_source(const struct zcrxd_bindings *t, const struct zcrxd_wanted *w,
				char *buf, size_t size)
{
	if (w->origin == ZCRXD_ORIGIN_CONFIG)
		snprintf(buf, size, "bindings[%zu] of the configuration", w->config_index);
	else
		snprintf(buf, size, "runtime binding saved in %s/%s", t->state_dir,
			 ZCRX_STATE_FILE);
	return buf;
}

const char *zcrxd_wanted_describe(const struct zcrxd_bindings *t, const struct zcrxd_wanted *w,
				  char *buf, size_t size)
{
	char source[SOURCE_MAX];

	snprintf(buf, size, "%s queue %" PRIu32 " -> %s (%s)", w->conf.nic, w->conf.queue,
		 w->conf.macvtap, zcrxd_wanted_source(t, w, source, sizeof(source)));
	return buf;
}

/* What a declaration or request asks for; absent is the kernel's default, 0. */
bool zcrxd_wants_unbind_on_vhost_gone(const struct zcrx_config_binding *conf)
{
	return conf->has_unbind_on_vhost_gone && conf->unbind_on_vhost_gone;
}

/*
 * A bind request's unbind-on-vhost-gone: sent only when asked for, so that
 * bindings that do not use it need no kernel that knows it.
 */
void zcrxd_request_unbind_on_vhost_gone(struct zcrx_binding_info *request,
					const struct zcrx_config_binding *conf)
{
	if (zcrxd_wants_unbind_on_vhost_gone(conf))
		zcrx_binding_set(request, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, 1);
}

void zcrxd_wanted_free(struct zcrxd_wanted *w)
{
	if (!w)
		return;
	free(w->last_problem);
	free(w);
}

struct zcrxd_wanted *zcrxd_wanted_new(const struct zcrx_config_binding *conf,
				      enum zcrxd_origin origin, size_t config_index)
{
	struct zcrxd_wanted *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->conf = *conf;
	w->origin = origin;
	w->config_index = config_index;
	return w;
}

/* Forget @w: the binding it made, if any, is no longer wanted. */
void zcrxd_wanted_drop(struct zcrxd_bindings *t, struct wanted_list *list, struct zcrxd_wanted *w)
{
	struct zcrxd_binding *b = zcrxd_binding_of_wanted(t, w);

	if (b)
		b->wanted = NULL;
	TAILQ_REMOVE(list, w, link);
	zcrxd_wanted_free(w);
}

/* Log @w's problem unless it was the last one logged. */
void zcrxd_wanted_problem(struct zcrxd_bindings *t, struct zcrxd_wanted *w, int priority,
			  const char *fmt, ...)
{
	char desc[WANTED_DESC_MAX];
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (w->last_problem && !strcmp(w->last_problem, text))
		return;
	free(w->last_problem);
	w->last_problem = strdup(text);
	zcrxd_log(priority, "%s: %s", zcrxd_wanted_describe(t, w, desc, sizeof(desc)), text);
}

static bool same_binding(const struct zcrx_config_binding *a, const struct zcrx_config_binding *b)
{
	return !strcmp(a->nic, b->nic) && a->queue == b->queue && !strcmp(a->macvtap, b->macvtap);
}

/*
 * Save the runtime bindings, leaving out @skip and adding @extra (either
 * may be NULL); @replace_for/@replacement swap one entry's data.
 */
int zcrxd_bindings_save_state(struct zcrxd_bindings *t, const struct zcrxd_wanted *skip,
			      const struct zcrx_config_binding *extra,
			      const struct zcrxd_wanted *replace_for,
			      const struct zcrx_config_binding *replacement)
{
	struct zcrx_config_binding *array;
	struct zcrxd_wanted *w;
	size_t n = 0, size = 1;
	int r;

	TAILQ_FOREACH(w, &t->runtime_wanted, link)
		size++;
	array = calloc(size, sizeof(*array));
	if (!array)
		return -ENOMEM;
	TAILQ_FOREACH(w, &t->runtime_wanted, link) {
		if (w == skip || w->dropping)
			continue;
		array[n++] = w == replace_for && replacement ? *replacement : w->conf;
	}
	if (extra)
		array[n++] = *extra;
	r = t->state_kept ? -ENOTRECOVERABLE : zcrx_state_save(t->state_dir, array, n, NULL);
	free(array);
	if (r > 0) {
		zcrxd_log(LOG_WARNING, "saved %s/%s, but cannot sync its directory: %s; the "
			  "change may not survive a power cut", t->state_dir, ZCRX_STATE_FILE,
			  strerror(r));
		r = 0;
	}
	return r;
}

/* For internal changes, which have nobody to report to. */
void zcrxd_bindings_save_state_logged(struct zcrxd_bindings *t)
{
	int r = zcrxd_bindings_save_state(t, NULL, NULL, NULL, NULL);

	if (r < 0)
		zcrxd_log(LOG_ERR, "cannot save %s/%s: %s", t->state_dir, ZCRX_STATE_FILE,
			  strerror(-r));
}

void zcrxd_bindings_load_state(struct zcrxd_bindings *t)
{
	struct zcrx_config_binding *array = NULL;
	char *error = NULL;
	size_t n = 0;
	int r;

	r = zcrx_state_load(t->state_dir, &array, &n, &error);
	if (r == -EINVAL || r == -EFBIG) {
		char *aside = NULL;
		int m = zcrx_state_move_aside(t->state_dir, time(NULL), &aside);

		if (m < 0) {
			t->state_kept = true;
			zcrxd_log(LOG_ERR, "ignoring the runtime bindings of %s/%s: %s; it cannot "
				  "be moved aside (%s), so runtime bindings are not saved",
				  t->state_dir, ZCRX_STATE_FILE, error ? error : strerror(-r),
				  strerror(-m));
		} else {
			zcrxd_log(LOG_ERR, "ignoring the runtime bindings of %s/%s: %s; the file "
				  "is kept as %s/%s", t->state_dir, ZCRX_STATE_FILE,
				  error ? error : strerror(-r), t->state_dir, aside);
		}
		free(aside);
		free(error);
		return;
	}
	if (r < 0) {
		/* A newer zcrxd's file, or one we cannot read now: leave it. */
		t->state_kept = true;
		zcrxd_log(LOG_ERR, "ignoring the runtime bindings of %s/%s: %s; the file is left "
			  "as it is and runtime bindings are not saved", t->state_dir,
			  ZCRX_STATE_FILE, error ? error : strerror(-r));
		free(error);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct zcrxd_wanted *w = zcrxd_wanted_new(&array[i], ZCRXD_ORIGIN_RUNTIME, 0);

		if (!w) {
			zcrxd_log(LOG_ERR, "out of memory loading the runtime bindings");
			break;
		}
		TAILQ_INSERT_TAIL(&t->runtime_wanted, w, link);
	}
	if (n)
		zcrxd_log(LOG_INFO, "%zu runtime binding(s) in %s/%s", n, t->state_dir,
			  ZCRX_STATE_FILE);
	free(array);
}

/*
 * Stop making what @w wants: a declared one until the next reload, a
 * runtime one for good (state file included).
 */
void zcrxd_wanted_retire(struct zcrxd_bindings *t, struct zcrxd_wanted *w)
{
	if (w->origin == ZCRXD_ORIGIN_CONFIG) {
		w->suppressed = true;
		return;
	}
	zcrxd_wanted_drop(t, &t->runtime_wanted, w);
	zcrxd_bindings_save_state_logged(t);
}

/* @w is now bound to these devices: it follows them from here on. */
void zcrxd_wanted_bound_to(struct zcrxd_wanted *w, int nic_ifindex, int macvtap_ifindex)
{
	w->bound_nic_ifindex = nic_ifindex;
	w->bound_macvtap_ifindex = macvtap_ifindex;
}

void zcrxd_bindings_apply_config(struct zcrxd_bindings *t, struct zcrx_config *config, bool reload)
{
	struct zcrxd_binding *b;
	struct zcrxd_wanted *w, *rw, *next;
	bool dropped = false;

	/* What the previous configuration declared is no longer wanted... */
	TAILQ_FOREACH(b, &t->bindings, link)
		if (b->wanted && b->wanted->origin == ZCRXD_ORIGIN_CONFIG)
			b->wanted = NULL;
	while ((w = TAILQ_FIRST(&t->config_wanted))) {
		TAILQ_REMOVE(&t->config_wanted, w, link);
		zcrxd_wanted_free(w);
	}
	zcrx_config_free(t->config);
	t->config = config;

	/* ...unless this one declares it again (adopted in zcrxd_bindings_reconcile()). */
	for (size_t i = 0; i < config->n_bindings; i++) {
		w = zcrxd_wanted_new(&config->bindings[i], ZCRXD_ORIGIN_CONFIG, i);
		if (!w) {
			zcrxd_log(LOG_ERR, "out of memory: bindings[%zu] and later ignored", i);
			break;
		}
		TAILQ_INSERT_TAIL(&t->config_wanted, w, link);
		/* A runtime binding the configuration now declares is its. */
		for (rw = TAILQ_FIRST(&t->runtime_wanted); rw; rw = next) {
			next = TAILQ_NEXT(rw, link);
			if (!same_binding(&rw->conf, &w->conf))
				continue;
			zcrxd_log(LOG_INFO, "runtime binding %s queue %" PRIu32 " -> %s is now "
				  "declared by bindings[%zu] of the configuration",
				  rw->conf.nic, rw->conf.queue, rw->conf.macvtap, i);
			zcrxd_wanted_drop(t, &t->runtime_wanted, rw);
			dropped = true;
		}
	}
	if (dropped)
		zcrxd_bindings_save_state_logged(t);

	/* New policy defaults apply to every binding of ours. */
	TAILQ_FOREACH(b, &t->bindings, link)
		if (b->origin != ZCRXD_ORIGIN_KERNEL && !b->wanted)
			zcrxd_binding_update_params(b, false);
		else if (b->origin == ZCRXD_ORIGIN_KERNEL)
			zcrxd_binding_update_params(b, true);

	if (!t->nl && t->links)
		zcrxd_bindings_retry_family(t);
	zcrxd_bindings_reconcile(t, reload);
	TAILQ_FOREACH(b, &t->bindings, link) {
		if (b->wanted)
			zcrxd_binding_update_params(b, false);
		zcrxd_binding_apply_low_watermark(t, b);
		zcrxd_binding_apply_unbind_on_vhost_gone(t, b);
		zcrxd_binding_publish(b);
	}
}
