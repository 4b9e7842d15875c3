/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxd's logging, one module for the whole daemon.
 *
 * Started by systemd with stderr connected to the journal ($JOURNAL_STREAM
 * names stderr's device and inode), an entry goes to the journal with
 * sd_journal_sendv(): MESSAGE=, PRIORITY=, SYSLOG_IDENTIFIER=, and for a
 * message about a binding ZCRX_BINDING=, ZCRX_NIC=, ZCRX_QUEUE=,
 * ZCRX_MACVTAP= (ZCRX_OWNER= when it has one); the events an operator
 * looks for also carry a MESSAGE_ID= (systemd/zcrx.catalog, zcrxd(8)).
 * Otherwise (or with no journal socket to send to, or the entry refused)
 * it is one line on stderr with an sd-daemon "<N>" prefix, as it always
 * was.  The journal form is built by a pure function
 * (zcrxd_log_entry_build()) so that unit tests can look at it.
 */
#ifndef ZCRXD_LOG_H
#define ZCRXD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <syslog.h>

/* The events with a MESSAGE_ID= (the catalog's entries). */
enum zcrxd_log_event {
	ZCRXD_LOG_EVENT_NONE,
	ZCRXD_LOG_BINDING_MADE,		/* bound, by configuration or request */
	ZCRXD_LOG_BINDING_ENDED,	/* unbound, or ended by the kernel (ZCRX_REASON=) */
	ZCRXD_LOG_FALLBACK_ENTERED,	/* its state became "fallback" */
	ZCRXD_LOG_FALLBACK_LEFT,	/* its state is "zerocopy" again */
	ZCRXD_LOG_CONFIG_REFUSED,	/* zcrxd.conf refused at start or reload */
};

/* MESSAGE_ID= of @event, 32 hex digits, or NULL for ZCRXD_LOG_EVENT_NONE. */
const char *zcrxd_log_event_message_id(enum zcrxd_log_event event);

/* What a message about a binding says of it; strings may be NULL. */
struct zcrxd_log_binding {
	uint32_t id;
	const char *nic;
	uint32_t queue;
	const char *macvtap;
	const char *owner;	/* NULL or "": it has none */
};

/* MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID, REASON and the five binding fields. */
#define ZCRXD_LOG_FIELDS_MAX 10
#define ZCRXD_LOG_MESSAGE_MAX 2048
#define ZCRXD_LOG_ENTRY_TEXT_MAX (ZCRXD_LOG_MESSAGE_MAX + 1024)

/* A journal entry: iov[0..n) point into text. */
struct zcrxd_log_entry {
	struct iovec iov[ZCRXD_LOG_FIELDS_MAX];
	size_t n;
	char text[ZCRXD_LOG_ENTRY_TEXT_MAX];
	size_t used;
};

/*
 * Fill @entry with the fields of one journal entry.  @binding and
 * @reason may be NULL.  Returns 0, or -ENOBUFS when they do not fit
 * (never with a message cut to ZCRXD_LOG_MESSAGE_MAX and valid names).
 */
int zcrxd_log_entry_build(struct zcrxd_log_entry *entry, int priority,
			  enum zcrxd_log_event event, const struct zcrxd_log_binding *binding,
			  const char *reason, const char *message);

/*
 * The stderr form of a message: "<N>message\n", newlines in @message
 * made spaces (one message, one line).  Returns the length written, cut
 * to @size - 1 like snprintf().
 */
size_t zcrxd_log_format_line(char *buf, size_t size, int priority, const char *message);

/*
 * Whether $JOURNAL_STREAM (@journal_stream, "<dev>:<inode>" in decimal)
 * names the file stderr is (@dev, @ino): then systemd connected it to
 * the journal and structured entries can be sent instead.
 */
bool zcrxd_log_journal_stream_matches(const char *journal_stream, dev_t dev, ino_t ino);

/* printf-like; a message about nothing in particular. */
void zcrxd_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* printf-like; @binding and @reason (ZCRX_REASON=) may be NULL. */
void zcrxd_log_event(int priority, enum zcrxd_log_event event,
		     const struct zcrxd_log_binding *binding, const char *reason,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void zcrxd_log_eventv(int priority, enum zcrxd_log_event event,
		      const struct zcrxd_log_binding *binding, const char *reason,
		      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#endif
