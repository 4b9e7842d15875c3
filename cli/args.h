/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxctl's command line, parsed into a struct zcrxctl_cmd with no D-Bus
 * and no printing, so that every command and every error is unit-tested.
 *
 *   zcrxctl [-j|--json] [-p|--pretty] [--system|--address ADDR] COMMAND ...
 *
 * Global options come before COMMAND.  Commands and keywords are whole
 * words: unlike iproute2, no prefix is accepted ("sh" is not "show"), so
 * that scripts keep working when words are added.
 */
#ifndef ZCRX_CLI_ARGS_H
#define ZCRX_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/zcrx-bus.h"
#include "common/zcrx-ifname.h"
#include "common/zcrx-limits.h"
#include "common/zcrx-owner.h"
#include "common/zcrx-netns-name.h"

/* IFNAMSIZ, without net/if.h in every user. */
#define ZCRXCTL_IFNAMSIZ ZCRX_IFNAMSIZ
/* The prefix, a uint32 in decimal (10 digits) and the NUL. */
#define ZCRXCTL_BINDING_PATH_SIZE (sizeof(ZCRX_BINDING_PATH_PREFIX "/") + 10)

/* iproute2's exit statuses. */
enum zcrxctl_exit_status {
	ZCRXCTL_EXIT_OK = 0,
	ZCRXCTL_EXIT_USAGE = 1,		/* also local failures (memory, output) */
	ZCRXCTL_EXIT_REFUSED = 2,	/* the daemon, kernel or bus said no */
};

enum zcrxctl_command {
	ZCRXCTL_COMMAND_NONE,		/* global --help or --version only */
	ZCRXCTL_COMMAND_BIND,
	ZCRXCTL_COMMAND_UNBIND,
	ZCRXCTL_COMMAND_SHOW,
	ZCRXCTL_COMMAND_STATS,
	ZCRXCTL_COMMAND_MONITOR,
	ZCRXCTL_COMMAND_RELOAD,
	ZCRXCTL_COMMAND_SET,
};

struct zcrxctl_bind_args {
	char nic[ZCRXCTL_IFNAMSIZ];
	char macvtap[ZCRXCTL_IFNAMSIZ];
	uint32_t queue;
	const char *fallback;		/* "copy", "drop", or NULL: not given */
	bool has_low_watermark;
	uint32_t low_watermark;
	bool unbind_on_vhost_gone;	/* end the binding with its guest */
	bool persist;			/* false with no-persist */
	const char *owner;		/* owner NAME, points into argv; NULL: none */
	const char *netns;		/* netns NAME (/run/netns/NAME), in argv; NULL: none */
};

/* What stats prints (--format). */
enum zcrxctl_stats_format {
	ZCRXCTL_STATS_TEXT,		/* text, or JSON with -j */
	ZCRXCTL_STATS_PROMETHEUS,	/* Prometheus text exposition format */
};

/* set BINDING ...: what Binding.Set is asked to change. */
struct zcrxctl_set_args {
	const char *fallback;		/* "copy", "drop", or NULL: not given */
	bool has_low_watermark;
	uint32_t low_watermark;
	bool has_unbind_on_vhost_gone;
	bool unbind_on_vhost_gone;
};

struct zcrxctl_cmd {
	enum zcrxctl_command command;
	bool help;			/* print command's usage, exit 0 */
	bool version;
	bool json;
	bool pretty;
	const char *bus_address;	/* --address, points into argv; NULL: system bus */

	struct zcrxctl_bind_args bind;	/* bind */
	struct zcrxctl_set_args set;	/* set */

	/* unbind and set BINDING; show and stats [BINDING] */
	bool has_binding;
	uint32_t binding_id;
	char binding_path[ZCRXCTL_BINDING_PATH_SIZE];

	/* unbind owner NAME: every binding of NAME; points into argv */
	const char *unbind_owner;
	/* stats --format */
	enum zcrxctl_stats_format stats_format;
};

int zcrxctl_parse_args(int argc, char *const argv[], struct zcrxctl_cmd *ret,
		       char **ret_error);
const char *zcrxctl_usage(enum zcrxctl_command command);
const char *zcrxctl_command_name(enum zcrxctl_command command);

int zcrxctl_parse_binding(const char *text, uint32_t *ret_id);
int zcrxctl_binding_path(uint32_t id, char path[static ZCRXCTL_BINDING_PATH_SIZE]);

#endif
