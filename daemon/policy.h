/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallback policy of one binding: which fallback (copy or drop) the kernel
 * binding should use, decided from its counters.
 *
 * What the policy can and cannot do.  The kernel moves a binding between
 * zero-copy and fallback by itself: it falls back the moment a frame finds
 * no posted guest buffer and returns to zero-copy as soon as one is posted
 * again.  The family's `set` changes only the *kind* of fallback, so that
 * is what the policy decides; "back to zero-copy" is the kernel's doing,
 * and the policy's part in it is to restore the binding's normal fallback
 * once starvation has cleared, ready for the next burst.
 *
 * Why two kinds.  Copy fallback is loss-free but costs host CPU, and the
 * copied frames still need the guest's receive buffers downstream: when
 * the guest is short of buffers only for a burst, copying rides it out
 * without loss.  When the guest keeps failing to post buffers (sustained
 * starvation), copying spends CPU on frames the guest cannot take anyway
 * and competes with it for the buffers it needs to recover; dropping at
 * the NIC sheds that load early and cheaply.  Hence two modes per binding:
 *
 *   normal   the binding's default_fallback (copy unless configured);
 *   starved  its starved_fallback (drop unless configured).
 *
 * Setting both to the same mode pins the binding to it: the policy then
 * never changes level and only keeps the kernel in that mode.
 *
 * Starvation signal.  Frames that found no posted buffer are counted by
 * the kernel as rx-copy-packets or rx-dropped-packets, depending on the
 * fallback in force; their sum per second (the "starved rate", over a
 * sliding window of window_ns) measures starvation the same way in both
 * modes, so switching mode does not by itself move the signal.  (rx-copy
 * also counts the rare frame too large for a posted buffer; thresholds
 * well above zero absorb that.)  The second signal is the guest's reserve:
 * buffers in flight below low_watermark means the guest is not keeping up.
 *
 * Transitions, with hysteresis so a rate between the two thresholds never
 * flips the mode either way:
 *
 *   normal -> starved  when starved rate >= engage_starved_per_sec
 *                      ("starved"), or when the reserve is low and the
 *                      starved rate is above clear_starved_per_sec
 *                      ("low-reserve": starvation that is not recovering);
 *   starved -> normal  when starved rate <= clear_starved_per_sec
 *                      ("recovered").
 *
 * and with a dwell: no level change until min_dwell_ns have passed since
 * the last one (or since the binding was first seen), whatever the rates.
 *
 * The kernel is the source of truth for the mode in force.  On the first
 * sample (e.g. after a daemon restart) and after a counter reset (binding
 * recreated) the policy adopts the kernel's fallback as its level instead
 * of forcing a change, so a restart never disturbs the data path.  If the
 * kernel's fallback later differs from the policy's (a failed or foreign
 * `set`), the policy asks again ("resync"), at most once per dwell time.
 *
 * Time is always passed in, never read here, so tests use a fake clock.
 */
#ifndef ZCRX_POLICY_H
#define ZCRX_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/zcrx.h>

#include "copybreak.h"
#include "rate.h"

#define ZCRX_NSEC_PER_MSEC 1000000ULL

struct zcrx_policy_params {
	enum zcrx_fallback default_fallback;	/* mode when not starved */
	enum zcrx_fallback starved_fallback;	/* mode under sustained starvation */
	uint64_t engage_starved_per_sec;	/* > 0 */
	uint64_t clear_starved_per_sec;		/* < engage_starved_per_sec */
	uint32_t low_watermark;			/* in-flight reserve; 0: unused */
	uint64_t min_dwell_ns;			/* between level changes */
	/* Rate averaging span, > 0.  The rate keeps ZCRX_RATE_MAX_SAMPLES
	 * readings, so sample at least every window_ns / 63 or the span
	 * shrinks to the newest 64 readings. */
	uint64_t window_ns;
	/* The copybreak: the kernel's, a fixed one, or set from measured costs. */
	struct zcrx_copybreak_params copybreak;
};

/* Defaults: copy normally, drop under sustained starvation. */
#define ZCRX_POLICY_DEFAULT_ENGAGE_PER_SEC 1000
#define ZCRX_POLICY_DEFAULT_CLEAR_PER_SEC 100
#define ZCRX_POLICY_DEFAULT_LOW_WATERMARK 0
#define ZCRX_POLICY_DEFAULT_MIN_DWELL_NS (5000 * ZCRX_NSEC_PER_MSEC)
#define ZCRX_POLICY_DEFAULT_WINDOW_NS (2000 * ZCRX_NSEC_PER_MSEC)

/* One reading of a binding, as the kernel's get/dump reply gives it. */
struct zcrx_counters_sample {
	uint32_t binding_id;		/* 0 if unknown */
	enum zcrx_fallback fallback;	/* in force in the kernel */
	enum zcrx_state state;
	uint64_t buffers_posted;
	uint64_t buffers_filled;
	uint64_t buffers_returned;
	uint64_t buffers_in_flight;
	uint64_t rx_zerocopy_packets;
	uint64_t rx_copy_packets;
	uint64_t rx_dropped_packets;
	uint64_t pinned_bytes;
};

enum zcrx_policy_level {
	ZCRX_POLICY_LEVEL_NORMAL,
	ZCRX_POLICY_LEVEL_STARVED,
};

enum zcrx_policy_reason {
	ZCRX_POLICY_REASON_NONE,	/* no change wanted */
	ZCRX_POLICY_REASON_STARVED,	/* starved rate reached engage */
	ZCRX_POLICY_REASON_LOW_RESERVE,	/* reserve low, starvation ongoing */
	ZCRX_POLICY_REASON_RECOVERED,	/* starved rate down to clear */
	ZCRX_POLICY_REASON_RESYNC,	/* kernel's mode differs from ours */
};

struct zcrx_policy_decision {
	/* The mode to set when zcrx_policy_sample() returned 1, else the
	 * kernel's current one. */
	enum zcrx_fallback fallback;
	enum zcrx_policy_reason reason;
	enum zcrx_policy_level level;	/* after this sample */
	bool rate_known;		/* false until the window has data */
	double starved_per_sec;		/* valid if rate_known */
	uint64_t buffers_in_flight;
	bool counters_reset;		/* this sample restarted the policy */
};

/* State of one binding's policy; embed it, no allocation. */
struct zcrx_policy {
	struct zcrx_policy_params params;
	struct zcrx_rate_window starved;	/* rx-copy + rx-dropped */
	bool started;				/* a sample was taken */
	enum zcrx_policy_level level;
	uint64_t level_since_ns;
	bool requested;				/* a change was asked for */
	uint64_t last_request_ns;
	uint64_t last_sample_ns;
	struct zcrx_counters_sample last;	/* to spot counter resets */
};

void zcrx_policy_params_default(struct zcrx_policy_params *ret);
int zcrx_policy_params_validate(const struct zcrx_policy_params *params,
				const char **ret_field,
				const char **ret_problem);

int zcrx_policy_init(struct zcrx_policy *policy,
		     const struct zcrx_policy_params *params);
int zcrx_policy_update_params(struct zcrx_policy *policy,
			      const struct zcrx_policy_params *params);
int zcrx_policy_sample(struct zcrx_policy *policy, uint64_t now_ns,
		       const struct zcrx_counters_sample *c,
		       struct zcrx_policy_decision *ret);

const char *zcrx_policy_reason_to_string(enum zcrx_policy_reason reason);
const char *zcrx_policy_level_to_string(enum zcrx_policy_level level);
const char *zcrx_fallback_to_string(enum zcrx_fallback fallback);
int zcrx_fallback_from_string(const char *s, enum zcrx_fallback *ret);

#endif
