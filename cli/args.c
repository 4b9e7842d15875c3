// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* User-supplied words are cut to this many bytes in messages. */
#define MSG_WORD_MAX 64

struct parser {
	int argc;
	char *const *argv;
	int next;			/* index of the next unread argument */
	struct zcrxctl_cmd *cmd;
	char *error;
};

static const struct {
	const char *name;
	enum zcrxctl_command command;
} commands[] = {
	{ "bind", ZCRXCTL_COMMAND_BIND },
	{ "unbind", ZCRXCTL_COMMAND_UNBIND },
	{ "show", ZCRXCTL_COMMAND_SHOW },
	{ "stats", ZCRXCTL_COMMAND_STATS },
	{ "monitor", ZCRXCTL_COMMAND_MONITOR },
	{ "reload", ZCRXCTL_COMMAND_RELOAD },
	{ "set", ZCRXCTL_COMMAND_SET },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const bind_keywords[] = {
	"queue", "macvtap", "fallback", "watermark", "unbind-on-vhost-gone", "no-persist",
	"owner", "netns",
};

static const char *const stats_formats[] = { "text", "json", "prometheus" };
static const char *const set_keywords[] = {
	"fallback", "watermark", "unbind-on-vhost-gone",
};

static const char *const long_options[] = {
	"--json", "--pretty", "--system", "--address", "--help", "--version",
};

static const char usage_global[] =
	"Usage: zcrxctl [OPTIONS] COMMAND [ARGUMENTS]\n"
	"       zcrxctl COMMAND --help\n"
	"       zcrxctl --help | --version\n"
	"\n"
	"Commands:\n"
	"  bind DEV queue N macvtap MVT [fallback copy|drop] [watermark N]\n"
	"       [unbind-on-vhost-gone] [no-persist] [owner NAME] [netns NAME]\n"
	"                      bind a receive queue of a NIC to a macvtap device\n"
	"  unbind BINDING      remove a binding (BINDING: its id or object path)\n"
	"  unbind owner NAME   remove every binding of owner NAME\n"
	"  set BINDING [fallback copy|drop] [watermark N] [unbind-on-vhost-gone yes|no]\n"
	"                      change a binding's settings\n"
	"  show [BINDING]      devices, queue, fallback, state and policy of bindings\n"
	"  stats [BINDING] [--format text|json|prometheus]\n"
	"                      counters and rates of bindings\n"
	"  monitor             follow fallback, state and binding changes\n"
	"  reload              make zcrxd re-read zcrxd.conf\n"
	"\n"
	"Options (before COMMAND):\n"
	"  -j, --json          JSON output\n"
	"  -p, --pretty        indented JSON (with -j)\n"
	"      --system        talk to zcrxd on the system bus (the default)\n"
	"      --address ADDR  talk to zcrxd on the bus at D-Bus address ADDR\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n";

static const char usage_bind[] =
	"Usage: zcrxctl bind DEV queue N macvtap MVT [fallback copy|drop]\n"
	"                    [watermark N] [unbind-on-vhost-gone] [no-persist]\n"
	"                    [owner NAME] [netns NAME]\n"
	"\n"
	"Bind receive queue N (0..65535) of the NIC DEV to the macvtap device MVT\n"
	"stacked on it, then show the new binding.\n"
	"  fallback copy|drop  what the kernel does with a frame that finds no\n"
	"                      guest buffer (default: zcrxd's policy)\n"
	"  watermark N         low watermark, 0..65535 posted buffers\n"
	"  unbind-on-vhost-gone\n"
	"                      end the binding when the guest's vhost-net device\n"
	"                      is released (its VMM closed it or exited); zcrxd\n"
	"                      then forgets it (default: the binding outlives it)\n"
	"  no-persist          do not restore the binding when zcrxd restarts\n"
	"  owner NAME          the guest the binding is for (a VM's UUID or name,\n"
	"                      1..255 bytes of printable UTF-8); binding again as\n"
	"                      before returns the same binding\n"
	"  netns NAME          MVT is in the network namespace /run/netns/NAME\n"
	"                      (a pod's, as `ip netns` names them), on DEV of\n"
	"                      zcrxd's\n";

static const char usage_unbind[] =
	"Usage: zcrxctl unbind BINDING\n"
	"       zcrxctl unbind owner NAME\n"
	"\n"
	"Remove a binding; BINDING is its id or its object path\n"
	"(" ZCRX_BINDING_PATH_PREFIX "/ID).  With owner NAME, remove every\n"
	"binding made for that owner and list them.\n";

static const char usage_set[] =
	"Usage: zcrxctl set BINDING [fallback copy|drop] [watermark N]\n"
	"                   [unbind-on-vhost-gone yes|no]\n"
	"\n"
	"Change the settings of a binding (its id or object path), then show it.\n"
	"At least one is needed.\n"
	"  fallback copy|drop  the binding's normal fallback (its policy's\n"
	"                      default-fallback)\n"
	"  watermark N         low watermark, 0..65535 posted buffers\n"
	"  unbind-on-vhost-gone yes|no\n"
	"                      whether the binding ends with its guest\n";

static const char usage_show[] =
	"Usage: zcrxctl show [BINDING]\n"
	"\n"
	"Show every binding, or the one given (id or object path): devices,\n"
	"queue, fallback, state, low watermark, policy level, origin and the\n"
	"fallback policy in effect.\n";

static const char usage_stats[] =
	"Usage: zcrxctl stats [BINDING] [--format text|json|prometheus]\n"
	"\n"
	"Show the counters and rates of every binding, or of the one given\n"
	"(id or object path).  --format json is -j; --format prometheus prints\n"
	"the Prometheus text exposition format, for node_exporter's textfile\n"
	"collector.\n";

static const char usage_monitor[] =
	"Usage: zcrxctl monitor\n"
	"\n"
	"Print fallback transitions, state changes and bindings added or removed,\n"
	"one line each, until interrupted (SIGINT or SIGTERM).\n";

static const char usage_reload[] =
	"Usage: zcrxctl reload\n"
	"\n"
	"Make zcrxd re-read zcrxd.conf and apply the bindings it declares.\n";

/**
 * zcrxctl_usage() - the help text of a command
 * @command: the command, or ZCRXCTL_COMMAND_NONE for the global one
 *
 * Return: a static text ending in a newline.
 */
const char *zcrxctl_usage(enum zcrxctl_command command)
{
	switch (command) {
	case ZCRXCTL_COMMAND_BIND:
		return usage_bind;
	case ZCRXCTL_COMMAND_UNBIND:
		return usage_unbind;
	case ZCRXCTL_COMMAND_SHOW:
		return usage_show;
	case ZCRXCTL_COMMAND_STATS:
		return usage_stats;
	case ZCRXCTL_COMMAND_MONITOR:
		return usage_monitor;
	case ZCRXCTL_COMMAND_RELOAD:
		return usage_reload;
	case ZCRXCTL_COMMAND_SET:
		return usage_set;
	case ZCRXCTL_COMMAND_NONE:
		break;
	}
	return usage_global;
}

/* Return: the command's word, or NULL for ZCRXCTL_COMMAND_NONE. */
const char *zcrxctl_command_name(enum zcrxctl_command command)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].command == command)
			return commands[i].name;
	return NULL;
}

/* A user-supplied word made safe to quote: control bytes replaced, cut. */
static const char *printable(const char *s, char buf[static MSG_WORD_MAX + 4])
{
	size_t n;

	for (n = 0; n < MSG_WORD_MAX && s[n]; n++)
		buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	if (!s[n]) {
		buf[n] = '\0';
		return buf;
	}
	memcpy(buf + n, "...", 4);
	return buf;
}

/*
 * Record the first error, prefixed with the command's name once it is
 * known.  Return: -EINVAL, or -ENOMEM with no message.
 */
static int __attribute__((format(printf, 2, 3)))
fail(struct parser *p, const char *fmt, ...)
{
	const char *command = zcrxctl_command_name(p->cmd->command);
	char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (!command) {
		p->error = msg;
		return -EINVAL;
	}
	r = asprintf(&p->error, "%s: %s", command, msg);
	free(msg);
	if (r < 0) {
		p->error = NULL;
		return -ENOMEM;
	}
	return -EINVAL;
}

/* A word that is a prefix of a known one: worth a hint, as we refuse it. */
static const char *prefix_of(const char *word, const char *const *known,
			     size_t n_known)
{
	size_t len = strlen(word);

	if (!len)
		return NULL;
	for (size_t i = 0; i < n_known; i++)
		if (!strncmp(known[i], word, len))
			return known[i];
	return NULL;
}

static int fail_unknown(struct parser *p, const char *what, const char *word,
			const char *const *known, size_t n_known)
{
	const char *hint = prefix_of(word, known, n_known);
	char safe[MSG_WORD_MAX + 4];

	if (hint)
		return fail(p, "unknown %s \"%s\" (did you mean \"%s\"? %ss are whole words)",
			    what, printable(word, safe), hint, what);
	return fail(p, "unknown %s \"%s\"", what, printable(word, safe));
}

/* A global option, maybe bundled ("-jp"): misplaced after the command. */
static bool is_global_option(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(long_options); i++)
		if (!strcmp(word, long_options[i]))
			return true;
	if (!strncmp(word, "--address=", strlen("--address=")))
		return true;
	return word[0] == '-' && word[1] && strspn(word + 1, "jphV") == strlen(word + 1);
}

static int fail_unexpected(struct parser *p, const char *word)
{
	char safe[MSG_WORD_MAX + 4];

	if (is_global_option(word))
		return fail(p, "unexpected argument \"%s\" (options go before the command)",
			    printable(word, safe));
	return fail(p, "unexpected argument \"%s\"", printable(word, safe));
}

/* Decimal digits only: no sign, space, or base prefix slips through. */
static int parse_uint(const char *text, uint64_t max, uint64_t *ret)
{
	unsigned long long value;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || value > max)
		return -ERANGE;
	*ret = value;
	return 0;
}

/**
 * zcrxctl_binding_path() - the object path of a binding
 * @id: the binding's id
 * @path: filled with ZCRX_BINDING_PATH_PREFIX, "/" and the id in decimal
 *
 * Return: 0.
 */
int zcrxctl_binding_path(uint32_t id, char path[static ZCRXCTL_BINDING_PATH_SIZE])
{
	snprintf(path, ZCRXCTL_BINDING_PATH_SIZE, "%s%" PRIu32,
		 ZCRX_BINDING_PATH_PREFIX "/", id);
	return 0;
}

/**
 * zcrxctl_parse_binding() - a binding's id from what a user or the bus says
 * @text: an id in decimal, or an object path ZCRX_BINDING_PATH_PREFIX/<id>
 * @ret_id: the id, ZCRX_BINDING_ID_MIN..ZCRX_BINDING_ID_MAX
 *
 * Return: 0, or -EINVAL if @text is neither (or the id is 0).
 */
int zcrxctl_parse_binding(const char *text, uint32_t *ret_id)
{
	size_t prefix_len = strlen(ZCRX_BINDING_PATH_PREFIX "/");
	uint64_t id;

	if (!strncmp(text, ZCRX_BINDING_PATH_PREFIX "/", prefix_len))
		text += prefix_len;
	if (parse_uint(text, ZCRX_BINDING_ID_MAX, &id) < 0 || id < ZCRX_BINDING_ID_MIN)
		return -EINVAL;
	*ret_id = (uint32_t)id;
	return 0;
}

/* The argument after a keyword, or NULL at the end of the line. */
static const char *take_value(struct parser *p)
{
	return p->next < p->argc ? p->argv[p->next++] : NULL;
}

static int parse_ifname(struct parser *p, const char *what, const char *name,
			char ret[static ZCRXCTL_IFNAMSIZ])
{
	const char *problem = zcrx_ifname_problem(name);
	char safe[MSG_WORD_MAX + 4];

	if (problem)
		return fail(p, "%s \"%s\": %s", what, printable(name, safe), problem);
	strcpy(ret, name);
	return 0;
}

static int parse_owner(struct parser *p, const char *owner, const char **ret)
{
	const char *problem = zcrx_owner_problem(owner);
	char safe[MSG_WORD_MAX + 4];

	if (problem)
		return fail(p, "owner \"%s\": %s", printable(owner, safe), problem);
	*ret = owner;
	return 0;
}

static int parse_netns(struct parser *p, const char *netns, const char **ret)
{
	const char *problem = zcrx_netns_name_problem(netns);
	char safe[MSG_WORD_MAX + 4];

	if (problem)
		return fail(p, "netns \"%s\": %s", printable(netns, safe), problem);
	*ret = netns;
	return 0;
}

static int parse_fallback(struct parser *p, const char *value, const char **ret)
{
	char safe[MSG_WORD_MAX + 4];

	if (strcmp(value, "copy") && strcmp(value, "drop"))
		return fail(p, "fallback \"%s\": must be copy or drop", printable(value, safe));
	*ret = !strcmp(value, "copy") ? "copy" : "drop";
	return 0;
}

/* The daemon refuses more (zcrxd.conf and D-Bus alike). */
static int parse_watermark(struct parser *p, const char *value, uint32_t *ret)
{
	char safe[MSG_WORD_MAX + 4];
	uint64_t number;

	if (parse_uint(value, ZCRX_LOW_WATERMARK_MAX, &number) < 0)
		return fail(p, "watermark \"%s\": must be an integer 0..%u",
			    printable(value, safe), ZCRX_LOW_WATERMARK_MAX);
	*ret = (uint32_t)number;
	return 0;
}

static int parse_bind(struct parser *p)
{
	struct zcrxctl_bind_args *bind = &p->cmd->bind;
	bool has_queue = false, has_macvtap = false, has_persist = false, has_owner = false;
	bool has_netns = false;
	char safe[MSG_WORD_MAX + 4];
	const char *word, *value;
	uint64_t number;
	int r;

	word = take_value(p);
	if (!word)
		return fail(p, "DEV is missing");
	r = parse_ifname(p, "DEV", word, bind->nic);
	if (r < 0)
		return r;

	while ((word = take_value(p))) {
		bool *seen;

		if (!strcmp(word, "queue"))
			seen = &has_queue;
		else if (!strcmp(word, "macvtap"))
			seen = &has_macvtap;
		else if (!strcmp(word, "watermark"))
			seen = &bind->has_low_watermark;
		else if (!strcmp(word, "no-persist"))
			seen = &has_persist;
		else if (!strcmp(word, "unbind-on-vhost-gone"))
			seen = &bind->unbind_on_vhost_gone;
		else if (!strcmp(word, "owner"))
			seen = &has_owner;
		else if (!strcmp(word, "netns"))
			seen = &has_netns;
		else if (!strcmp(word, "fallback"))
			seen = NULL;	/* bind->fallback tells */
		else if (is_global_option(word))
			return fail_unexpected(p, word);
		else
			return fail_unknown(p, "keyword", word, bind_keywords,
					    ARRAY_SIZE(bind_keywords));

		if (seen ? *seen : bind->fallback != NULL)
			return fail(p, "\"%s\" given twice", word);
		if (seen)
			*seen = true;
		/* Flags: their word is all there is. */
		if (!strcmp(word, "no-persist")) {
			bind->persist = false;
			continue;
		}
		if (!strcmp(word, "unbind-on-vhost-gone"))
			continue;

		value = take_value(p);
		if (!value)
			return fail(p, "\"%s\" needs a value", word);
		if (!strcmp(word, "queue")) {
			if (parse_uint(value, ZCRX_QUEUE_MAX, &number) < 0)
				return fail(p, "queue \"%s\": must be an integer 0..%u",
					    printable(value, safe), ZCRX_QUEUE_MAX);
			bind->queue = (uint32_t)number;
			r = 0;
		} else if (!strcmp(word, "macvtap")) {
			r = parse_ifname(p, "macvtap", value, bind->macvtap);
		} else if (!strcmp(word, "watermark")) {
			r = parse_watermark(p, value, &bind->low_watermark);
		} else if (!strcmp(word, "owner")) {
			r = parse_owner(p, value, &bind->owner);
		} else if (!strcmp(word, "netns")) {
			r = parse_netns(p, value, &bind->netns);
		} else {
			r = parse_fallback(p, value, &bind->fallback);
		}
		if (r < 0)
			return r;
	}

	if (!has_queue)
		return fail(p, "\"queue N\" is missing");
	if (!has_macvtap)
		return fail(p, "\"macvtap MVT\" is missing");
	return 0;
}

static int parse_binding_arg(struct parser *p, bool required)
{
	struct zcrxctl_cmd *cmd = p->cmd;
	char safe[MSG_WORD_MAX + 4];
	const char *word;

	word = take_value(p);
	if (!word)
		return required ? fail(p, "BINDING is missing") : 0;
	if (is_global_option(word))
		return fail_unexpected(p, word);
	if (zcrxctl_parse_binding(word, &cmd->binding_id) < 0)
		return fail(p, "BINDING \"%s\": must be a binding id %u..%" PRIu32 " or %sID",
			    printable(word, safe), ZCRX_BINDING_ID_MIN, ZCRX_BINDING_ID_MAX,
			    ZCRX_BINDING_PATH_PREFIX "/");
	cmd->has_binding = true;
	return zcrxctl_binding_path(cmd->binding_id, cmd->binding_path);
}

/* unbind BINDING | unbind owner NAME */
static int parse_unbind(struct parser *p)
{
	const char *owner;

	if (p->next >= p->argc || strcmp(p->argv[p->next], "owner"))
		return parse_binding_arg(p, true);
	p->next++;
	owner = take_value(p);
	if (!owner)
		return fail(p, "\"owner\" needs a value");
	return parse_owner(p, owner, &p->cmd->unbind_owner);
}

/* stats [BINDING] [--format FORMAT], in either order. */
static int parse_stats(struct parser *p)
{
	bool has_format = false;
	char safe[MSG_WORD_MAX + 4];
	const char *word, *format;
	int r;

	while (p->next < p->argc) {
		word = p->argv[p->next];
		if (strcmp(word, "--format") && strncmp(word, "--format=", strlen("--format="))) {
			if (p->cmd->has_binding)
				return fail_unexpected(p, word);
			r = parse_binding_arg(p, false);
			if (r < 0)
				return r;
			continue;
		}
		p->next++;
		if (has_format)
			return fail(p, "\"--format\" given twice");
		has_format = true;
		format = word[strlen("--format")] == '=' ? word + strlen("--format=") : take_value(p);
		if (!format)
			return fail(p, "\"--format\" needs a value");
		if (!strcmp(format, "prometheus")) {
			if (p->cmd->json)
				return fail(p, "--format prometheus and -j exclude each other");
			p->cmd->stats_format = ZCRXCTL_STATS_PROMETHEUS;
		} else if (!strcmp(format, "json")) {
			p->cmd->json = true;
		} else if (strcmp(format, "text")) {
			return fail_unknown(p, "format", printable(format, safe), stats_formats,
					    ARRAY_SIZE(stats_formats));
		}
	}
	return 0;
}

static int parse_set(struct parser *p)
{
	struct zcrxctl_set_args *set = &p->cmd->set;
	char safe[MSG_WORD_MAX + 4];
	const char *word, *value;
	int r;

	r = parse_binding_arg(p, true);
	if (r < 0)
		return r;
	while ((word = take_value(p))) {
		bool seen;

		if (!strcmp(word, "fallback"))
			seen = set->fallback != NULL;
		else if (!strcmp(word, "watermark"))
			seen = set->has_low_watermark;
		else if (!strcmp(word, "unbind-on-vhost-gone"))
			seen = set->has_unbind_on_vhost_gone;
		else if (is_global_option(word))
			return fail_unexpected(p, word);
		else
			return fail_unknown(p, "keyword", word, set_keywords,
					    ARRAY_SIZE(set_keywords));
		if (seen)
			return fail(p, "\"%s\" given twice", word);
		value = take_value(p);
		if (!value)
			return fail(p, "\"%s\" needs a value", word);
		if (!strcmp(word, "fallback")) {
			r = parse_fallback(p, value, &set->fallback);
		} else if (!strcmp(word, "watermark")) {
			set->has_low_watermark = true;
			r = parse_watermark(p, value, &set->low_watermark);
		} else if (!strcmp(value, "yes") || !strcmp(value, "no")) {
			r = 0;
			set->has_unbind_on_vhost_gone = true;
			set->unbind_on_vhost_gone = !strcmp(value, "yes");
		} else {
			r = fail(p, "unbind-on-vhost-gone \"%s\": must be yes or no",
				 printable(value, safe));
		}
		if (r < 0)
			return r;
	}
	if (!set->fallback && !set->has_low_watermark && !set->has_unbind_on_vhost_gone)
		return fail(p, "nothing to set (fallback, watermark or unbind-on-vhost-gone)");
	return 0;
}

static int parse_no_more(struct parser *p)
{
	if (p->next < p->argc)
		return fail_unexpected(p, p->argv[p->next]);
	return 0;
}

static int parse_command_args(struct parser *p)
{
	int r;

	/* --help anywhere after a command asks for that command's help. */
	for (int i = p->next; i < p->argc; i++)
		if (!strcmp(p->argv[i], "--help") || !strcmp(p->argv[i], "-h")) {
			p->cmd->help = true;
			return 0;
		}

	switch (p->cmd->command) {
	case ZCRXCTL_COMMAND_BIND:
		return parse_bind(p);
	case ZCRXCTL_COMMAND_SET:
		return parse_set(p);
	case ZCRXCTL_COMMAND_UNBIND:
		r = parse_unbind(p);
		break;
	case ZCRXCTL_COMMAND_SHOW:
		r = parse_binding_arg(p, false);
		break;
	case ZCRXCTL_COMMAND_STATS:
		r = parse_stats(p);
		break;
	case ZCRXCTL_COMMAND_MONITOR:
	case ZCRXCTL_COMMAND_RELOAD:
	case ZCRXCTL_COMMAND_NONE:
	default:
		r = 0;
		break;
	}
	return r < 0 ? r : parse_no_more(p);
}

static int parse_command_word(struct parser *p, const char *word)
{
	const char *names[ARRAY_SIZE(commands)];

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(word, commands[i].name)) {
			p->cmd->command = commands[i].command;
			return 0;
		}
		names[i] = commands[i].name;
	}
	return fail_unknown(p, "command", word, names, ARRAY_SIZE(names));
}

/* Short flags, alone or bundled ("-jp"). */
static int parse_short_flags(struct parser *p, const char *arg)
{
	char safe[MSG_WORD_MAX + 4];

	for (const char *c = arg + 1; *c; c++) {
		switch (*c) {
		case 'j':
			p->cmd->json = true;
			break;
		case 'p':
			p->cmd->pretty = true;
			break;
		case 'h':
			p->cmd->help = true;
			break;
		case 'V':
			p->cmd->version = true;
			break;
		default:
			return fail(p, "unknown option \"%s\"", printable(arg, safe));
		}
	}
	return 0;
}

static int parse_address(struct parser *p, const char *address)
{
	if (p->cmd->bus_address)
		return fail(p, "--address given twice");
	if (!address)
		return fail(p, "--address needs a value");
	if (!*address)
		return fail(p, "--address: must not be empty");
	p->cmd->bus_address = address;
	return 0;
}

static int parse_global_options(struct parser *p)
{
	bool system_bus = false;
	const char *arg;
	int r;

	while (p->next < p->argc && p->argv[p->next][0] == '-') {
		arg = p->argv[p->next++];

		r = 0;
		if (!strcmp(arg, "--json"))
			p->cmd->json = true;
		else if (!strcmp(arg, "--pretty"))
			p->cmd->pretty = true;
		else if (!strcmp(arg, "--help"))
			p->cmd->help = true;
		else if (!strcmp(arg, "--version"))
			p->cmd->version = true;
		else if (!strcmp(arg, "--system"))
			system_bus = true;
		else if (!strcmp(arg, "--address"))
			r = parse_address(p, take_value(p));
		else if (!strncmp(arg, "--address=", strlen("--address=")))
			r = parse_address(p, arg + strlen("--address="));
		else if (arg[1] != '-' && arg[1])
			r = parse_short_flags(p, arg);
		else if (arg[1] == '-' && arg[2])
			r = fail_unknown(p, "option", arg, long_options,
					 ARRAY_SIZE(long_options));
		else
			r = fail(p, "unknown option \"%s\"", arg);	/* "-" or "--" */
		if (r < 0)
			return r;
	}
	if (system_bus && p->cmd->bus_address)
		return fail(p, "--system and --address exclude each other");
	return 0;
}

/**
 * zcrxctl_parse_args() - parse zcrxctl's command line
 * @argc: as main() got it
 * @argv: as main() got it; @ret keeps pointers into it
 * @ret: the command; on error, ret->command tells whose usage to show
 * @ret_error: on -EINVAL, the message to show (free() it), prefixed with
 *             the command's name once known; else NULL
 *
 * ret->version or ret->help set means: print that, exit 0, and ignore the
 * rest of @ret.
 *
 * Return: 0, -EINVAL for a usage error, or -ENOMEM.
 */
int zcrxctl_parse_args(int argc, char *const argv[], struct zcrxctl_cmd *ret,
		       char **ret_error)
{
	struct parser p = {
		.argc = argc, .argv = argv, .next = 1, .cmd = ret,
	};
	const char *word;
	int r;

	*ret = (struct zcrxctl_cmd){ .bind.persist = true };
	*ret_error = NULL;

	r = parse_global_options(&p);
	if (r < 0)
		goto out;
	if (ret->version)
		goto out;

	word = take_value(&p);
	if (!word) {
		if (!ret->help)
			r = fail(&p, "no command given");
		goto out;
	}
	/* "zcrxctl help [COMMAND]" is "zcrxctl [COMMAND] --help". */
	if (!strcmp(word, "help")) {
		ret->help = true;
		word = take_value(&p);
		if (!word)
			goto out;
		r = parse_command_word(&p, word);
		if (r == 0)
			r = parse_no_more(&p);
		goto out;
	}
	r = parse_command_word(&p, word);
	if (r < 0 || ret->help)
		goto out;
	r = parse_command_args(&p);
out:
	*ret_error = p.error;
	return r;
}
