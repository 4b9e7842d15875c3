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
 * old bindings or the new ones, never a mix or nothing.  Once the rename
 * is done the new file is what a restart reads, so a failed fsync of the
 * directory after it is a warning (the rename may not survive a power
 * cut), not a failure to undo.
 *
 * The file carries its format's "version"; one written by a newer zcrxd
 * is refused (-EPROTONOSUPPORT) and must be left as it is.  A corrupt
 * file (-EINVAL) is moved aside with zcrx_state_move_aside() rather than
 * overwritten, so that what it held can still be read by a person.
 *
 * Library code: nothing is logged, errors are returned.
 */
#ifndef ZCRX_STATE_FILE_H
#define ZCRX_STATE_FILE_H

#include <stddef.h>
#include <time.h>

#include "zcrxd-conf.h"

#define ZCRX_STATE_FILE "bindings.json"

/* The system calls saving makes that can fail late; tests replace them. */
struct zcrx_state_io {
	int (*fsync)(int fd);	/* NULL: fsync(2) */
};

int zcrx_state_save(const char *dir,
		    const struct zcrx_config_binding *bindings, size_t n,
		    const struct zcrx_state_io *io);
int zcrx_state_move_aside(const char *dir, time_t now, char **ret_name);
int zcrx_state_load(const char *dir,
		    struct zcrx_config_binding **ret_bindings, size_t *ret_n,
		    char **ret_error);

#endif
