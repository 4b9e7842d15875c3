// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's logging: see log.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* CODE_FILE= and the like would name log.c, not the caller. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

/* Where sd_journal_sendv() sends; it drops entries silently (returns 0)
 * when nothing listens there. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Made once with `systemd-id128 new`; systemd/zcrx.catalog explains each. */
const char *zcrxd_log_event_message_id(enum zcrxd_log_event event)
{
	switch (event) {
	case ZCRXD_LOG_EVENT_NONE:
		break;
	case ZCRXD_LOG_BINDING_MADE:
		return "1d7892d630b941f7bfbac4a7281bd687";
	case ZCRXD_LOG_BINDING_ENDED:
		return "24c2ec1202194c28b8f79371ba226f70";
	case ZCRXD_LOG_FALLBACK_ENTERED:
		return "fefdc0ddddae432eb7ab7bae2fa7ffd5";
	case ZCRXD_LOG_FALLBACK_LEFT:
		return "64942756bf3f4596a618ab595bbd0420";
	case ZCRXD_LOG_CONFIG_REFUSED:
		return "66954112f75742dfbe99d976e7a7efa1";
	}
	return NULL;
}

/* Append "FIELD=value" as the next iovec; -ENOBUFS if it does not fit. */
static int entry_add(struct zcrxd_log_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int entry_add(struct zcrxd_log_entry *e, const char *fmt, ...)
{
	size_t room = sizeof(e->text) - e->used;
	va_list ap;
	int len;

	if (e->n >= ZCRXD_LOG_FIELDS_MAX)
		return -ENOBUFS;
	va_start(ap, fmt);
	len = vsnprintf(e->text + e->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room)
		return -ENOBUFS;
	e->iov[e->n++] = (struct iovec){ .iov_base = e->text + e->used, .iov_len = (size_t)len };
	/* The NUL stays between fields: each one reads as a string too. */
	e->used += (size_t)len + 1;
	return 0;
}

int zcrxd_log_entry_build(struct zcrxd_log_entry *entry, int priority,
			  enum zcrxd_log_event event, const struct zcrxd_log_binding *binding,
			  const char *reason, const char *message)
{
	const char *id = zcrxd_log_event_message_id(event);
	int r;

	entry->n = 0;
	entry->used = 0;
	r = entry_add(entry, "MESSAGE=%s", message);
	if (r >= 0)
		r = entry_add(entry, "PRIORITY=%d", LOG_PRI(priority));
	if (r >= 0)
		r = entry_add(entry, "SYSLOG_IDENTIFIER=zcrxd");
	if (r >= 0 && id)
		r = entry_add(entry, "MESSAGE_ID=%s", id);
	if (r >= 0 && reason)
		r = entry_add(entry, "ZCRX_REASON=%s", reason);
	if (r >= 0 && binding) {
		r = entry_add(entry, "ZCRX_BINDING=%" PRIu32, binding->id);
		if (r >= 0 && binding->nic && *binding->nic)
			r = entry_add(entry, "ZCRX_NIC=%s", binding->nic);
		if (r >= 0)
			r = entry_add(entry, "ZCRX_QUEUE=%" PRIu32, binding->queue);
		if (r >= 0 && binding->macvtap && *binding->macvtap)
			r = entry_add(entry, "ZCRX_MACVTAP=%s", binding->macvtap);
		if (r >= 0 && binding->owner && *binding->owner)
			r = entry_add(entry, "ZCRX_OWNER=%s", binding->owner);
	}
	return r < 0 ? r : 0;
}

size_t zcrxd_log_format_line(char *buf, size_t size, int priority, const char *message)
{
	int len = snprintf(buf, size, "<%d>%s\n", LOG_PRI(priority), message);
	size_t n;

	if (len < 0 || size == 0)
		return 0;
	n = (size_t)len < size ? (size_t)len : size - 1;
	/* The trailing newline is the only one. */
	for (size_t i = 0; i + 1 < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	return n;
}

bool zcrxd_log_journal_stream_matches(const char *journal_stream, dev_t dev, ino_t ino)
{
	unsigned long long want_dev, want_ino;
	int end = 0;

	if (!journal_stream)
		return false;
	if (sscanf(journal_stream, "%llu:%llu%n", &want_dev, &want_ino, &end) != 2 ||
	    journal_stream[end] != '\0')
		return false;
	return want_dev == (unsigned long long)dev && want_ino == (unsigned long long)ino;
}

/*
 * Checked at each message, not cached: stderr may be replaced, and a
 * cache would be global state for two stat()s that cost little.  With no
 * journal socket (a journald gone, a stream inherited from elsewhere) the
 * entry would be lost without an error: stderr is kept then.
 */
static bool journal_takes_entries(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	struct stat st;

	if (!env || fstat(STDERR_FILENO, &st) < 0 ||
	    !zcrxd_log_journal_stream_matches(env, st.st_dev, st.st_ino))
		return false;
	return stat(JOURNAL_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void log_message(int priority, enum zcrxd_log_event event,
			const struct zcrxd_log_binding *binding, const char *reason,
			const char *message)
{
	char line[ZCRXD_LOG_MESSAGE_MAX + 16];

	if (journal_takes_entries()) {
		struct zcrxd_log_entry entry;

		if (zcrxd_log_entry_build(&entry, priority, event, binding, reason, message) >= 0 &&
		    sd_journal_sendv(entry.iov, (int)entry.n) >= 0)
			return;
		/* The journal socket refused it: stderr still reaches the journal. */
	}
	zcrxd_log_format_line(line, sizeof(line), priority, message);
	fputs(line, stderr);
}

void zcrxd_log(int priority, const char *fmt, ...)
{
	char message[ZCRXD_LOG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	log_message(priority, ZCRXD_LOG_EVENT_NONE, NULL, NULL, message);
}

void zcrxd_log_eventv(int priority, enum zcrxd_log_event event,
		      const struct zcrxd_log_binding *binding, const char *reason,
		      const char *fmt, va_list ap)
{
	char message[ZCRXD_LOG_MESSAGE_MAX];

	vsnprintf(message, sizeof(message), fmt, ap);
	log_message(priority, event, binding, reason, message);
}

void zcrxd_log_event(int priority, enum zcrxd_log_event event,
		     const struct zcrxd_log_binding *binding, const char *reason,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	zcrxd_log_eventv(priority, event, binding, reason, fmt, ap);
	va_end(ap);
}
