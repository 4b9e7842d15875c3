/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A copybreak that sets itself: where zero-copy stops paying for a
 * binding, from what the kernel measures of both receive paths.
 *
 * The cost model.  A frame delivered in place costs vhost-net about the
 * same whatever its length (it writes a header and uses a descriptor;
 * the NIC wrote the bytes), plus what its buffer cost to pin, post and
 * take back: zerocopy_ns.  A copied frame costs a fixed part and the
 * copy of its bytes into guest memory: copy_fixed_ns + copy_ns_per_byte
 * * length.  Zero-copy pays from the length where the two meet,
 *
 *	crossover = (zerocopy_ns - copy_fixed_ns) / copy_ns_per_byte,
 *
 * and the copybreak goes there, within [min, max].
 *
 * The measurements (the kernel's cost-* counters): vhost-net times 1 in
 * 16 of its frames on either path and all its posting and release runs
 * (per buffer posted); tap times 1 in 16 of the copies (per byte).  The copybreak
 * probe (the kernel's copybreak-probe, 1 in N frames takes the other
 * path than its length says) keeps both paths measured when the
 * copybreak sends every frame one way, as it does with traffic of one
 * size.  Each sample's deltas are added to sums that fade with a
 * half-life, so that the estimate follows a change in costs (another
 * IOMMU mode, a guest whose memory went cold) within a few half-lives.
 *
 * Hysteresis: the copybreak moves only when the estimate is more than
 * ZCRX_COPYBREAK_HYSTERESIS bytes and an eighth away from it (or is a
 * bound), so that noise around a stable crossover does not turn into a
 * stream of sets.
 *
 * Time is passed in, never read here, so tests use a fake clock.
 */
#ifndef ZCRX_COPYBREAK_H
#define ZCRX_COPYBREAK_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel's bound (the family's copybreak check: max 4096). */
#define ZCRX_COPYBREAK_MAX 4096u
#define ZCRX_COPYBREAK_PROBE_MAX 32767u
#define ZCRX_COPYBREAK_DEFAULT_PROBE 64u
#define ZCRX_COPYBREAK_DEFAULT_HALF_LIFE_NS 5000000000ull
/* Fewer timed frames of a path than this (after fading) say nothing. */
#define ZCRX_COPYBREAK_MIN_SAMPLES 8.0
#define ZCRX_COPYBREAK_HYSTERESIS 32u

enum zcrx_copybreak_mode {
	ZCRX_COPYBREAK_KERNEL,	/* not configured: the kernel's stays */
	ZCRX_COPYBREAK_FIXED,	/* a number in the configuration */
	ZCRX_COPYBREAK_AUTO,	/* "auto": set from the measured costs */
};

struct zcrx_copybreak_params {
	enum zcrx_copybreak_mode mode;
	uint32_t fixed;		/* FIXED: the copybreak */
	uint32_t min;		/* AUTO: bounds, min <= max <= 4096 */
	uint32_t max;
	uint32_t probe;		/* AUTO: the kernel's copybreak-probe */
	uint64_t half_life_ns;	/* AUTO: > 0 */
};

/* The kernel's cost-* counters of one binding, as read (cumulative). */
struct zcrx_cost_counters {
	uint64_t copy_packets;
	uint64_t copy_ns;
	uint64_t copy_bytes;
	uint64_t memcpy_ns;
	uint64_t memcpy_bytes;
	uint64_t zerocopy_packets;
	uint64_t zerocopy_ns;
	uint64_t buffers;
	uint64_t buffer_ns;
};

/* What the counters say, when they say enough. */
struct zcrx_copybreak_estimate {
	bool known;
	double zerocopy_ns;	/* a frame in place, its buffer included */
	double copy_fixed_ns;	/* a copied frame, without its bytes */
	double copy_ns_per_byte;
	uint32_t target;	/* the crossover within [min, max] */
};

/* Per-binding state: the last counters and the faded sums of deltas. */
struct zcrx_copybreak {
	bool have_last;
	struct zcrx_cost_counters last;
	uint64_t last_ns;
	double copy_packets, copy_ns, copy_bytes, memcpy_ns, memcpy_bytes;
	double zerocopy_packets, zerocopy_ns, buffers, buffer_ns;
};

void zcrx_copybreak_params_default(struct zcrx_copybreak_params *ret);
int zcrx_copybreak_params_validate(const struct zcrx_copybreak_params *params,
				   const char **ret_field, const char **ret_problem);
void zcrx_copybreak_init(struct zcrx_copybreak *cb);
void zcrx_copybreak_sample(struct zcrx_copybreak *cb, const struct zcrx_copybreak_params *params,
			   uint64_t now_ns, const struct zcrx_cost_counters *counters,
			   struct zcrx_copybreak_estimate *ret);
bool zcrx_copybreak_should_move(const struct zcrx_copybreak_params *params, uint32_t current,
				uint32_t target);

#endif /* ZCRX_COPYBREAK_H */
