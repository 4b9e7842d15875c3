// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "policy.h"

static bool fallback_valid(enum zcrx_fallback fallback)
{
	return fallback == ZCRX_FALLBACK_DROP || fallback == ZCRX_FALLBACK_COPY;
}

/**
 * zcrx_policy_params_default() - the policy used when nothing is configured
 * @ret: filled with copy normally, drop under sustained starvation, and
 *	the ZCRX_POLICY_DEFAULT_* thresholds
 */
void zcrx_policy_params_default(struct zcrx_policy_params *ret)
{
	*ret = (struct zcrx_policy_params){
		.default_fallback = ZCRX_FALLBACK_COPY,
		.starved_fallback = ZCRX_FALLBACK_DROP,
		.engage_starved_per_sec = ZCRX_POLICY_DEFAULT_ENGAGE_PER_SEC,
		.clear_starved_per_sec = ZCRX_POLICY_DEFAULT_CLEAR_PER_SEC,
		.low_watermark = ZCRX_POLICY_DEFAULT_LOW_WATERMARK,
		.min_dwell_ns = ZCRX_POLICY_DEFAULT_MIN_DWELL_NS,
		.window_ns = ZCRX_POLICY_DEFAULT_WINDOW_NS,
	};
	zcrx_copybreak_params_default(&ret->copybreak);
}

/**
 * zcrx_policy_params_validate() - check a set of parameters
 * @params: the parameters
 * @ret_field: on error, the offending field, spelled as its zcrxd.conf key
 *	(e.g. "clear-starved-per-sec") so callers can name it to users
 * @ret_problem: on error, what is wrong with it ("must be ...")
 *
 * Return: 0, or -EINVAL with @ret_field and @ret_problem set.
 */
int zcrx_policy_params_validate(const struct zcrx_policy_params *params,
				const char **ret_field,
				const char **ret_problem)
{
	const char *field, *problem;

	if (!fallback_valid(params->default_fallback)) {
		field = "default-fallback";
		problem = "must be \"copy\" or \"drop\"";
	} else if (!fallback_valid(params->starved_fallback)) {
		field = "starved-fallback";
		problem = "must be \"copy\" or \"drop\"";
	} else if (!params->engage_starved_per_sec) {
		field = "engage-starved-per-sec";
		problem = "must be above 0";
	} else if (params->clear_starved_per_sec >=
		   params->engage_starved_per_sec) {
		/* Equal thresholds would leave no hysteresis band. */
		field = "clear-starved-per-sec";
		problem = "must be below engage-starved-per-sec";
	} else if (!params->window_ns) {
		field = "window-ms";
		problem = "must be above 0";
	} else {
		return zcrx_copybreak_params_validate(&params->copybreak, ret_field, ret_problem);
	}
	*ret_field = field;
	*ret_problem = problem;
	return -EINVAL;
}

/**
 * zcrx_policy_init() - start the policy of a binding
 * @policy: the state to initialize
 * @params: its parameters, copied
 *
 * Nothing is decided until the first sample, which adopts the kernel's
 * fallback as the policy's level.
 *
 * Return: 0, or -EINVAL for invalid @params (@policy untouched).
 */
int zcrx_policy_init(struct zcrx_policy *policy,
		     const struct zcrx_policy_params *params)
{
	const char *field, *problem;
	int r;

	r = zcrx_policy_params_validate(params, &field, &problem);
	if (r < 0)
		return r;
	memset(policy, 0, sizeof(*policy));
	policy->params = *params;
	return zcrx_rate_init(&policy->starved, params->window_ns);
}

/**
 * zcrx_policy_update_params() - apply new parameters (config reload)
 * @policy: a started or fresh policy
 * @params: the new parameters, copied
 *
 * The level, its dwell and the rate history are kept, so a reload does not
 * by itself cause a transition, except where the new parameters require
 * one: a new window span restarts the rate, and a mode that changed is
 * set on the next sample (as a resync).
 *
 * Return: 0, or -EINVAL for invalid @params (@policy untouched).
 */
int zcrx_policy_update_params(struct zcrx_policy *policy,
			      const struct zcrx_policy_params *params)
{
	const char *field, *problem;
	int r;

	r = zcrx_policy_params_validate(params, &field, &problem);
	if (r < 0)
		return r;
	if (params->window_ns != policy->params.window_ns)
		zcrx_rate_init(&policy->starved, params->window_ns);
	/* A pinned binding has no starved level. */
	if (params->default_fallback == params->starved_fallback)
		policy->level = ZCRX_POLICY_LEVEL_NORMAL;
	policy->params = *params;
	/* Let the new mode, if any, be set at once. */
	policy->requested = false;
	return 0;
}

static bool counters_went_back(const struct zcrx_counters_sample *old,
			       const struct zcrx_counters_sample *c)
{
	if (old->binding_id && c->binding_id &&
	    old->binding_id != c->binding_id)
		return true;
	return c->buffers_posted < old->buffers_posted ||
	       c->buffers_filled < old->buffers_filled ||
	       c->buffers_returned < old->buffers_returned ||
	       c->rx_zerocopy_packets < old->rx_zerocopy_packets ||
	       c->rx_copy_packets < old->rx_copy_packets ||
	       c->rx_dropped_packets < old->rx_dropped_packets;
}

static enum zcrx_fallback level_mode(const struct zcrx_policy_params *params,
				     enum zcrx_policy_level level)
{
	return level == ZCRX_POLICY_LEVEL_STARVED ? params->starved_fallback :
						    params->default_fallback;
}

/* First sample or binding recreated: take the kernel's mode as ours. */
static void adopt(struct zcrx_policy *policy, uint64_t now_ns,
		  const struct zcrx_counters_sample *c)
{
	const struct zcrx_policy_params *params = &policy->params;

	zcrx_rate_init(&policy->starved, params->window_ns);
	policy->level = params->starved_fallback != params->default_fallback &&
					c->fallback == params->starved_fallback ?
				ZCRX_POLICY_LEVEL_STARVED :
				ZCRX_POLICY_LEVEL_NORMAL;
	policy->level_since_ns = now_ns;
	policy->requested = false;
	policy->started = true;
}

/* The level the thresholds ask for, or the current one. */
static enum zcrx_policy_level next_level(const struct zcrx_policy *policy,
					 double rate, uint64_t in_flight,
					 enum zcrx_policy_reason *ret_reason)
{
	const struct zcrx_policy_params *params = &policy->params;
	bool low_reserve = params->low_watermark &&
			   in_flight < params->low_watermark;

	if (policy->level == ZCRX_POLICY_LEVEL_NORMAL) {
		if (params->default_fallback == params->starved_fallback)
			return ZCRX_POLICY_LEVEL_NORMAL;
		if (rate >= (double)params->engage_starved_per_sec) {
			*ret_reason = ZCRX_POLICY_REASON_STARVED;
			return ZCRX_POLICY_LEVEL_STARVED;
		}
		if (low_reserve && rate > (double)params->clear_starved_per_sec) {
			*ret_reason = ZCRX_POLICY_REASON_LOW_RESERVE;
			return ZCRX_POLICY_LEVEL_STARVED;
		}
		return ZCRX_POLICY_LEVEL_NORMAL;
	}
	if (rate <= (double)params->clear_starved_per_sec) {
		*ret_reason = ZCRX_POLICY_REASON_RECOVERED;
		return ZCRX_POLICY_LEVEL_NORMAL;
	}
	return ZCRX_POLICY_LEVEL_STARVED;
}

/**
 * zcrx_policy_sample() - feed a reading of the binding, get a decision
 * @policy: the binding's policy
 * @now_ns: monotonic time of the reading; must not go backwards
 * @c: the reading; c->fallback is the mode in force in the kernel
 * @ret: the decision, filled on success
 *
 * A counter going backwards or a new binding id means the kernel binding
 * was recreated: the policy restarts from this reading as on the first.
 *
 * Return: 1 if the kernel's fallback should be set to @ret->fallback
 * (@ret->reason says why), 0 if nothing is to be done, -EINVAL if @now_ns
 * went backwards or @c->fallback is not a fallback (@policy untouched).
 */
int zcrx_policy_sample(struct zcrx_policy *policy, uint64_t now_ns,
		       const struct zcrx_counters_sample *c,
		       struct zcrx_policy_decision *ret)
{
	const struct zcrx_policy_params *params = &policy->params;
	enum zcrx_policy_reason reason = ZCRX_POLICY_REASON_NONE;
	enum zcrx_policy_level level;
	enum zcrx_fallback want;
	bool reset = false;
	double rate = 0;
	int r;

	if (!fallback_valid(c->fallback))
		return -EINVAL;
	if (policy->started) {
		if (now_ns < policy->last_sample_ns)
			return -EINVAL;
		reset = counters_went_back(&policy->last, c);
	}
	if (!policy->started || reset)
		adopt(policy, now_ns, c);

	/* Cannot fail: time was checked and a reset restarted the window. */
	zcrx_rate_add(&policy->starved, now_ns,
		      c->rx_copy_packets + c->rx_dropped_packets);
	policy->last = *c;
	policy->last_sample_ns = now_ns;

	r = zcrx_rate_get(&policy->starved, &rate);
	if (r == 0 && now_ns - policy->level_since_ns >= params->min_dwell_ns) {
		level = next_level(policy, rate, c->buffers_in_flight, &reason);
		if (level != policy->level) {
			policy->level = level;
			policy->level_since_ns = now_ns;
		}
	}

	*ret = (struct zcrx_policy_decision){
		.fallback = c->fallback,
		.reason = ZCRX_POLICY_REASON_NONE,
		.level = policy->level,
		.rate_known = r == 0,
		.starved_per_sec = r == 0 ? rate : 0,
		.buffers_in_flight = c->buffers_in_flight,
		.counters_reset = reset,
	};

	want = level_mode(params, policy->level);
	if (want == c->fallback)
		return 0;
	if (reason == ZCRX_POLICY_REASON_NONE) {
		/* The kernel disagrees with a level we already hold: ask
		 * again, but no more than once per dwell time. */
		if (policy->requested &&
		    now_ns - policy->last_request_ns < params->min_dwell_ns)
			return 0;
		reason = ZCRX_POLICY_REASON_RESYNC;
	}
	policy->requested = true;
	policy->last_request_ns = now_ns;
	ret->fallback = want;
	ret->reason = reason;
	return 1;
}

/**
 * zcrx_policy_reason_to_string() - name of a reason, for logs and D-Bus
 * @reason: the reason
 *
 * Return: a static string, "unknown" for a value out of range.
 */
const char *zcrx_policy_reason_to_string(enum zcrx_policy_reason reason)
{
	switch (reason) {
	case ZCRX_POLICY_REASON_NONE:
		return "none";
	case ZCRX_POLICY_REASON_STARVED:
		return "starved";
	case ZCRX_POLICY_REASON_LOW_RESERVE:
		return "low-reserve";
	case ZCRX_POLICY_REASON_RECOVERED:
		return "recovered";
	case ZCRX_POLICY_REASON_RESYNC:
		return "resync";
	}
	return "unknown";
}

/**
 * zcrx_policy_level_to_string() - name of a level, for logs and D-Bus
 * @level: the level
 *
 * Return: a static string, "unknown" for a value out of range.
 */
const char *zcrx_policy_level_to_string(enum zcrx_policy_level level)
{
	switch (level) {
	case ZCRX_POLICY_LEVEL_NORMAL:
		return "normal";
	case ZCRX_POLICY_LEVEL_STARVED:
		return "starved";
	}
	return "unknown";
}

/**
 * zcrx_fallback_to_string() - name of a fallback, as in the spec
 * @fallback: the fallback
 *
 * Return: "copy", "drop", or "unknown" for a value out of range.
 */
const char *zcrx_fallback_to_string(enum zcrx_fallback fallback)
{
	switch (fallback) {
	case ZCRX_FALLBACK_COPY:
		return "copy";
	case ZCRX_FALLBACK_DROP:
		return "drop";
	}
	return "unknown";
}

/**
 * zcrx_fallback_from_string() - parse a fallback name
 * @s: "copy" or "drop"
 * @ret: the fallback
 *
 * Return: 0, or -EINVAL for any other string (@ret untouched).
 */
int zcrx_fallback_from_string(const char *s, enum zcrx_fallback *ret)
{
	if (!strcmp(s, "copy"))
		*ret = ZCRX_FALLBACK_COPY;
	else if (!strcmp(s, "drop"))
		*ret = ZCRX_FALLBACK_DROP;
	else
		return -EINVAL;
	return 0;
}
