// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: zcrxd.conf's parser (daemon/zcrxd-conf.c) on any
 * bytes.  A parsed configuration must be valid: its policy passes the
 * policy's own validation and no two of its bindings conflict.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/zcrxd-conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zcrx_config *config = NULL;
	const char *field, *problem;
	char *text, *error = NULL;

	/* The reader refuses NUL bytes; the parser gets a C string. */
	if (memchr(data, '\0', size))
		return -1;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (zcrx_config_parse("zcrxd.conf", text, &config, &error) == 0) {
		if (zcrx_policy_params_validate(&config->policy, &field, &problem) < 0)
			abort();
		for (size_t i = 0; i < config->n_bindings; i++)
			for (size_t j = 0; j < i; j++)
				if (zcrx_config_binding_conflict(&config->bindings[i],
								 &config->bindings[j]))
					abort();
	} else if (!error) {
		abort();	/* every refusal has a message, memory permitting */
	}
	zcrx_config_free(config);
	free(error);
	free(text);
	return 0;
}
