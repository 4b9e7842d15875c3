/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcrxd's D-Bus API (daemon/DBUS-API.md, zcrx-dbus(5)) on sd-bus:
 *
 *   /org/zcrx/zcrx1                 org.zcrx.zcrx1.Manager, and the
 *                                   ObjectManager of the bindings
 *   /org/zcrx/zcrx1/binding/<id>    org.zcrx.zcrx1.Binding, one object
 *                                   per entry of the binding table,
 *                                   served by a fallback vtable and a
 *                                   node enumerator
 *
 * Mutating methods (Bind, Unbind, Reload, Binding.Set) are allowed to
 * uid 0 and to callers that polkit authorizes (actions org.zcrx.zcrx1.bind,
 * .unbind, .reload, .set), uid 0 only without polkit; the uid comes from
 * the bus driver, never from /proc.  Everything else is open.
 */
#ifndef ZCRXD_DBUS_H
#define ZCRXD_DBUS_H

#include <systemd/sd-event.h>

#include "bindings.h"

#define ZCRXD_ERROR_NOT_SUPPORTED_NAME "org.zcrx.zcrx1.Error.NotSupported"
#define ZCRXD_ERROR_NO_SUCH_DEVICE_NAME "org.zcrx.zcrx1.Error.NoSuchDevice"
#define ZCRXD_ERROR_KERNEL_NAME "org.zcrx.zcrx1.Error.Kernel"
#define ZCRXD_ERROR_ALREADY_BOUND_NAME "org.zcrx.zcrx1.Error.AlreadyBound"
#define ZCRXD_ERROR_NOT_OWNER_NAME "org.zcrx.zcrx1.Error.NotOwner"

/*
 * Manager.ApiVersion: raised when the API grows (the bus name's "1"
 * changes only if it breaks).  1: no ApiVersion property; 2: owners,
 * Release, UnbindOwner, BindingRemoved, LowBuffers, BindOptions.
 */
#define ZCRXD_API_VERSION 2

struct zcrxd_dbus_hooks {
	/* Manager.Reload(): re-read the configuration and reconcile; a
	 * refusal (bad file) fills @error and keeps the running state. */
	int (*reload)(void *userdata, struct zcrxd_error *error);
	void *userdata;
	const char *config_path;	/* Manager.ConfigPath */
	const char *version;		/* Manager.Version */
};

struct zcrxd_dbus;

/*
 * Connect to @bus ("system", "session", or a D-Bus address such as
 * "unix:path=/run/x"), attach to @event and register the objects; the
 * name is requested separately, once the table is filled.  The table's
 * ops are set to announce its changes on the bus.  Returns 0 or a negative
 * errno, with *ret_step naming what failed ("connect to the bus", ...).
 */
int zcrxd_dbus_new(struct zcrxd_dbus **ret, sd_event *event, const char *bus,
		   struct zcrxd_bindings *table, const struct zcrxd_dbus_hooks *hooks,
		   const char **ret_step);
/* Request ZCRX_BUS_NAME: 0 or a negative errno (see zcrxd_dbus_name_problem()). */
int zcrxd_dbus_request_name(struct zcrxd_dbus *dbus);
/* Why zcrxd_dbus_request_name() failed with @error, in words for the log. */
const char *zcrxd_dbus_name_problem(int error);
struct zcrxd_dbus *zcrxd_dbus_free(struct zcrxd_dbus *dbus);

#endif
