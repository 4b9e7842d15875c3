// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's D-Bus API: see dbus.h and zcrx-dbus(5).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "dbus.h"
#include "netns.h"

/* Room for ":1.1234 (uid 4294967295, pid 4194304)". */
#define WHO_MAX 96
/* User-supplied strings are cut to this many bytes in messages. */
#define QUOTE_MAX 64

struct zcrxd_dbus {
	sd_bus *bus;
	sd_event *event;
	struct zcrxd_bindings *table;
	struct zcrxd_dbus_hooks hooks;
	struct auth_query *auth_queries;	/* method calls waiting for polkit */
};

/* ---- helpers ---- */

static int reply_error(sd_bus_error *error, const struct zcrxd_error *e)
{
	const char *name;

	switch (e->kind) {
	case ZCRXD_ERROR_INVALID_ARGS:
		name = SD_BUS_ERROR_INVALID_ARGS;
		break;
	case ZCRXD_ERROR_NOT_SUPPORTED:
		name = ZCRXD_ERROR_NOT_SUPPORTED_NAME;
		break;
	case ZCRXD_ERROR_NO_SUCH_DEVICE:
		name = ZCRXD_ERROR_NO_SUCH_DEVICE_NAME;
		break;
	case ZCRXD_ERROR_UNKNOWN_OBJECT:
		name = SD_BUS_ERROR_UNKNOWN_OBJECT;
		break;
	case ZCRXD_ERROR_KERNEL:
		name = ZCRXD_ERROR_KERNEL_NAME;
		break;
	case ZCRXD_ERROR_ALREADY_BOUND:
		name = ZCRXD_ERROR_ALREADY_BOUND_NAME;
		break;
	case ZCRXD_ERROR_NOT_OWNER:
		name = ZCRXD_ERROR_NOT_OWNER_NAME;
		break;
	case ZCRXD_ERROR_NONE:
	case ZCRXD_ERROR_FAILED:
	default:
		name = SD_BUS_ERROR_FAILED;
		break;
	}
	sd_bus_error_set(error, name, e->message);
	/* Whatever errno the name maps to, the handler must fail. */
	return -EIO;
}

static int invalid_args(sd_bus_error *error, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int invalid_args(sd_bus_error *error, const char *fmt, ...)
{
	char text[ZCRXD_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, text);
	return -EINVAL;
}

/* ---- authorization ---- */

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"
/* CheckAuthorization's flag AllowUserInteraction. */
#define POLKIT_ALLOW_USER_INTERACTION 1u

/* A mutating method, once its caller is let in; it replies itself. */
typedef int (*authorized_method)(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
				 sd_bus_error *error);

/* A method call held while polkit decides about its sender. */
struct auth_query {
	struct zcrxd_dbus *d;
	sd_bus_message *request;
	sd_bus_slot *slot;		/* the pending CheckAuthorization */
	const char *action;
	authorized_method method;
	char who[WHO_MAX];
	struct auth_query *next;
};

static struct auth_query *auth_query_free(struct auth_query *q)
{
	sd_bus_slot_unref(q->slot);
	sd_bus_message_unref(q->request);
	free(q);
	return NULL;
}

static void auth_query_unlink(struct auth_query *q)
{
	struct auth_query **p;

	for (p = &q->d->auth_queries; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

/*
 * The sender's uid as the bus driver knows it (GetConnectionCredentials'
 * UnixUserID: SO_PEERCRED of the sender's connection), and @who for the
 * logs.  Nothing is read from /proc/PID (no SD_BUS_CREDS_AUGMENT): that
 * races with the sender exec'ing, and a process that is root in a user
 * namespace of its own shows uid 0 and every capability there.
 */
static int sender_uid(sd_bus_message *m, uid_t *ret_uid, char who[static WHO_MAX])
{
	const char *sender = sd_bus_message_get_sender(m);
	sd_bus_creds *creds = NULL;
	uid_t uid = (uid_t)-1;
	pid_t pid = 0;
	int r;

	snprintf(who, WHO_MAX, "%s", sender ? sender : "?");
	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
	if (r < 0)
		return r;
	if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
		r = -EPERM;
	else
		r = sd_bus_creds_get_euid(creds, &uid);
	if (r >= 0 && sd_bus_creds_get_pid(creds, &pid) < 0)
		pid = 0;
	sd_bus_creds_unref(creds);
	if (r < 0)
		return r;
	snprintf(who, WHO_MAX, "%s (uid %" PRIu32 ", pid %" PRIi32 ")", sender ? sender : "?",
		 (uint32_t)uid, (int32_t)pid);
	*ret_uid = uid;
	return 0;
}

/* polkit's answer to @q: 1 if authorized, else a negative errno with @error set. */
static int polkit_verdict(const struct auth_query *q, sd_bus_message *reply, sd_bus_error *error)
{
	const char *member = sd_bus_message_get_member(q->request);
	int authorized, challenge;
	int r;

	if (sd_bus_message_is_method_error(reply, NULL)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);

		if (sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		    sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
			return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
						 "%s needs root: polkit (" POLKIT_NAME ") is not "
						 "on the bus", member);
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "%s: polkit could not decide about %s: %s", member,
					 q->action, e->message ? e->message : e->name);
	}
	r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_STRUCT, "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "%s: polkit's answer about %s is malformed: %s", member,
					 q->action, strerror(-r));
	if (authorized)
		return 1;
	if (challenge)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
					 "%s: polkit asks to authenticate for %s: call again "
					 "allowing interactive authorization", member, q->action);
	return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				 "%s: polkit does not authorize %s", member, q->action);
}

/* polkit answered: run the held method, or refuse it. */
static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct auth_query *q = userdata;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	(void)ret_error;
	auth_query_unlink(q);
	r = polkit_verdict(q, reply, &error);
	if (r > 0)
		r = q->method(q->d, q->request, q->who, &error);
	if (r < 0) {
		r = sd_bus_reply_method_errno(q->request, r, &error);
		if (r < 0)
			zcrxd_log(LOG_WARNING, "cannot answer %s of %s: %s",
				  sd_bus_message_get_member(q->request), q->who, strerror(-r));
	}
	sd_bus_error_free(&error);
	auth_query_free(q);
	return 0;
}

/*
 * Run @method for the sender of @m if it may change things, as systemd's
 * daemons decide: uid 0 may; anyone else if polkit authorizes @action
 * (asked without blocking: the call is held until polkit answers, and
 * polkit may interact with the user if the caller allowed it).  Without
 * polkit on the bus, only uid 0 may.
 */
static int authorize_then(struct zcrxd_dbus *d, sd_bus_message *m, const char *action,
			  authorized_method method, sd_bus_error *error)
{
	const char *member = sd_bus_message_get_member(m);
	const char *sender = sd_bus_message_get_sender(m);
	sd_bus_message *check = NULL;
	struct auth_query *q;
	char who[WHO_MAX];
	uint32_t flags = 0;
	uid_t uid;
	int r;

	r = sender ? sender_uid(m, &uid, who) : -ENXIO;
	if (r < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "%s: cannot read the caller's credentials from the bus: "
					 "%s", member, strerror(-r));
	if (uid == 0)
		return method(d, m, who, error);

	if (sd_bus_message_get_allow_interactive_authorization(m) > 0)
		flags |= POLKIT_ALLOW_USER_INTERACTION;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->d = d;
	q->request = sd_bus_message_ref(m);
	q->action = action;
	q->method = method;
	memcpy(q->who, who, sizeof(q->who));
	/* Subject: the sender's bus name, which polkit resolves through the
	 * bus driver as we do; no details; no cancellation id. */
	r = sd_bus_message_new_method_call(d->bus, &check, POLKIT_NAME, POLKIT_PATH,
					   POLKIT_INTERFACE, "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(check, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name",
					  "s", sender, action, 0, flags, "");
	if (r >= 0)
		r = sd_bus_call_async(d->bus, &q->slot, check, on_polkit_reply, q, 0);
	sd_bus_message_unref(check);
	if (r < 0) {
		auth_query_free(q);
		return r;
	}
	q->next = d->auth_queries;
	d->auth_queries = q;
	/* Handled: on_polkit_reply() answers. */
	return 1;
}

/* The options a{sv} of Bind (@bind) or Set, checked whole before use. */
struct options {
	bool has_fallback;
	enum zcrx_fallback fallback;
	bool has_low_watermark;
	uint32_t low_watermark;
	bool has_unbind_on_vhost_gone;
	bool unbind_on_vhost_gone;
	bool has_persist;
	bool persist;
	const char *owner;	/* NULL: none given; points into the message */
	/* The macvtap's namespace: a name of /run/netns, or an fd (owned by
	 * the message); NULL and !has_netns_fd: the host's. */
	const char *netns;
	bool has_netns_fd;
	int netns_fd;
};

/* The keys of Bind's options, as Manager.BindOptions lists them. */
static const char *const bind_option_keys[] = {
	"fallback", "low-watermark", "unbind-on-vhost-gone", "persist", "owner", "netns", NULL
};

static int read_option_value(sd_bus_message *m, const char *key, const char *want_type,
			     const char *type_name, void *value, sd_bus_error *error)
{
	const char *contents = NULL;
	char type;
	int r;

	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r < 0)
		return r;
	if (type != SD_BUS_TYPE_VARIANT || !contents || strcmp(contents, want_type))
		return invalid_args(error, "options: \"%s\" must be %s (variant type \"%s\"), "
				    "not \"%.*s\"", key, type_name, want_type, QUOTE_MAX,
				    contents ? contents : "?");
	r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, want_type);
	if (r < 0)
		return r;
	r = sd_bus_message_read_basic(m, want_type[0], value);
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/*
 * Bind's "netns": a string naming /run/netns/NAME (a bare name: zcrxd
 * opens it with its own privileges, so never a caller's path) or a Unix
 * fd of the namespace, what an orchestrator holding the pod's passes.
 */
static int read_netns_option(sd_bus_message *m, struct options *o, sd_bus_error *error)
{
	const char *contents = NULL, *problem;
	char type;
	int r;

	if (o->netns || o->has_netns_fd)
		return invalid_args(error, "options: \"netns\" given twice");
	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r < 0)
		return r;
	if (type != SD_BUS_TYPE_VARIANT || !contents ||
	    (strcmp(contents, "s") && strcmp(contents, "h")))
		return invalid_args(error, "options: \"netns\" must be a name of /run/netns "
				    "(variant type \"s\") or a network namespace fd (\"h\"), "
				    "not \"%.*s\"", QUOTE_MAX, contents ? contents : "?");
	if (!strcmp(contents, "h")) {
		r = read_option_value(m, "netns", "h", "a Unix fd", &o->netns_fd, error);
		if (r < 0)
			return r;
		o->has_netns_fd = true;
		return 0;
	}
	r = read_option_value(m, "netns", "s", "a string", &o->netns, error);
	if (r < 0)
		return r;
	problem = zcrx_netns_name_problem(o->netns);
	if (problem)
		return invalid_args(error, "options: \"netns\" \"%.*s\" is not a name of "
				    ZCRX_NETNS_DIR ": %s", QUOTE_MAX, o->netns, problem);
	return 0;
}

/* An owner of Bind's options or of the owner methods; @what names it. */
static int check_owner(const char *what, const char *owner, sd_bus_error *error)
{
	const char *problem = zcrx_owner_problem(owner);

	if (!problem)
		return 0;
	return invalid_args(error, "%s %s", what, problem);
}

static int read_options(sd_bus_message *m, bool bind, struct options *o, sd_bus_error *error)
{
	int r;

	*o = (struct options){ .persist = true };
	r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
		const char *key, *s;
		uint32_t u;
		int b;

		r = sd_bus_message_read_basic(m, SD_BUS_TYPE_STRING, &key);
		if (r < 0)
			return r;
		if (!strcmp(key, "fallback")) {
			if (o->has_fallback)
				return invalid_args(error, "options: \"fallback\" given twice");
			r = read_option_value(m, key, "s", "a string", &s, error);
			if (r < 0)
				return r;
			if (zcrx_fallback_from_string(s, &o->fallback) < 0)
				return invalid_args(error, "options: \"fallback\" must be \"copy\" "
						    "or \"drop\", not \"%.*s\"", QUOTE_MAX, s);
			o->has_fallback = true;
		} else if (!strcmp(key, "low-watermark")) {
			if (o->has_low_watermark)
				return invalid_args(error, "options: \"low-watermark\" given twice");
			r = read_option_value(m, key, "u", "an unsigned 32-bit integer", &u, error);
			if (r < 0)
				return r;
			if (u > ZCRX_LOW_WATERMARK_MAX)
				return invalid_args(error, "options: \"low-watermark\" must be "
						    "0..%u, not %" PRIu32, ZCRX_LOW_WATERMARK_MAX, u);
			o->has_low_watermark = true;
			o->low_watermark = u;
		} else if (!strcmp(key, "unbind-on-vhost-gone")) {
			if (o->has_unbind_on_vhost_gone)
				return invalid_args(error, "options: \"unbind-on-vhost-gone\" given "
						    "twice");
			r = read_option_value(m, key, "b", "a boolean", &b, error);
			if (r < 0)
				return r;
			o->has_unbind_on_vhost_gone = true;
			o->unbind_on_vhost_gone = b;
		} else if (bind && !strcmp(key, "owner")) {
			if (o->owner)
				return invalid_args(error, "options: \"owner\" given twice");
			r = read_option_value(m, key, "s", "a string", &o->owner, error);
			if (r < 0)
				return r;
			r = check_owner("options: \"owner\"", o->owner, error);
			if (r < 0)
				return r;
		} else if (bind && !strcmp(key, "netns")) {
			r = read_netns_option(m, o, error);
			if (r < 0)
				return r;
		} else if (bind && !strcmp(key, "persist")) {
			if (o->has_persist)
				return invalid_args(error, "options: \"persist\" given twice");
			r = read_option_value(m, key, "b", "a boolean", &b, error);
			if (r < 0)
				return r;
			o->has_persist = true;
			o->persist = b;
		} else {
			return invalid_args(error, "options: unknown key \"%.*s\" (known: fallback, "
					    "low-watermark, unbind-on-vhost-gone%s)", QUOTE_MAX,
					    key, bind ? ", persist, owner, netns" : "");
		}
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int check_ifname(const char *what, const char *name, sd_bus_error *error)
{
	const char *problem = zcrx_ifname_problem(name);

	if (!problem)
		return 0;
	return invalid_args(error, "%s: \"%.*s\" is not an interface name: %s", what, QUOTE_MAX,
			    name, problem);
}

/* ---- org.zcrx.zcrx1.Manager ---- */

static int bind_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
			   sd_bus_error *error)
{
	struct zcrxd_bind_request req = { 0 };
	struct zcrxd_error err = { 0 };
	struct zcrxd_binding *b;
	const char *nic, *macvtap;
	struct options o;
	uint32_t queue;
	int r;

	r = sd_bus_message_read(m, "sus", &nic, &queue, &macvtap);
	if (r < 0)
		return r;
	r = read_options(m, true, &o, error);
	if (r < 0)
		return r;
	r = check_ifname("nic", nic, error);
	if (r < 0)
		return r;
	r = check_ifname("macvtap", macvtap, error);
	if (r < 0)
		return r;
	if (!strcmp(nic, macvtap))
		return invalid_args(error, "macvtap: must differ from nic");
	if (queue > ZCRX_QUEUE_MAX)
		return invalid_args(error, "queue: must be 0..%u, not %" PRIu32, ZCRX_QUEUE_MAX,
				    queue);

	snprintf(req.nic, sizeof(req.nic), "%s", nic);
	snprintf(req.macvtap, sizeof(req.macvtap), "%s", macvtap);
	req.queue = queue;
	req.has_fallback = o.has_fallback;
	req.fallback = o.fallback;
	req.has_low_watermark = o.has_low_watermark;
	req.low_watermark = o.low_watermark;
	req.has_unbind_on_vhost_gone = o.has_unbind_on_vhost_gone;
	req.unbind_on_vhost_gone = o.unbind_on_vhost_gone;
	req.persist = o.persist;
	if (o.owner)
		snprintf(req.owner, sizeof(req.owner), "%s", o.owner);
	if (o.netns)
		snprintf(req.netns, sizeof(req.netns), "%s", o.netns);
	req.has_netns_fd = o.has_netns_fd;
	req.netns_fd = o.netns_fd;
	r = zcrxd_bindings_bind(d->table, &req, who, &b, &err);
	if (r < 0)
		return reply_error(error, &err);
	return sd_bus_reply_method_return(m, "o", b->path);
}

static int method_bind(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return authorize_then(userdata, m, "org.zcrx.zcrx1.bind", bind_authorized, error);
}

static int unbind_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
			     sd_bus_error *error)
{
	struct zcrxd_error err = { 0 };
	struct zcrxd_binding *b;
	const char *path;
	int r;

	r = sd_bus_message_read(m, "o", &path);
	if (r < 0)
		return r;
	if (!zcrxd_bindings_have_family(d->table)) {
		zcrxd_error_set(&err, ZCRXD_ERROR_NOT_SUPPORTED, "%s", ZCRXD_FAMILY_MISSING_TEXT);
		return reply_error(error, &err);
	}
	b = zcrxd_bindings_find_path(d->table, path);
	if (!b)
		return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT,
					 "no binding at %s", path);
	r = zcrxd_bindings_unbind(d->table, b, who, &err);
	if (r < 0)
		return reply_error(error, &err);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_unbind(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return authorize_then(userdata, m, "org.zcrx.zcrx1.unbind", unbind_authorized, error);
}

static int unbind_owner_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
				   sd_bus_error *error)
{
	struct zcrxd_error err = { 0 };
	sd_bus_message *reply = NULL;
	char path[ZCRXD_BINDING_PATH_MAX];
	const char *owner;
	uint32_t *ids = NULL;
	size_t n = 0;
	int r;

	r = sd_bus_message_read(m, "s", &owner);
	if (r < 0)
		return r;
	r = check_owner("owner:", owner, error);
	if (r < 0)
		return r;
	r = zcrxd_bindings_unbind_owner(d->table, owner, who, &ids, &n, &err);
	if (r < 0) {
		free(ids);
		return reply_error(error, &err);
	}
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "o");
	for (size_t i = 0; r >= 0 && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%" PRIu32, ZCRX_BINDING_PATH_PREFIX, ids[i]);
		r = sd_bus_message_append_basic(reply, SD_BUS_TYPE_OBJECT_PATH, path);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	free(ids);
	return r;
}

static int method_unbind_owner(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return authorize_then(userdata, m, "org.zcrx.zcrx1.unbind", unbind_owner_authorized,
			      error);
}

/*
 * Release(o binding, s owner) -> (s outcome): the owner's idempotent
 * Unbind.  "unbound" when this call ended it; when it had already ended,
 * with this owner, the reason it ended ("vhost-gone", ...).
 */
static int release_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
			      sd_bus_error *error)
{
	const struct zcrx_ended_binding *ended;
	struct zcrxd_error err = { 0 };
	struct zcrxd_binding *b;
	const char *path, *owner;
	int r;

	r = sd_bus_message_read(m, "os", &path, &owner);
	if (r < 0)
		return r;
	r = check_owner("owner:", owner, error);
	if (r < 0)
		return r;
	if (!zcrxd_bindings_have_family(d->table)) {
		zcrxd_error_set(&err, ZCRXD_ERROR_NOT_SUPPORTED, "%s", ZCRXD_FAMILY_MISSING_TEXT);
		return reply_error(error, &err);
	}
	b = zcrxd_bindings_find_path(d->table, path);
	if (b && strcmp(b->props.owner, owner)) {
		if (b->props.owner[0])
			zcrxd_error_set(&err, ZCRXD_ERROR_NOT_OWNER, "%s belongs to owner \"%s\", "
					"not \"%.*s\"", path, b->props.owner, QUOTE_MAX, owner);
		else
			zcrxd_error_set(&err, ZCRXD_ERROR_NOT_OWNER, "%s has no owner, so not "
					"\"%.*s\": Unbind ends it", path, QUOTE_MAX, owner);
		return reply_error(error, &err);
	}
	if (b) {
		r = zcrxd_bindings_unbind(d->table, b, who, &err);
		if (r < 0)
			return reply_error(error, &err);
		return sd_bus_reply_method_return(m, "s", "unbound");
	}
	ended = zcrxd_bindings_find_ended(d->table, zcrxd_binding_path_id(path));
	if (ended && !strcmp(ended->owner, owner))
		return sd_bus_reply_method_return(m, "s", ended->reason);
	if (ended)
		return sd_bus_error_setf(error, ZCRXD_ERROR_NOT_OWNER_NAME,
					 "%s belonged to owner \"%s\", not \"%.*s\" (it ended: %s)",
					 path, ended->owner, QUOTE_MAX, owner, ended->reason);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT,
				 "no binding at %s, and none ended there lately with owner \"%.*s\"",
				 path, QUOTE_MAX, owner);
}

static int method_release(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return authorize_then(userdata, m, "org.zcrx.zcrx1.unbind", release_authorized, error);
}

static int method_list_bindings(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct zcrxd_dbus *d = userdata;
	sd_bus_message *reply = NULL;
	struct zcrxd_binding *b;
	int r;

	(void)error;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, SD_BUS_TYPE_ARRAY, "o");
	for (b = zcrxd_bindings_first(d->table); r >= 0 && b; b = zcrxd_bindings_next(b))
		r = sd_bus_message_append_basic(reply, SD_BUS_TYPE_OBJECT_PATH, b->path);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int reload_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
			     sd_bus_error *error)
{
	struct zcrxd_error err = { 0 };
	int r;

	zcrxd_log(LOG_INFO, "reload requested by %s", who);
	r = d->hooks.reload(d->hooks.userdata, &err);
	if (r < 0) {
		/* The caller sees why; the journal too, as for SIGHUP. */
		zcrxd_log_event(LOG_ERR, ZCRXD_LOG_CONFIG_REFUSED, NULL, NULL,
				"reload refused, running state kept: %s", err.message);
		return reply_error(error, &err);
	}
	return sd_bus_reply_method_return(m, NULL);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return authorize_then(userdata, m, "org.zcrx.zcrx1.reload", reload_authorized, error);
}

static int property_get_hook_string(sd_bus *bus, const char *path, const char *interface,
				    const char *property, sd_bus_message *reply, void *userdata,
				    sd_bus_error *error)
{
	struct zcrxd_dbus *d = userdata;

	(void)bus;
	(void)path;
	(void)interface;
	(void)error;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING,
					   !strcmp(property, "Version") ? d->hooks.version :
					   d->hooks.config_path);
}

static int property_get_api_version(sd_bus *bus, const char *path, const char *interface,
				    const char *property, sd_bus_message *reply, void *userdata,
				    sd_bus_error *error)
{
	uint32_t version = ZCRXD_API_VERSION;

	(void)bus;
	(void)path;
	(void)interface;
	(void)property;
	(void)userdata;
	(void)error;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, &version);
}

static int property_get_bind_options(sd_bus *bus, const char *path, const char *interface,
				     const char *property, sd_bus_message *reply, void *userdata,
				     sd_bus_error *error)
{
	(void)bus;
	(void)path;
	(void)interface;
	(void)property;
	(void)userdata;
	(void)error;
	return sd_bus_message_append_strv(reply, (char **)bind_option_keys);
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", property_get_hook_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ApiVersion", "u", property_get_api_version, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("BindOptions", "as", property_get_bind_options, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ConfigPath", "s", property_get_hook_string, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_METHOD_WITH_ARGS("Bind",
				SD_BUS_ARGS("s", nic, "u", queue, "s", macvtap, "a{sv}", options),
				SD_BUS_RESULT("o", binding), method_bind,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Unbind", SD_BUS_ARGS("o", binding), SD_BUS_NO_RESULT,
				method_unbind, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListBindings", SD_BUS_NO_ARGS, SD_BUS_RESULT("ao", bindings),
				method_list_bindings, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_reload,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("UnbindOwner", SD_BUS_ARGS("s", owner),
				SD_BUS_RESULT("ao", bindings), method_unbind_owner,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Release", SD_BUS_ARGS("o", binding, "s", owner),
				SD_BUS_RESULT("s", outcome), method_release,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("BindingRemoved",
				SD_BUS_ARGS("o", binding, "s", reason, "s", owner), 0),
	SD_BUS_VTABLE_END
};

/* ---- org.zcrx.zcrx1.Binding ---- */

static int set_authorized(struct zcrxd_dbus *d, sd_bus_message *m, const char *who,
			  sd_bus_error *error)
{
	struct zcrxd_set_request req = { 0 };
	struct zcrxd_error err = { 0 };
	struct zcrxd_binding *b;
	struct options o;
	int r;

	/* Looked up again: the binding may have gone while polkit decided. */
	b = zcrxd_bindings_find_path(d->table, sd_bus_message_get_path(m));
	if (!b)
		return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no binding at %s",
					 sd_bus_message_get_path(m));
	r = read_options(m, false, &o, error);
	if (r < 0)
		return r;
	req.has_fallback = o.has_fallback;
	req.fallback = o.fallback;
	req.has_low_watermark = o.has_low_watermark;
	req.low_watermark = o.low_watermark;
	req.has_unbind_on_vhost_gone = o.has_unbind_on_vhost_gone;
	req.unbind_on_vhost_gone = o.unbind_on_vhost_gone;
	r = zcrxd_bindings_set(d->table, b, &req, who, &err);
	if (r < 0)
		return reply_error(error, &err);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_set(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct zcrxd_binding *b = userdata;

	return authorize_then(zcrxd_bindings_ops_userdata(b->table), m, "org.zcrx.zcrx1.set",
			      set_authorized, error);
}

/* Getters: userdata points at the field (the binding plus the offset). */
#define UNUSED_GETTER_ARGS (void)bus, (void)path, (void)interface, (void)property, (void)error

static int get_u32(sd_bus *bus, const char *path, const char *interface, const char *property,
		   sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT32, userdata);
}

static int get_u64(sd_bus *bus, const char *path, const char *interface, const char *property,
		   sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_UINT64, userdata);
}

/* sd-bus appends a boolean from an int, not from a bool. */
static int get_bool(sd_bus *bus, const char *path, const char *interface, const char *property,
		    sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	int value = *(const bool *)userdata;

	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_BOOLEAN, &value);
}

static int get_i32(sd_bus *bus, const char *path, const char *interface, const char *property,
		   sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_INT32, userdata);
}

static int get_double(sd_bus *bus, const char *path, const char *interface, const char *property,
		      sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_DOUBLE, userdata);
}

static int get_name(sd_bus *bus, const char *path, const char *interface, const char *property,
		    sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING, (const char *)userdata);
}

static int get_static_string(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	UNUSED_GETTER_ARGS;
	return sd_bus_message_append_basic(reply, SD_BUS_TYPE_STRING,
					   *(const char *const *)userdata);
}

#define PROP_OFFSET(field) offsetof(struct zcrxd_binding, props.field)
#define CONST_PROP(name, sig, getter, field) \
	SD_BUS_PROPERTY(name, sig, getter, PROP_OFFSET(field), SD_BUS_VTABLE_PROPERTY_CONST)
#define LIVE_PROP(name, sig, getter, field) \
	SD_BUS_PROPERTY(name, sig, getter, PROP_OFFSET(field), \
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)
/*
 * Counters, gauges and rates move every sampling period on a busy
 * binding: read when wanted, never announced (EmitsChangedSignal=false,
 * as networkd's BitRates), or every binding would broadcast a
 * PropertiesChanged each period.
 */
#define SAMPLED_PROP(name, sig, getter, field) \
	SD_BUS_PROPERTY(name, sig, getter, PROP_OFFSET(field), 0)

static const sd_bus_vtable binding_vtable[] = {
	SD_BUS_VTABLE_START(0),
	CONST_PROP("Id", "u", get_u32, id),
	LIVE_PROP("Nic", "s", get_name, nic),
	CONST_PROP("NicIfindex", "u", get_u32, nic_ifindex),
	CONST_PROP("Queue", "u", get_u32, queue),
	LIVE_PROP("Macvtap", "s", get_name, macvtap),
	CONST_PROP("MacvtapIfindex", "u", get_u32, macvtap_ifindex),
	LIVE_PROP("MacvtapNetns", "s", get_name, macvtap_netns),
	CONST_PROP("MacvtapNetnsId", "i", get_i32, macvtap_netnsid),
	LIVE_PROP("Fallback", "s", get_static_string, fallback),
	LIVE_PROP("LowWatermark", "u", get_u32, low_watermark),
	LIVE_PROP("UnbindOnVhostGone", "b", get_bool, unbind_on_vhost_gone),
	LIVE_PROP("State", "s", get_static_string, state),
	LIVE_PROP("PolicyLevel", "s", get_static_string, policy_level),
	LIVE_PROP("Origin", "s", get_static_string, origin),
	SAMPLED_PROP("BuffersPosted", "t", get_u64, buffers_posted),
	SAMPLED_PROP("BuffersFilled", "t", get_u64, buffers_filled),
	SAMPLED_PROP("BuffersReturned", "t", get_u64, buffers_returned),
	SAMPLED_PROP("BuffersInFlight", "t", get_u64, buffers_in_flight),
	SAMPLED_PROP("RxZerocopyPackets", "t", get_u64, rx_zerocopy_packets),
	SAMPLED_PROP("RxCopyPackets", "t", get_u64, rx_copy_packets),
	SAMPLED_PROP("RxDroppedPackets", "t", get_u64, rx_dropped_packets),
	SAMPLED_PROP("PinnedBytes", "t", get_u64, pinned_bytes),
	LIVE_PROP("Copybreak", "u", get_u32, copybreak),
	SAMPLED_PROP("RxCopybreakPackets", "t", get_u64, rx_copybreak_packets),
	SAMPLED_PROP("RxZerocopyBytes", "t", get_u64, rx_zerocopy_bytes),
	SAMPLED_PROP("RxCopiedBytes", "t", get_u64, rx_copied_bytes),
	SAMPLED_PROP("PostedPerSec", "d", get_double, posted_per_sec),
	SAMPLED_PROP("FilledPerSec", "d", get_double, filled_per_sec),
	SAMPLED_PROP("ReturnedPerSec", "d", get_double, returned_per_sec),
	SAMPLED_PROP("StarvedPerSec", "d", get_double, starved_per_sec),
	SAMPLED_PROP("ZerocopyShare", "d", get_double, zerocopy_share),
	SAMPLED_PROP("CopyShare", "d", get_double, copy_share),
	SAMPLED_PROP("DropShare", "d", get_double, drop_share),
	LIVE_PROP("PolicyDefaultFallback", "s", get_static_string, policy_default_fallback),
	LIVE_PROP("PolicyStarvedFallback", "s", get_static_string, policy_starved_fallback),
	LIVE_PROP("PolicyEngageStarvedPerSec", "t", get_u64, policy_engage_starved_per_sec),
	LIVE_PROP("PolicyClearStarvedPerSec", "t", get_u64, policy_clear_starved_per_sec),
	LIVE_PROP("PolicyLowWatermark", "u", get_u32, policy_low_watermark),
	LIVE_PROP("PolicyMinDwellMs", "t", get_u64, policy_min_dwell_ms),
	LIVE_PROP("PolicyWindowMs", "t", get_u64, policy_window_ms),
	LIVE_PROP("Owner", "s", get_name, owner),
	SD_BUS_METHOD_WITH_ARGS("Set", SD_BUS_ARGS("a{sv}", options), SD_BUS_NO_RESULT,
				method_set, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("FallbackChanged",
				SD_BUS_ARGS("s", old_fallback, "s", new_fallback, "s", reason), 0),
	SD_BUS_SIGNAL_WITH_ARGS("StateChanged", SD_BUS_ARGS("s", state), 0),
	SD_BUS_SIGNAL_WITH_ARGS("LowBuffers",
				SD_BUS_ARGS("t", buffers_in_flight, "u", low_watermark), 0),
	SD_BUS_VTABLE_END
};

/* The properties that emit PropertiesChanged (LIVE_PROP), to compare with what was announced. */
struct live_prop {
	const char *name;
	char kind;	/* 'u', 't', 'b' (a bool); 'n': char array; 's': static string */
	size_t offset;	/* in struct zcrxd_binding_props */
};

#define LIVE(name, kind, field) { name, kind, offsetof(struct zcrxd_binding_props, field) }

static const struct live_prop live_props[] = {
	LIVE("Nic", 'n', nic),
	LIVE("Macvtap", 'n', macvtap),
	LIVE("MacvtapNetns", 'n', macvtap_netns),
	LIVE("Fallback", 's', fallback),
	LIVE("LowWatermark", 'u', low_watermark),
	LIVE("UnbindOnVhostGone", 'b', unbind_on_vhost_gone),
	LIVE("State", 's', state),
	LIVE("PolicyLevel", 's', policy_level),
	LIVE("Origin", 's', origin),
	LIVE("Copybreak", 'u', copybreak),
	LIVE("PolicyDefaultFallback", 's', policy_default_fallback),
	LIVE("PolicyStarvedFallback", 's', policy_starved_fallback),
	LIVE("PolicyEngageStarvedPerSec", 't', policy_engage_starved_per_sec),
	LIVE("PolicyClearStarvedPerSec", 't', policy_clear_starved_per_sec),
	LIVE("PolicyLowWatermark", 'u', policy_low_watermark),
	LIVE("PolicyMinDwellMs", 't', policy_min_dwell_ms),
	LIVE("PolicyWindowMs", 't', policy_window_ms),
	LIVE("Owner", 'n', owner),
};

#define N_LIVE_PROPS (sizeof(live_props) / sizeof(live_props[0]))

static bool live_prop_differs(const struct live_prop *p, const struct zcrxd_binding_props *a,
			      const struct zcrxd_binding_props *b)
{
	const char *x = (const char *)a + p->offset, *y = (const char *)b + p->offset;

	switch (p->kind) {
	case 'u':
		return memcmp(x, y, sizeof(uint32_t)) != 0;
	case 't':
		return memcmp(x, y, sizeof(uint64_t)) != 0;
	case 'b':
		return *(const bool *)x != *(const bool *)y;
	case 'n':
		return strcmp(x, y) != 0;
	case 's':
		return strcmp(*(const char *const *)x, *(const char *const *)y) != 0;
	}
	return false;
}

static int binding_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
			void **found, sd_bus_error *error)
{
	struct zcrxd_dbus *d = userdata;
	struct zcrxd_binding *b;

	(void)bus;
	(void)interface;
	(void)error;
	b = zcrxd_bindings_find_path(d->table, path);
	if (!b)
		return 0;
	*found = b;
	return 1;
}

static int binding_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***ret_nodes,
			     sd_bus_error *error)
{
	struct zcrxd_dbus *d = userdata;
	struct zcrxd_binding *b;
	char **nodes;
	size_t i = 0;

	(void)bus;
	(void)prefix;
	(void)error;
	nodes = calloc(zcrxd_bindings_count(d->table) + 1, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	for (b = zcrxd_bindings_first(d->table); b; b = zcrxd_bindings_next(b)) {
		nodes[i] = strdup(b->path);
		if (!nodes[i]) {
			while (i)
				free(nodes[--i]);
			free(nodes);
			return -ENOMEM;
		}
		i++;
	}
	*ret_nodes = nodes;
	return 0;
}

/* ---- announcing the table's changes ---- */

static void log_emit_failure(const struct zcrxd_binding *b, const char *what, int r)
{
	zcrxd_log(LOG_WARNING, "cannot emit %s for %s: %s", what, b->path, strerror(-r));
}

static void on_added(struct zcrxd_binding *b, void *userdata)
{
	struct zcrxd_dbus *d = userdata;
	int r;

	b->announced = b->props;
	r = sd_bus_emit_object_added(d->bus, b->path);
	if (r < 0)
		log_emit_failure(b, "InterfacesAdded", r);
}

static void on_removing(struct zcrxd_binding *b, void *userdata)
{
	struct zcrxd_dbus *d = userdata;
	int r;

	r = sd_bus_emit_object_removed(d->bus, b->path);
	if (r < 0)
		log_emit_failure(b, "InterfacesRemoved", r);
	r = sd_bus_emit_signal(d->bus, ZCRX_MANAGER_PATH, ZCRX_MANAGER_INTERFACE,
			       "BindingRemoved", "oss", b->path, b->end_reason, b->props.owner);
	if (r < 0)
		log_emit_failure(b, "BindingRemoved", r);
}

static void on_changed(struct zcrxd_binding *b, void *userdata)
{
	struct zcrxd_dbus *d = userdata;
	const char *names[N_LIVE_PROPS + 1];
	bool state_changed;
	size_t n = 0;
	int r;

	for (size_t i = 0; i < N_LIVE_PROPS; i++)
		if (live_prop_differs(&live_props[i], &b->props, &b->announced))
			names[n++] = live_props[i].name;
	names[n] = NULL;
	state_changed = strcmp(b->props.state, b->announced.state) != 0;
	b->announced = b->props;
	if (n) {
		r = sd_bus_emit_properties_changed_strv(d->bus, b->path, ZCRX_BINDING_INTERFACE,
							(char **)names);
		if (r < 0)
			log_emit_failure(b, "PropertiesChanged", r);
	}
	if (state_changed) {
		r = sd_bus_emit_signal(d->bus, b->path, ZCRX_BINDING_INTERFACE, "StateChanged",
				       "s", b->props.state);
		if (r < 0)
			log_emit_failure(b, "StateChanged", r);
	}
}

static void on_fallback_changed(struct zcrxd_binding *b, const char *old_fallback,
				const char *new_fallback, const char *reason, void *userdata)
{
	struct zcrxd_dbus *d = userdata;
	int r;

	r = sd_bus_emit_signal(d->bus, b->path, ZCRX_BINDING_INTERFACE, "FallbackChanged", "sss",
			       old_fallback, new_fallback, reason);
	if (r < 0)
		log_emit_failure(b, "FallbackChanged", r);
}

static void on_low_buffers(struct zcrxd_binding *b, void *userdata)
{
	struct zcrxd_dbus *d = userdata;
	int r;

	r = sd_bus_emit_signal(d->bus, b->path, ZCRX_BINDING_INTERFACE, "LowBuffers", "tu",
			       b->props.buffers_in_flight, b->props.low_watermark);
	if (r < 0)
		log_emit_failure(b, "LowBuffers", r);
}

static const struct zcrxd_bindings_ops bindings_ops = {
	.added = on_added,
	.removing = on_removing,
	.changed = on_changed,
	.fallback_changed = on_fallback_changed,
	.low_buffers = on_low_buffers,
};

/* ---- connection ---- */

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct zcrxd_dbus *d = userdata;

	(void)m;
	(void)error;
	zcrxd_log(LOG_ERR, "lost the D-Bus connection; exiting");
	return sd_event_exit(d->event, EXIT_FAILURE);
}

static int bus_open(const char *spec, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	if (!strcmp(spec, "system"))
		return sd_bus_open_system(ret);
	if (!strcmp(spec, "session"))
		return sd_bus_open_user(ret);
	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_address(bus, spec);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, true);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

int zcrxd_dbus_new(struct zcrxd_dbus **ret, sd_event *event, const char *bus,
		   struct zcrxd_bindings *table, const struct zcrxd_dbus_hooks *hooks,
		   const char **ret_step)
{
	struct zcrxd_dbus *d;
	int r;

	*ret_step = "allocate the D-Bus state";
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->event = sd_event_ref(event);
	d->table = table;
	d->hooks = *hooks;

	*ret_step = "connect to the bus";
	r = bus_open(bus, &d->bus);
	if (r < 0)
		goto fail;
	*ret_step = "attach the bus to the event loop";
	r = sd_bus_attach_event(d->bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		goto fail;
	*ret_step = "watch for disconnection";
	r = sd_bus_match_signal(d->bus, NULL, "org.freedesktop.DBus.Local",
				"/org/freedesktop/DBus/Local", "org.freedesktop.DBus.Local",
				"Disconnected", on_disconnected, d);
	if (r < 0)
		goto fail;
	*ret_step = "register " ZCRX_MANAGER_PATH;
	r = sd_bus_add_object_vtable(d->bus, NULL, ZCRX_MANAGER_PATH, ZCRX_MANAGER_INTERFACE,
				     manager_vtable, d);
	if (r < 0)
		goto fail;
	r = sd_bus_add_object_manager(d->bus, NULL, ZCRX_MANAGER_PATH);
	if (r < 0)
		goto fail;
	*ret_step = "register the binding objects";
	r = sd_bus_add_fallback_vtable(d->bus, NULL, ZCRX_BINDING_PATH_PREFIX,
				       ZCRX_BINDING_INTERFACE, binding_vtable, binding_find, d);
	if (r < 0)
		goto fail;
	r = sd_bus_add_node_enumerator(d->bus, NULL, ZCRX_BINDING_PATH_PREFIX,
				       binding_enumerate, d);
	if (r < 0)
		goto fail;
	zcrxd_bindings_set_ops(table, &bindings_ops, d);
	*ret = d;
	return 0;

fail:
	zcrxd_dbus_free(d);
	return r;
}

int zcrxd_dbus_request_name(struct zcrxd_dbus *d)
{
	int r = sd_bus_request_name(d->bus, ZCRX_BUS_NAME, 0);

	return r < 0 ? r : 0;
}

const char *zcrxd_dbus_name_problem(int error)
{
	switch (error) {
	case -EEXIST:
		return "it is already owned on this bus: is another zcrxd running?";
	case -EACCES:
	case -EPERM:
		return "the bus does not allow us to own it: is its policy (org.zcrx.zcrx1.conf) "
		       "installed?";
	}
	return strerror(-error);
}

struct zcrxd_dbus *zcrxd_dbus_free(struct zcrxd_dbus *d)
{
	if (!d)
		return NULL;
	if (d->table)
		zcrxd_bindings_set_ops(d->table, NULL, NULL);
	while (d->auth_queries) {
		struct auth_query *q = d->auth_queries;

		d->auth_queries = q->next;
		auth_query_free(q);
	}
	sd_bus_flush_close_unref(d->bus);
	sd_event_unref(d->event);
	free(d);
	return NULL;
}
