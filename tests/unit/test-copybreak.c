// SPDX-License-Identifier: GPL-2.0-only
/*
 * The self-setting copybreak against a simulated binding: frames of one
 * length whose two paths cost what the test says, the kernel's cost
 * counters moving as vhost-net and tap would move them, the copybreak
 * probe sending 1 in N frames the other way, and a fake clock.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "daemon/copybreak.h"
#include "tap.h"

#define SEC 1000000000ULL

/* What each path costs the simulated host, in ns. */
struct costs {
	double zerocopy_ns;	/* vhost-net's part of a frame in place */
	double buffer_ns;	/* pinning, posting and taking back a buffer */
	double copy_fixed_ns;	/* a copied frame without its bytes */
	double ns_per_byte;	/* copying into guest memory */
};

struct sim {
	struct zcrx_copybreak cb;
	struct zcrx_copybreak_params params;
	struct zcrx_cost_counters counters;
	struct zcrx_copybreak_estimate est;
	struct costs costs;
	uint32_t copybreak;	/* the kernel's */
	uint32_t frame_len;
	uint64_t timed_per_sec;	/* frames timed a second (1 in 16 of them) */
	uint64_t probe_seq;
	uint64_t now;
	unsigned int moves;
};

static void sim_start(struct sim *s, uint32_t frame_len, const struct costs *costs)
{
	memset(s, 0, sizeof(*s));
	zcrx_copybreak_params_default(&s->params);
	s->params.mode = ZCRX_COPYBREAK_AUTO;
	s->params.half_life_ns = 2 * SEC;
	zcrx_copybreak_init(&s->cb);
	s->costs = *costs;
	s->copybreak = 256;
	s->frame_len = frame_len;
	s->timed_per_sec = 1000;
	s->now = 100 * SEC;
}

/* One second of traffic, then a reading; the copybreak follows as zcrxd sets it. */
static void sim_second(struct sim *s)
{
	struct zcrx_cost_counters *c = &s->counters;
	uint64_t copied = 0, in_place = 0;

	for (uint64_t i = 0; i < s->timed_per_sec; i++) {
		bool copy = s->frame_len < s->copybreak;

		if (++s->probe_seq % s->params.probe == 0)
			copy = !copy;
		if (copy)
			copied++;
		else
			in_place++;
	}
	c->copy_packets += copied;
	c->copy_bytes += copied * s->frame_len;
	c->copy_ns += (uint64_t)(copied * (s->costs.copy_fixed_ns +
					   s->costs.ns_per_byte * s->frame_len));
	c->memcpy_bytes += copied * s->frame_len;
	c->memcpy_ns += (uint64_t)(copied * s->costs.ns_per_byte * s->frame_len);
	c->zerocopy_packets += in_place;
	c->zerocopy_ns += (uint64_t)(in_place * s->costs.zerocopy_ns);
	c->buffers += in_place;
	c->buffer_ns += (uint64_t)(in_place * s->costs.buffer_ns);
	s->now += SEC;
	zcrx_copybreak_sample(&s->cb, &s->params, s->now, c, &s->est);
	if (s->est.known && zcrx_copybreak_should_move(&s->params, s->copybreak, s->est.target)) {
		s->copybreak = s->est.target;
		s->moves++;
	}
}

static void sim_run(struct sim *s, unsigned int seconds)
{
	while (seconds--)
		sim_second(s);
}

/* Zero-copy 1000 ns a frame, copy 400 ns + 0.5 ns/B: they cross at 1200 B. */
static const struct costs host = {
	.zerocopy_ns = 300, .buffer_ns = 700, .copy_fixed_ns = 400, .ns_per_byte = 0.5,
};

static void test_settles_at_crossover(struct tap *t)
{
	struct sim s;

	sim_start(&s, 1500, &host);
	sim_second(&s);
	tap_ok(t, !s.est.known, "first reading: nothing known yet");
	sim_run(&s, 10);
	tap_ok(t, s.est.known, "both paths measured (the probe times copies of 1500 B frames)");
	tap_is_double(t, s.est.copy_ns_per_byte, 0.5, 0.01, "copy cost per byte from tap's timing");
	tap_is_double(t, s.est.copy_fixed_ns, 400, 2, "copy path's fixed cost");
	tap_is_double(t, s.est.zerocopy_ns, 1000, 2, "a frame in place, its buffer included");
	tap_is_int(t, s.copybreak, 1200, "copybreak set to where the paths cross");
	sim_run(&s, 60);
	tap_is_int(t, s.moves, 1, "and left there: noise-free costs, one set");
}

static void test_follows_cost_change(struct tap *t)
{
	struct sim s;
	unsigned int n;

	sim_start(&s, 1500, &host);
	sim_run(&s, 20);
	tap_is_int(t, s.copybreak, 1200, "before: 1500 B frames go in place");

	/* An IOMMU that makes every buffer dear: zero-copy stops paying. */
	s.costs.buffer_ns = 5000;
	for (n = 0; n < 60 && s.copybreak != ZCRX_COPYBREAK_MAX; n++)
		sim_second(&s);
	tap_is_int(t, s.copybreak, ZCRX_COPYBREAK_MAX, "dear buffers: copybreak goes to its maximum");
	tap_ok(t, n <= 10, "within 10 s at a 2 s half-life (took %u s)", n);

	/* Every frame is copied now but the probe's: still measured, so it comes back. */
	s.costs.buffer_ns = 700;
	for (n = 0; n < 120 && s.copybreak > 1500; n++)
		sim_second(&s);
	tap_ok(t, s.copybreak < 1500, "cheap again: 1500 B frames go back in place (copybreak %u)",
	       s.copybreak);
	tap_ok(t, n <= 30, "measured through the probe's 1 in 64 (took %u s)", n);
	sim_run(&s, 60);
	tap_ok(t, s.copybreak >= 1200 - 150 && s.copybreak <= 1200 + 150,
	       "and settles within the hysteresis of the crossover (%u)", s.copybreak);
}

static void test_bounds(struct tap *t)
{
	struct costs cheap = host;
	struct sim s;

	cheap.buffer_ns = 0;
	cheap.zerocopy_ns = 100;	/* below the copy's fixed cost: zero-copy always pays */
	sim_start(&s, 1500, &cheap);
	s.params.min = 128;
	sim_run(&s, 10);
	tap_is_int(t, s.copybreak, 128, "crossover below copybreak-min: min");

	sim_start(&s, 1500, &host);
	s.params.max = 1024;
	sim_run(&s, 10);
	tap_is_int(t, s.copybreak, 1024, "crossover above copybreak-max: max");
}

static void test_counters_reset(struct tap *t)
{
	struct sim s;

	sim_start(&s, 1500, &host);
	sim_run(&s, 10);
	tap_ok(t, s.est.known, "known before the binding is made again");
	memset(&s.counters, 0, sizeof(s.counters));
	sim_second(&s);
	tap_ok(t, !s.est.known, "counters that went back start afresh");
	sim_run(&s, 5);
	tap_ok(t, s.est.known, "and are known again after a few readings");
}

static void test_no_traffic(struct tap *t)
{
	struct sim s;

	sim_start(&s, 1500, &host);
	s.timed_per_sec = 0;
	sim_run(&s, 10);
	tap_ok(t, !s.est.known, "no frames: no estimate");
	tap_is_int(t, s.copybreak, 256, "and the copybreak stays");
}

static void test_should_move(struct tap *t)
{
	struct zcrx_copybreak_params p;

	zcrx_copybreak_params_default(&p);
	tap_ok(t, !zcrx_copybreak_should_move(&p, 1200, 1200), "same value: no move");
	tap_ok(t, !zcrx_copybreak_should_move(&p, 1200, 1230), "30 B off: within the hysteresis");
	tap_ok(t, !zcrx_copybreak_should_move(&p, 1200, 1330), "130 B off 1200: within an eighth");
	tap_ok(t, zcrx_copybreak_should_move(&p, 1200, 1400), "200 B off 1200: moves");
	tap_ok(t, zcrx_copybreak_should_move(&p, 16, 0), "a bound is reached exactly");
	tap_ok(t, zcrx_copybreak_should_move(&p, 4090, 4096), "the other bound too");
	p.min = 512;
	tap_ok(t, zcrx_copybreak_should_move(&p, 256, 520), "current below the range: moves");
}

static void test_validate(struct tap *t)
{
	struct zcrx_copybreak_params p;
	const char *field = NULL, *problem = NULL;

	zcrx_copybreak_params_default(&p);
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), 0, "defaults valid");
	p.min = 2000;
	p.max = 1000;
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), -EINVAL,
		   "min above max refused");
	tap_ok(t, field && !strcmp(field, "copybreak-min"), "and named");
	zcrx_copybreak_params_default(&p);
	p.probe = 0;
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), -EINVAL,
		   "no probe refused");
	p.probe = 1;
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), -EINVAL,
		   "a probe of 1 (every frame the other way) refused");
	tap_ok(t, field && !strcmp(field, "copybreak-probe"), "and named");
	zcrx_copybreak_params_default(&p);
	p.max = 5000;
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), -EINVAL,
		   "max above 4096 refused");
	zcrx_copybreak_params_default(&p);
	p.half_life_ns = 0;
	tap_is_int(t, zcrx_copybreak_params_validate(&p, &field, &problem), -EINVAL,
		   "zero half-life refused");
}

int main(void)
{
	struct tap t = { 0 };

	test_settles_at_crossover(&t);
	test_follows_cost_change(&t);
	test_bounds(&t);
	test_counters_reset(&t);
	test_no_traffic(&t);
	test_should_move(&t);
	test_validate(&t);
	return tap_done(&t);
}
