// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "copybreak.h"

/* ln 2: a half-life in units of the fading's time constant. */
#define LN2 0.6931471805599453

/**
 * zcrx_copybreak_params_default() - what applies when nothing is configured
 * @ret: the kernel's copybreak left alone; for "auto", bounds 0..4096,
 *	a probe of 1 in 64 frames and a half-life of 5 s
 */
void zcrx_copybreak_params_default(struct zcrx_copybreak_params *ret)
{
	*ret = (struct zcrx_copybreak_params){
		.mode = ZCRX_COPYBREAK_KERNEL,
		.min = 0,
		.max = ZCRX_COPYBREAK_MAX,
		.probe = ZCRX_COPYBREAK_DEFAULT_PROBE,
		.half_life_ns = ZCRX_COPYBREAK_DEFAULT_HALF_LIFE_NS,
	};
}

/**
 * zcrx_copybreak_params_validate() - check a set of parameters
 * @params: the parameters
 * @ret_field: on error, the offending field as its zcrxd.conf key
 * @ret_problem: on error, what is wrong with it
 *
 * Return: 0, or -EINVAL with @ret_field and @ret_problem set.
 */
int zcrx_copybreak_params_validate(const struct zcrx_copybreak_params *params,
				   const char **ret_field, const char **ret_problem)
{
	if (params->fixed > ZCRX_COPYBREAK_MAX) {
		*ret_field = "copybreak";
		*ret_problem = "must be \"auto\" or 0..4096";
	} else if (params->max > ZCRX_COPYBREAK_MAX) {
		*ret_field = "copybreak-max";
		*ret_problem = "must be 0..4096";
	} else if (params->min > params->max) {
		*ret_field = "copybreak-min";
		*ret_problem = "must not be above copybreak-max";
	} else if (params->probe < 2 || params->probe > ZCRX_COPYBREAK_PROBE_MAX) {
		/* Without a probe one path goes unmeasured once all frames take the
		 * other; 1 would send every frame the wrong way. */
		*ret_field = "copybreak-probe";
		*ret_problem = "must be 2..32767";
	} else if (!params->half_life_ns) {
		*ret_field = "copybreak-half-life-ms";
		*ret_problem = "must be above 0";
	} else {
		return 0;
	}
	return -EINVAL;
}

void zcrx_copybreak_init(struct zcrx_copybreak *cb)
{
	memset(cb, 0, sizeof(*cb));
}

static bool counters_went_back(const struct zcrx_cost_counters *old,
			       const struct zcrx_cost_counters *new)
{
	return new->copy_packets < old->copy_packets || new->copy_ns < old->copy_ns ||
	       new->copy_bytes < old->copy_bytes || new->memcpy_ns < old->memcpy_ns ||
	       new->memcpy_bytes < old->memcpy_bytes ||
	       new->zerocopy_packets < old->zerocopy_packets ||
	       new->zerocopy_ns < old->zerocopy_ns || new->buffers < old->buffers ||
	       new->buffer_ns < old->buffer_ns;
}

/* sum = sum * fade + (new - old), for each counter. */
static void add_deltas(struct zcrx_copybreak *cb, double fade, const struct zcrx_cost_counters *new)
{
	const struct zcrx_cost_counters *old = &cb->last;

#define FADE_ADD(field) (cb->field = cb->field * fade + (double)(new->field - old->field))
	FADE_ADD(copy_packets);
	FADE_ADD(copy_ns);
	FADE_ADD(copy_bytes);
	FADE_ADD(memcpy_ns);
	FADE_ADD(memcpy_bytes);
	FADE_ADD(zerocopy_packets);
	FADE_ADD(zerocopy_ns);
	FADE_ADD(buffers);
	FADE_ADD(buffer_ns);
#undef FADE_ADD
}

static void estimate(const struct zcrx_copybreak *cb, const struct zcrx_copybreak_params *params,
		     struct zcrx_copybreak_estimate *ret)
{
	double crossover;

	memset(ret, 0, sizeof(*ret));
	if (cb->copy_packets < ZCRX_COPYBREAK_MIN_SAMPLES ||
	    cb->zerocopy_packets < ZCRX_COPYBREAK_MIN_SAMPLES ||
	    cb->buffers < ZCRX_COPYBREAK_MIN_SAMPLES || cb->memcpy_bytes <= 0 ||
	    cb->memcpy_ns <= 0)
		return;
	ret->copy_ns_per_byte = cb->memcpy_ns / cb->memcpy_bytes;
	ret->copy_fixed_ns = (cb->copy_ns - ret->copy_ns_per_byte * cb->copy_bytes) /
			     cb->copy_packets;
	/* Noise can make the remainder negative; a frame costs at least its bytes. */
	if (ret->copy_fixed_ns < 0)
		ret->copy_fixed_ns = 0;
	ret->zerocopy_ns = cb->zerocopy_ns / cb->zerocopy_packets + cb->buffer_ns / cb->buffers;
	crossover = (ret->zerocopy_ns - ret->copy_fixed_ns) / ret->copy_ns_per_byte;
	if (crossover <= params->min)
		ret->target = params->min;
	else if (crossover >= params->max)
		ret->target = params->max;
	else
		ret->target = (uint32_t)(crossover + 0.5);
	ret->known = true;
}

/**
 * zcrx_copybreak_sample() - take one reading of a binding's cost counters
 * @cb: the binding's state
 * @params: its parameters (mode ZCRX_COPYBREAK_AUTO)
 * @now_ns: the time of the reading
 * @counters: the kernel's cost-* counters, as read
 * @ret: the estimate; ->known is false while a path has too few timed
 *	frames (or buffers), and on the first reading
 *
 * Counters that went back (the binding was made again) start the sums
 * afresh.
 */
void zcrx_copybreak_sample(struct zcrx_copybreak *cb, const struct zcrx_copybreak_params *params,
			   uint64_t now_ns, const struct zcrx_cost_counters *counters,
			   struct zcrx_copybreak_estimate *ret)
{
	double tau = (double)params->half_life_ns / LN2;
	double elapsed = now_ns > cb->last_ns ? (double)(now_ns - cb->last_ns) : 0;

	if (!cb->have_last || counters_went_back(&cb->last, counters)) {
		zcrx_copybreak_init(cb);
		cb->have_last = true;
	} else {
		/* tau / (tau + t): exp(-t / tau) to first order, no libm. */
		add_deltas(cb, tau / (tau + elapsed), counters);
	}
	cb->last = *counters;
	cb->last_ns = now_ns;
	estimate(cb, params, ret);
}

/**
 * zcrx_copybreak_should_move() - is an estimate far enough to act on?
 * @params: the binding's parameters
 * @current: the copybreak in force
 * @target: the estimate's
 *
 * Return: true when they differ by more than ZCRX_COPYBREAK_HYSTERESIS
 * bytes and by more than an eighth of @current, or when @target is a
 * bound of the range (worth reaching exactly) or @current is outside it.
 */
bool zcrx_copybreak_should_move(const struct zcrx_copybreak_params *params, uint32_t current,
				uint32_t target)
{
	uint32_t diff = current > target ? current - target : target - current;

	if (!diff)
		return false;
	if (target == params->min || target == params->max || current < params->min ||
	    current > params->max)
		return true;
	return diff > ZCRX_COPYBREAK_HYSTERESIS && diff > current / 8;
}
