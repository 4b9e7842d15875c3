// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxctl: the command-line client of zcrxd's D-Bus API (daemon/DBUS-API.md).
 * It talks only D-Bus: the daemon owns netlink.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "common/zcrx-cleanup.h"
#include "args.h"
#include "output.h"
#include "prometheus.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"	/* built outside the autotools build */
#endif

#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"
#define OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct zcrxctl {
	const struct zcrxctl_cmd *cmd;
	sd_bus *bus;
	struct zcrxctl_output out;
	/* Why the bus, zcrxd or the kernel refused: the user sees its text. */
	sd_bus_error error;
};

/* Bindings read for show and stats, all before printing any. */
struct binding_list {
	struct zcrxctl_binding *items;
	size_t n;
};

static void binding_list_clear(struct binding_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		zcrxctl_binding_clear(&list->items[i]);
	free(list->items);
	*list = (struct binding_list){ 0 };
}

static void zcrxctl_binding_clearp(struct zcrxctl_binding *binding)
{
	zcrxctl_binding_clear(binding);
}

static int connect_bus(struct zcrxctl *ctx)
{
	_cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
	const char *address = ctx->cmd->bus_address;
	int r;

	if (!address) {
		/* Honours DBUS_SYSTEM_BUS_ADDRESS, which tests use. */
		r = sd_bus_open_system(&bus);
	} else {
		r = sd_bus_new(&bus);
		if (r >= 0)
			r = sd_bus_set_address(bus, address);
		if (r >= 0)
			r = sd_bus_set_bus_client(bus, true);
		if (r >= 0)
			r = sd_bus_start(bus);
	}
	/* polkit may ask the user for a password (zcrx-dbus(5), AUTHORIZATION). */
	if (r >= 0)
		r = sd_bus_set_allow_interactive_authorization(bus, true);
	if (r < 0)
		return sd_bus_error_set_errnof(&ctx->error, r,
					       "cannot connect to %s: %m",
					       address ?: "the system bus");
	ctx->bus = bus;
	bus = NULL;
	return 0;
}

/* One property's variant, of the type the API gives it. */
static int read_property_value(sd_bus_message *m, struct zcrxctl_binding *b,
			       enum zcrxctl_prop prop)
{
	static const char *const signature[] = {
		[ZCRXCTL_PROP_U32] = "u",
		[ZCRXCTL_PROP_U64] = "t",
		[ZCRXCTL_PROP_DOUBLE] = "d",
		[ZCRXCTL_PROP_STRING] = "s",
		[ZCRXCTL_PROP_BOOL] = "b",
		[ZCRXCTL_PROP_I32] = "i",
	};
	enum zcrxctl_prop_type type = zcrxctl_props[prop].type;
	const char *s;
	int flag = 0, r;

	r = sd_bus_message_enter_container(m, 'v', signature[type]);
	if (r == -ENXIO)	/* another type than the API's */
		return -EBADMSG;
	if (r < 0)
		return r;
	switch (type) {
	case ZCRXCTL_PROP_U32:
		r = sd_bus_message_read_basic(m, 'u', &b->value[prop].u32);
		break;
	case ZCRXCTL_PROP_I32:
		r = sd_bus_message_read_basic(m, 'i', &b->value[prop].i32);
		break;
	case ZCRXCTL_PROP_U64:
		r = sd_bus_message_read_basic(m, 't', &b->value[prop].u64);
		break;
	case ZCRXCTL_PROP_DOUBLE:
		r = sd_bus_message_read_basic(m, 'd', &b->value[prop].d);
		break;
	case ZCRXCTL_PROP_STRING:
		r = sd_bus_message_read_basic(m, 's', &s);
		if (r >= 0)
			r = zcrxctl_binding_set_string(b, prop, s);
		break;
	case ZCRXCTL_PROP_BOOL:
		/* sd-bus reads a boolean into an int. */
		r = sd_bus_message_read_basic(m, 'b', &flag);
		b->value[prop].flag = flag;
		break;
	}
	if (r < 0)
		return r;
	b->present[prop] = true;
	return sd_bus_message_exit_container(m);
}

/* An a{sv} of org.zcrx.zcrx1.Binding properties; unknown ones skipped. */
static int read_binding_properties(sd_bus_message *m, struct zcrxctl_binding *b)
{
	const char *name;
	int r, prop;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read_basic(m, 's', &name);
		if (r < 0)
			return r;
		prop = zcrxctl_prop_lookup(name);
		if (prop < 0)	/* a newer daemon's: not ours to show */
			r = sd_bus_message_skip(m, "v");
		else
			r = read_property_value(m, b, prop);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* The id is in the path too, should the daemon not send it. */
static void fill_id_from_path(struct zcrxctl_binding *b, const char *path)
{
	if (!b->present[ZCRXCTL_PROP_ID] &&
	    zcrxctl_parse_binding(path, &b->value[ZCRXCTL_PROP_ID].u32) == 0)
		b->present[ZCRXCTL_PROP_ID] = true;
}

static int get_binding(struct zcrxctl *ctx, const char *path,
		       struct zcrxctl_binding *ret, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, path,
			       PROPERTIES_INTERFACE, "GetAll", error, &reply,
			       "s", ZCRX_BINDING_INTERFACE);
	if (r < 0)
		return r;
	r = read_binding_properties(reply, ret);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "unexpected reply from zcrxd for %s: %m",
					       path);
	fill_id_from_path(ret, path);
	return 0;
}

static void strv_free(char **strv)
{
	for (char **s = strv; s && *s; s++)
		free(*s);
	free(strv);
}

static void strv_freep(char ***strv)
{
	strv_free(*strv);
}

/*
 * Reads an object's a{sa{sv}}, its interfaces and their properties (in
 * InterfacesAdded and GetManagedObjects); *ret_found: it has a Binding.
 */
static int read_binding_interfaces(sd_bus_message *m, struct zcrxctl_binding *b,
				   bool *ret_found)
{
	const char *interface;
	int r;

	*ret_found = false;
	r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
		r = sd_bus_message_read_basic(m, 's', &interface);
		if (r < 0)
			return r;
		if (!strcmp(interface, ZCRX_BINDING_INTERFACE)) {
			*ret_found = true;
			r = read_binding_properties(m, b);
		} else {
			r = sd_bus_message_skip(m, "a{sv}");
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* The Binding interface of one object of GetManagedObjects, if it has it. */
static int read_managed_object(sd_bus_message *m, struct binding_list *list)
{
	struct zcrxctl_binding *b = &list->items[list->n];
	const char *path;
	bool found;
	int r;

	r = sd_bus_message_read_basic(m, 'o', &path);
	if (r < 0)
		return r;
	r = read_binding_interfaces(m, b, &found);
	if (r < 0)
		return r;
	if (found) {
		fill_id_from_path(b, path);
		list->n++;
	}
	return 0;
}

/* Every binding, in one GetManagedObjects call: one consistent picture. */
static int list_bindings(struct zcrxctl *ctx, struct binding_list *list)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	size_t capacity = 0;
	int r;

	r = sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, ZCRX_MANAGER_PATH,
			       OBJECT_MANAGER_INTERFACE, "GetManagedObjects",
			       &ctx->error, &reply, "");
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}");
	while (r >= 0) {
		if (list->n == capacity) {
			struct zcrxctl_binding *items;

			capacity = capacity ? 2 * capacity : 8;
			items = reallocarray(list->items, capacity, sizeof(*items));
			if (!items)
				return -ENOMEM;
			list->items = items;
			memset(items + list->n, 0, (capacity - list->n) * sizeof(*items));
		}
		r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}");
		if (r <= 0)
			break;
		r = read_managed_object(reply, list);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	if (r < 0) {
		/* What a half-read binding holds is not the list's yet. */
		if (list->n < capacity)
			zcrxctl_binding_clear(&list->items[list->n]);
		return sd_bus_error_set_errnof(&ctx->error, r,
					       "unexpected reply from zcrxd to GetManagedObjects: %m");
	}
	return 0;
}

static int compare_binding_ids(const void *a, const void *b)
{
	uint32_t x = ((const struct zcrxctl_binding *)a)->value[ZCRXCTL_PROP_ID].u32;
	uint32_t y = ((const struct zcrxctl_binding *)b)->value[ZCRXCTL_PROP_ID].u32;

	return x < y ? -1 : x > y;
}

/* The binding the command names, or all of them sorted by id. */
static int get_bindings(struct zcrxctl *ctx, struct binding_list *list)
{
	int r;

	if (ctx->cmd->has_binding) {
		list->items = calloc(1, sizeof(*list->items));
		if (!list->items)
			return -ENOMEM;
		list->n = 1;
		return get_binding(ctx, ctx->cmd->binding_path, &list->items[0],
				   &ctx->error);
	}
	r = list_bindings(ctx, list);
	if (r < 0)
		return r;
	qsort(list->items, list->n, sizeof(*list->items), compare_binding_ids);
	return 0;
}

static int cmd_show(struct zcrxctl *ctx, enum zcrxctl_binding_view view)
{
	struct binding_list list = { 0 };
	int r;

	r = get_bindings(ctx, &list);
	if (r >= 0) {
		open_json_array(&ctx->out, NULL);
		for (size_t i = 0; i < list.n; i++)
			zcrxctl_print_binding(&ctx->out, &list.items[i], view);
		close_json_array(&ctx->out);
	}
	binding_list_clear(&list);
	return r;
}

static int append_bind_options(sd_bus_message *m, const struct zcrxctl_bind_args *bind)
{
	int r;

	r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && bind->fallback)
		r = sd_bus_message_append(m, "{sv}", "fallback", "s", bind->fallback);
	if (r >= 0 && bind->has_low_watermark)
		r = sd_bus_message_append(m, "{sv}", "low-watermark", "u",
					  bind->low_watermark);
	if (r >= 0 && bind->unbind_on_vhost_gone)
		r = sd_bus_message_append(m, "{sv}", "unbind-on-vhost-gone", "b", 1);
	/* Only when asked: persisting is the daemon's default. */
	if (r >= 0 && !bind->persist)
		r = sd_bus_message_append(m, "{sv}", "persist", "b", 0);
	if (r >= 0 && bind->owner)
		r = sd_bus_message_append(m, "{sv}", "owner", "s", bind->owner);
	if (r >= 0 && bind->netns)
		r = sd_bus_message_append(m, "{sv}", "netns", "s", bind->netns);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int cmd_bind(struct zcrxctl *ctx)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
	_cleanup_(zcrxctl_binding_clearp) struct zcrxctl_binding binding = { 0 };
	_cleanup_(sd_bus_error_free) sd_bus_error read_error = SD_BUS_ERROR_NULL;
	const struct zcrxctl_bind_args *bind = &ctx->cmd->bind;
	const char *path;
	int r;

	r = sd_bus_message_new_method_call(ctx->bus, &call, ZCRX_BUS_NAME,
					   ZCRX_MANAGER_PATH,
					   ZCRX_MANAGER_INTERFACE, "Bind");
	if (r >= 0)
		r = sd_bus_message_append(call, "sus", bind->nic, bind->queue,
					  bind->macvtap);
	if (r >= 0)
		r = append_bind_options(call, bind);
	if (r < 0)
		return r;
	r = sd_bus_call(ctx->bus, call, 0, &ctx->error, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_read_basic(reply, 'o', &path);
	if (r < 0)
		return sd_bus_error_set_errnof(&ctx->error, r,
					       "unexpected reply from zcrxd to Bind: %m");

	/*
	 * The binding exists now: failing to read it back must not look
	 * like a refusal, or a script would retry and be told "busy".
	 */
	r = get_binding(ctx, path, &binding, &read_error);
	if (r < 0) {
		fprintf(stderr, "zcrxctl: warning: bound as %s, but reading it back failed: %s\n",
			path, read_error.message ?: read_error.name);
		zcrxctl_binding_clear(&binding);
		fill_id_from_path(&binding, path);
	}
	zcrxctl_print_binding(&ctx->out, &binding, ZCRXCTL_VIEW_SHOW);
	return 0;
}

/* unbind owner NAME: one "binding ID unbound" line (or id) per binding. */
static int cmd_unbind_owner(struct zcrxctl *ctx)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(strv_freep) char **paths = NULL;
	uint32_t id;
	int r;

	r = sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, ZCRX_MANAGER_PATH,
			       ZCRX_MANAGER_INTERFACE, "UnbindOwner", &ctx->error, &reply,
			       "s", ctx->cmd->unbind_owner);
	if (r < 0)
		return r;
	r = sd_bus_message_read_strv(reply, &paths);
	if (r < 0)
		return sd_bus_error_set_errnof(&ctx->error, r,
					       "unexpected reply from zcrxd to UnbindOwner: %m");
	open_json_array(&ctx->out, NULL);
	for (char **path = paths; path && *path; path++) {
		if (zcrxctl_parse_binding(*path, &id) < 0)
			continue;
		print_uint(&ctx->out, NULL, "binding %u unbound", id);
		print_nl(&ctx->out);
	}
	close_json_array(&ctx->out);
	return 0;
}

static int cmd_stats_prometheus(struct zcrxctl *ctx)
{
	struct binding_list list = { 0 };
	int r;

	r = get_bindings(ctx, &list);
	if (r >= 0)
		r = zcrxctl_print_prometheus(ctx->out.out, list.items, list.n);
	binding_list_clear(&list);
	return r;
}

static int cmd_unbind(struct zcrxctl *ctx)
{
	if (ctx->cmd->unbind_owner)
		return cmd_unbind_owner(ctx);
	return sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, ZCRX_MANAGER_PATH,
				  ZCRX_MANAGER_INTERFACE, "Unbind",
				  &ctx->error, NULL, "o", ctx->cmd->binding_path);
}

static int append_set_options(sd_bus_message *m, const struct zcrxctl_set_args *set)
{
	int r;

	r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && set->fallback)
		r = sd_bus_message_append(m, "{sv}", "fallback", "s", set->fallback);
	if (r >= 0 && set->has_low_watermark)
		r = sd_bus_message_append(m, "{sv}", "low-watermark", "u", set->low_watermark);
	if (r >= 0 && set->has_unbind_on_vhost_gone)
		r = sd_bus_message_append(m, "{sv}", "unbind-on-vhost-gone", "b",
					  (int)set->unbind_on_vhost_gone);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

/* Binding.Set, then the binding as it is now. */
static int cmd_set(struct zcrxctl *ctx)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
	_cleanup_(zcrxctl_binding_clearp) struct zcrxctl_binding binding = { 0 };
	_cleanup_(sd_bus_error_free) sd_bus_error read_error = SD_BUS_ERROR_NULL;
	const char *path = ctx->cmd->binding_path;
	int r;

	r = sd_bus_message_new_method_call(ctx->bus, &call, ZCRX_BUS_NAME, path,
					   ZCRX_BINDING_INTERFACE, "Set");
	if (r >= 0)
		r = append_set_options(call, &ctx->cmd->set);
	if (r < 0)
		return r;
	r = sd_bus_call(ctx->bus, call, 0, &ctx->error, NULL);
	if (r < 0)
		return r;
	/* Set is done: failing to read the binding back is no refusal. */
	r = get_binding(ctx, path, &binding, &read_error);
	if (r < 0) {
		fprintf(stderr, "zcrxctl: warning: set, but reading %s back failed: %s\n",
			path, read_error.message ?: read_error.name);
		return 0;
	}
	zcrxctl_print_binding(&ctx->out, &binding, ZCRXCTL_VIEW_SHOW);
	return 0;
}

static int cmd_reload(struct zcrxctl *ctx)
{
	return sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, ZCRX_MANAGER_PATH,
				  ZCRX_MANAGER_INTERFACE, "Reload",
				  &ctx->error, NULL, "");
}

/* ---- monitor ---------------------------------------------------------- */

struct monitor {
	struct zcrxctl *ctx;
	sd_event *event;
};

/*
 * Signal handlers skip what they cannot use, with a warning: returning an
 * error to sd-bus would close the connection.  A failed write ends the
 * loop, as nobody reads any more.
 */
static int event_written(struct monitor *mon)
{
	int r = zcrxctl_output_status(&mon->ctx->out);

	if (r < 0)
		sd_event_exit(mon->event, r);
	return 0;
}

static int __attribute__((format(printf, 2, 3)))
warn_skipped(sd_bus_message *m, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zcrxctl: ignoring %s from %s: ", sd_bus_message_get_member(m),
		sd_bus_message_get_path(m) ?: "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

static int signal_binding_id(sd_bus_message *m, uint32_t *ret_id)
{
	const char *path = sd_bus_message_get_path(m);

	return path ? zcrxctl_parse_binding(path, ret_id) : -EINVAL;
}

static int on_fallback_changed(sd_bus_message *m, void *userdata,
			       sd_bus_error *ret_error)
{
	struct monitor *mon = userdata;
	const char *old_fallback, *new_fallback, *reason;
	uint32_t id;
	int r;

	(void)ret_error;
	if (signal_binding_id(m, &id) < 0)
		return warn_skipped(m, "not a binding");
	r = sd_bus_message_read(m, "sss", &old_fallback, &new_fallback, &reason);
	if (r < 0)
		return warn_skipped(m, "%s", strerror(-r));
	zcrxctl_print_fallback_changed(&mon->ctx->out, id, old_fallback,
				       new_fallback, reason);
	return event_written(mon);
}

static int on_state_changed(sd_bus_message *m, void *userdata,
			    sd_bus_error *ret_error)
{
	struct monitor *mon = userdata;
	const char *state;
	uint32_t id;
	int r;

	(void)ret_error;
	if (signal_binding_id(m, &id) < 0)
		return warn_skipped(m, "not a binding");
	r = sd_bus_message_read(m, "s", &state);
	if (r < 0)
		return warn_skipped(m, "%s", strerror(-r));
	zcrxctl_print_state_changed(&mon->ctx->out, id, state);
	return event_written(mon);
}

static int on_interfaces_added(sd_bus_message *m, void *userdata,
			       sd_bus_error *ret_error)
{
	_cleanup_(zcrxctl_binding_clearp) struct zcrxctl_binding binding = { 0 };
	struct monitor *mon = userdata;
	const char *path;
	bool is_binding;
	uint32_t id;
	int r;

	(void)ret_error;
	r = sd_bus_message_read_basic(m, 'o', &path);
	if (r >= 0)
		r = read_binding_interfaces(m, &binding, &is_binding);
	if (r < 0)
		return warn_skipped(m, "%s", strerror(-r));
	if (!is_binding)
		return 0;
	if (zcrxctl_parse_binding(path, &id) < 0)
		return warn_skipped(m, "%s is not a binding", path);
	zcrxctl_print_binding_added(&mon->ctx->out, id, &binding);
	return event_written(mon);
}

static int on_interfaces_removed(sd_bus_message *m, void *userdata,
				 sd_bus_error *ret_error)
{
	_cleanup_(strv_freep) char **interfaces = NULL;
	struct monitor *mon = userdata;
	bool is_binding = false;
	const char *path;
	uint32_t id;
	int r;

	(void)ret_error;
	r = sd_bus_message_read_basic(m, 'o', &path);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &interfaces);
	if (r < 0)
		return warn_skipped(m, "%s", strerror(-r));
	for (char **i = interfaces; i && *i; i++)
		is_binding = is_binding || !strcmp(*i, ZCRX_BINDING_INTERFACE);
	if (!is_binding)
		return 0;
	if (zcrxctl_parse_binding(path, &id) < 0)
		return warn_skipped(m, "%s is not a binding", path);
	zcrxctl_print_binding_removed(&mon->ctx->out, id);
	return event_written(mon);
}

/* SIGINT and SIGTERM are the normal way out of monitor. */
static int on_exit_signal(sd_event_source *source,
			  const struct signalfd_siginfo *info, void *userdata)
{
	(void)info;
	(void)userdata;
	return sd_event_exit(sd_event_source_get_event(source), 0);
}

static int add_signal_matches(struct monitor *mon)
{
	static const struct {
		const char *path;
		const char *interface;
		const char *member;
		sd_bus_message_handler_t handler;
	} matches[] = {
		{ NULL, ZCRX_BINDING_INTERFACE, "FallbackChanged", on_fallback_changed },
		{ NULL, ZCRX_BINDING_INTERFACE, "StateChanged", on_state_changed },
		{ ZCRX_MANAGER_PATH, OBJECT_MANAGER_INTERFACE, "InterfacesAdded",
		  on_interfaces_added },
		{ ZCRX_MANAGER_PATH, OBJECT_MANAGER_INTERFACE, "InterfacesRemoved",
		  on_interfaces_removed },
	};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(matches); i++) {
		r = sd_bus_match_signal(mon->ctx->bus, NULL, ZCRX_BUS_NAME,
					matches[i].path, matches[i].interface,
					matches[i].member, matches[i].handler, mon);
		if (r < 0)
			return sd_bus_error_set_errnof(&mon->ctx->error, r,
						       "cannot subscribe to %s: %m",
						       matches[i].member);
	}
	return 0;
}

static int cmd_monitor(struct zcrxctl *ctx)
{
	_cleanup_(sd_event_unrefp) sd_event *event = NULL;
	struct monitor mon = { .ctx = ctx };
	sigset_t exit_signals;
	int r;

	/* sd-event takes signals through a signalfd: they must be blocked. */
	sigemptyset(&exit_signals);
	sigaddset(&exit_signals, SIGINT);
	sigaddset(&exit_signals, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &exit_signals, NULL) < 0)
		return -errno;

	r = sd_event_new(&event);
	if (r < 0)
		return r;
	mon.event = event;
	r = sd_event_add_signal(event, NULL, SIGINT, on_exit_signal, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGTERM, on_exit_signal, NULL);
	if (r < 0)
		return r;

	/* Subscribe first, then check zcrxd is there: no event falls between. */
	r = add_signal_matches(&mon);
	if (r < 0)
		return r;
	r = sd_bus_call_method(ctx->bus, ZCRX_BUS_NAME, ZCRX_MANAGER_PATH,
			       "org.freedesktop.DBus.Peer", "Ping", &ctx->error,
			       NULL, "");
	if (r < 0)
		return r;

	r = sd_bus_attach_event(ctx->bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return r;
	/* A lost bus ends the loop with EXIT_FAILURE, told apart below. */
	r = sd_bus_set_exit_on_disconnect(ctx->bus, true);
	if (r >= 0)
		r = sd_event_loop(event);
	sd_bus_detach_event(ctx->bus);
	if (r > 0)
		return sd_bus_error_set_errnof(&ctx->error, ECONNRESET,
					       "lost the connection to the bus: %m");
	return r;
}

/* ---- main ------------------------------------------------------------- */

static int run_command(struct zcrxctl *ctx)
{
	switch (ctx->cmd->command) {
	case ZCRXCTL_COMMAND_BIND:
		return cmd_bind(ctx);
	case ZCRXCTL_COMMAND_UNBIND:
		return cmd_unbind(ctx);
	case ZCRXCTL_COMMAND_SHOW:
		return cmd_show(ctx, ZCRXCTL_VIEW_SHOW);
	case ZCRXCTL_COMMAND_STATS:
		if (ctx->cmd->stats_format == ZCRXCTL_STATS_PROMETHEUS)
			return cmd_stats_prometheus(ctx);
		return cmd_show(ctx, ZCRXCTL_VIEW_STATS);
	case ZCRXCTL_COMMAND_MONITOR:
		return cmd_monitor(ctx);
	case ZCRXCTL_COMMAND_RELOAD:
		return cmd_reload(ctx);
	case ZCRXCTL_COMMAND_SET:
		return cmd_set(ctx);
	case ZCRXCTL_COMMAND_NONE:
		break;
	}
	return -EINVAL;
}

/* Prints what went wrong; returns the exit status. */
static int report_failure(const struct zcrxctl *ctx, int error)
{
	_cleanup_free_ char *text = NULL;
	int status;

	status = zcrxctl_describe_failure(error, ctx->error.name,
					  ctx->error.message, &text);
	if (status < 0) {
		fprintf(stderr, "zcrxctl: %s\n", strerror(-status));
		return ZCRXCTL_EXIT_USAGE;
	}
	fprintf(stderr, "zcrxctl: %s\n", text);
	return status;
}

static int run(const struct zcrxctl_cmd *cmd)
{
	struct zcrxctl ctx = { .cmd = cmd, .error = SD_BUS_ERROR_NULL };
	int r, status = ZCRXCTL_EXIT_OK;

	zcrxctl_output_init(&ctx.out, stdout, cmd->json, cmd->pretty);
	r = connect_bus(&ctx);
	if (r >= 0)
		r = run_command(&ctx);
	if (r < 0) {
		status = report_failure(&ctx, r);
	} else {
		r = zcrxctl_output_status(&ctx.out);
		if (r < 0) {
			fprintf(stderr, "zcrxctl: cannot write the output: %s\n",
				strerror(-r));
			status = ZCRXCTL_EXIT_USAGE;
		}
	}
	zcrxctl_output_done(&ctx.out);
	sd_bus_error_free(&ctx.error);
	sd_bus_flush_close_unref(ctx.bus);
	return status;
}

/* --help and --version: exit 0, unless stdout is gone. */
static int print_info(const char *text)
{
	fputs(text, stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? ZCRXCTL_EXIT_OK
						      : ZCRXCTL_EXIT_USAGE;
}

int main(int argc, char *argv[])
{
	_cleanup_free_ char *error = NULL;
	struct zcrxctl_cmd cmd;
	int r;

	r = zcrxctl_parse_args(argc, argv, &cmd, &error);
	if (r < 0) {
		fprintf(stderr, "zcrxctl: %s\n\n%s", error ?: strerror(-r),
			zcrxctl_usage(cmd.command));
		return ZCRXCTL_EXIT_USAGE;
	}
	if (cmd.version)
		return print_info("zcrxctl " PACKAGE_VERSION
				  " (D-Bus API " ZCRX_BUS_NAME ")\n");
	if (cmd.help)
		return print_info(zcrxctl_usage(cmd.command));
	return run(&cmd);
}
