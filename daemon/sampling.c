// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table: the sampling period, and the kernel's settings.
 * Each period the dump's counters feed every binding's rates and, unless
 * it is a "kernel" binding, its fallback policy and its copybreak (fixed,
 * or set from the measured costs of both paths), whose decisions are made
 * with the family's `set`; so are the low watermark and the
 * unbind-on-vhost-gone that a binding's parameters ask for.
 */
#include <inttypes.h>
#include <stdio.h>

#include "bindings-internal.h"

static void counters_sample(const struct zcrxd_binding *b, struct zcrx_counters_sample *c)
{
	*c = (struct zcrx_counters_sample){
		.binding_id = b->id,
		.fallback = zcrxd_info_value(b, ZCRX_A_BINDING_FALLBACK),
		.state = zcrxd_info_value(b, ZCRX_A_BINDING_STATE),
		.buffers_posted = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_POSTED),
		.buffers_filled = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_FILLED),
		.buffers_returned = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_RETURNED),
		.buffers_in_flight = zcrxd_info_value(b, ZCRX_A_BINDING_BUFFERS_IN_FLIGHT),
		.rx_zerocopy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS),
		.rx_copy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_COPY_PACKETS),
		.rx_dropped_packets = zcrxd_info_value(b, ZCRX_A_BINDING_RX_DROPPED_PACKETS),
		.pinned_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_PINNED_BYTES),
	};
}

/* Make the kernel's low watermark the one @b's policy parameters say. */
void zcrxd_binding_apply_low_watermark(struct zcrxd_bindings *t, struct zcrxd_binding *b)
{
	struct zcrx_binding_info changes = { 0 };
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	uint64_t old = zcrxd_info_value(b, ZCRX_A_BINDING_LOW_WATERMARK);
	int r;

	if (!t->nl || b->origin == ZCRXD_ORIGIN_KERNEL || old == b->params.low_watermark)
		return;
	zcrx_binding_set(&changes, ZCRX_A_BINDING_LOW_WATERMARK, b->params.low_watermark);
	r = zcrx_nl_set(t->nl, b->id, &changes);
	if (r < 0) {
		zcrxd_binding_log(b, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: cannot set the low watermark to %" PRIu32 ": %s",
				  zcrxd_binding_describe(b, desc, sizeof(desc)),
				  b->params.low_watermark,
				  zcrxd_kernel_error_text(t, r, text, sizeof(text)));
		return;
	}
	zcrx_binding_set(&b->info, ZCRX_A_BINDING_LOW_WATERMARK, b->params.low_watermark);
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
			  "%s: low watermark %" PRIu64 " -> %" PRIu32,
			  zcrxd_binding_describe(b, desc, sizeof(desc)), old,
			  b->params.low_watermark);
}

/* Make the kernel's unbind-on-vhost-gone the one @b was declared or made with. */
void zcrxd_binding_apply_unbind_on_vhost_gone(struct zcrxd_bindings *t, struct zcrxd_binding *b)
{
	struct zcrx_binding_info changes = { 0 };
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64];
	bool want = zcrxd_wants_unbind_on_vhost_gone(&b->overrides);
	bool have = zcrxd_info_value(b, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE) != 0;
	int r;

	if (!t->nl || b->origin == ZCRXD_ORIGIN_KERNEL || want == have)
		return;
	zcrx_binding_set(&changes, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, want);
	r = zcrx_nl_set(t->nl, b->id, &changes);
	if (r < 0) {
		zcrxd_binding_log(b, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: cannot set unbind-on-vhost-gone %d: %s",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), want,
				  zcrxd_kernel_error_text(t, r, text, sizeof(text)));
		return;
	}
	zcrx_binding_set(&b->info, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, want);
	zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
			  "%s: unbind-on-vhost-gone %d -> %d",
			  zcrxd_binding_describe(b, desc, sizeof(desc)), have, want);
}

/* Set the kernel's fallback as the policy decided. */
static void binding_apply_decision(struct zcrxd_bindings *t, struct zcrxd_binding *b,
				   const struct zcrx_policy_decision *d)
{
	struct zcrx_binding_info changes = { 0 };
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64], rate[64];
	const char *old = zcrx_fallback_to_string(zcrxd_info_value(b, ZCRX_A_BINDING_FALLBACK));
	const char *new = zcrx_fallback_to_string(d->fallback);
	const char *reason = zcrx_policy_reason_to_string(d->reason);
	int r;

	zcrx_binding_set(&changes, ZCRX_A_BINDING_FALLBACK, d->fallback);
	r = zcrx_nl_set(t->nl, b->id, &changes);
	if (r < 0) {
		zcrxd_binding_log(b, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: policy (%s) cannot set fallback %s: %s",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), reason, new,
				  zcrxd_kernel_error_text(t, r, text, sizeof(text)));
		return;
	}
	zcrx_binding_set(&b->info, ZCRX_A_BINDING_FALLBACK, d->fallback);
	if (d->rate_known)
		snprintf(rate, sizeof(rate), "%.0f", d->starved_per_sec);
	else
		snprintf(rate, sizeof(rate), "unknown");
	zcrxd_binding_log(b, LOG_NOTICE, ZCRXD_LOG_EVENT_NONE, NULL,
			  "%s: fallback %s -> %s (%s; level %s, %s starved frames/s, "
			  "%" PRIu64 " buffers in flight)",
			  zcrxd_binding_describe(b, desc, sizeof(desc)), old, new, reason,
			  zcrx_policy_level_to_string(d->level), rate, d->buffers_in_flight);
	if (t->ops && t->ops->fallback_changed)
		t->ops->fallback_changed(b, old, new, reason, t->userdata);
}

static void cost_counters(const struct zcrxd_binding *b, struct zcrx_cost_counters *c)
{
	*c = (struct zcrx_cost_counters){
		.copy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_COST_COPY_PACKETS),
		.copy_ns = zcrxd_info_value(b, ZCRX_A_BINDING_COST_COPY_NS),
		.copy_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_COST_COPY_BYTES),
		.memcpy_ns = zcrxd_info_value(b, ZCRX_A_BINDING_COST_MEMCPY_NS),
		.memcpy_bytes = zcrxd_info_value(b, ZCRX_A_BINDING_COST_MEMCPY_BYTES),
		.zerocopy_packets = zcrxd_info_value(b, ZCRX_A_BINDING_COST_ZEROCOPY_PACKETS),
		.zerocopy_ns = zcrxd_info_value(b, ZCRX_A_BINDING_COST_ZEROCOPY_NS),
		.buffers = zcrxd_info_value(b, ZCRX_A_BINDING_COST_BUFFERS),
		.buffer_ns = zcrxd_info_value(b, ZCRX_A_BINDING_COST_BUFFER_NS),
	};
}

/*
 * Make the kernel's copybreak and copybreak probe what @b's parameters
 * say: a fixed copybreak without a probe, or (auto) the probe and the
 * copybreak estimated from the cost counters of this reading.  With no
 * copybreak configured nothing is set, but a probe zcrxd turned on is
 * turned off.  On exit zcrxd leaves both as they are, as the kernel
 * keeps its bindings.
 */
static void binding_apply_copybreak(struct zcrxd_bindings *t, struct zcrxd_binding *b,
				    uint64_t now)
{
	const struct zcrx_copybreak_params *p = &b->params.copybreak;
	uint32_t have = zcrxd_info_value(b, ZCRX_A_BINDING_COPYBREAK);
	uint32_t have_probe = zcrxd_info_value(b, ZCRX_A_BINDING_COPYBREAK_PROBE);
	char desc[DESCRIBE_MAX], text[ZCRX_NL_ERROR_TEXT_MAX + 64], why[128] = "configured";
	struct zcrx_binding_info changes = { 0 };
	struct zcrx_copybreak_estimate est;
	struct zcrx_cost_counters c;
	bool has_probe = zcrx_binding_has(&b->info, ZCRX_A_BINDING_COPYBREAK_PROBE);
	uint32_t want = have, want_probe = 0;
	int r;

	if (p->mode == ZCRX_COPYBREAK_KERNEL) {
		/* Not ours any more (a reload): take back the probe we set. */
		if (!b->copybreak_probe_set || !has_probe)
			return;
	} else if (p->mode == ZCRX_COPYBREAK_FIXED) {
		want = p->fixed;
	} else if (!has_probe) {
		/* A kernel without the probe measures no costs either. */
		return;
	} else {
		want_probe = p->probe;
		cost_counters(b, &c);
		zcrx_copybreak_sample(&b->copybreak, p, now, &c, &est);
		if (est.known && zcrx_copybreak_should_move(p, have, est.target)) {
			want = est.target;
			snprintf(why, sizeof(why),
				 "in place %.0f ns a frame, copied %.0f ns + %.3f ns a byte",
				 est.zerocopy_ns, est.copy_fixed_ns, est.copy_ns_per_byte);
		}
	}
	if (want != have)
		zcrx_binding_set(&changes, ZCRX_A_BINDING_COPYBREAK, want);
	if (has_probe && want_probe != have_probe)
		zcrx_binding_set(&changes, ZCRX_A_BINDING_COPYBREAK_PROBE, want_probe);
	if (!changes.present)
		return;
	r = zcrx_nl_set(t->nl, b->id, &changes);
	if (r < 0) {
		zcrxd_binding_log(b, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: cannot set copybreak %" PRIu32 ", probe %" PRIu32 ": %s",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), want, want_probe,
				  zcrxd_kernel_error_text(t, r, text, sizeof(text)));
		return;
	}
	zcrx_binding_set(&b->info, ZCRX_A_BINDING_COPYBREAK, want);
	if (has_probe) {
		zcrx_binding_set(&b->info, ZCRX_A_BINDING_COPYBREAK_PROBE, want_probe);
		b->copybreak_probe_set = want_probe != 0;
	}
	if (want != have)
		zcrxd_binding_log(b, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL,
				  "%s: copybreak %" PRIu32 " -> %" PRIu32 " (%s)",
				  zcrxd_binding_describe(b, desc, sizeof(desc)), have, want, why);
}

/* One sampling period of one binding; b->info holds the fresh dump. */
static void binding_sample(struct zcrxd_bindings *t, struct zcrxd_binding *b, uint64_t now)
{
	struct zcrx_counters_sample c;
	struct zcrx_policy_decision d;
	int r;

	counters_sample(b, &c);
	zcrx_rate_add(&b->posted, now, c.buffers_posted);
	zcrx_rate_add(&b->filled, now, c.buffers_filled);
	zcrx_rate_add(&b->returned, now, c.buffers_returned);
	zcrx_rate_add(&b->starved, now, c.rx_copy_packets + c.rx_dropped_packets);
	zcrx_rate_add(&b->rx_zerocopy, now, c.rx_zerocopy_packets);
	zcrx_rate_add(&b->rx_copy, now, c.rx_copy_packets);
	zcrx_rate_add(&b->rx_dropped, now, c.rx_dropped_packets);
	if (b->origin == ZCRXD_ORIGIN_KERNEL)
		return;
	binding_apply_copybreak(t, b, now);
	r = zcrx_policy_sample(&b->policy, now, &c, &d);
	if (r < 0)
		return;		/* no fallback in the reply: nothing to decide on */
	b->level = d.level;
	if (r > 0)
		binding_apply_decision(t, b, &d);
}

void zcrxd_bindings_sample(struct zcrxd_bindings *t)
{
	struct zcrxd_binding *b, *next;
	uint64_t now = zcrxd_bindings_now_ns(t);

	if (!t->nl) {
		if (t->links)
			zcrxd_bindings_retry_family(t);
		if (!t->nl)
			return;
	} else if (zcrxd_bindings_sync_from_dump(t) < 0) {
		return;
	}
	for (b = TAILQ_FIRST(&t->bindings); b; b = next) {
		next = TAILQ_NEXT(b, link);
		binding_sample(t, b, now);
		zcrxd_binding_publish(b);
	}
	zcrxd_bindings_reconcile(t, false);
}
