// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd: binds NIC receive queues to macvtap devices through the kernel's
 * zcrx generic netlink family, keeps their accounting, runs their
 * fallback policy and serves the org.zcrx.zcrx1 D-Bus API.  See zcrxd(8).
 *
 * One sd-event loop: the bus, the zcrx events, the link changes, the
 * sampling timer, SIGHUP (reload), SIGTERM/SIGINT (exit) and the
 * watchdog.  Kernel bindings belong to the kernel: zcrxd never unbinds
 * anything on exit, and rebuilds its view from a dump when it starts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bindings.h"
#include "dbus.h"
#include "rcvbuf.h"
#include "status.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1"
#endif

#define DEFAULT_CONFIG_DIR "/etc/zcrx"
#define DEFAULT_STATE_DIR "/var/lib/zcrx"
#define CONFIG_FILE "zcrxd.conf"
#define DEFAULT_SAMPLE_INTERVAL_MS 1000
#define SAMPLE_INTERVAL_MS_MIN 10
#define SAMPLE_INTERVAL_MS_MAX 600000
/* The kernel's floor is about 2 KiB; above 1 GiB is a typo. */
#define NETLINK_RCVBUF_MIN 1024
#define NETLINK_RCVBUF_MAX (1024 * 1024 * 1024)

struct zcrxd {
	sd_event *event;
	struct zcrxd_bindings *bindings;
	struct zcrxd_dbus *dbus;
	sd_event_source *timer;
	sd_event_source *status_source;	/* after each event: STATUS= if it changed */
	char status[ZCRXD_STATUS_MAX];	/* the STATUS= last sent */
	char *config_path;
	char *state_dir;
	const char *bus;
	uint64_t interval_usec;
	int netlink_rcvbuf;
};

/* ---- options ---- */

static void help(void)
{
	printf("Usage: zcrxd [OPTION]...\n"
	       "Bind NIC receive queues to macvtap devices for zero-copy receive, keep their\n"
	       "accounting, apply the fallback policy, and serve the org.zcrx.zcrx1 D-Bus API.\n"
	       "\n"
	       "  -c, --config=PATH             configuration file (default: "
	       "$CONFIGURATION_DIRECTORY/" CONFIG_FILE ",\n"
	       "                                else " DEFAULT_CONFIG_DIR "/" CONFIG_FILE ")\n"
	       "  -s, --state-dir=DIR           where runtime bindings are kept (default:\n"
	       "                                $STATE_DIRECTORY, else " DEFAULT_STATE_DIR ")\n"
	       "  -b, --bus=system|session|ADDRESS\n"
	       "                                bus to serve on (default: system; the system\n"
	       "                                bus honours $DBUS_SYSTEM_BUS_ADDRESS)\n"
	       "  -i, --sample-interval-ms=N    sampling period of the counters, %d..%d\n"
	       "                                (default: %d)\n"
	       "      --netlink-rcvbuf=BYTES    receive buffer of the zcrx event and link\n"
	       "                                sockets, %d..%d (default: %d)\n"
	       "  -h, --help                    show this help and exit\n"
	       "  -V, --version                 show the version and exit\n"
	       "\n"
	       "SIGHUP reloads the configuration; SIGTERM and SIGINT exit (kernel bindings\n"
	       "stay). See zcrxd(8), zcrxd.conf(5) and zcrx-dbus(5).\n",
	       SAMPLE_INTERVAL_MS_MIN, SAMPLE_INTERVAL_MS_MAX, DEFAULT_SAMPLE_INTERVAL_MS,
	       NETLINK_RCVBUF_MIN, NETLINK_RCVBUF_MAX, ZCRX_NETLINK_RCVBUF_DEFAULT);
}

/* The first entry of a colon-separated list systemd passes ($STATE_DIRECTORY...). */
static char *first_dir(const char *list)
{
	size_t len = strcspn(list, ":");

	return len ? strndup(list, len) : NULL;
}

static int default_paths(struct zcrxd *d)
{
	const char *env;
	char *dir;

	if (!d->config_path) {
		env = getenv("CONFIGURATION_DIRECTORY");
		dir = env ? first_dir(env) : NULL;
		if (asprintf(&d->config_path, "%s/%s", dir ? dir : DEFAULT_CONFIG_DIR,
			     CONFIG_FILE) < 0)
			d->config_path = NULL;
		free(dir);
		if (!d->config_path)
			return -ENOMEM;
	}
	if (!d->state_dir) {
		env = getenv("STATE_DIRECTORY");
		dir = env ? first_dir(env) : NULL;
		d->state_dir = dir ? dir : strdup(DEFAULT_STATE_DIR);
		if (!d->state_dir)
			return -ENOMEM;
	}
	return 0;
}

/* --NAME's @arg as an integer @min..@max; -1: refused (reported). */
static int parse_number(const char *name, const char *arg, unsigned long min, unsigned long max,
			unsigned long *ret)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || value < min || value > max) {
		fprintf(stderr, "zcrxd: --%s: must be an integer %lu..%lu, not \"%s\"\n", name,
			min, max, arg);
		return -1;
	}
	*ret = value;
	return 0;
}

/* 1: run; 0: done (help, version); -1: usage error (reported). */
static int parse_args(struct zcrxd *d, int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "bus", required_argument, NULL, 'b' },
		{ "sample-interval-ms", required_argument, NULL, 'i' },
		{ "netlink-rcvbuf", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	unsigned long interval = DEFAULT_SAMPLE_INTERVAL_MS, rcvbuf = ZCRX_NETLINK_RCVBUF_DEFAULT;
	int c;

	d->bus = "system";
	while ((c = getopt_long(argc, argv, "c:s:b:i:hV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			free(d->config_path);
			d->config_path = strdup(optarg);
			if (!d->config_path)
				return -1;
			break;
		case 's':
			free(d->state_dir);
			d->state_dir = strdup(optarg);
			if (!d->state_dir)
				return -1;
			break;
		case 'b':
			if (!*optarg) {
				fprintf(stderr, "zcrxd: --bus: must be system, session or a "
					"D-Bus address\n");
				return -1;
			}
			d->bus = optarg;
			break;
		case 'i':
			if (parse_number("sample-interval-ms", optarg, SAMPLE_INTERVAL_MS_MIN,
					 SAMPLE_INTERVAL_MS_MAX, &interval) < 0)
				return -1;
			break;
		case 'R':
			if (parse_number("netlink-rcvbuf", optarg, NETLINK_RCVBUF_MIN,
					 NETLINK_RCVBUF_MAX, &rcvbuf) < 0)
				return -1;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("zcrxd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'zcrxd --help'.\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zcrxd: unexpected argument \"%s\"\nTry 'zcrxd --help'.\n",
			argv[optind]);
		return -1;
	}
	d->interval_usec = (uint64_t)interval * 1000;
	d->netlink_rcvbuf = (int)rcvbuf;
	if (default_paths(d) < 0) {
		fprintf(stderr, "zcrxd: out of memory\n");
		return -1;
	}
	return 1;
}

/* ---- configuration ---- */

/*
 * Read the configuration.  A missing file means no declared binding and
 * the default policy.  Returns 0, or a negative errno with @error filled.
 */
static int load_config(const struct zcrxd *d, struct zcrx_config **ret, struct zcrxd_error *error)
{
	struct zcrx_config *config = NULL;
	char *text = NULL;
	int r;

	r = zcrx_config_load(d->config_path, &config, &text);
	if (r == -ENOENT) {
		free(text);
		text = NULL;
		r = zcrx_config_parse(d->config_path, "{}", &config, &text);
		if (r == 0)
			zcrxd_log(LOG_INFO, "%s does not exist: no declared bindings, default "
				  "policy", d->config_path);
	}
	if (r < 0) {
		r = zcrxd_error_set(error, ZCRXD_ERROR_FAILED, "%s",
				    text ? text : strerror(-r));
		free(text);
		return r;
	}
	/* A warning, not an error: refusing the file would leave the boot
	 * without its bindings, while ignoring the key only takes access
	 * away (nobody is let in by it any more). */
	if (config->admin_group)
		zcrxd_log(LOG_WARNING, "%s: admin-group is no longer used and is ignored: "
			  "callers other than root need polkit's authorization; a polkit rule "
			  "lets group \"%s\" in (see AUTHORIZATION in zcrx-dbus(5))",
			  d->config_path, config->admin_group);
	*ret = config;
	return 0;
}

static void status_now(const struct zcrxd *d, char buf[static ZCRXD_STATUS_MAX])
{
	const char *fallback = zcrx_binding_value_name(ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
	size_t n_fallback = 0;

	for (struct zcrxd_binding *b = zcrxd_bindings_first(d->bindings); b;
	     b = zcrxd_bindings_next(b))
		if (fallback && b->props.state && !strcmp(b->props.state, fallback))
			n_fallback++;
	zcrxd_status_format(buf, zcrxd_bindings_have_family(d->bindings),
			    zcrxd_bindings_count(d->bindings), n_fallback);
}

/* @state ("READY=1\n" or "") goes with it, so it is always sent. */
static void notify_status(struct zcrxd *d, const char *state)
{
	status_now(d, d->status);
	sd_notifyf(0, "%sSTATUS=%s", state, d->status);
}

/*
 * Run after every event the loop dispatched: bindings made or ended, a
 * state learnt from the kernel, a reload.  Sent only when it changed.
 */
static int on_post(sd_event_source *source, void *userdata)
{
	struct zcrxd *d = userdata;
	char status[ZCRXD_STATUS_MAX];

	(void)source;
	status_now(d, status);
	if (strcmp(status, d->status)) {
		memcpy(d->status, status, sizeof(d->status));
		sd_notifyf(0, "STATUS=%s", d->status);
	}
	return 0;
}

/* SIGHUP and Manager.Reload(). */
static int reload(void *userdata, struct zcrxd_error *error)
{
	struct zcrxd *d = userdata;
	struct zcrx_config *config;
	uint64_t now = 0;
	int r;

	r = load_config(d, &config, error);
	if (r < 0)
		return r;
	sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64 "\nSTATUS=Reloading", now);
	zcrxd_log(LOG_INFO, "reloading %s", d->config_path);
	zcrxd_bindings_apply_config(d->bindings, config, true);
	notify_status(d, "READY=1\n");
	return 0;
}

/* ---- event handlers ---- */

static int on_sighup(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata)
{
	struct zcrxd_error error = { 0 };

	(void)source;
	(void)si;
	if (reload(userdata, &error) < 0)
		zcrxd_log_event(LOG_ERR, ZCRXD_LOG_CONFIG_REFUSED, NULL, NULL,
				"reload refused, running state kept: %s", error.message);
	return 0;
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct zcrxd *d = userdata;
	int r;

	(void)usec;
	zcrxd_bindings_sample(d->bindings);
	r = sd_event_source_set_time_relative(source, d->interval_usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "cannot rearm the sampling timer: %s", strerror(-r));
		return sd_event_exit(sd_event_source_get_event(source), EXIT_FAILURE);
	}
	return 0;
}

/* ---- main ---- */

/* The loop and its sources; on failure *ret_step says which step failed. */
static int setup_loop(struct zcrxd *d, const char **ret_step)
{
	int r;

	*ret_step = "create the event loop";
	r = sd_event_default(&d->event);
	if (r < 0)
		return r;
	/* SIGTERM and SIGINT end the loop with 0. */
	*ret_step = "handle signals";
	r = sd_event_set_signal_exit(d->event, true);
	if (r >= 0)
		r = sd_event_add_signal(d->event, NULL, SIGHUP | SD_EVENT_SIGNAL_PROCMASK,
					on_sighup, d);
	if (r < 0)
		return r;
	/* Pings at half of $WATCHDOG_USEC, if the service manager asks. */
	*ret_step = "set up the watchdog";
	r = sd_event_set_watchdog(d->event, true);
	if (r < 0)
		return r;
	*ret_step = "create the sampling timer";
	r = sd_event_add_time_relative(d->event, &d->timer, CLOCK_MONOTONIC, d->interval_usec,
				       d->interval_usec / 10, on_timer, d);
	if (r < 0)
		return r;
	*ret_step = "watch the binding count";
	r = sd_event_add_post(d->event, &d->status_source, on_post, d);
	return r < 0 ? r : 0;
}

int main(int argc, char **argv)
{
	struct zcrxd d = { 0 };
	struct zcrxd_error error = { 0 };
	struct zcrx_config *config = NULL;
	struct zcrxd_dbus_hooks hooks;
	const char *step;
	int r, status = EXIT_FAILURE;

	r = parse_args(&d, argc, argv);
	if (r <= 0) {
		status = r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		goto out;
	}
	/* A bad configuration at start: there is no running state to keep. */
	if (load_config(&d, &config, &error) < 0) {
		zcrxd_log_event(LOG_ERR, ZCRXD_LOG_CONFIG_REFUSED, NULL, NULL, "%s", error.message);
		goto out;
	}
	r = setup_loop(&d, &step);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "cannot %s: %s", step, strerror(-r));
		goto out;
	}
	r = zcrxd_bindings_new(&d.bindings, d.event, d.state_dir);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "out of memory");
		goto out;
	}
	zcrxd_bindings_set_receive_buffer(d.bindings, d.netlink_rcvbuf);
	hooks = (struct zcrxd_dbus_hooks){
		.reload = reload,
		.userdata = &d,
		.config_path = d.config_path,
		.version = PACKAGE_VERSION,
	};
	/* Objects first, so that the table's changes can be announced. */
	r = zcrxd_dbus_new(&d.dbus, d.event, d.bus, d.bindings, &hooks, &step);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "cannot %s (%s): %s", step, d.bus, strerror(-r));
		goto out;
	}
	/* The kernel's view (dump), what was made over D-Bus before, what
	 * the configuration declares: reconciled, nothing interrupted. */
	r = zcrxd_bindings_start(d.bindings, &step);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "cannot %s: %s", step, strerror(-r));
		goto out;
	}
	zcrxd_bindings_load_state(d.bindings);
	zcrxd_bindings_apply_config(d.bindings, config, false);
	config = NULL;
	r = zcrxd_dbus_request_name(d.dbus);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "cannot own %s: %s", ZCRX_BUS_NAME, zcrxd_dbus_name_problem(r));
		goto out;
	}
	zcrxd_log(LOG_INFO, "zcrxd %s serving %s; configuration %s, state in %s, sampling "
		  "every %" PRIu64 " ms", PACKAGE_VERSION, ZCRX_BUS_NAME, d.config_path,
		  d.state_dir, d.interval_usec / 1000);
	notify_status(&d, "READY=1\n");

	r = sd_event_loop(d.event);
	if (r < 0) {
		zcrxd_log(LOG_ERR, "event loop failed: %s", strerror(-r));
	} else {
		status = r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
		if (r == 0)
			zcrxd_log(LOG_INFO, "exiting; the kernel keeps its %zu binding(s)",
				  zcrxd_bindings_count(d.bindings));
	}
	sd_notify(0, "STOPPING=1");

out:
	zcrx_config_free(config);
	d.dbus = zcrxd_dbus_free(d.dbus);
	d.bindings = zcrxd_bindings_free(d.bindings);
	sd_event_source_disable_unref(d.status_source);
	sd_event_source_disable_unref(d.timer);
	sd_event_unref(d.event);
	free(d.config_path);
	free(d.state_dir);
	return status;
}
