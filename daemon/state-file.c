// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/zcrx-cleanup.h"
#include "state-file.h"

/*
 * zcrxd is the only writer (one instance, one thread), so a fixed name is
 * safe, and a temporary file left by a crash is simply reused.
 */
#define STATE_TEMP_FILE ZCRX_STATE_FILE ".tmp"

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_fd(const struct zcrx_state_io *io, int fd)
{
	if (io && io->fsync)
		return io->fsync(fd) < 0 ? -errno : 0;
	return fsync(fd) < 0 ? -errno : 0;
}

/* Write and sync the temporary file, then put it in place. */
static int replace_file(int dir_fd, const char *text, const struct zcrx_state_io *io)
{
	int fd, r;

	fd = openat(dir_fd, STATE_TEMP_FILE,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = sync_fd(io, fd);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, STATE_TEMP_FILE, dir_fd,
			       ZCRX_STATE_FILE) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir_fd, STATE_TEMP_FILE, 0);
	return r;
}

/**
 * zcrx_state_save() - replace the saved bindings, atomically
 * @dir: the state directory, which must exist
 * @bindings: the runtime bindings
 * @n: how many (0 writes an empty list)
 * @io: the system calls to make; NULL: the real ones
 *
 * Bindings that zcrx_state_load() would refuse (bad names, conflicts,
 * fallback out of range) are refused here, before anything is written.
 *
 * Return: 0; a positive errno when the new file is in place but the
 * directory could not be synced (a warning: the rename may not survive a
 * power cut); -EINVAL for such bindings; -ENOMEM; or the negative errno
 * of the failed system call (the previous file is then left as it was,
 * and no temporary file behind).
 */
int zcrx_state_save(const char *dir,
		    const struct zcrx_config_binding *bindings, size_t n,
		    const struct zcrx_state_io *io)
{
	_cleanup_free_ struct zcrx_config_binding *reread = NULL;
	_cleanup_free_ char *text = NULL, *error = NULL;
	_cleanup_close_ int dir_fd = -1;
	size_t n_reread;
	int r;

	r = zcrx_config_format_bindings(bindings, n, &text);
	if (r < 0)
		return r;
	/* Never write a file the next start could not read back. */
	r = zcrx_config_parse_bindings(ZCRX_STATE_FILE, text, &reread,
				       &n_reread, &error);
	if (r < 0)
		return r;

	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return -errno;
	r = replace_file(dir_fd, text, io);
	if (r < 0)
		return r;
	/* The rename is durable only once the directory is synced; it is
	 * done, though, and what a restart reads. */
	return -sync_fd(io, dir_fd);
}

/**
 * zcrx_state_move_aside() - keep a state file that cannot be read
 * @dir: the state directory
 * @now: the time its new name carries
 * @ret_name: the new name (in @dir), to free()
 *
 * Renames the file to bindings.json.corrupt-YYYYMMDDTHHMMSSZ (with a
 * "-N" suffix if that exists), so that saving does not overwrite it.
 *
 * Return: 0; -ENOENT when there is no state file; or another negative
 * errno (the file is then where it was).
 */
int zcrx_state_move_aside(const char *dir, time_t now, char **ret_name)
{
	_cleanup_close_ int dir_fd = -1;
	char stamp[32], name[128];
	struct tm tm;

	*ret_name = NULL;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		return -EINVAL;
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return -errno;
	for (unsigned int i = 0; i < 100; i++) {
		if (i)
			snprintf(name, sizeof(name), "%s.corrupt-%s-%u", ZCRX_STATE_FILE, stamp, i);
		else
			snprintf(name, sizeof(name), "%s.corrupt-%s", ZCRX_STATE_FILE, stamp);
		if (renameat2(dir_fd, ZCRX_STATE_FILE, dir_fd, name, RENAME_NOREPLACE) == 0) {
			fsync(dir_fd);	/* best effort: the file is kept either way */
			*ret_name = strdup(name);
			return *ret_name ? 0 : -ENOMEM;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/**
 * zcrx_state_load() - read the saved bindings back
 * @dir: the state directory
 * @ret_bindings: the bindings, to free(); NULL when there are none
 * @ret_n: how many
 * @ret_error: on error, a message to free() naming the file and the
 *	offending key or line:column; NULL when out of memory
 *
 * A missing file (first start, or nothing saved yet) means no bindings.
 *
 * Return: 0; -EINVAL for a corrupt file; -EPROTONOSUPPORT for one of a
 * newer format; -EFBIG for one above ZCRX_CONFIG_MAX_BYTES; -ENOMEM; or
 * the errno of a failed read.
 */
int zcrx_state_load(const char *dir,
		    struct zcrx_config_binding **ret_bindings, size_t *ret_n,
		    char **ret_error)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	int r;

	*ret_bindings = NULL;
	*ret_n = 0;
	*ret_error = NULL;

	if (asprintf(&path, "%s/%s", dir, ZCRX_STATE_FILE) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	r = zcrx_config_read_file(path, &text, ret_error);
	if (r == -ENOENT) {
		free(*ret_error);
		*ret_error = NULL;
		return 0;
	}
	if (r < 0)
		return r;
	return zcrx_config_parse_bindings(path, text, ret_bindings, ret_n,
					  ret_error);
}
