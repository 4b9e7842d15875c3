/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names of the D-Bus API, version 1 (daemon/DBUS-API.md, zcrx-dbus(5)),
 * in one place for zcrxd, which serves them, and zcrxctl, which calls them.
 */
#ifndef ZCRX_BUS_H
#define ZCRX_BUS_H

#define ZCRX_BUS_NAME "org.zcrx.zcrx1"
#define ZCRX_MANAGER_PATH "/org/zcrx/zcrx1"
#define ZCRX_MANAGER_INTERFACE "org.zcrx.zcrx1.Manager"
#define ZCRX_BINDING_INTERFACE "org.zcrx.zcrx1.Binding"
/* A binding's object is this, "/" and its id in decimal. */
#define ZCRX_BINDING_PATH_PREFIX "/org/zcrx/zcrx1/binding"

#endif
