/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runtime bindings (made over D-Bus) kept across restarts, in
 * <state directory>/bindings.json.
 *
 * The file is a zcrxd.conf document with only a "bindings" key, parsed
 * and formatted by config.c, so a binding has one JSON form and the same
 * validation everywhere.  Only a binding's own overrides are stored: the
 * policy defaults still come from zcrxd.conf after a restart.
 *
 * Saving is atomic (temporary file in the same directory, fsync, rename,
 * fsync of the directory): after a crash or power cut the file holds the
 * old bindings or the new ones, never a mix or nothing.
 *
 * Library code: nothing is logged, errors are returned.
 */
#ifndef ZCRX_STATE_FILE_H
#define ZCRX_STATE_FILE_H

#include <stddef.h>

#include "zcrxd-conf.h"

#define ZCRX_STATE_FILE "bindings.json"

int zcrx_state_save(const char *dir,
		    const struct zcrx_config_binding *bindings, size_t n);
int zcrx_state_load(const char *dir,
		    struct zcrx_config_binding **ret_bindings, size_t *ret_n,
		    char **ret_error);

#endif
