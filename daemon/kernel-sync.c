// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: following the kernel.  The zcrx family is opened
 * (or waited for), its bindings are taken in from a dump, and its events
 * keep them current in between; a binding the kernel ended leaves the
 * table, and what wanted it learns why.  When events were lost (the event
 * socket overflowed: ENOBUFS) a dump catches up, and the devices tell why
 * a binding ended.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "bindings-internal.h"
#include "links.h"

/* Unbound by the kernel (a device or vhost went away): the binding is
 * made again after this pause, which also lets the link cache catch up
 * with a device that is gone; a link that comes back ends the pause. */
#define RETRY_GONE_NS (1000 * ZCRX_NSEC_PER_MSEC)
/* At most one low-buffers warning per binding per this long. */
#define LOW_BUFFERS_LOG_INTERVAL_NS (10 * 1000 * ZCRX_NSEC_PER_MSEC)

/*
 * Why @b ended when its unbound event was lost (the event socket
 * overflowed): the devices tell.  The kernel ends a binding for four
 * reasons; nic-gone and macvtap-gone take a device with them, request
 * and vhost-gone leave both.  Read after the link cache has caught up
 * (the kernel sends a device's RTM_DELLINK before the dump that no
 * longer has the binding can be answered: both take RTNL).
 * Returns ZCRX_UNBIND_REASON_NIC_GONE or _MACVTAP_GONE, or 0: it was
 * ended on purpose (an unbind request, or its guest went).
 */
static uint32_t lost_event_reason(const struct zcrxd_bindings *t, const struct zcrxd_binding *b)
{
	int nic = zcrxd_info_value(b, ZCRX_A_BINDING_IFINDEX);
	int macvtap = zcrxd_info_value(b, ZCRX_A_BINDING_MACVTAP_IFINDEX);
	struct zcrx_link link;
	int lower = 0;

	if (zcrx_links_lookup(t->links, nic, &link) < 0)
		return ZCRX_UNBIND_REASON_NIC_GONE;
	/* A macvtap of another namespace is not in the host's cache (a host
	 * link with its index is another device): the kernel ends such a
	 * binding when the macvtap leaves or its namespace goes, so take the
	 * macvtap for gone. */
	if (zcrxd_binding_netnsid(b) >= 0)
		return ZCRX_UNBIND_REASON_MACVTAP_GONE;
	if (zcrx_links_macvtap_lower(t->links, macvtap, &lower) != 1 || lower != nic)
		return ZCRX_UNBIND_REASON_MACVTAP_GONE;
	return 0;
}

/*
 * @w's binding ended on purpose (@why): someone unbound it outside zcrxd,
 * or it was made to end with its guest.  Binding it again now would undo
 * that: a declared one waits for the next reload, a runtime one is
 * forgotten (state file included).
 */
static void wanted_ended_on_purpose(struct zcrxd_bindings *t, struct zcrxd_wanted *w,
				    const struct zcrxd_binding *b, const char *desc,
				    const char *why)
{
	char wdesc[WANTED_DESC_MAX];

	zcrxd_wanted_describe(t, w, wdesc, sizeof(wdesc));
	if (w->origin == ZCRXD_ORIGIN_CONFIG)
		zcrxd_binding_log(b, LOG_NOTICE, ZCRXD_LOG_BINDING_ENDED, b->end_reason,
				  "%s %s; %s is bound again at the next reload or restart", desc,
				  why, wdesc);
	else
		zcrxd_binding_log(b, LOG_NOTICE, ZCRXD_LOG_BINDING_ENDED, b->end_reason,
				  "%s %s; forgetting %s", desc, why, wdesc);
	zcrxd_wanted_retire(t, w);
}

/*
 * The kernel binding @b is gone (@reason: ZCRX_UNBIND_REASON_*, 0 when
 * its event was lost): log it, decide what becomes of what wanted it,
 * drop it.
 */
static void binding_gone(struct zcrxd_bindings *t, struct zcrxd_binding *b, uint32_t reason)
{
	struct zcrxd_wanted *w = b->wanted;
	char desc[DESCRIBE_MAX], wdesc[WANTED_DESC_MAX], why[160];
	const char *name;

	zcrxd_binding_describe(b, desc, sizeof(desc));
	if (reason) {
		name = zcrx_binding_value_name(ZCRX_A_BINDING_REASON, reason);
		snprintf(why, sizeof(why), "%s", name ? name : "unknown reason");
	} else {
		reason = lost_event_reason(t, b);
		name = zcrx_binding_value_name(ZCRX_A_BINDING_REASON, reason);
		if (reason)
			snprintf(why, sizeof(why), "event lost: %s, its device is gone", name);
		else
			snprintf(why, sizeof(why), "event lost: its devices are still there, so "
				 "it was unbound on purpose, by request or vhost-gone");
	}
	/* BindingRemoved's reason: the kernel's, or the one the devices
	 * tell when its event was lost; "unknown" when they cannot tell. */
	b->end_reason = name ? name : "unknown";
	if (!w) {
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_BINDING_ENDED, b->end_reason,
				  "%s unbound by the kernel (%s)", desc, why);
		zcrxd_binding_remove(t, b);
		return;
	}
	switch (reason) {
	case 0:
		snprintf(wdesc, sizeof(wdesc), "unbound (%s)", why);
		wanted_ended_on_purpose(t, w, b, desc, wdesc);
		break;
	case ZCRX_UNBIND_REASON_REQUEST:
		/* Someone unbound it outside zcrxd: respect that. */
		wanted_ended_on_purpose(t, w, b, desc, "unbound outside zcrxd (request)");
		break;
	case ZCRX_UNBIND_REASON_VHOST_GONE:
		/* It was made to end with its guest: binding it again now
		 * would serve nobody. */
		wanted_ended_on_purpose(t, w, b, desc, "ended with its guest (vhost-gone)");
		break;
	default:
		zcrxd_binding_log(b, LOG_NOTICE, ZCRXD_LOG_BINDING_ENDED, b->end_reason,
				  "%s unbound by the kernel (%s); %s is bound again "
				  "when its devices allow", desc, why,
				  zcrxd_wanted_describe(t, w, wdesc, sizeof(wdesc)));
		free(w->last_problem);
		w->last_problem = NULL;
		w->retry_after_ns = zcrxd_bindings_now_ns(t) + RETRY_GONE_NS;
		break;
	}
	zcrxd_binding_remove(t, b);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Take in what the dump says: new, changed and vanished bindings. */
static void handle_event(struct zcrxd_bindings *t, const struct zcrx_event *ev);

/*
 * Handle every pending kernel event.  Return: true when events were lost
 * (the socket overflowed) and the caller must catch up from a dump.
 */
static bool drain_events(struct zcrxd_bindings *t)
{
	struct zcrx_event ev;
	bool lost = false;
	int r;

	if (!t->events)
		return false;
	for (;;) {
		r = zcrx_nl_read_event(t->events, &ev);
		if (r == -EAGAIN || r == -EINTR)
			break;
		if (r == -ENOBUFS) {
			lost = true;
			continue;
		}
		if (r == -EBADMSG) {
			zcrxd_log(LOG_WARNING, "skipped a malformed zcrx event");
			continue;
		}
		if (r < 0) {
			zcrxd_log(LOG_ERR, "cannot read zcrx events: %s", strerror(-r));
			break;
		}
		handle_event(t, &ev);
	}
	return lost;
}

/*
 * Bindings the dump no longer has ended in the kernel.  The kernel queues
 * a binding's unbound event (with its reason) before a dump can miss it,
 * so read the pending events first: only what is still missing after
 * them ended unannounced.  Ids are collected before the events are read,
 * which may add and remove bindings.
 */
static int forget_missing(struct zcrxd_bindings *t, const uint32_t *dump_ids, size_t n)
{
	struct zcrxd_binding *b;
	uint32_t *missing;
	size_t n_missing = 0;
	int r;

	TAILQ_FOREACH(b, &t->bindings, link)
		if (!bsearch(&b->id, dump_ids, n, sizeof(*dump_ids), u32_cmp))
			n_missing++;
	if (!n_missing)
		return 0;
	missing = calloc(n_missing, sizeof(*missing));
	if (!missing)
		return -ENOMEM;
	n_missing = 0;
	TAILQ_FOREACH(b, &t->bindings, link)
		if (!bsearch(&b->id, dump_ids, n, sizeof(*dump_ids), u32_cmp))
			missing[n_missing++] = b->id;
	/* Lost events need no other catch-up: this is the catch-up. */
	if (drain_events(t))
		zcrxd_log(LOG_WARNING, "zcrx events were lost; this dump catches up");
	/* A lost event's reason is read from the devices: catch up with them. */
	r = zcrx_links_process(t->links);
	if (r < 0 && r != -EAGAIN)
		zcrxd_log(LOG_WARNING, "cannot read link changes: %s", strerror(-r));
	for (size_t i = 0; i < n_missing; i++) {
		b = zcrxd_bindings_find(t, missing[i]);
		if (b)
			binding_gone(t, b, 0);
	}
	free(missing);
	return 0;
}

int zcrxd_bindings_sync_from_dump(struct zcrxd_bindings *t)
{
	struct zcrx_binding_info *infos = NULL;
	struct zcrxd_binding *b;
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	uint32_t *ids;
	size_t n = 0;
	int r;

	r = zcrx_nl_dump_all(t->nl, &infos, &n);
	if (r < 0) {
		zcrxd_kernel_error_text(t, r, text, sizeof(text));
		if (!t->sample_problem || strcmp(t->sample_problem, text)) {
			zcrxd_log(LOG_ERR, "cannot dump the kernel's bindings: %s", text);
			free(t->sample_problem);
			t->sample_problem = strdup(text);
		}
		return r;
	}
	if (t->sample_problem) {
		zcrxd_log(LOG_INFO, "dumping the kernel's bindings works again");
		free(t->sample_problem);
		t->sample_problem = NULL;
	}
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids) {
		free(infos);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (!zcrx_binding_has(&infos[i], ZCRX_A_BINDING_ID))
			continue;
		ids[i] = infos[i].value[ZCRX_A_BINDING_ID];
		b = zcrxd_bindings_find(t, ids[i]);
		if (b) {
			b->info = infos[i];
			continue;
		}
		b = zcrxd_binding_add(t, &infos[i], ZCRXD_ORIGIN_KERNEL, NULL, NULL);
		if (b)
			zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
					  "found %s in the kernel",
					  zcrxd_binding_describe(b, desc, sizeof(desc)));
	}
	qsort(ids, n, sizeof(*ids), u32_cmp);
	r = forget_missing(t, ids, n);
	free(ids);
	free(infos);
	return r;
}

static void binding_low_buffers(struct zcrxd_bindings *t, struct zcrxd_binding *b)
{
	uint64_t now = zcrxd_bindings_now_ns(t);
	char desc[DESCRIBE_MAX], more[64] = "";

	if (b->low_buffers_logged_ns && now - b->low_buffers_logged_ns < LOW_BUFFERS_LOG_INTERVAL_NS) {
		b->low_buffers_suppressed++;
		return;
	}
	if (b->low_buffers_suppressed)
		snprintf(more, sizeof(more), " (%u more since the last warning)",
			 b->low_buffers_suppressed);
	zcrxd_binding_log(b, LOG_WARNING, ZCRXD_LOG_EVENT_NONE, NULL,
			  "%s: low on guest buffers: %" PRIu64 " in flight, low watermark "
			  "%" PRIu64 "%s", zcrxd_binding_describe(b, desc, sizeof(desc)),
			  zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_IN_FLIGHT),
			  zcrxd_info_value(b, ZCRX_A_BINDING_LOW_WATERMARK), more);
	b->low_buffers_logged_ns = now;
	b->low_buffers_suppressed = 0;
	if (t->ops && t->ops->low_buffers) {
		zcrxd_binding_refresh(b);	/* the event's buffers in flight */
		t->ops->low_buffers(b, t->userdata);
	}
}

static void handle_event(struct zcrxd_bindings *t, const struct zcrx_event *ev)
{
	static const int changing[] = {
		ZCRX_A_BINDING_FALLBACK, ZCRX_A_BINDING_LOW_WATERMARK, ZCRX_A_BINDING_STATE,
		ZCRX_A_BINDING_BUFFERS_IN_FLIGHT,
	};
	struct zcrxd_binding *b;
	char desc[DESCRIBE_MAX];
	uint32_t id;

	if (!zcrx_binding_has(&ev->binding, ZCRX_A_BINDING_ID))
		return;
	id = ev->binding.value[ZCRX_A_BINDING_ID];
	b = zcrxd_bindings_find(t, id);
	if (ev->cmd == ZCRX_CMD_BOUND_NTF && !b) {
		b = zcrxd_binding_add(t, &ev->binding, ZCRXD_ORIGIN_KERNEL, NULL, NULL);
		if (b)
			zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
					  "%s made outside zcrxd",
					  zcrxd_binding_describe(b, desc, sizeof(desc)));
		return;		/* the reconciliation that follows may adopt it */
	}
	if (!b)
		return;		/* one we already dropped, or never knew */
	if (ev->cmd == ZCRX_CMD_UNBOUND_NTF) {
		binding_gone(t, b, ev->reason);
		return;
	}
	/* Counters are taken from the dumps only, so they never go back. */
	for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		if (zcrx_binding_has(&ev->binding, changing[i]))
			zcrx_binding_set(&b->info, changing[i], ev->binding.value[changing[i]]);
	switch (ev->cmd) {
	case ZCRX_CMD_FALLBACK_ENGAGED_NTF:
		zcrx_binding_set(&b->info, ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
		break;
	case ZCRX_CMD_FALLBACK_CLEARED_NTF:
		zcrx_binding_set(&b->info, ZCRX_A_BINDING_STATE, ZCRX_STATE_ZEROCOPY);
		break;
	case ZCRX_CMD_LOW_BUFFERS_NTF:
		binding_low_buffers(t, b);
		break;
	default:
		break;
	}
	zcrxd_binding_publish(b);
}

static int on_events(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct zcrxd_bindings *t = userdata;

	(void)source;
	(void)fd;
	(void)revents;
	if (drain_events(t)) {
		zcrxd_log(LOG_WARNING, "zcrx events were lost; catching up from a dump");
		if (zcrxd_bindings_sync_from_dump(t) == 0) {
			struct zcrxd_binding *b;

			TAILQ_FOREACH(b, &t->bindings, link)
				zcrxd_binding_publish(b);
		}
	}
	zcrxd_bindings_reconcile(t, false);
	return 0;
}

/*
 * Open the family and subscribe to its events: 0, -ENOENT when the
 * kernel has no zcrx family, or another negative errno with *ret_step
 * naming what failed.
 */
static int open_family(struct zcrxd_bindings *t, const char **ret_step)
{
	struct zcrx_nl *nl = NULL, *events = NULL;
	int r;

	*ret_step = "open the zcrx generic netlink family";
	r = zcrx_nl_open(&nl);
	if (r < 0)
		return r;
	*ret_step = "subscribe to the zcrx events";
	r = zcrx_nl_open_events(nl, &events);
	if (r < 0)
		goto fail;
	r = zcrx_nl_set_receive_buffer(events, t->receive_buffer_bytes);
	if (r < 0)
		zcrxd_log(LOG_WARNING, "cannot set the zcrx event socket's receive buffer to %d "
			  "bytes: %s", t->receive_buffer_bytes, strerror(-r));
	*ret_step = "watch the zcrx events";
	r = sd_event_add_io(t->event, &t->events_source, zcrx_nl_fd(events), EPOLLIN, on_events, t);
	if (r < 0)
		goto fail;
	/*
	 * The kernel sends a binding's unbound event (with its reason) before
	 * the RTM_DELLINK of the device that took it down: read the events
	 * first when both sockets are ready, or the link cache would see the
	 * device gone first and the reason would be lost.
	 */
	*ret_step = "prioritise the zcrx events";
	r = sd_event_source_set_priority(t->events_source, SD_EVENT_PRIORITY_IMPORTANT);
	if (r < 0)
		goto fail;
	t->nl = nl;
	t->events = events;
	return 0;

fail:
	t->events_source = sd_event_source_disable_unref(t->events_source);
	zcrx_nl_close(events);
	zcrx_nl_close(nl);
	return r;
}

/*
 * Open the family if the kernel has it, and take in its bindings.  Its
 * absence is no error (the D-Bus API answers NotSupported meanwhile) and
 * is logged once; other failures are returned, with *ret_step.
 */
int zcrxd_bindings_start_family(struct zcrxd_bindings *t, const char **ret_step)
{
	int r;

	r = open_family(t, ret_step);
	if (r == -ENOENT) {
		if (!t->family_missing_logged)
			zcrxd_log(LOG_WARNING, "%s; the D-Bus API answers NotSupported to "
				  "requests until it appears (checked every sampling period)",
				  ZCRXD_FAMILY_MISSING_TEXT);
		t->family_missing_logged = true;
		return 0;
	}
	if (r < 0)
		return r;
	if (t->family_missing_logged)
		zcrxd_log(LOG_NOTICE, "zcrx generic netlink family found");
	t->family_missing_logged = false;
	/* Subscribed first: nothing that happens from here on is missed. */
	zcrxd_bindings_sync_from_dump(t);
	zcrxd_log(LOG_INFO, "%zu binding(s) in the kernel", t->n_bindings);
	return 0;
}

/* zcrxd_bindings_start_family() again, from a sample or a reload: nobody to return to. */
void zcrxd_bindings_retry_family(struct zcrxd_bindings *t)
{
	const char *step;
	int r;

	r = zcrxd_bindings_start_family(t, &step);
	if (r < 0)
		zcrxd_log(LOG_ERR, "cannot %s: %s", step, strerror(-r));
}
