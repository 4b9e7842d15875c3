// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's table of bindings (see bindings.h): its life cycle, the link
 * changes it follows, and the helpers all of its pieces use; the pieces
 * are listed in bindings-internal.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>

#include "bindings-internal.h"
#include "links.h"
#include "rcvbuf.h"

/* "<strerror>: <extack text>", or the strerror alone. */
const char *zcrxd_kernel_error_text(const struct zcrxd_bindings *t, int r, char *buf, size_t size)
{
	char extack[ZCRX_NL_ERROR_TEXT_MAX];

	if (t->nl)
		zcrx_nl_last_error_text(t->nl, extack, sizeof(extack));
	else
		extack[0] = '\0';
	if (extack[0])
		snprintf(buf, size, "%s: %s", strerror(-r), extack);
	else
		snprintf(buf, size, "%s", strerror(-r));
	return buf;
}

uint64_t zcrxd_bindings_now_ns(const struct zcrxd_bindings *t)
{
	uint64_t usec;

	if (sd_event_now(t->event, CLOCK_MONOTONIC, &usec) < 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	return usec * 1000ULL;
}

/* The configuration's policy; the built-in one before the first apply. */
const struct zcrx_policy_params *zcrxd_policy_defaults(const struct zcrxd_bindings *t)
{
	return t->config ? &t->config->policy : &t->builtin_policy;
}

/* ---- links ---- */

static void on_link_change(enum zcrx_link_change change, const struct zcrx_link *link, void *data)
{
	struct zcrxd_bindings *t = data;
	struct zcrxd_wanted *w;

	(void)link;
	if (change == ZCRX_LINK_REMOVED)
		return;
	/* A device came or changed: try what waits for one now. */
	TAILQ_FOREACH(w, &t->config_wanted, link)
		w->retry_after_ns = 0;
	TAILQ_FOREACH(w, &t->runtime_wanted, link)
		w->retry_after_ns = 0;
}

static int on_links(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct zcrxd_bindings *t = userdata;
	struct zcrxd_binding *b;
	int r;

	(void)source;
	(void)fd;
	(void)revents;
	r = zcrx_links_process(t->links);
	if (r < 0 && r != -EAGAIN)
		zcrxd_log(LOG_WARNING, "cannot read link changes: %s", strerror(-r));
	/* Renames show in the Nic and Macvtap properties. */
	TAILQ_FOREACH(b, &t->bindings, link)
		zcrxd_binding_publish(b);
	zcrxd_bindings_reconcile(t, false);
	return 0;
}

/* ---- life cycle ---- */

int zcrxd_bindings_new(struct zcrxd_bindings **ret, sd_event *event, const char *state_dir)
{
	struct zcrxd_bindings *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->event = sd_event_ref(event);
	zcrx_policy_params_default(&t->builtin_policy);
	t->receive_buffer_bytes = ZCRX_NETLINK_RCVBUF_DEFAULT;
	t->state_dir = strdup(state_dir);
	if (!t->state_dir) {
		zcrxd_bindings_free(t);
		return -ENOMEM;
	}
	TAILQ_INIT(&t->bindings);
	TAILQ_INIT(&t->config_wanted);
	TAILQ_INIT(&t->runtime_wanted);
	*ret = t;
	return 0;
}

void zcrxd_bindings_set_ops(struct zcrxd_bindings *t, const struct zcrxd_bindings_ops *ops,
			    void *userdata)
{
	t->ops = ops;
	t->userdata = userdata;
}

void *zcrxd_bindings_ops_userdata(const struct zcrxd_bindings *t)
{
	return t->userdata;
}

void zcrxd_bindings_set_receive_buffer(struct zcrxd_bindings *t, int bytes)
{
	t->receive_buffer_bytes = bytes;
}

int zcrxd_bindings_start(struct zcrxd_bindings *t, const char **ret_step)
{
	int r;

	*ret_step = "read the network links (rtnetlink)";
	r = zcrx_links_open(&t->links, on_link_change, t);
	if (r < 0)
		return r;
	r = zcrx_links_set_receive_buffer(t->links, t->receive_buffer_bytes);
	if (r < 0)
		zcrxd_log(LOG_WARNING, "cannot set the link socket's receive buffer to %d bytes: "
			  "%s", t->receive_buffer_bytes, strerror(-r));
	*ret_step = "watch the network links";
	r = sd_event_add_io(t->event, &t->links_source, zcrx_links_fd(t->links), EPOLLIN,
			    on_links, t);
	if (r < 0)
		return r;
	/* The state directory is made by systemd (StateDirectory=); by hand
	 * it may be missing.  Not fatal: only persisting needs it. */
	if (mkdir(t->state_dir, 0755) < 0 && errno != EEXIST)
		zcrxd_log(LOG_WARNING, "cannot create the state directory %s: %s; runtime "
			  "bindings cannot be persisted", t->state_dir, strerror(errno));
	return zcrxd_bindings_start_family(t, ret_step);
}

struct zcrxd_bindings *zcrxd_bindings_free(struct zcrxd_bindings *t)
{
	struct zcrxd_binding *b;
	struct zcrxd_wanted *w;

	if (!t)
		return NULL;
	while ((b = TAILQ_FIRST(&t->bindings))) {
		TAILQ_REMOVE(&t->bindings, b, link);
		free(b);
	}
	while ((w = TAILQ_FIRST(&t->config_wanted))) {
		TAILQ_REMOVE(&t->config_wanted, w, link);
		zcrxd_wanted_free(w);
	}
	while ((w = TAILQ_FIRST(&t->runtime_wanted))) {
		TAILQ_REMOVE(&t->runtime_wanted, w, link);
		zcrxd_wanted_free(w);
	}
	sd_event_source_disable_unref(t->events_source);
	sd_event_source_disable_unref(t->links_source);
	zcrx_nl_close(t->events);
	zcrx_nl_close(t->nl);
	zcrx_links_close(t->links);
	zcrx_config_free(t->config);
	sd_event_unref(t->event);
	free(t->sample_problem);
	free(t->state_dir);
	free(t);
	return NULL;
}
