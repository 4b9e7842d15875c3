// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "daemon/policy.h"
#include "tap.h"

#define SEC 1000000000ULL

/* A binding driven by a fake clock, one sample per second. */
struct sim {
	struct zcrx_policy policy;
	struct zcrx_counters_sample c;
	struct zcrx_policy_decision d;
	uint64_t now;
	bool kernel_follows;	/* apply wanted modes, as a working `set` */
	unsigned int sets;	/* transitions asked for */
};

/* Engage at 1000/s, clear at 100/s, 5 s dwell, 1 s window. */
static void test_params(struct zcrx_policy_params *p)
{
	zcrx_policy_params_default(p);
	p->engage_starved_per_sec = 1000;
	p->clear_starved_per_sec = 100;
	p->min_dwell_ns = 5 * SEC;
	p->window_ns = 1 * SEC;
}

static int sim_sample(struct sim *s)
{
	int r = zcrx_policy_sample(&s->policy, s->now, &s->c, &s->d);

	if (r == 1) {
		s->sets++;
		if (s->kernel_follows)
			s->c.fallback = s->d.fallback;
	}
	return r;
}

/* First sample at t = 100 s with the kernel in @fallback. */
static int sim_start(struct sim *s, const struct zcrx_policy_params *p,
		     enum zcrx_fallback fallback)
{
	int r;

	memset(s, 0, sizeof(*s));
	r = zcrx_policy_init(&s->policy, p);
	if (r < 0)
		return r;
	s->kernel_follows = true;
	s->now = 100 * SEC;
	s->c.binding_id = 7;
	s->c.fallback = fallback;
	s->c.buffers_in_flight = 256;
	return sim_sample(s);
}

/* One second in which @starved frames found no posted buffer. */
static int sim_step(struct sim *s, uint64_t starved, uint64_t in_flight)
{
	s->now += SEC;
	if (s->c.fallback == ZCRX_FALLBACK_DROP)
		s->c.rx_dropped_packets += starved;
	else
		s->c.rx_copy_packets += starved;
	s->c.buffers_posted += 1000;
	s->c.buffers_returned += 1000;
	s->c.rx_zerocopy_packets += 1000;
	s->c.buffers_in_flight = in_flight;
	return sim_sample(s);
}

/* Seconds until a transition is asked for, or -1 if none in @max. */
static int sim_seconds_to_change(struct sim *s, int max, uint64_t starved,
				 uint64_t in_flight)
{
	for (int i = 1; i <= max; i++)
		if (sim_step(s, starved, in_flight) == 1)
			return i;
	return -1;
}

static void check_invalid(struct tap *t, const struct zcrx_policy_params *p,
			  const char *want_field, const char *want_problem)
{
	const char *field = "(unset)", *problem = "(unset)";
	struct zcrx_policy policy;

	memset(&policy, 0xaa, sizeof(policy));
	tap_is_int(t, zcrx_policy_params_validate(p, &field, &problem), -EINVAL,
		   "invalid params refused");
	tap_ok(t, !strcmp(field, want_field), "field named: %s (want %s)",
	       field, want_field);
	tap_ok(t, !strcmp(problem, want_problem), "problem: %s", problem);
	tap_is_int(t, zcrx_policy_init(&policy, p), -EINVAL,
		   "init refuses them too");
	tap_is_int(t, policy.params.window_ns, 0xaaaaaaaaaaaaaaaaULL,
		   "refused init left the state untouched");
}

static void test_validation(struct tap *t)
{
	struct zcrx_policy_params p, bad;
	const char *field = NULL, *problem = NULL;

	zcrx_policy_params_default(&p);
	tap_is_int(t, zcrx_policy_params_validate(&p, &field, &problem), 0,
		   "default params are valid");
	tap_ok(t, !field && !problem, "nothing named for valid params");
	tap_is_int(t, p.default_fallback, ZCRX_FALLBACK_COPY,
		   "default: copy normally");
	tap_is_int(t, p.starved_fallback, ZCRX_FALLBACK_DROP,
		   "default: drop when starved");

	bad = p;
	bad.default_fallback = 0;
	check_invalid(t, &bad, "default-fallback", "must be \"copy\" or \"drop\"");
	bad = p;
	bad.starved_fallback = 3;
	check_invalid(t, &bad, "starved-fallback", "must be \"copy\" or \"drop\"");
	bad = p;
	bad.engage_starved_per_sec = 0;
	bad.clear_starved_per_sec = 0;
	check_invalid(t, &bad, "engage-starved-per-sec", "must be above 0");
	bad = p;
	bad.clear_starved_per_sec = bad.engage_starved_per_sec;
	check_invalid(t, &bad, "clear-starved-per-sec",
		      "must be below engage-starved-per-sec");
	bad = p;
	bad.window_ns = 0;
	check_invalid(t, &bad, "window-ms", "must be above 0");

	/* Zero dwell and zero clear are legitimate. */
	bad = p;
	bad.min_dwell_ns = 0;
	bad.clear_starved_per_sec = 0;
	tap_is_int(t, zcrx_policy_params_validate(&bad, &field, &problem), 0,
		   "zero dwell and zero clear threshold accepted");
}

static void test_engage_and_recover(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	test_params(&p);
	tap_is_int(t, sim_start(&s, &p, ZCRX_FALLBACK_COPY), 0,
		   "first sample: no transition");
	tap_ok(t, !s.d.rate_known, "no rate from one sample");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_NORMAL, "starts normal");

	tap_is_int(t, sim_step(&s, 0, 256), 0, "idle: no transition");
	tap_ok(t, s.d.rate_known, "rate known from the second sample");
	tap_is_double(t, s.d.starved_per_sec, 0, 0, "idle rate is 0");

	/* Heavy starvation from t = 101 s: dwell holds it until t = 105 s. */
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), 4,
		   "engage waits for the dwell after the first sample");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_DROP, "engage: to drop");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_STARVED, "reason: starved");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_STARVED, "level: starved");
	tap_is_double(t, s.d.starved_per_sec, 2000, 1e-9,
		      "decision carries the rate");

	/* Drops count as starvation too: the signal holds in drop mode. */
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), -1,
		   "still starved in drop mode: no transition");

	/* Starvation ends; more than a dwell has passed since engaging. */
	tap_is_int(t, sim_seconds_to_change(&s, 20, 50, 256), 1,
		   "recover at once when the dwell is already over");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_COPY, "recover: back to copy");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RECOVERED,
		   "reason: recovered");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_NORMAL, "level: normal");
	tap_is_int(t, s.sets, 2, "exactly two transitions");
}

static void test_dwell(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	test_params(&p);
	p.min_dwell_ns = 10 * SEC;
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	tap_is_int(t, sim_seconds_to_change(&s, 30, 5000, 256), 10,
		   "no engage before 10 s of dwell, though far above engage");

	/* Starvation stops right after engaging: recovery must wait. */
	tap_is_int(t, sim_seconds_to_change(&s, 30, 0, 256), 10,
		   "no recovery before 10 s in drop, though far below clear");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RECOVERED, "then recovered");

	/* And the next engage again waits a full dwell after recovering. */
	tap_is_int(t, sim_seconds_to_change(&s, 30, 5000, 256), 10,
		   "dwell counts from the last transition");

	/* Dwell 0: transitions follow the rate sample by sample. */
	test_params(&p);
	p.min_dwell_ns = 0;
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	tap_is_int(t, sim_seconds_to_change(&s, 5, 5000, 256), 1,
		   "zero dwell: engage on the first rate");
	tap_is_int(t, sim_seconds_to_change(&s, 5, 0, 256), 1,
		   "zero dwell: recover on the next");
}

static void test_hysteresis(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;
	int changes = 0;

	test_params(&p);
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	/* Between the thresholds, and hovering across them, while normal. */
	for (int i = 0; i < 60; i++)
		changes += sim_step(&s, i % 2 ? 999 : 101, 256) == 1;
	tap_is_int(t, changes, 0, "normal: hovering between thresholds holds");
	tap_is_int(t, sim_step(&s, 1000, 256), 1, "engage exactly at the threshold");

	/* The same hovering while starved holds the starved level. */
	changes = 0;
	for (int i = 0; i < 60; i++)
		changes += sim_step(&s, i % 2 ? 999 : 101, 256) == 1;
	tap_is_int(t, changes, 0, "starved: hovering between thresholds holds");
	tap_is_int(t, s.c.fallback, ZCRX_FALLBACK_DROP, "still drop");
	tap_is_int(t, sim_step(&s, 100, 256), 1, "clear exactly at the threshold");
	tap_is_int(t, s.c.fallback, ZCRX_FALLBACK_COPY, "back to copy");

	/* Oscillating around both thresholds every second: the dwell caps
	 * the transitions at one per 5 s. */
	changes = 0;
	for (int i = 0; i < 60; i++)
		changes += sim_step(&s, i % 2 ? 5000 : 0, 256) == 1;
	tap_ok(t, changes <= 60 / 5, "wild swings: %d transitions in 60 s", changes);
}

static void test_window_smooths_bursts(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	/* A 10 s window: a 2 s burst of 3000/s averages 600/s, below engage. */
	test_params(&p);
	p.window_ns = 10 * SEC;
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	tap_is_int(t, sim_seconds_to_change(&s, 20, 0, 256), -1, "quiet");
	tap_is_int(t, sim_step(&s, 3000, 256), 0, "burst second 1: copy kept");
	tap_is_int(t, sim_step(&s, 3000, 256), 0, "burst second 2: copy kept");
	tap_is_double(t, s.d.starved_per_sec, 600, 1e-9, "burst averaged over the window");
	/* Sustained: the average reaches 1000/s after 4 s of it. */
	tap_is_int(t, sim_seconds_to_change(&s, 20, 3000, 256), 2,
		   "sustained starvation engages drop");
}

static void test_low_reserve(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	test_params(&p);
	p.low_watermark = 32;
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	tap_is_int(t, sim_seconds_to_change(&s, 20, 500, 256), -1,
		   "moderate starvation, healthy reserve: copy kept");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 50, 8), -1,
		   "low reserve without starvation: copy kept");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 500, 31), 1,
		   "moderate starvation with a low reserve engages");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_LOW_RESERVE,
		   "reason: low-reserve");
	tap_is_int(t, s.d.buffers_in_flight, 31, "decision carries in-flight");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 500, 256), -1,
		   "reserve rebuilt but starvation above clear: drop kept");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 100, 0), 1,
		   "recovery needs only the rate, not the reserve");

	/* Watermark 0 disables the signal. */
	p.low_watermark = 0;
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	tap_is_int(t, sim_seconds_to_change(&s, 20, 500, 0), -1,
		   "watermark 0: reserve ignored");
}

static void test_counter_reset(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	test_params(&p);
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	sim_seconds_to_change(&s, 20, 5000, 256);
	tap_is_int(t, s.c.fallback, ZCRX_FALLBACK_DROP, "engaged before the reset");
	sim_seconds_to_change(&s, 3, 5000, 256);

	/* Binding recreated (by an operator, or the daemon's reconcile)
	 * in copy mode: counters restart from zero. */
	memset(&s.c, 0, sizeof(s.c));
	s.c.binding_id = 8;
	s.c.fallback = ZCRX_FALLBACK_COPY;
	s.now += SEC;
	tap_is_int(t, sim_sample(&s), 0, "reset: no transition");
	tap_ok(t, s.d.counters_reset, "reset reported");
	tap_ok(t, !s.d.rate_known, "rate restarts: no huge or negative rate");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_NORMAL,
		   "new binding's copy mode adopted");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 5000, 256), 5,
		   "dwell restarts at the reset");

	/* A counter going backwards with the same id is a reset too. */
	sim_seconds_to_change(&s, 10, 0, 256);
	tap_is_int(t, s.c.fallback, ZCRX_FALLBACK_COPY, "recovered");
	s.c.buffers_filled = 0;
	s.c.rx_zerocopy_packets = 0;
	s.now += SEC;
	sim_sample(&s);
	tap_ok(t, s.d.counters_reset, "counter going backwards is a reset");
	sim_step(&s, 0, 256);
	tap_ok(t, !s.d.counters_reset, "next sample is not a reset");

	/* A new id with counters that happen to be higher still resets. */
	s.c.binding_id = 9;
	s.c.fallback = ZCRX_FALLBACK_DROP;
	s.c.rx_copy_packets += 1000000;
	s.now += SEC;
	tap_is_int(t, sim_sample(&s), 0, "new id: no transition");
	tap_ok(t, s.d.counters_reset, "new id is a reset");
	tap_ok(t, !s.d.rate_known, "no rate from the old binding's counters");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_STARVED,
		   "new binding's drop mode adopted as starved");
}

static void test_restart_adopts_kernel(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	/* Daemon restarted while the binding was in drop: keep it. */
	test_params(&p);
	tap_is_int(t, sim_start(&s, &p, ZCRX_FALLBACK_DROP), 0,
		   "first sample in drop: no transition");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_STARVED, "adopted as starved");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), -1,
		   "still starved: drop kept");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 0, 256), 1,
		   "recovers as usual");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_COPY, "to copy");
}

static void test_resync(struct tap *t)
{
	struct zcrx_policy_params p;
	struct sim s;

	/* `set` failing: the kernel stays in copy. */
	test_params(&p);
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	s.kernel_follows = false;
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), 5, "engage asked");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), 5,
		   "asked again only after a dwell");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RESYNC, "reason: resync");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_DROP, "still wants drop");

	/* It works now; the kernel agrees and nothing more is asked. */
	s.c.fallback = ZCRX_FALLBACK_DROP;
	tap_is_int(t, sim_seconds_to_change(&s, 20, 2000, 256), -1,
		   "in agreement: quiet");

	/* Someone else sets copy behind the daemon's back. */
	s.c.fallback = ZCRX_FALLBACK_COPY;
	tap_is_int(t, sim_step(&s, 2000, 256), 1,
		   "foreign change undone at once when no request is recent");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RESYNC, "as a resync");

	/* Pinned to copy, kernel found in drop: set copy at once. */
	test_params(&p);
	p.starved_fallback = ZCRX_FALLBACK_COPY;
	tap_is_int(t, sim_start(&s, &p, ZCRX_FALLBACK_DROP), 1,
		   "pinned: wrong kernel mode fixed on the first sample");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_COPY, "to copy");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RESYNC, "as a resync");
	tap_is_int(t, sim_seconds_to_change(&s, 60, 100000, 256), -1,
		   "pinned: never leaves copy, whatever the starvation");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_NORMAL, "pinned: level normal");
}

static void test_update_params(struct tap *t)
{
	struct zcrx_policy_params p, q;
	struct sim s;

	test_params(&p);
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	sim_seconds_to_change(&s, 10, 0, 256);

	q = p;
	q.clear_starved_per_sec = q.engage_starved_per_sec;
	tap_is_int(t, zcrx_policy_update_params(&s.policy, &q), -EINVAL,
		   "reload with invalid params refused");
	tap_is_int(t, s.policy.params.clear_starved_per_sec, 100,
		   "refused reload kept the old params");

	/* A recent transition, then a reload pinning the binding to drop:
	 * the new mode is set on the next sample, not a dwell later. */
	sim_seconds_to_change(&s, 10, 5000, 256);
	tap_is_int(t, sim_seconds_to_change(&s, 10, 0, 256), 5, "recovered just now");
	q = p;
	q.default_fallback = ZCRX_FALLBACK_DROP;
	tap_is_int(t, zcrx_policy_update_params(&s.policy, &q), 0, "reload accepted");
	tap_is_int(t, sim_step(&s, 0, 256), 1, "new normal mode set on next sample");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_DROP, "to drop");
	tap_is_int(t, s.d.reason, ZCRX_POLICY_REASON_RESYNC, "as a resync");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 5000, 256), -1,
		   "pinned to drop: quiet under starvation");

	/* Back to copy/drop with other thresholds: level and rates kept. */
	q = p;
	q.engage_starved_per_sec = 2000;
	zcrx_policy_update_params(&s.policy, &q);
	tap_is_int(t, sim_step(&s, 0, 256), 1, "unpinned: copy again at once");
	tap_ok(t, s.d.rate_known, "same window: rate history kept");
	tap_is_int(t, sim_seconds_to_change(&s, 20, 1500, 256), -1,
		   "1500/s is below the new engage");

	/* Pinning a starved binding to copy: normal level, copy at once. */
	sim_seconds_to_change(&s, 20, 5000, 256);
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_STARVED, "starved before pinning");
	q.starved_fallback = ZCRX_FALLBACK_COPY;
	zcrx_policy_update_params(&s.policy, &q);
	tap_is_int(t, sim_step(&s, 5000, 256), 1, "pinned to copy: set at once");
	tap_is_int(t, s.d.fallback, ZCRX_FALLBACK_COPY, "to copy");
	tap_is_int(t, s.d.level, ZCRX_POLICY_LEVEL_NORMAL, "a pinned binding is normal");

	/* A new window span restarts the rate. */
	q.window_ns = 2 * SEC;
	zcrx_policy_update_params(&s.policy, &q);
	sim_step(&s, 1500, 256);
	tap_ok(t, !s.d.rate_known, "new window: rate restarts");
}

static void test_bad_samples(struct tap *t)
{
	struct zcrx_policy_params p;
	struct zcrx_policy_decision d;
	struct sim s;

	test_params(&p);
	sim_start(&s, &p, ZCRX_FALLBACK_COPY);
	sim_step(&s, 10, 256);
	struct zcrx_counters_sample c = s.c;

	tap_is_int(t, zcrx_policy_sample(&s.policy, s.now - 1, &c, &d), -EINVAL,
		   "time going backwards refused");
	c.fallback = 0;
	tap_is_int(t, zcrx_policy_sample(&s.policy, s.now + SEC, &c, &d), -EINVAL,
		   "unknown kernel fallback refused");
	tap_is_int(t, sim_step(&s, 10, 256), 0, "refused samples changed nothing");
	tap_ok(t, !s.d.counters_reset && s.d.rate_known, "no reset, rate known");
	tap_is_double(t, s.d.starved_per_sec, 10, 1e-9, "rate unaffected");
}

static void test_strings(struct tap *t)
{
	enum zcrx_fallback f = 0;

	tap_ok(t, !strcmp(zcrx_policy_reason_to_string(ZCRX_POLICY_REASON_STARVED),
			  "starved") &&
		  !strcmp(zcrx_policy_reason_to_string(ZCRX_POLICY_REASON_LOW_RESERVE),
			  "low-reserve") &&
		  !strcmp(zcrx_policy_reason_to_string(ZCRX_POLICY_REASON_RECOVERED),
			  "recovered") &&
		  !strcmp(zcrx_policy_reason_to_string(ZCRX_POLICY_REASON_RESYNC),
			  "resync") &&
		  !strcmp(zcrx_policy_reason_to_string(ZCRX_POLICY_REASON_NONE),
			  "none") &&
		  !strcmp(zcrx_policy_reason_to_string(99), "unknown"),
	       "reason names");
	tap_ok(t, !strcmp(zcrx_policy_level_to_string(ZCRX_POLICY_LEVEL_NORMAL), "normal") &&
		  !strcmp(zcrx_policy_level_to_string(ZCRX_POLICY_LEVEL_STARVED), "starved"),
	       "level names");
	tap_ok(t, !strcmp(zcrx_fallback_to_string(ZCRX_FALLBACK_COPY), "copy") &&
		  !strcmp(zcrx_fallback_to_string(ZCRX_FALLBACK_DROP), "drop") &&
		  !strcmp(zcrx_fallback_to_string(0), "unknown"),
	       "fallback names");
	tap_is_int(t, zcrx_fallback_from_string("drop", &f), 0, "\"drop\" parsed");
	tap_is_int(t, f, ZCRX_FALLBACK_DROP, "to ZCRX_FALLBACK_DROP");
	tap_is_int(t, zcrx_fallback_from_string("Copy", &f), -EINVAL,
		   "names are case-sensitive");
	tap_is_int(t, f, ZCRX_FALLBACK_DROP, "refused parse left the output alone");
}

int main(void)
{
	struct tap t = { 0 };

	test_validation(&t);
	test_engage_and_recover(&t);
	test_dwell(&t);
	test_hysteresis(&t);
	test_window_smooths_bursts(&t);
	test_low_reserve(&t);
	test_counter_reset(&t);
	test_restart_adopts_kernel(&t);
	test_resync(&t);
	test_update_params(&t);
	test_bad_samples(&t);
	test_strings(&t);
	return tap_done(&t);
}
