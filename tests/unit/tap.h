/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP producer for unit tests run by automake's tap-driver.sh. */
#ifndef ZCRX_TAP_H
#define ZCRX_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct tap {
	unsigned int run;
	unsigned int failed;
};

static inline bool __attribute__((format(printf, 3, 4)))
tap_ok(struct tap *t, bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", pass ? "ok" : "not ok", ++t->run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		t->failed++;
	return pass;
}

#define tap_is_int(t, got, want, desc)                                        \
	({                                                                     \
		long long _g = (got), _w = (want);                             \
		bool _p = tap_ok(t, _g == _w, "%s", desc);                     \
		if (!_p)                                                       \
			printf("#   got %lld, want %lld\n", _g, _w);           \
		_p;                                                            \
	})

#define tap_is_double(t, got, want, tolerance, desc)                          \
	({                                                                     \
		double _g = (got), _w = (want);                                \
		double _d = _g > _w ? _g - _w : _w - _g;                       \
		bool _p = tap_ok(t, _d <= (tolerance), "%s", desc);            \
		if (!_p)                                                       \
			printf("#   got %g, want %g\n", _g, _w);               \
		_p;                                                            \
	})

/* Trailing plan; the exit status tells make about failures too. */
static inline int tap_done(const struct tap *t)
{
	printf("1..%u\n", t->run);
	return t->failed ? 1 : 0;
}

#endif
