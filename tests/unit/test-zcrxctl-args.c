// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "tap.h"

#define MAX_ARGS 32

static bool tap_is_str(struct tap *t, const char *got, const char *want,
		       const char *desc)
{
	bool pass = got && want ? !strcmp(got, want) : got == want;

	tap_ok(t, pass, "%s", desc);
	if (!pass)
		printf("#   got \"%s\"\n#   want \"%s\"\n", got ?: "(null)",
		       want ?: "(null)");
	return pass;
}

/* Parse an explicit argv (argv[0] added), for words with spaces. */
static int parse_argv(const char *const *words, struct zcrxctl_cmd *cmd,
		      char **error)
{
	char *argv[MAX_ARGS + 2] = { (char *)"zcrxctl" };
	int argc = 1;

	for (; words[argc - 1]; argc++)
		argv[argc] = (char *)words[argc - 1];
	return zcrxctl_parse_args(argc, argv, cmd, error);
}

/* Parse a command line split at spaces. */
static int parse(const char *line, struct zcrxctl_cmd *cmd, char **error)
{
	const char *words[MAX_ARGS + 1] = { 0 };
	char copy[512];
	int n = 0, r;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok(copy, " "); w && n < MAX_ARGS; w = strtok(NULL, " "))
		words[n++] = w;
	r = parse_argv(words, cmd, error);
	/* cmd may point into copy: keep only what tests read after this. */
	cmd->bus_address = cmd->bus_address ? "(set)" : NULL;
	return r;
}

/* A line that parses; returns the command for further checks. */
static bool ok_line(struct tap *t, const char *line, struct zcrxctl_cmd *cmd,
		    enum zcrxctl_command want_command)
{
	char *error = NULL;
	int r = parse(line, cmd, &error);
	bool pass = r == 0 && !error && cmd->command == want_command;

	tap_ok(t, pass, "accepted: zcrxctl %s", line);
	if (!pass)
		printf("#   r=%d command=%d error=%s\n", r, cmd->command,
		       error ?: "(none)");
	free(error);
	return pass;
}

static void check_error(struct tap *t, int r, char *error,
			const struct zcrxctl_cmd *cmd, const char *want_error,
			enum zcrxctl_command want_command, const char *what)
{
	char desc[600];

	snprintf(desc, sizeof(desc), "refused: %s", what);
	if (!tap_ok(t, r == -EINVAL, "%s", desc))
		printf("#   r=%d\n", r);
	snprintf(desc, sizeof(desc), "  message: %s", want_error);
	tap_is_str(t, error, want_error, desc);
	tap_is_int(t, cmd->command, want_command,
		   "  command known for its usage");
	free(error);
}

static void bad_line(struct tap *t, const char *line, const char *want_error,
		     enum zcrxctl_command want_command)
{
	struct zcrxctl_cmd cmd;
	char *error = NULL;
	int r = parse(line, &cmd, &error);
	char what[300];

	snprintf(what, sizeof(what), "zcrxctl %s", line);
	check_error(t, r, error, &cmd, want_error, want_command, what);
}

static void bad_argv(struct tap *t, const char *const *words,
		     const char *want_error, enum zcrxctl_command want_command,
		     const char *what)
{
	struct zcrxctl_cmd cmd;
	char *error = NULL;
	int r = parse_argv(words, &cmd, &error);

	check_error(t, r, error, &cmd, want_error, want_command, what);
}

static void test_global(struct tap *t)
{
	struct zcrxctl_cmd cmd;

	bad_line(t, "", "no command given", ZCRXCTL_COMMAND_NONE);
	if (ok_line(t, "--help", &cmd, ZCRXCTL_COMMAND_NONE))
		tap_ok(t, cmd.help && !cmd.version, "--help asks for help");
	if (ok_line(t, "-h", &cmd, ZCRXCTL_COMMAND_NONE))
		tap_ok(t, cmd.help, "-h asks for help");
	if (ok_line(t, "--version", &cmd, ZCRXCTL_COMMAND_NONE))
		tap_ok(t, cmd.version && !cmd.help, "--version asks for the version");
	if (ok_line(t, "-V", &cmd, ZCRXCTL_COMMAND_NONE))
		tap_ok(t, cmd.version, "-V asks for the version");
	if (ok_line(t, "--version bogus words", &cmd, ZCRXCTL_COMMAND_NONE))
		tap_ok(t, cmd.version, "--version ignores what follows");

	if (ok_line(t, "show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, !cmd.json && !cmd.pretty && !cmd.help &&
			  !cmd.bus_address && !cmd.has_binding,
		       "defaults: text, system bus, all bindings");
	if (ok_line(t, "-j show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.json && !cmd.pretty, "-j is JSON");
	if (ok_line(t, "--json --pretty show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.json && cmd.pretty, "--json --pretty");
	if (ok_line(t, "-jp show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.json && cmd.pretty, "-jp bundles -j and -p");
	if (ok_line(t, "-p -j stats", &cmd, ZCRXCTL_COMMAND_STATS))
		tap_ok(t, cmd.json && cmd.pretty, "-p -j in any order");
	if (ok_line(t, "--system show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, !cmd.bus_address, "--system is the system bus");
	if (ok_line(t, "--address unix:path=/run/x show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.bus_address, "--address ADDR");
	if (ok_line(t, "--address=unix:path=/run/x show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.bus_address, "--address=ADDR");

	{
		const char *words[] = { "--address", "unix:path=/run/y", "show", NULL };
		char *error = NULL;

		parse_argv(words, &cmd, &error);
		tap_is_str(t, cmd.bus_address, "unix:path=/run/y",
			   "--address value kept as given");
		free(error);
	}

	bad_line(t, "--address", "--address needs a value", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--address= show", "--address: must not be empty",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--address a --address b show", "--address given twice",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--system --address a show",
		 "--system and --address exclude each other", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--address a --system show",
		 "--system and --address exclude each other", ZCRXCTL_COMMAND_NONE);

	/* Whole words only, with a hint when a prefix was meant. */
	bad_line(t, "--js show",
		 "unknown option \"--js\" (did you mean \"--json\"? options are whole words)",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--ver",
		 "unknown option \"--ver\" (did you mean \"--version\"? options are whole words)",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "--jsonx show", "unknown option \"--jsonx\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "-x show", "unknown option \"-x\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "-jx show", "unknown option \"-jx\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "- show", "unknown option \"-\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "-- show", "unknown option \"--\"", ZCRXCTL_COMMAND_NONE);

	bad_line(t, "sh",
		 "unknown command \"sh\" (did you mean \"show\"? commands are whole words)",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "mon",
		 "unknown command \"mon\" (did you mean \"monitor\"? commands are whole words)",
		 ZCRXCTL_COMMAND_NONE);
	bad_line(t, "showx", "unknown command \"showx\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "SHOW", "unknown command \"SHOW\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "list", "unknown command \"list\"", ZCRXCTL_COMMAND_NONE);

	/* Global options go before the command, as with ip(8). */
	bad_line(t, "show -j",
		 "show: unexpected argument \"-j\" (options go before the command)",
		 ZCRXCTL_COMMAND_SHOW);
	bad_line(t, "stats --json",
		 "stats: unexpected argument \"--json\" (options go before the command)",
		 ZCRXCTL_COMMAND_STATS);
	bad_line(t, "reload -jp",
		 "reload: unexpected argument \"-jp\" (options go before the command)",
		 ZCRXCTL_COMMAND_RELOAD);
}

static void test_help(struct tap *t)
{
	static const struct {
		const char *line;
		enum zcrxctl_command command;
	} cases[] = {
		{ "help", ZCRXCTL_COMMAND_NONE },
		{ "help bind", ZCRXCTL_COMMAND_BIND },
		{ "--help show", ZCRXCTL_COMMAND_SHOW },
		{ "-h stats", ZCRXCTL_COMMAND_STATS },
		{ "bind --help", ZCRXCTL_COMMAND_BIND },
		{ "bind -h", ZCRXCTL_COMMAND_BIND },
		{ "bind eth0 queue --help", ZCRXCTL_COMMAND_BIND },
		{ "bind bad/name que x --help", ZCRXCTL_COMMAND_BIND },
		{ "unbind --help", ZCRXCTL_COMMAND_UNBIND },
		{ "show --help", ZCRXCTL_COMMAND_SHOW },
		{ "stats 3 --help", ZCRXCTL_COMMAND_STATS },
		{ "monitor --help", ZCRXCTL_COMMAND_MONITOR },
		{ "reload --help", ZCRXCTL_COMMAND_RELOAD },
		{ "-j reload -h", ZCRXCTL_COMMAND_RELOAD },
	};
	struct zcrxctl_cmd cmd;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ok_line(t, cases[i].line, &cmd, cases[i].command))
			tap_ok(t, cmd.help, "  help for %s",
			       zcrxctl_command_name(cases[i].command) ?: "zcrxctl");

	bad_line(t, "help bogus", "unknown command \"bogus\"", ZCRXCTL_COMMAND_NONE);
	bad_line(t, "help bind extra", "bind: unexpected argument \"extra\"",
		 ZCRXCTL_COMMAND_BIND);
}

static void test_usage(struct tap *t)
{
	static const enum zcrxctl_command commands[] = {
		ZCRXCTL_COMMAND_BIND, ZCRXCTL_COMMAND_UNBIND,
		ZCRXCTL_COMMAND_SHOW, ZCRXCTL_COMMAND_STATS,
		ZCRXCTL_COMMAND_MONITOR, ZCRXCTL_COMMAND_RELOAD,
	};
	const char *global = zcrxctl_usage(ZCRXCTL_COMMAND_NONE);
	char want[64];

	tap_ok(t, !strncmp(global, "Usage: zcrxctl [OPTIONS] COMMAND", 32),
	       "global usage first line");
	tap_ok(t, strstr(global, "--json") && strstr(global, "--pretty") &&
		  strstr(global, "--system") && strstr(global, "--address ADDR") &&
		  strstr(global, "--version"),
	       "global usage lists the options");
	tap_is_str(t, zcrxctl_command_name(ZCRXCTL_COMMAND_NONE), NULL,
		   "no name for no command");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *name = zcrxctl_command_name(commands[i]);

		snprintf(want, sizeof(want), "Usage: zcrxctl %s", name);
		tap_ok(t, !strncmp(zcrxctl_usage(commands[i]), want, strlen(want)),
		       "usage of %s starts with \"%s\"", name, want);
		snprintf(want, sizeof(want), "\n  %s", name);
		tap_ok(t, strstr(global, want) != NULL,
		       "global usage lists %s", name);
	}
	tap_ok(t, strstr(zcrxctl_usage(ZCRXCTL_COMMAND_BIND),
			 "fallback copy|drop") != NULL &&
		  strstr(zcrxctl_usage(ZCRXCTL_COMMAND_BIND),
			 "[unbind-on-vhost-gone]") != NULL,
	       "bind usage names its keywords");
	tap_ok(t, strstr(global, "[unbind-on-vhost-gone]") != NULL,
	       "global usage names unbind-on-vhost-gone");
}

static void test_bind(struct tap *t)
{
	struct zcrxctl_cmd cmd;

	if (ok_line(t, "bind eth0 queue 3 macvtap mvt0", &cmd, ZCRXCTL_COMMAND_BIND)) {
		tap_is_str(t, cmd.bind.nic, "eth0", "  nic");
		tap_is_int(t, cmd.bind.queue, 3, "  queue");
		tap_is_str(t, cmd.bind.macvtap, "mvt0", "  macvtap");
		tap_is_str(t, cmd.bind.fallback, NULL, "  no fallback given");
		tap_ok(t, !cmd.bind.has_low_watermark, "  no watermark given");
		tap_ok(t, !cmd.bind.unbind_on_vhost_gone, "  outlives its guest by default");
		tap_ok(t, cmd.bind.persist, "  persists by default");
	}
	if (ok_line(t, "-j bind enp1s0f1 macvtap macvtap7 queue 65535 fallback drop watermark 65535 no-persist",
		    &cmd, ZCRXCTL_COMMAND_BIND)) {
		tap_ok(t, cmd.json, "  -j kept");
		tap_is_str(t, cmd.bind.nic, "enp1s0f1", "  nic");
		tap_is_int(t, cmd.bind.queue, 65535, "  queue 65535 is the largest");
		tap_is_str(t, cmd.bind.macvtap, "macvtap7", "  macvtap, keywords in any order");
		tap_is_str(t, cmd.bind.fallback, "drop", "  fallback drop");
		tap_ok(t, cmd.bind.has_low_watermark, "  watermark given");
		tap_is_int(t, cmd.bind.low_watermark, 65535,
			   "  watermark 65535 is the largest, as zcrxd's");
		tap_ok(t, !cmd.bind.persist, "  no-persist");
		tap_ok(t, !cmd.bind.unbind_on_vhost_gone, "  unbind-on-vhost-gone not given");
	}
	{
		/* An argv that outlives the parse: netns points into it. */
		static const char *const words[] = { "bind", "eth0", "queue", "1", "macvtap",
						     "mvt0", "netns", "pod-7", NULL };
		char *error = NULL;

		tap_is_int(t, parse_argv(words, &cmd, &error), 0, "accepted: bind ... netns pod-7");
		tap_ok(t, cmd.bind.netns && !strcmp(cmd.bind.netns, "pod-7") &&
		       !strcmp(cmd.bind.macvtap, "mvt0"), "  netns pod-7, the macvtap's name in it");
		free(error);
	}
	if (ok_line(t, "bind eth0 queue 1 macvtap mvt0", &cmd, ZCRXCTL_COMMAND_BIND))
		tap_ok(t, !cmd.bind.netns, "  no netns: zcrxd's own");
	bad_line(t, "bind eth0 queue 1 macvtap m netns /run/netns/pod",
		 "bind: netns \"/run/netns/pod\": must be a name in /run/netns, without '/' or control characters",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m netns ..",
		 "bind: netns \"..\": must not be \".\" or \"..\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m netns a netns b",
		 "bind: \"netns\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m netns", "bind: \"netns\" needs a value",
		 ZCRXCTL_COMMAND_BIND);
	if (ok_line(t, "bind eth0 queue 1 macvtap mvt0 unbind-on-vhost-gone", &cmd,
		    ZCRXCTL_COMMAND_BIND)) {
		tap_ok(t, cmd.bind.unbind_on_vhost_gone, "  unbind-on-vhost-gone, a flag");
		tap_ok(t, cmd.bind.persist, "  still persisted");
	}
	if (ok_line(t, "bind eth0 unbind-on-vhost-gone no-persist queue 1 fallback drop macvtap mvt0",
		    &cmd, ZCRXCTL_COMMAND_BIND)) {
		tap_ok(t, cmd.bind.unbind_on_vhost_gone && !cmd.bind.persist &&
			  !strcmp(cmd.bind.fallback ?: "", "drop") && cmd.bind.queue == 1 &&
			  !strcmp(cmd.bind.macvtap, "mvt0"),
		       "  flags in any place among the keywords");
	}
	if (ok_line(t, "bind eth0 queue 0 macvtap m fallback copy watermark 0", &cmd,
		    ZCRXCTL_COMMAND_BIND)) {
		tap_is_int(t, cmd.bind.queue, 0, "  queue 0");
		tap_is_str(t, cmd.bind.fallback, "copy", "  fallback copy");
		tap_ok(t, cmd.bind.has_low_watermark && cmd.bind.low_watermark == 0,
		       "  watermark 0 is given, not absent");
	}
	if (ok_line(t, "bind 123456789012345 queue 007 macvtap x", &cmd, ZCRXCTL_COMMAND_BIND)) {
		tap_is_str(t, cmd.bind.nic, "123456789012345", "  15-character name");
		tap_is_int(t, cmd.bind.queue, 7, "  leading zeros are decimal");
	}

	bad_line(t, "bind", "bind: DEV is missing", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0", "bind: \"queue N\" is missing", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1", "bind: \"macvtap MVT\" is missing",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 macvtap m", "bind: \"queue N\" is missing",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 macvtap m queue", "bind: \"queue\" needs a value",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap", "bind: \"macvtap\" needs a value",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m fallback",
		 "bind: \"fallback\" needs a value", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m watermark",
		 "bind: \"watermark\" needs a value", ZCRXCTL_COMMAND_BIND);

	bad_line(t, "bind eth0 queue 65536 macvtap m",
		 "bind: queue \"65536\": must be an integer 0..65535", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue -1 macvtap m",
		 "bind: queue \"-1\": must be an integer 0..65535", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue +1 macvtap m",
		 "bind: queue \"+1\": must be an integer 0..65535", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 0x10 macvtap m",
		 "bind: queue \"0x10\": must be an integer 0..65535", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue one macvtap m",
		 "bind: queue \"one\": must be an integer 0..65535", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 99999999999999999999999 macvtap m",
		 "bind: queue \"99999999999999999999999\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_BIND);
	/* zcrxd refuses more than 65535 (D-Bus and zcrxd.conf): so does zcrxctl. */
	bad_line(t, "bind eth0 queue 1 macvtap m watermark 65536",
		 "bind: watermark \"65536\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m watermark 4294967296",
		 "bind: watermark \"4294967296\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m watermark 1.5",
		 "bind: watermark \"1.5\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m fallback Copy",
		 "bind: fallback \"Copy\": must be copy or drop", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m fallback zerocopy",
		 "bind: fallback \"zerocopy\": must be copy or drop", ZCRXCTL_COMMAND_BIND);

	bad_line(t, "bind eth0 queue 1 queue 2 macvtap m",
		 "bind: \"queue\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m macvtap n",
		 "bind: \"macvtap\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m fallback copy fallback copy",
		 "bind: \"fallback\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m watermark 1 watermark 1",
		 "bind: \"watermark\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m no-persist no-persist",
		 "bind: \"no-persist\" given twice", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m unbind-on-vhost-gone unbind-on-vhost-gone",
		 "bind: \"unbind-on-vhost-gone\" given twice", ZCRXCTL_COMMAND_BIND);
	/* A flag takes no value: what follows is the next keyword. */
	bad_line(t, "bind eth0 queue 1 macvtap m unbind-on-vhost-gone yes",
		 "bind: unknown keyword \"yes\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 unbind-on-vhost-gone macvtap",
		 "bind: \"macvtap\" needs a value", ZCRXCTL_COMMAND_BIND);

	bad_line(t, "bind eth0 que 1 macvtap m",
		 "bind: unknown keyword \"que\" (did you mean \"queue\"? keywords are whole words)",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 mac m",
		 "bind: unknown keyword \"mac\" (did you mean \"macvtap\"? keywords are whole words)",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m fall copy",
		 "bind: unknown keyword \"fall\" (did you mean \"fallback\"? keywords are whole words)",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m no",
		 "bind: unknown keyword \"no\" (did you mean \"no-persist\"? keywords are whole words)",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m persist",
		 "bind: unknown keyword \"persist\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m unbind-on-vhost",
		 "bind: unknown keyword \"unbind-on-vhost\" (did you mean \"unbind-on-vhost-gone\"? "
		 "keywords are whole words)", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m unbind-on-vhost-gone=1",
		 "bind: unknown keyword \"unbind-on-vhost-gone=1\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m vhost-gone",
		 "bind: unknown keyword \"vhost-gone\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m low-watermark 3",
		 "bind: unknown keyword \"low-watermark\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 dev eth0 queue 1 macvtap m",
		 "bind: unknown keyword \"dev\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m -1",
		 "bind: unknown keyword \"-1\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m -p",
		 "bind: unexpected argument \"-p\" (options go before the command)",
		 ZCRXCTL_COMMAND_BIND);
}

static void test_bind_names(struct tap *t)
{
	static const char too_long[] = "1234567890123456";
	const char *words[8] = { "bind", NULL, "queue", "1", "macvtap", "m", NULL };
	const char *mvt_words[8] = { "bind", "eth0", "queue", "1", "macvtap", NULL, NULL };

	bad_line(t, "bind eth0/1 queue 1 macvtap m",
		 "bind: DEV \"eth0/1\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0:1 queue 1 macvtap m",
		 "bind: DEV \"eth0:1\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind 1234567890123456 queue 1 macvtap m",
		 "bind: DEV \"1234567890123456\": must be at most 15 bytes long",
		 ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind . queue 1 macvtap m",
		 "bind: DEV \".\": must not be \".\" or \"..\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind .. queue 1 macvtap m",
		 "bind: DEV \"..\": must not be \".\" or \"..\"", ZCRXCTL_COMMAND_BIND);
	bad_line(t, "bind eth0 queue 1 macvtap m/v",
		 "bind: macvtap \"m/v\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND);

	words[1] = "";
	bad_argv(t, words, "bind: DEV \"\": must not be empty", ZCRXCTL_COMMAND_BIND,
		 "empty DEV");
	words[1] = "eth 0";
	bad_argv(t, words, "bind: DEV \"eth 0\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND, "DEV with a space");
	words[1] = "eth\t0";
	bad_argv(t, words, "bind: DEV \"eth?0\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND, "DEV with a tab, quoted safely");
	words[1] = "eth\xa0";
	bad_argv(t, words, "bind: DEV \"eth\xa0\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND, "DEV with Latin-1 NBSP, as the kernel refuses it");
	mvt_words[5] = "";
	bad_argv(t, mvt_words, "bind: macvtap \"\": must not be empty",
		 ZCRXCTL_COMMAND_BIND, "empty macvtap");
	mvt_words[5] = too_long;
	bad_argv(t, mvt_words,
		 "bind: macvtap \"1234567890123456\": must be at most 15 bytes long",
		 ZCRXCTL_COMMAND_BIND, "16-character macvtap");
	mvt_words[5] = "m\n";
	bad_argv(t, mvt_words, "bind: macvtap \"m?\": must not contain '/', ':' or whitespace",
		 ZCRXCTL_COMMAND_BIND, "macvtap with a newline");

	/* A long bad word is cut in the message. */
	{
		char long_word[200], want[200];

		memset(long_word, 'x', sizeof(long_word) - 1);
		long_word[sizeof(long_word) - 1] = '\0';
		long_word[0] = '/';
		words[1] = long_word;
		snprintf(want, sizeof(want),
			 "bind: DEV \"%.64s...\": must be at most 15 bytes long",
			 long_word);
		bad_argv(t, words, want, ZCRXCTL_COMMAND_BIND, "199-byte DEV");
	}

	tap_is_str(t, zcrx_ifname_problem("eth0"), NULL, "eth0 is a name");
	tap_is_str(t, zcrx_ifname_problem("a"), NULL, "one character is a name");
	tap_is_str(t, zcrx_ifname_problem("-x"), NULL, "a leading '-' is allowed");
	tap_is_str(t, zcrx_ifname_problem("..."), NULL, "\"...\" is a name");
	tap_is_str(t, zcrx_ifname_problem("123456789012345"), NULL,
		   "15 characters is a name");
}

static void test_binding_arg(struct tap *t)
{
	struct zcrxctl_cmd cmd;

	if (ok_line(t, "unbind 7", &cmd, ZCRXCTL_COMMAND_UNBIND)) {
		tap_ok(t, cmd.has_binding, "  binding given");
		tap_is_int(t, cmd.binding_id, 7, "  id");
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/7", "  path");
	}
	if (ok_line(t, "unbind /org/zcrx/zcrx1/binding/12", &cmd, ZCRXCTL_COMMAND_UNBIND)) {
		tap_is_int(t, cmd.binding_id, 12, "  id from a path");
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/12", "  path");
	}
	if (ok_line(t, "unbind /org/zcrx/zcrx1/binding/007", &cmd, ZCRXCTL_COMMAND_UNBIND))
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/7",
			   "  path made canonical");
	if (ok_line(t, "unbind 4294967295", &cmd, ZCRXCTL_COMMAND_UNBIND))
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/4294967295",
			   "  largest id");
	if (ok_line(t, "show", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, !cmd.has_binding, "  show: all bindings");
	if (ok_line(t, "show 1", &cmd, ZCRXCTL_COMMAND_SHOW))
		tap_ok(t, cmd.has_binding && cmd.binding_id == 1, "  show 1, the smallest id");
	if (ok_line(t, "stats", &cmd, ZCRXCTL_COMMAND_STATS))
		tap_ok(t, !cmd.has_binding, "  stats: all bindings");
	if (ok_line(t, "stats /org/zcrx/zcrx1/binding/3", &cmd, ZCRXCTL_COMMAND_STATS))
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/3", "  stats one");

	bad_line(t, "unbind", "unbind: BINDING is missing", ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind 1 2", "unbind: unexpected argument \"2\"", ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind 4294967296",
		 "unbind: BINDING \"4294967296\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind -1",
		 "unbind: BINDING \"-1\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind eth0",
		 "unbind: BINDING \"eth0\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind /org/zcrx/zcrx1/binding/",
		 "unbind: BINDING \"/org/zcrx/zcrx1/binding/\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind /org/zcrx/zcrx1/binding/1/x",
		 "unbind: BINDING \"/org/zcrx/zcrx1/binding/1/x\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "unbind /org/zcrx/zcrx2/binding/1",
		 "unbind: BINDING \"/org/zcrx/zcrx2/binding/1\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_UNBIND);
	bad_line(t, "show 1 2", "show: unexpected argument \"2\"", ZCRXCTL_COMMAND_SHOW);
	bad_line(t, "show x",
		 "show: BINDING \"x\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_SHOW);
	bad_line(t, "stats 1.0",
		 "stats: BINDING \"1.0\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_STATS);
	bad_line(t, "show 0",
		 "show: BINDING \"0\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_SHOW);
	bad_line(t, "unbind -j 1",
		 "unbind: unexpected argument \"-j\" (options go before the command)",
		 ZCRXCTL_COMMAND_UNBIND);
}

static void test_no_arg_commands(struct tap *t)
{
	struct zcrxctl_cmd cmd;

	ok_line(t, "monitor", &cmd, ZCRXCTL_COMMAND_MONITOR);
	if (ok_line(t, "-j monitor", &cmd, ZCRXCTL_COMMAND_MONITOR))
		tap_ok(t, cmd.json, "  monitor -j");
	ok_line(t, "reload", &cmd, ZCRXCTL_COMMAND_RELOAD);
	bad_line(t, "monitor all", "monitor: unexpected argument \"all\"",
		 ZCRXCTL_COMMAND_MONITOR);
	bad_line(t, "reload now", "reload: unexpected argument \"now\"",
		 ZCRXCTL_COMMAND_RELOAD);
	bad_line(t, "reload --address x",
		 "reload: unexpected argument \"--address\" (options go before the command)",
		 ZCRXCTL_COMMAND_RELOAD);
}

static void test_set(struct tap *t)
{
	struct zcrxctl_cmd cmd;

	if (ok_line(t, "set 7 fallback drop", &cmd, ZCRXCTL_COMMAND_SET)) {
		tap_is_str(t, cmd.binding_path, "/org/zcrx/zcrx1/binding/7", "  binding 7");
		tap_is_str(t, cmd.set.fallback, "drop", "  fallback drop");
		tap_ok(t, !cmd.set.has_low_watermark && !cmd.set.has_unbind_on_vhost_gone,
		       "  nothing else");
	}
	if (ok_line(t, "-j set /org/zcrx/zcrx1/binding/3 unbind-on-vhost-gone no watermark 65535 "
		    "fallback copy", &cmd, ZCRXCTL_COMMAND_SET)) {
		tap_ok(t, cmd.json && cmd.binding_id == 3, "  -j, binding 3 by path");
		tap_ok(t, cmd.set.has_low_watermark && cmd.set.low_watermark == 65535,
		       "  watermark 65535");
		tap_ok(t, cmd.set.has_unbind_on_vhost_gone && !cmd.set.unbind_on_vhost_gone,
		       "  unbind-on-vhost-gone no");
		tap_is_str(t, cmd.set.fallback, "copy", "  fallback copy");
	}
	if (ok_line(t, "set 1 unbind-on-vhost-gone yes", &cmd, ZCRXCTL_COMMAND_SET))
		tap_ok(t, cmd.set.has_unbind_on_vhost_gone && cmd.set.unbind_on_vhost_gone,
		       "  unbind-on-vhost-gone yes");
	if (ok_line(t, "set 1 --help", &cmd, ZCRXCTL_COMMAND_SET))
		tap_ok(t, cmd.help, "  set --help");

	bad_line(t, "set", "set: BINDING is missing", ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1", "set: nothing to set (fallback, watermark or unbind-on-vhost-gone)",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 0 fallback copy",
		 "set: BINDING \"0\": must be a binding id 1..4294967295 or /org/zcrx/zcrx1/binding/ID",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 watermark 65536", "set: watermark \"65536\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 watermark -1", "set: watermark \"-1\": must be an integer 0..65535",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 fallback zerocopy", "set: fallback \"zerocopy\": must be copy or drop",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 unbind-on-vhost-gone 1",
		 "set: unbind-on-vhost-gone \"1\": must be yes or no", ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 unbind-on-vhost-gone", "set: \"unbind-on-vhost-gone\" needs a value",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 fallback copy fallback drop", "set: \"fallback\" given twice",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 queue 2",
		 "set: unknown keyword \"queue\"", ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 water 2",
		 "set: unknown keyword \"water\" (did you mean \"watermark\"? keywords are whole words)",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 fallback copy -j",
		 "set: unexpected argument \"-j\" (options go before the command)",
		 ZCRXCTL_COMMAND_SET);
	bad_line(t, "set 1 no-persist",
		 "set: unknown keyword \"no-persist\"", ZCRXCTL_COMMAND_SET);
}

static void test_binding_helpers(struct tap *t)
{
	char path[ZCRXCTL_BINDING_PATH_SIZE];
	uint32_t id = 42;

	tap_is_int(t, zcrxctl_parse_binding("0", &id), -EINVAL, "id 0 refused: kernel ids start at 1");
	tap_is_int(t, id, 42, "  id unchanged");
	tap_is_int(t, zcrxctl_parse_binding("/org/zcrx/zcrx1/binding/0", &id), -EINVAL,
		   "  as a path too");
	tap_is_int(t, zcrxctl_parse_binding("/org/zcrx/zcrx1/binding/99", &id), 0,
		   "a binding path parses");
	tap_is_int(t, id, 99, "  to its id");
	id = 42;
	tap_is_int(t, zcrxctl_parse_binding("", &id), -EINVAL, "empty refused");
	tap_is_int(t, zcrxctl_parse_binding("/org/zcrx/zcrx1", &id), -EINVAL,
		   "the manager path refused");
	tap_is_int(t, zcrxctl_parse_binding("12abc", &id), -EINVAL, "trailing junk refused");
	tap_is_int(t, zcrxctl_parse_binding(" 1", &id), -EINVAL, "leading space refused");
	tap_is_int(t, id, 42, "output untouched on error");

	zcrxctl_binding_path(4294967295U, path);
	tap_is_str(t, path, "/org/zcrx/zcrx1/binding/4294967295",
		   "the longest path fits ZCRXCTL_BINDING_PATH_SIZE");
	tap_is_int(t, strlen(path) + 1, ZCRXCTL_BINDING_PATH_SIZE, "  exactly");
}

static void test_exit_statuses(struct tap *t)
{
	/* iproute2's: scripts rely on these numbers. */
	tap_is_int(t, ZCRXCTL_EXIT_OK, 0, "exit status 0: done");
	tap_is_int(t, ZCRXCTL_EXIT_USAGE, 1, "exit status 1: usage error");
	tap_is_int(t, ZCRXCTL_EXIT_REFUSED, 2, "exit status 2: refused");
}

int main(void)
{
	struct tap t = { 0 };

	test_global(&t);
	test_help(&t);
	test_usage(&t);
	test_bind(&t);
	test_bind_names(&t);
	test_binding_arg(&t);
	test_no_arg_commands(&t);
	test_set(&t);
	test_binding_helpers(&t);
	test_exit_statuses(&t);
	return tap_done(&t);
}
