// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxctl's words for API revision 2: bind ... owner NAME, unbind owner
 * NAME, stats --format text|json|prometheus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "tap.h"

/* Parse zcrxctl WORDS... (NULL-terminated); *ret_error to free(). */
static int parse_words(struct zcrxctl_cmd *cmd, char **ret_error, const char *const *words)
{
	char *argv[16] = { (char *)"zcrxctl" };
	int argc = 1;

	while (words[argc - 1] && argc < 15) {
		argv[argc] = (char *)words[argc - 1];
		argc++;
	}
	*ret_error = NULL;
	return zcrxctl_parse_args(argc, argv, cmd, ret_error);
}

#define PARSE(cmd, error, ...) parse_words(cmd, error, (const char *const[]){ __VA_ARGS__, NULL })

static void expect_refusal(struct tap *t, int r, char *error, const char *want, const char *desc)
{
	tap_ok(t, r == -EINVAL && error && !strcmp(error, want), "refused: %s", desc);
	if (!error || strcmp(error, want))
		printf("#   r=%d\n#   got  %s\n#   want %s\n", r, error ?: "(null)", want);
	free(error);
}

int main(void)
{
	struct zcrxctl_cmd cmd;
	struct tap t = { 0 };
	char *error;
	char long_owner[ZCRX_OWNER_MAX + 2];
	int r;

	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner",
		  "6f1c2f6e-6d2a-4c1e-9a57-0c6f3b1e2d4a");
	tap_ok(&t, r == 0 && cmd.bind.owner &&
	       !strcmp(cmd.bind.owner, "6f1c2f6e-6d2a-4c1e-9a57-0c6f3b1e2d4a"),
	       "bind ... owner UUID: the owner is taken");
	free(error);
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "owner", "web server (blue)",
		  "macvtap", "mvt0");
	tap_ok(&t, r == 0 && cmd.bind.owner && !strcmp(cmd.bind.owner, "web server (blue)"),
	       "bind: owner anywhere among the keywords, spaces in it");
	free(error);
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0");
	tap_ok(&t, r == 0 && !cmd.bind.owner, "bind without owner: none sent");
	free(error);

	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner", "");
	expect_refusal(&t, r, error, "bind: owner \"\": must not be empty", "an empty owner");
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner", "a\tb");
	expect_refusal(&t, r, error,
		       "bind: owner \"a?b\": must be printable UTF-8 text (no control characters)",
		       "a control character in the owner (shown as ?)");
	memset(long_owner, 'x', sizeof(long_owner) - 1);
	long_owner[sizeof(long_owner) - 1] = '\0';
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner",
		  long_owner);
	tap_ok(&t, r == -EINVAL && error && strstr(error, "must be at most 255 bytes long"),
	       "refused: a 256-byte owner");
	free(error);
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner", "a",
		  "owner", "b");
	expect_refusal(&t, r, error, "bind: \"owner\" given twice", "owner twice");
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "owner");
	expect_refusal(&t, r, error, "bind: \"owner\" needs a value", "owner without a value");
	r = PARSE(&cmd, &error, "bind", "eth0", "queue", "1", "macvtap", "mvt0", "own", "a");
	expect_refusal(&t, r, error,
		       "bind: unknown keyword \"own\" (did you mean \"owner\"? keywords are whole "
		       "words)", "a prefix of owner");

	r = PARSE(&cmd, &error, "unbind", "owner", "vm-a");
	tap_ok(&t, r == 0 && cmd.command == ZCRXCTL_COMMAND_UNBIND && cmd.unbind_owner &&
	       !strcmp(cmd.unbind_owner, "vm-a") && !cmd.has_binding,
	       "unbind owner NAME: every binding of NAME");
	free(error);
	r = PARSE(&cmd, &error, "unbind", "7");
	tap_ok(&t, r == 0 && !cmd.unbind_owner && cmd.has_binding && cmd.binding_id == 7,
	       "unbind BINDING still unbinds one");
	free(error);
	r = PARSE(&cmd, &error, "unbind", "owner");
	expect_refusal(&t, r, error, "unbind: \"owner\" needs a value", "unbind owner alone");
	r = PARSE(&cmd, &error, "unbind", "owner", "");
	expect_refusal(&t, r, error, "unbind: owner \"\": must not be empty",
		       "unbind owner \"\"");
	r = PARSE(&cmd, &error, "unbind", "owner", "a", "b");
	expect_refusal(&t, r, error, "unbind: unexpected argument \"b\"",
		       "unbind owner with a second name");

	r = PARSE(&cmd, &error, "stats", "--format", "prometheus");
	tap_ok(&t, r == 0 && cmd.stats_format == ZCRXCTL_STATS_PROMETHEUS && !cmd.has_binding,
	       "stats --format prometheus");
	free(error);
	r = PARSE(&cmd, &error, "stats", "3", "--format=prometheus");
	tap_ok(&t, r == 0 && cmd.stats_format == ZCRXCTL_STATS_PROMETHEUS && cmd.has_binding &&
	       cmd.binding_id == 3, "stats BINDING --format=prometheus");
	free(error);
	r = PARSE(&cmd, &error, "stats", "--format", "prometheus", "3");
	tap_ok(&t, r == 0 && cmd.has_binding && cmd.binding_id == 3,
	       "stats --format prometheus BINDING: either order");
	free(error);
	r = PARSE(&cmd, &error, "stats", "--format", "json");
	tap_ok(&t, r == 0 && cmd.json && cmd.stats_format == ZCRXCTL_STATS_TEXT,
	       "stats --format json is -j");
	free(error);
	r = PARSE(&cmd, &error, "stats", "--format", "text");
	tap_ok(&t, r == 0 && !cmd.json && cmd.stats_format == ZCRXCTL_STATS_TEXT,
	       "stats --format text is the default");
	free(error);
	r = PARSE(&cmd, &error, "stats", "--format", "prom");
	expect_refusal(&t, r, error,
		       "stats: unknown format \"prom\" (did you mean \"prometheus\"? formats are "
		       "whole words)", "an unknown format, with a hint");
	r = PARSE(&cmd, &error, "stats", "--format");
	expect_refusal(&t, r, error, "stats: \"--format\" needs a value", "--format alone");
	r = PARSE(&cmd, &error, "stats", "--format", "text", "--format", "json");
	expect_refusal(&t, r, error, "stats: \"--format\" given twice", "--format twice");
	r = PARSE(&cmd, &error, "-j", "stats", "--format", "prometheus");
	expect_refusal(&t, r, error, "stats: --format prometheus and -j exclude each other",
		       "-j with --format prometheus");
	r = PARSE(&cmd, &error, "stats", "1", "2");
	expect_refusal(&t, r, error, "stats: unexpected argument \"2\"", "two bindings");
	r = PARSE(&cmd, &error, "show", "--format", "prometheus");
	tap_ok(&t, r == -EINVAL, "refused: --format belongs to stats only");
	free(error);
	return tap_done(&t);
}
