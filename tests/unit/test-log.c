// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's log module: the journal entry's fields as built for
 * sd_journal_sendv(), the stderr line, the $JOURNAL_STREAM check, and
 * zcrxd_log() itself writing to a stderr that is not the journal; and
 * the STATUS= text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/status.h"
#include "tap.h"

static bool tap_is_str(struct tap *t, const char *got, const char *want, const char *desc)
{
	bool pass = got && !strcmp(got, want);

	tap_ok(t, pass, "%s", desc);
	if (!pass)
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)", want);
	return pass;
}

/* The entry's fields, "\n"-joined, from the iovecs (not the NULs). */
static void entry_text(const struct zcrxd_log_entry *e, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->n && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%.*s", i ? "\n" : "",
				 (int)e->iov[i].iov_len, (const char *)e->iov[i].iov_base);
}

static void test_entry_binding(struct tap *t)
{
	const struct zcrxd_log_binding b = {
		.id = 7, .nic = "eth0", .queue = 3, .macvtap = "mvt0", .owner = "vm-42",
	};
	struct zcrxd_log_entry e;
	char text[4096];

	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_INFO, ZCRXD_LOG_BINDING_MADE, &b, NULL,
					    "bound binding 7 (eth0 queue 3 -> mvt0): x"),
		   0, "binding made: entry built");
	entry_text(&e, text, sizeof(text));
	tap_is_str(t, text,
		   "MESSAGE=bound binding 7 (eth0 queue 3 -> mvt0): x\n"
		   "PRIORITY=6\n"
		   "SYSLOG_IDENTIFIER=zcrxd\n"
		   "MESSAGE_ID=1d7892d630b941f7bfbac4a7281bd687\n"
		   "ZCRX_BINDING=7\n"
		   "ZCRX_NIC=eth0\n"
		   "ZCRX_QUEUE=3\n"
		   "ZCRX_MACVTAP=mvt0\n"
		   "ZCRX_OWNER=vm-42",
		   "binding made: message, priority, id, binding, devices, owner");

	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_NOTICE, ZCRXD_LOG_BINDING_ENDED,
					    &(struct zcrxd_log_binding){ .id = 1, .nic = "eth1",
									.macvtap = "m" },
					    "vhost-gone", "gone"),
		   0, "binding ended: entry built");
	entry_text(&e, text, sizeof(text));
	tap_is_str(t, text,
		   "MESSAGE=gone\n"
		   "PRIORITY=5\n"
		   "SYSLOG_IDENTIFIER=zcrxd\n"
		   "MESSAGE_ID=24c2ec1202194c28b8f79371ba226f70\n"
		   "ZCRX_REASON=vhost-gone\n"
		   "ZCRX_BINDING=1\n"
		   "ZCRX_NIC=eth1\n"
		   "ZCRX_QUEUE=0\n"
		   "ZCRX_MACVTAP=m",
		   "binding ended: ZCRX_REASON, no ZCRX_OWNER without an owner");
	/* Each field is a string too: sd_journal_sendv() takes lengths, a
	 * reader of the buffer may not. */
	tap_is_int(t, strlen(e.iov[0].iov_base), e.iov[0].iov_len, "fields end with a NUL");
}

static void test_entry_plain(struct tap *t)
{
	struct zcrxd_log_entry e;
	char text[4096];

	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_ERR, ZCRXD_LOG_EVENT_NONE, NULL, NULL,
					    "cannot read zcrx events"), 0, "plain: entry built");
	entry_text(&e, text, sizeof(text));
	tap_is_str(t, text, "MESSAGE=cannot read zcrx events\nPRIORITY=3\nSYSLOG_IDENTIFIER=zcrxd",
		   "plain: no MESSAGE_ID, no binding fields");
	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_ERR, ZCRXD_LOG_CONFIG_REFUSED, NULL, NULL,
					    "reload refused"), 0, "config refused: built");
	entry_text(&e, text, sizeof(text));
	tap_is_str(t, text, "MESSAGE=reload refused\nPRIORITY=3\nSYSLOG_IDENTIFIER=zcrxd\n"
		   "MESSAGE_ID=66954112f75742dfbe99d976e7a7efa1", "config refused: its MESSAGE_ID");
	/* LOG_PRI: a facility given with the level is not a priority. */
	zcrxd_log_entry_build(&e, LOG_DAEMON | LOG_WARNING, ZCRXD_LOG_EVENT_NONE, NULL, NULL, "w");
	tap_is_str(t, e.iov[1].iov_base, "PRIORITY=4", "PRIORITY= is the level alone");
}

static void test_entry_too_big(struct tap *t)
{
	static char huge[ZCRXD_LOG_ENTRY_TEXT_MAX + 10];
	struct zcrxd_log_entry e;

	memset(huge, 'x', sizeof(huge) - 1);
	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_INFO, ZCRXD_LOG_EVENT_NONE, NULL, NULL, huge),
		   -ENOBUFS, "a message larger than the entry: -ENOBUFS");
	huge[ZCRXD_LOG_MESSAGE_MAX - 1] = '\0';
	tap_is_int(t, zcrxd_log_entry_build(&e, LOG_INFO, ZCRXD_LOG_BINDING_MADE,
					    &(struct zcrxd_log_binding){ .id = 4294967295u,
						.nic = "abcdefghijklmno", .queue = 65535,
						.macvtap = "abcdefghijklmno",
						.owner = huge + ZCRXD_LOG_MESSAGE_MAX - 256 },
					    "request", huge),
		   0, "the longest message with every field fits");
}

static void test_message_ids(struct tap *t)
{
	const char *ids[5];
	bool ok = true;

	for (int ev = ZCRXD_LOG_BINDING_MADE; ev <= ZCRXD_LOG_CONFIG_REFUSED; ev++) {
		const char *id = zcrxd_log_event_message_id(ev);

		ids[ev - 1] = id;
		ok &= id && strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32;
		for (int j = 0; id && j < ev - 1; j++)
			ok &= strcmp(ids[j], id) != 0;
	}
	tap_ok(t, ok, "five MESSAGE_IDs, 32 lowercase hex digits, all different");
	tap_ok(t, !zcrxd_log_event_message_id(ZCRXD_LOG_EVENT_NONE), "none for a plain message");
}

static void test_line(struct tap *t)
{
	char buf[64];

	tap_is_int(t, zcrxd_log_format_line(buf, sizeof(buf), LOG_WARNING, "low buffers"), 15,
		   "stderr line: its length");
	tap_is_str(t, buf, "<4>low buffers\n", "stderr line: sd-daemon prefix, one newline");
	zcrxd_log_format_line(buf, sizeof(buf), LOG_ERR, "a\nb\nc");
	tap_is_str(t, buf, "<3>a b c\n", "stderr line: newlines in the message made spaces");
	tap_is_int(t, zcrxd_log_format_line(buf, 8, LOG_INFO, "0123456789"), 7,
		   "stderr line: cut to the buffer");
	tap_is_str(t, buf, "<6>0123", "stderr line: cut, NUL-terminated");
}

static void test_journal_stream(struct tap *t)
{
	tap_ok(t, zcrxd_log_journal_stream_matches("8:1234", 8, 1234), "JOURNAL_STREAM matches");
	tap_ok(t, !zcrxd_log_journal_stream_matches("8:1234", 8, 1235), "another inode");
	tap_ok(t, !zcrxd_log_journal_stream_matches("9:1234", 8, 1234), "another device");
	tap_ok(t, !zcrxd_log_journal_stream_matches(NULL, 8, 1234), "unset");
	tap_ok(t, !zcrxd_log_journal_stream_matches("", 8, 1234), "empty");
	tap_ok(t, !zcrxd_log_journal_stream_matches("8:1234x", 8, 1234), "trailing garbage");
	tap_ok(t, !zcrxd_log_journal_stream_matches("8", 8, 0), "no inode");
}

/* zcrxd_log() with stderr on a file; *ret_text: what it wrote. */
static int log_to_file(const char *journal_stream, char *ret_text, size_t size)
{
	char path[] = "/tmp/test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	if (fd < 0 || saved < 0)
		return -errno;
	unlink(path);
	if (journal_stream)
		setenv("JOURNAL_STREAM", journal_stream, 1);
	else
		unsetenv("JOURNAL_STREAM");
	dup2(fd, STDERR_FILENO);
	zcrxd_log(LOG_NOTICE, "%s queue %d", "eth0", 2);
	zcrxd_log_event(LOG_INFO, ZCRXD_LOG_BINDING_MADE,
			&(struct zcrxd_log_binding){ .id = 3, .nic = "eth0" }, NULL, "bound %d", 3);
	dup2(saved, STDERR_FILENO);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	n = pread(fd, ret_text, size - 1, 0);
	close(fd);
	if (n < 0)
		return -errno;
	ret_text[n] = '\0';
	return 0;
}

static void test_log_stderr(struct tap *t)
{
	char text[256];

	tap_is_int(t, log_to_file(NULL, text, sizeof(text)), 0, "logged to a file");
	tap_is_str(t, text, "<5>eth0 queue 2\n<6>bound 3\n",
		   "no JOURNAL_STREAM: the stderr lines, binding fields left out");
	/* Set by a parent for its own stderr, not ours: still lines. */
	tap_is_int(t, log_to_file("0:1", text, sizeof(text)), 0, "logged to a file");
	tap_is_str(t, text, "<5>eth0 queue 2\n<6>bound 3\n",
		   "JOURNAL_STREAM naming another file: the stderr lines");
}

static void test_status(struct tap *t)
{
	char buf[ZCRXD_STATUS_MAX];

	zcrxd_status_format(buf, true, 3, 1);
	tap_is_str(t, buf, "3 bindings, 1 in fallback", "STATUS: bindings and fallback");
	zcrxd_status_format(buf, true, 1, 0);
	tap_is_str(t, buf, "1 binding, 0 in fallback", "STATUS: one binding");
	zcrxd_status_format(buf, true, 0, 0);
	tap_is_str(t, buf, "0 bindings, 0 in fallback", "STATUS: none");
	zcrxd_status_format(buf, false, 0, 0);
	tap_is_str(t, buf, "zcrx netlink family not found; D-Bus API up",
		   "STATUS: no zcrx family");
	zcrxd_status_format(buf, true, (size_t)-1, (size_t)-1);
	tap_ok(t, strlen(buf) < ZCRXD_STATUS_MAX && strstr(buf, " in fallback"),
	       "STATUS: the largest counts fit");
}

int main(void)
{
	struct tap t = { 0 };

	test_entry_binding(&t);
	test_entry_plain(&t);
	test_entry_too_big(&t);
	test_message_ids(&t);
	test_line(&t);
	test_journal_stream(&t);
	test_log_stderr(&t);
	test_status(&t);
	return tap_done(&t);
}
