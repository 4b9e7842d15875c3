// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the state file's parser (zcrx_config_parse_bindings(),
 * what zcrx_state_load() runs on bindings.json) on any bytes.  What it
 * accepts must format back (zcrx_config_format_bindings(), what
 * zcrx_state_save() writes) into a file it reads as the same bindings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/zcrxd-conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct zcrx_config_binding *a, const struct zcrx_config_binding *b)
{
	return !strcmp(a->nic, b->nic) && !strcmp(a->macvtap, b->macvtap) &&
	       a->queue == b->queue && !strcmp(a->owner, b->owner) &&
	       a->has_fallback == b->has_fallback &&
	       (!a->has_fallback || a->fallback == b->fallback) &&
	       a->has_starved_fallback == b->has_starved_fallback &&
	       (!a->has_starved_fallback || a->starved_fallback == b->starved_fallback) &&
	       a->has_low_watermark == b->has_low_watermark &&
	       (!a->has_low_watermark || a->low_watermark == b->low_watermark) &&
	       a->has_unbind_on_vhost_gone == b->has_unbind_on_vhost_gone &&
	       (!a->has_unbind_on_vhost_gone || a->unbind_on_vhost_gone == b->unbind_on_vhost_gone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zcrx_config_binding *bindings = NULL, *again = NULL;
	char *text, *formatted = NULL, *error = NULL;
	size_t n = 0, n_again = 0;

	if (memchr(data, '\0', size))
		return -1;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (zcrx_config_parse_bindings("bindings.json", text, &bindings, &n, &error) == 0) {
		if (zcrx_config_format_bindings(bindings, n, &formatted) < 0)
			abort();
		if (zcrx_config_parse_bindings("bindings.json", formatted, &again, &n_again,
					       &error) < 0 || n_again != n)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!same(&bindings[i], &again[i]))
				abort();
	}
	free(again);
	free(formatted);
	free(bindings);
	free(error);
	free(text);
	return 0;
}
