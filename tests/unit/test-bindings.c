// SPDX-License-Identifier: GPL-2.0-only
/*
 * zcrxd's binding table (daemon/bindings.h) against a simulated kernel:
 * the zcrx family and the link cache are replaced at link time
 * (-Wl,--wrap=zcrx_nl_*,zcrx_links_*, as ethtool's tests stub the
 * kernel), so what the table decides after a replayed sequence of dumps,
 * events, lost events and link changes is what is checked: the bind
 * requests it sends, the bindings it keeps and the state file it writes;
 * and (zcrxd_log_eventv() wrapped too) the events it logs for the journal.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "daemon/bindings.h"
#include "daemon/links.h"
#include "daemon/netns.h"
#include "daemon/state-file.h"
#include "daemon/zcrx-netlink.h"
#include "tap.h"

#define MAX_LINKS 16
#define MAX_BINDINGS 16
#define MAX_EVENTS 64
#define MAX_LINK_CHANGES 16

/* ---- the simulated kernel: links, bindings, the event socket ---- */

struct fake_link_change {
	enum zcrx_link_change change;
	struct zcrx_link link;
};

struct fake_kernel {
	struct zcrx_link links[MAX_LINKS];
	size_t n_links;
	struct zcrx_binding_info bindings[MAX_BINDINGS];
	size_t n_bindings;
	uint32_t next_id;
	/* The event socket: queued events, and whether it overflowed. */
	struct zcrx_event events[MAX_EVENTS];
	size_t n_events;
	bool subscribed;
	bool full;		/* new events are dropped... */
	bool overflowed;	/* ...and the next read says ENOBUFS */
	int events_fd;		/* readable while something is to read */
	/* The link socket. */
	struct fake_link_change link_changes[MAX_LINK_CHANGES];
	size_t n_link_changes;
	int links_fd;
	zcrx_link_change_cb on_link_change;
	void *link_data;
	/* The pod: network namespace "pod", id POD_NSID in the host's, its
	 * links (a macvtap on a host NIC has lower_netnsid HOST_SELF_NSID). */
	struct zcrx_netns_link pod_links[MAX_LINKS];
	char pod_names[MAX_LINKS][ZCRX_IFNAMSIZ];
	size_t n_pod_links;
	/* What zcrxd asked for. */
	unsigned int bind_calls;
	int rcvbuf_events, rcvbuf_links;
};

/* Link-time stubs have nowhere else to keep the kernel they simulate. */
static struct fake_kernel fk;

static void fd_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0)
		abort();
}

static void fd_clear(int fd)
{
	uint64_t value;

	(void)!read(fd, &value, sizeof(value));
}

static void fk_reset(void)
{
	if (fk.events_fd > 0)
		close(fk.events_fd);
	if (fk.links_fd > 0)
		close(fk.links_fd);
	memset(&fk, 0, sizeof(fk));
	fk.next_id = 1;
	fk.events_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fk.links_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fk.events_fd < 0 || fk.links_fd < 0)
		abort();
}

enum { POD_NSID = 7, HOST_SELF_NSID = 0 };

static struct zcrx_netns_link *fk_pod_link(int ifindex)
{
	for (size_t i = 0; i < fk.n_pod_links; i++)
		if (fk.pod_links[i].ifindex == ifindex)
			return &fk.pod_links[i];
	return NULL;
}

/* A link of the pod; @lower_netnsid: HOST_SELF_NSID for a host device, -1 the pod's. */
static void fk_pod_link_add(int ifindex, const char *name, bool is_macvtap, int lower,
			    int lower_netnsid)
{
	fk.pod_links[fk.n_pod_links] = (struct zcrx_netns_link){
		.netnsid = POD_NSID, .ifindex = ifindex, .is_macvtap = is_macvtap,
		.lower_ifindex = lower, .lower_netnsid = lower_netnsid,
		.own_netnsid = HOST_SELF_NSID,
	};
	snprintf(fk.pod_names[fk.n_pod_links++], ZCRX_IFNAMSIZ, "%s", name);
}

static struct zcrx_link *fk_link(int ifindex)
{
	for (size_t i = 0; i < fk.n_links; i++)
		if (fk.links[i].ifindex == ifindex)
			return &fk.links[i];
	return NULL;
}

static void fk_link_changed(enum zcrx_link_change change, const struct zcrx_link *link)
{
	if (fk.n_link_changes == MAX_LINK_CHANGES)
		abort();
	fk.link_changes[fk.n_link_changes++] = (struct fake_link_change){ change, *link };
	fd_signal(fk.links_fd);
}

/* @lower: 0 for a NIC, else the macvtap's lower device. */
static void fk_link_add(int ifindex, const char *name, int lower)
{
	struct zcrx_link *link = &fk.links[fk.n_links++];

	*link = (struct zcrx_link){ .ifindex = ifindex, .is_macvtap = lower != 0,
				    .lower_ifindex = lower };
	snprintf(link->name, sizeof(link->name), "%s", name);
	fk_link_changed(ZCRX_LINK_ADDED, link);
}

static void fk_event(uint8_t cmd, uint32_t reason, const struct zcrx_binding_info *info)
{
	if (!fk.subscribed)
		return;
	if (fk.full || fk.n_events == MAX_EVENTS) {
		fk.overflowed = true;
		fd_signal(fk.events_fd);
		return;
	}
	fk.events[fk.n_events++] = (struct zcrx_event){ .cmd = cmd, .reason = reason,
						       .binding = *info };
	fd_signal(fk.events_fd);
}

static struct zcrx_binding_info *fk_binding(uint32_t id)
{
	for (size_t i = 0; i < fk.n_bindings; i++)
		if (fk.bindings[i].value[ZCRX_A_BINDING_ID] == id)
			return &fk.bindings[i];
	return NULL;
}

/* The kernel ends binding @id for @reason, and says so. */
static void fk_unbind(uint32_t id, uint32_t reason)
{
	struct zcrx_binding_info *b = fk_binding(id), gone;

	if (!b)
		abort();
	gone = *b;
	*b = fk.bindings[--fk.n_bindings];
	fk_event(ZCRX_CMD_UNBOUND_NTF, reason, &gone);
}

/* A device goes: its bindings end first (their events), then RTM_DELLINK. */
static void fk_link_del(int ifindex)
{
	struct zcrx_link *link = fk_link(ifindex), gone;

	for (size_t i = fk.n_bindings; i-- > 0;) {
		struct zcrx_binding_info *b = &fk.bindings[i];

		if (b->value[ZCRX_A_BINDING_IFINDEX] == (uint64_t)ifindex)
			fk_unbind(b->value[ZCRX_A_BINDING_ID], ZCRX_UNBIND_REASON_NIC_GONE);
		else if (b->value[ZCRX_A_BINDING_MACVTAP_IFINDEX] == (uint64_t)ifindex &&
			 !zcrx_binding_has(b, ZCRX_A_BINDING_MACVTAP_NETNSID))
			fk_unbind(b->value[ZCRX_A_BINDING_ID], ZCRX_UNBIND_REASON_MACVTAP_GONE);
	}
	gone = *link;
	*link = fk.links[--fk.n_links];
	fk_link_changed(ZCRX_LINK_REMOVED, &gone);
}

/* @in_pod: @macvtap is an index of the pod (macvtap-netns-fd given). */
static int fk_bind(int nic, uint32_t queue, int macvtap, bool unbind_on_vhost_gone,
		   bool in_pod)
{
	struct zcrx_binding_info *b;

	if (!fk_link(nic))
		return -ENODEV;
	if (in_pod) {
		struct zcrx_netns_link *mvt = fk_pod_link(macvtap);

		if (!mvt)
			return -ENODEV;
		if (!mvt->is_macvtap || mvt->lower_ifindex != nic ||
		    mvt->lower_netnsid != HOST_SELF_NSID)
			return -EINVAL;
	} else {
		struct zcrx_link *mvt = fk_link(macvtap);

		if (!mvt)
			return -ENODEV;
		if (!mvt->is_macvtap || mvt->lower_ifindex != nic)
			return -EINVAL;
	}
	for (size_t i = 0; i < fk.n_bindings; i++)
		if ((fk.bindings[i].value[ZCRX_A_BINDING_IFINDEX] == (uint64_t)nic &&
		     fk.bindings[i].value[ZCRX_A_BINDING_QUEUE_ID] == queue) ||
		    (fk.bindings[i].value[ZCRX_A_BINDING_MACVTAP_IFINDEX] == (uint64_t)macvtap &&
		     zcrx_binding_has(&fk.bindings[i], ZCRX_A_BINDING_MACVTAP_NETNSID) == in_pod))
			return -EBUSY;
	b = &fk.bindings[fk.n_bindings++];
	*b = (struct zcrx_binding_info){ 0 };
	zcrx_binding_set(b, ZCRX_A_BINDING_ID, fk.next_id++);
	zcrx_binding_set(b, ZCRX_A_BINDING_IFINDEX, nic);
	zcrx_binding_set(b, ZCRX_A_BINDING_QUEUE_ID, queue);
	zcrx_binding_set(b, ZCRX_A_BINDING_MACVTAP_IFINDEX, macvtap);
	zcrx_binding_set(b, ZCRX_A_BINDING_FALLBACK, ZCRX_FALLBACK_COPY);
	zcrx_binding_set(b, ZCRX_A_BINDING_LOW_WATERMARK, 0);
	zcrx_binding_set(b, ZCRX_A_BINDING_STATE, ZCRX_STATE_FALLBACK);
	zcrx_binding_set(b, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE, unbind_on_vhost_gone);
	zcrx_binding_set(b, ZCRX_A_BINDING_BUFFERS_POSTED, 0);
	if (in_pod)
		zcrx_binding_set(b, ZCRX_A_BINDING_MACVTAP_NETNSID, POD_NSID);
	fk_event(ZCRX_CMD_BOUND_NTF, 0, b);
	return b->value[ZCRX_A_BINDING_ID];
}

/* The kernel binding on @nic queue @queue, or NULL. */
static const struct zcrx_binding_info *fk_binding_at(int nic, uint32_t queue)
{
	for (size_t i = 0; i < fk.n_bindings; i++)
		if (fk.bindings[i].value[ZCRX_A_BINDING_IFINDEX] == (uint64_t)nic &&
		    fk.bindings[i].value[ZCRX_A_BINDING_QUEUE_ID] == queue)
			return &fk.bindings[i];
	return NULL;
}

/* ---- the stubs: zcrx-netlink.h ---- */

static struct zcrx_nl *const fake_requests = (struct zcrx_nl *)&fk.bindings;
static struct zcrx_nl *const fake_events = (struct zcrx_nl *)&fk.events;

int __wrap_zcrx_nl_open(struct zcrx_nl **nlp);
int __wrap_zcrx_nl_open(struct zcrx_nl **nlp)
{
	*nlp = fake_requests;
	return 0;
}

int __wrap_zcrx_nl_open_events(const struct zcrx_nl *requests, struct zcrx_nl **eventsp);
int __wrap_zcrx_nl_open_events(const struct zcrx_nl *requests, struct zcrx_nl **eventsp)
{
	(void)requests;
	fk.subscribed = true;
	*eventsp = fake_events;
	return 0;
}

void __wrap_zcrx_nl_close(struct zcrx_nl *nl);
void __wrap_zcrx_nl_close(struct zcrx_nl *nl)
{
	if (nl == fake_events)
		fk.subscribed = false;
}

int __wrap_zcrx_nl_fd(const struct zcrx_nl *nl);
int __wrap_zcrx_nl_fd(const struct zcrx_nl *nl)
{
	return nl == fake_events ? fk.events_fd : -1;
}

int __wrap_zcrx_nl_set_receive_buffer(struct zcrx_nl *nl, int bytes);
int __wrap_zcrx_nl_set_receive_buffer(struct zcrx_nl *nl, int bytes)
{
	(void)nl;
	fk.rcvbuf_events = bytes;
	return 0;
}

int __wrap_zcrx_nl_bind(struct zcrx_nl *nl, const struct zcrx_binding_info *request, uint32_t *id);
int __wrap_zcrx_nl_bind(struct zcrx_nl *nl, const struct zcrx_binding_info *request, uint32_t *id)
{
	int r;

	(void)nl;
	fk.bind_calls++;
	r = fk_bind(request->value[ZCRX_A_BINDING_IFINDEX],
		    request->value[ZCRX_A_BINDING_QUEUE_ID],
		    request->value[ZCRX_A_BINDING_MACVTAP_IFINDEX],
		    zcrx_binding_has(request, ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE) &&
		    request->value[ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE],
		    zcrx_binding_has(request, ZCRX_A_BINDING_MACVTAP_NETNS_FD));
	if (r < 0)
		return r;
	*id = r;
	return 0;
}

int __wrap_zcrx_nl_unbind(struct zcrx_nl *nl, uint32_t id);
int __wrap_zcrx_nl_unbind(struct zcrx_nl *nl, uint32_t id)
{
	(void)nl;
	if (!fk_binding(id))
		return -ENOENT;
	fk_unbind(id, ZCRX_UNBIND_REASON_REQUEST);
	return 0;
}

int __wrap_zcrx_nl_set(struct zcrx_nl *nl, uint32_t id, const struct zcrx_binding_info *changes);
int __wrap_zcrx_nl_set(struct zcrx_nl *nl, uint32_t id, const struct zcrx_binding_info *changes)
{
	struct zcrx_binding_info *b = fk_binding(id);

	(void)nl;
	if (!b)
		return -ENOENT;
	for (int a = 1; a <= ZCRX_A_BINDING_MAX; a++)
		if (zcrx_binding_has(changes, a))
			zcrx_binding_set(b, a, changes->value[a]);
	return 0;
}

int __wrap_zcrx_nl_get(struct zcrx_nl *nl, uint32_t id, struct zcrx_binding_info *info);
int __wrap_zcrx_nl_get(struct zcrx_nl *nl, uint32_t id, struct zcrx_binding_info *info)
{
	struct zcrx_binding_info *b = fk_binding(id);

	(void)nl;
	if (!b)
		return -ENOENT;
	*info = *b;
	return 0;
}

static int id_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct zcrx_binding_info *)a)->value[ZCRX_A_BINDING_ID];
	uint64_t y = ((const struct zcrx_binding_info *)b)->value[ZCRX_A_BINDING_ID];

	return x < y ? -1 : x > y;
}

int __wrap_zcrx_nl_dump_all(struct zcrx_nl *nl, struct zcrx_binding_info **bindings,
			    size_t *count);
int __wrap_zcrx_nl_dump_all(struct zcrx_nl *nl, struct zcrx_binding_info **bindings,
			    size_t *count)
{
	(void)nl;
	*bindings = calloc(fk.n_bindings + 1, sizeof(**bindings));
	if (!*bindings)
		return -ENOMEM;
	memcpy(*bindings, fk.bindings, fk.n_bindings * sizeof(**bindings));
	qsort(*bindings, fk.n_bindings, sizeof(**bindings), id_cmp);
	*count = fk.n_bindings;
	return 0;
}

/* As the kernel: the overflow is reported first, then what was queued. */
int __wrap_zcrx_nl_read_event(struct zcrx_nl *nl, struct zcrx_event *event);
int __wrap_zcrx_nl_read_event(struct zcrx_nl *nl, struct zcrx_event *event)
{
	(void)nl;
	if (fk.overflowed) {
		fk.overflowed = false;
		return -ENOBUFS;
	}
	if (!fk.n_events) {
		fd_clear(fk.events_fd);
		return -EAGAIN;
	}
	*event = fk.events[0];
	memmove(fk.events, fk.events + 1, --fk.n_events * sizeof(fk.events[0]));
	return 0;
}

const char *__wrap_zcrx_nl_last_error_text(const struct zcrx_nl *nl, char *buf, size_t size);
const char *__wrap_zcrx_nl_last_error_text(const struct zcrx_nl *nl, char *buf, size_t size)
{
	(void)nl;
	if (size)
		buf[0] = '\0';
	return buf;
}

/* ---- the stubs: links.h ---- */

static struct zcrx_links *const fake_links = (struct zcrx_links *)&fk.links;

int __wrap_zcrx_links_open(struct zcrx_links **linksp, zcrx_link_change_cb on_change, void *data);
int __wrap_zcrx_links_open(struct zcrx_links **linksp, zcrx_link_change_cb on_change, void *data)
{
	fk.on_link_change = on_change;
	fk.link_data = data;
	fk.n_link_changes = 0;	/* what was there before is the first dump */
	fd_clear(fk.links_fd);
	*linksp = fake_links;
	return 0;
}

void __wrap_zcrx_links_close(struct zcrx_links *links);
void __wrap_zcrx_links_close(struct zcrx_links *links)
{
	(void)links;
	fk.on_link_change = NULL;
}

int __wrap_zcrx_links_fd(const struct zcrx_links *links);
int __wrap_zcrx_links_fd(const struct zcrx_links *links)
{
	(void)links;
	return fk.links_fd;
}

int __wrap_zcrx_links_set_receive_buffer(struct zcrx_links *links, int bytes);
int __wrap_zcrx_links_set_receive_buffer(struct zcrx_links *links, int bytes)
{
	(void)links;
	fk.rcvbuf_links = bytes;
	return 0;
}

int __wrap_zcrx_links_process(struct zcrx_links *links);
int __wrap_zcrx_links_process(struct zcrx_links *links)
{
	size_t n = fk.n_link_changes;

	(void)links;
	fd_clear(fk.links_fd);
	fk.n_link_changes = 0;
	for (size_t i = 0; i < n; i++)
		if (fk.on_link_change)
			fk.on_link_change(fk.link_changes[i].change, &fk.link_changes[i].link,
					  fk.link_data);
	return n;
}

int __wrap_zcrx_links_ifindex(const struct zcrx_links *links, const char *name);
int __wrap_zcrx_links_ifindex(const struct zcrx_links *links, const char *name)
{
	(void)links;
	for (size_t i = 0; i < fk.n_links; i++)
		if (!strcmp(fk.links[i].name, name))
			return fk.links[i].ifindex;
	return -ENODEV;
}

int __wrap_zcrx_links_lookup(const struct zcrx_links *links, int ifindex, struct zcrx_link *link);
int __wrap_zcrx_links_lookup(const struct zcrx_links *links, int ifindex, struct zcrx_link *link)
{
	const struct zcrx_link *found = fk_link(ifindex);

	(void)links;
	if (!found)
		return -ENODEV;
	*link = *found;
	return 0;
}

int __wrap_zcrx_links_name(const struct zcrx_links *links, int ifindex, char *name, size_t size);
int __wrap_zcrx_links_name(const struct zcrx_links *links, int ifindex, char *name, size_t size)
{
	const struct zcrx_link *found = fk_link(ifindex);

	(void)links;
	if (!found)
		return -ENODEV;
	snprintf(name, size, "%s", found->name);
	return 0;
}

int __wrap_zcrx_links_macvtap_lower(const struct zcrx_links *links, int ifindex,
				    int *lower_ifindex);
int __wrap_zcrx_links_macvtap_lower(const struct zcrx_links *links, int ifindex,
				    int *lower_ifindex)
{
	const struct zcrx_link *found = fk_link(ifindex);

	(void)links;
	if (!found)
		return -ENODEV;
	if (!found->is_macvtap)
		return 0;
	*lower_ifindex = found->lower_ifindex;
	return 1;
}

/* ---- the stubs: netns.h ---- */

int __wrap_zcrx_netns_open(const char *name);
int __wrap_zcrx_netns_open(const char *name)
{
	int fd;

	if (strcmp(name, "pod"))
		return -ENOENT;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);	/* closed by zcrxd */
	return fd < 0 ? -errno : fd;
}

int __wrap_zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret);
int __wrap_zcrx_netns_lookup_link(int netns_fd, const char *name, struct zcrx_netns_link *ret)
{
	(void)netns_fd;
	for (size_t i = 0; i < fk.n_pod_links; i++)
		if (!strcmp(fk.pod_names[i], name)) {
			*ret = fk.pod_links[i];
			return 0;
		}
	return -ENODEV;
}

/* ---- driving zcrxd's table ---- */

enum { ETH0 = 2, MVT0 = 3, MVT1 = 4, MVT2 = 5, MVT0_AGAIN = 9 };

#define CONFIG_MVT0 "{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"mvt0\" } ] }"
#define CONFIG_MVT0_VHOST_GONE \
	"{ \"bindings\": [ { \"nic\": \"eth0\", \"queue\": 1, \"macvtap\": \"mvt0\", " \
	"\"unbind-on-vhost-gone\": true } ] }"

struct run {
	sd_event *event;
	struct zcrxd_bindings *table;
	char state_dir[64];
};

/* Every source that is ready, until none is. */
static void run_loop(struct run *r)
{
	while (sd_event_run(r->event, 0) > 0)
		;
}

static void apply_config(struct run *r, const char *text, bool reload)
{
	struct zcrx_config *config = NULL;
	char *error = NULL;

	if (zcrx_config_parse("zcrxd.conf", text, &config, &error) < 0) {
		printf("# bad test config: %s\n", error);
		abort();
	}
	zcrxd_bindings_apply_config(r->table, config, reload);
	run_loop(r);
}

/*
 * eth0 with mvt0, mvt1, mvt2 on it; zcrxd started with @state (NULL:
 * none) in its state file, @config applied.
 */
static void run_start_with_state(struct run *r, const char *config, const char *state)
{
	const char *step;
	char path[128];
	FILE *f;

	fk_reset();
	fk_link_add(ETH0, "eth0", 0);
	fk_link_add(MVT0, "mvt0", ETH0);
	fk_link_add(MVT1, "mvt1", ETH0);
	fk_link_add(MVT2, "mvt2", ETH0);
	snprintf(r->state_dir, sizeof(r->state_dir), "/tmp/zcrx-test-bindings.XXXXXX");
	if (!mkdtemp(r->state_dir))
		abort();
	snprintf(path, sizeof(path), "%s/%s", r->state_dir, ZCRX_STATE_FILE);
	if (state) {
		f = fopen(path, "w");
		if (!f || fputs(state, f) < 0 || fclose(f) != 0)
			abort();
	}
	if (sd_event_new(&r->event) < 0 ||
	    zcrxd_bindings_new(&r->table, r->event, r->state_dir) < 0 ||
	    zcrxd_bindings_start(r->table, &step) < 0)
		abort();
	zcrxd_bindings_load_state(r->table);
	apply_config(r, config, false);
}

static void run_start(struct run *r, const char *config)
{
	run_start_with_state(r, config, NULL);
}

static void run_stop(struct run *r)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	zcrxd_bindings_free(r->table);
	sd_event_unref(r->event);
	d = opendir(r->state_dir);
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", r->state_dir, e->d_name);
		if (e->d_name[0] != '.')
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(r->state_dir);
}

/* The names in the state directory, comma-separated, sorted. */
static void state_dir_entries(const struct run *r, char *buf, size_t size)
{
	struct dirent **list;
	int n = scandir(r->state_dir, &list, NULL, alphasort);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.')
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%.64s", buf[0] ? "," : "",
				 list[i]->d_name);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

/* A runtime binding over D-Bus (@owner NULL: none): its id, or a negative errno. */
static int runtime_bind_owned(struct run *r, const char *macvtap, uint32_t queue,
			      bool vhost_gone, const char *owner)
{
	struct zcrxd_bind_request req = { .queue = queue, .persist = true,
					  .has_unbind_on_vhost_gone = vhost_gone,
					  .unbind_on_vhost_gone = vhost_gone };
	struct zcrxd_binding *b;
	struct zcrxd_error error;
	int ret;

	snprintf(req.nic, sizeof(req.nic), "eth0");
	snprintf(req.macvtap, sizeof(req.macvtap), "%s", macvtap);
	snprintf(req.owner, sizeof(req.owner), "%s", owner ? owner : "");
	ret = zcrxd_bindings_bind(r->table, &req, "the test", &b, &error);
	run_loop(r);
	return ret < 0 ? ret : (int)b->id;
}

static int runtime_bind(struct run *r, const char *macvtap, uint32_t queue, bool vhost_gone)
{
	return runtime_bind_owned(r, macvtap, queue, vhost_gone, NULL);
}

/* How many runtime bindings the state file holds, -1 if unreadable. */
static int saved_count(const struct run *r)
{
	struct zcrx_config_binding *saved;
	char *error;
	size_t n;

	if (zcrx_state_load(r->state_dir, &saved, &n, &error) < 0) {
		free(error);
		return -1;
	}
	free(saved);
	return n;
}

/*
 * What follows an overrun: SIGCONT, the events socket read, a sampling
 * period, and a link change, which ends any pause before a wanted
 * binding is made again.
 */
static void after_overrun(struct run *r)
{
	run_loop(r);
	zcrxd_bindings_sample(r->table);
	fk_link_changed(ZCRX_LINK_CHANGED, fk_link(ETH0));
	run_loop(r);
	zcrxd_bindings_sample(r->table);
	run_loop(r);
}

/* ---- the log's structured side ---- */

/* What zcrxd_log_eventv() was given, "EVENT:ID:NIC:QUEUE:MACVTAP:OWNER:REASON;" per event. */
static char logged_events[1024];

void __real_zcrxd_log_eventv(int priority, enum zcrxd_log_event event,
			     const struct zcrxd_log_binding *binding, const char *reason,
			     const char *fmt, va_list ap);

void __wrap_zcrxd_log_eventv(int priority, enum zcrxd_log_event event,
			     const struct zcrxd_log_binding *binding, const char *reason,
			     const char *fmt, va_list ap);
void __wrap_zcrxd_log_eventv(int priority, enum zcrxd_log_event event,
			     const struct zcrxd_log_binding *binding, const char *reason,
			     const char *fmt, va_list ap)
{
	static const char *const names[] = {
		[ZCRXD_LOG_BINDING_MADE] = "made", [ZCRXD_LOG_BINDING_ENDED] = "ended",
		[ZCRXD_LOG_FALLBACK_ENTERED] = "entered", [ZCRXD_LOG_FALLBACK_LEFT] = "left",
		[ZCRXD_LOG_CONFIG_REFUSED] = "refused",
	};
	size_t len = strlen(logged_events);

	if (event != ZCRXD_LOG_EVENT_NONE && binding)
		snprintf(logged_events + len, sizeof(logged_events) - len,
			 "%s:%u:%s:%u:%s:%s:%s;", names[event], binding->id, binding->nic,
			 binding->queue, binding->macvtap,
			 binding->owner && *binding->owner ? binding->owner : "-",
			 reason ? reason : "-");
	__real_zcrxd_log_eventv(priority, event, binding, reason, fmt, ap);
}

/* ---- the cases ---- */

static void test_receive_buffers(struct tap *t)
{
	struct run r;

	run_start(&r, "{}");
	tap_is_int(t, fk.rcvbuf_events, 128 * 1024 * 1024,
		   "event socket's receive buffer raised to 128 MiB, as networkd's");
	tap_is_int(t, fk.rcvbuf_links, 128 * 1024 * 1024, "link socket's too");
	run_stop(&r);
}

/*
 * While zcrxd was stopped an admin unbound a declared and a runtime
 * binding, and the event socket overflowed: both unbound events are
 * lost.  Their devices are still there, so they were unbound on purpose:
 * neither is made again, the runtime one is forgotten; a kernel binding
 * that stayed keeps its object.
 */
static void test_overrun_request_lost(struct tap *t)
{
	struct zcrxd_binding *kept;
	struct run r;
	int declared, runtime, foreign;
	unsigned int binds;

	run_start(&r, CONFIG_MVT0);
	declared = fk_binding_at(ETH0, 1) ? (int)fk_binding_at(ETH0, 1)->value[ZCRX_A_BINDING_ID] : -1;
	tap_ok(t, declared > 0, "declared binding made at start");
	runtime = runtime_bind(&r, "mvt1", 2, false);
	tap_ok(t, runtime > 0, "runtime binding made");
	tap_is_int(t, saved_count(&r), 1, "state file holds the runtime binding");
	foreign = fk_bind(ETH0, 3, MVT2, false, false);
	run_loop(&r);
	kept = zcrxd_bindings_find(r.table, foreign);
	tap_ok(t, kept && !strcmp(kept->props.origin, "kernel"), "foreign binding seen, origin kernel");

	fk.full = true;		/* SIGSTOP: nobody reads, the socket fills */
	fk_unbind(declared, ZCRX_UNBIND_REASON_REQUEST);
	fk_unbind(runtime, ZCRX_UNBIND_REASON_REQUEST);
	fk.full = false;
	binds = fk.bind_calls;
	after_overrun(&r);

	tap_is_int(t, fk.bind_calls, binds, "no bind request after the overrun");
	tap_ok(t, !fk_binding_at(ETH0, 1), "declared binding not made again");
	tap_ok(t, !fk_binding_at(ETH0, 2), "runtime binding not made again");
	tap_is_int(t, saved_count(&r), 0, "runtime binding forgotten in the state file");
	tap_is_int(t, zcrxd_bindings_count(r.table), 1, "one binding left in zcrxd's table");
	tap_ok(t, zcrxd_bindings_find(r.table, foreign) == kept,
	       "the foreign binding kept its object (and its rates and history)");

	apply_config(&r, CONFIG_MVT0, true);
	tap_ok(t, fk_binding_at(ETH0, 1) != NULL, "reload makes the declared binding again");
	run_stop(&r);
}

/* The same for a guest that went (vhost-gone) while zcrxd was stopped. */
static void test_overrun_vhost_gone_lost(struct tap *t)
{
	struct run r;
	int declared, runtime;
	unsigned int binds;

	run_start(&r, CONFIG_MVT0_VHOST_GONE);
	declared = (int)fk_binding_at(ETH0, 1)->value[ZCRX_A_BINDING_ID];
	runtime = runtime_bind(&r, "mvt1", 2, true);
	tap_ok(t, runtime > 0, "runtime binding with unbind-on-vhost-gone made");
	fk.full = true;
	fk_unbind(declared, ZCRX_UNBIND_REASON_VHOST_GONE);
	fk_unbind(runtime, ZCRX_UNBIND_REASON_VHOST_GONE);
	fk.full = false;
	binds = fk.bind_calls;
	after_overrun(&r);
	tap_is_int(t, fk.bind_calls, binds, "vhost-gone lost: nothing bound again");
	tap_is_int(t, saved_count(&r), 0, "vhost-gone lost: runtime binding forgotten");
	tap_is_int(t, zcrxd_bindings_count(r.table), 0, "vhost-gone lost: table empty");
	run_stop(&r);
}

/*
 * A macvtap that went while the events were lost: device gone, so the
 * binding is made again when the device is back (here: moved back from
 * another namespace, same ifindex).
 */
static void test_overrun_macvtap_gone_lost(struct tap *t)
{
	struct run r;

	run_start(&r, CONFIG_MVT0);
	fk.full = true;
	fk_link_del(MVT0);
	fk.full = false;
	after_overrun(&r);
	tap_ok(t, !fk_binding_at(ETH0, 1), "macvtap gone: not bound meanwhile");
	fk_link_add(MVT0, "mvt0", ETH0);
	after_overrun(&r);
	tap_ok(t, fk_binding_at(ETH0, 1) != NULL, "macvtap-gone lost: bound again once it is back");
	run_stop(&r);
}

/* Events queued before the overflow keep their reason; the rest are inferred. */
static void test_overrun_partial(struct tap *t)
{
	struct run r;
	int declared, runtime;

	run_start(&r, CONFIG_MVT0);
	declared = (int)fk_binding_at(ETH0, 1)->value[ZCRX_A_BINDING_ID];
	runtime = runtime_bind(&r, "mvt1", 2, false);
	fk_unbind(runtime, ZCRX_UNBIND_REASON_REQUEST);	/* queued, read later */
	fk.full = true;
	fk_unbind(declared, ZCRX_UNBIND_REASON_REQUEST);	/* lost */
	fk.full = false;
	after_overrun(&r);
	tap_is_int(t, fk.n_bindings, 0, "both stay unbound");
	tap_is_int(t, saved_count(&r), 0, "the runtime one forgotten");
	run_stop(&r);
}

/* What BindingRemoved would say: "ID:REASON;" per binding leaving the table. */
static void record_removing(struct zcrxd_binding *binding, void *userdata)
{
	char *removed = userdata;
	size_t len = strlen(removed);

	snprintf(removed + len, 256 - len, "%u:%s;", binding->id, binding->end_reason);
}

/*
 * The reason an owned binding ended, when its event was lost: what the
 * devices tell (macvtap-gone), "unknown" when they are still there; an
 * event read in time keeps the kernel's.  BindingRemoved (the table's
 * "removing" report) and Release's memory say the same.
 */
static void test_overrun_owned_reasons(struct tap *t)
{
	static const struct zcrxd_bindings_ops ops = { .removing = record_removing };
	struct {
		int id;
		const char *owner, *reason, *desc;
	} ended[3] = {
		{ 0, "vm-a", "unknown", "unbound while lost, devices still there" },
		{ 0, "vm-b", "macvtap-gone", "macvtap deleted while lost" },
		{ 0, "vm-c", "vhost-gone", "vhost-gone read before the overflow" },
	};
	char removed[256] = "", entry[64];
	struct run r;

	run_start(&r, "{}");
	zcrxd_bindings_set_ops(r.table, &ops, removed);
	ended[0].id = runtime_bind_owned(&r, "mvt0", 1, false, ended[0].owner);
	ended[1].id = runtime_bind_owned(&r, "mvt1", 2, false, ended[1].owner);
	ended[2].id = runtime_bind_owned(&r, "mvt2", 3, true, ended[2].owner);
	tap_ok(t, ended[0].id > 0 && ended[1].id > 0 && ended[2].id > 0,
	       "three owned runtime bindings");
	fk_unbind(ended[2].id, ZCRX_UNBIND_REASON_VHOST_GONE);	/* queued, read later */
	fk.full = true;
	fk_unbind(ended[0].id, ZCRX_UNBIND_REASON_REQUEST);	/* lost */
	fk_link_del(MVT1);					/* lost */
	fk.full = false;
	after_overrun(&r);
	printf("#   removed: %s\n", removed);
	for (size_t i = 0; i < 3; i++) {
		const struct zcrx_ended_binding *e = zcrxd_bindings_find_ended(r.table, ended[i].id);

		tap_ok(t, e && !strcmp(e->owner, ended[i].owner) && !strcmp(e->reason, ended[i].reason),
		       "%s: remembered for %s as %s (got %s)", ended[i].desc, ended[i].owner,
		       ended[i].reason, e ? e->reason : "nothing");
		snprintf(entry, sizeof(entry), "%d:%s;", ended[i].id, ended[i].reason);
		tap_ok(t, strstr(removed, entry) != NULL, "  ... and reported leaving as %s",
		       ended[i].reason);
	}
	run_stop(&r);
}

/*
 * A guest's macvtap goes (its VM stopped) and another is made under the
 * same name (another VM): the declared binding does not follow the name
 * to the new device until a reload says so.
 */
static void test_macvtap_replaced_declared(struct tap *t)
{
	struct run r;
	unsigned int binds;

	run_start(&r, CONFIG_MVT0);
	tap_ok(t, fk_binding_at(ETH0, 1) != NULL, "declared binding on mvt0 (ifindex 3)");
	fk_link_del(MVT0);
	run_loop(&r);
	binds = fk.bind_calls;
	fk_link_add(MVT0_AGAIN, "mvt0", ETH0);
	after_overrun(&r);
	tap_is_int(t, fk.bind_calls, binds, "mvt0 made again (ifindex 9): no bind request");
	tap_ok(t, !fk_binding_at(ETH0, 1), "the new mvt0 does not inherit queue 1");
	apply_config(&r, CONFIG_MVT0, true);
	tap_ok(t, fk_binding_at(ETH0, 1) &&
	       fk_binding_at(ETH0, 1)->value[ZCRX_A_BINDING_MACVTAP_IFINDEX] == MVT0_AGAIN,
	       "a reload binds it to the new mvt0");
	run_stop(&r);
}

/* The same for a runtime binding: it is forgotten, state file included. */
static void test_macvtap_replaced_runtime(struct tap *t)
{
	struct run r;

	run_start(&r, "{}");
	tap_ok(t, runtime_bind(&r, "mvt1", 2, false) > 0, "runtime binding on mvt1 (ifindex 4)");
	fk_link_del(MVT1);
	run_loop(&r);
	tap_is_int(t, saved_count(&r), 1, "macvtap-gone: still saved, waiting for its device");
	fk_link_add(MVT0_AGAIN, "mvt1", ETH0);
	after_overrun(&r);
	tap_ok(t, !fk_binding_at(ETH0, 2), "the new mvt1 (ifindex 9) does not inherit queue 2");
	tap_is_int(t, saved_count(&r), 0, "the runtime binding is forgotten");
	run_stop(&r);
}

/* A macvtap that comes back as itself (same ifindex, same NIC) is bound again. */
static void test_macvtap_back(struct tap *t)
{
	struct run r;

	run_start(&r, "{}");
	runtime_bind(&r, "mvt1", 2, false);
	fk_link_del(MVT1);
	run_loop(&r);
	fk_link_add(MVT1, "mvt1", ETH0);
	after_overrun(&r);
	tap_ok(t, fk_binding_at(ETH0, 2) != NULL, "mvt1 back with its ifindex: bound again");
	tap_is_int(t, saved_count(&r), 1, "and still saved");
	run_stop(&r);
}

static int pod_bind(struct run *r, const char *netns, const char *macvtap, uint32_t queue,
		    struct zcrxd_error *error)
{
	struct zcrxd_bind_request req = { .queue = queue, .persist = true };
	struct zcrxd_binding *b;
	int ret;

	snprintf(req.nic, sizeof(req.nic), "eth0");
	snprintf(req.macvtap, sizeof(req.macvtap), "%s", macvtap);
	snprintf(req.netns, sizeof(req.netns), "%s", netns);
	*error = (struct zcrxd_error){ 0 };
	ret = zcrxd_bindings_bind(r->table, &req, "the test", &b, error);
	run_loop(r);
	return ret < 0 ? ret : (int)b->id;
}

/*
 * A macvtap of the pod whose ifindex is the host's mvt2's: the table
 * tells them apart by namespace (names, holders, deletion), and the state
 * file keeps the namespace's name.
 */
static void test_pod_macvtap(struct tap *t)
{
	struct zcrx_config_binding *saved = NULL;
	struct zcrxd_binding *pb;
	struct zcrxd_error error;
	unsigned int binds;
	char *load_error = NULL;
	size_t n = 0;
	int pod_id, host_id;
	struct run r;

	run_start(&r, "{}");
	fk_pod_link_add(MVT2, "pmvt", true, ETH0, HOST_SELF_NSID);
	fk_pod_link_add(20, "pveth", false, 0, -1);
	fk_pod_link_add(21, "pown", true, 20, -1);
	pod_id = pod_bind(&r, "pod", "pmvt", 3, &error);
	tap_ok(t, pod_id > 0, "pod: pmvt (pod ifindex %d, the host mvt2's) bound", MVT2);
	pb = pod_id > 0 ? zcrxd_bindings_find(r.table, pod_id) : NULL;
	tap_ok(t, pb && !strcmp(pb->props.macvtap, "pmvt") &&
	       !strcmp(pb->props.macvtap_netns, "pod") && pb->props.macvtap_netnsid == POD_NSID,
	       "pod: Macvtap pmvt (not the host's mvt2), MacvtapNetns pod, MacvtapNetnsId %d",
	       POD_NSID);
	tap_ok(t, zcrx_state_load(r.state_dir, &saved, &n, &load_error) == 0 && n == 1 &&
	       !strcmp(saved[0].netns, "pod") && !strcmp(saved[0].macvtap, "pmvt"),
	       "pod: saved with its namespace's name");
	free(saved);
	free(load_error);
	host_id = runtime_bind(&r, "mvt2", 2, false);
	tap_ok(t, host_id > 0, "pod: the host's mvt2 (same ifindex) binds: not held by the pod's");
	tap_ok(t, pod_bind(&r, "pod", "pmvt", 3, &error) == pod_id,
	       "pod: the same request again returns the same binding");

	binds = fk.bind_calls;
	tap_is_int(t, pod_bind(&r, "nosuch", "pmvt", 4, &error), -EINVAL,
		   "pod: an unknown namespace refused");
	tap_ok(t, error.kind == ZCRXD_ERROR_INVALID_ARGS &&
	       strstr(error.message, "netns: cannot open /run/netns/nosuch"), "  InvalidArgs: %s",
	       error.message);
	tap_ok(t, pod_bind(&r, "pod", "none", 4, &error) < 0 &&
	       error.kind == ZCRXD_ERROR_NO_SUCH_DEVICE &&
	       strstr(error.message, "no network device named \"none\" in network namespace pod"),
	       "pod: a macvtap not there: NoSuchDevice, %s", error.message);
	tap_ok(t, pod_bind(&r, "pod", "pveth", 4, &error) < 0 &&
	       error.kind == ZCRXD_ERROR_INVALID_ARGS && strstr(error.message, "not a macvtap"),
	       "pod: not a macvtap: InvalidArgs, %s", error.message);
	tap_ok(t, pod_bind(&r, "pod", "pown", 4, &error) < 0 &&
	       error.kind == ZCRXD_ERROR_INVALID_ARGS && strstr(error.message, "not stacked on"),
	       "pod: on the pod's own device: InvalidArgs, %s", error.message);
	tap_is_int(t, fk.bind_calls, binds, "pod: no bind request for the refusals");

	fk_link_del(MVT2);
	run_loop(&r);
	tap_ok(t, !zcrxd_bindings_find(r.table, host_id) &&
	       zcrxd_bindings_find(r.table, pod_id) && fk_binding(pod_id),
	       "pod: the host's mvt2 deleted ends its binding, not the pod's");
	tap_ok(t, (pb = zcrxd_bindings_find(r.table, pod_id)) && !strcmp(pb->props.macvtap, "pmvt"),
	       "pod: still named pmvt");
	run_stop(&r);
}

/* A corrupt state file is moved aside, not overwritten by the next save. */
static void test_state_corrupt(struct tap *t)
{
	char entries[512], *corrupt;
	struct run r;

	run_start_with_state(&r, "{}", "{ \"bindings\": [ { \"nic\": ");
	state_dir_entries(&r, entries, sizeof(entries));
	corrupt = strstr(entries, "bindings.json.corrupt-");
	tap_ok(t, corrupt && !strstr(entries, "bindings.json,"),
	       "corrupt state file moved aside at start");
	tap_ok(t, runtime_bind(&r, "mvt1", 2, false) > 0, "a runtime binding saved after it");
	state_dir_entries(&r, entries, sizeof(entries));
	tap_ok(t, !strncmp(entries, "bindings.json,bindings.json.corrupt-", 36),
	       "a new state file beside the corrupt one");
	printf("#   %s\n", entries);
	run_stop(&r);
}

/* A newer zcrxd's state file is neither read nor overwritten. */
static void test_state_newer(struct tap *t)
{
	static const char newer[] = "{ \"version\": 3, \"bindings\": [], \"owners\": {} }\n";
	char path[128], text[128] = "";
	struct run r;
	FILE *f;

	run_start_with_state(&r, "{}", newer);
	tap_is_int(t, runtime_bind(&r, "mvt1", 2, false), -EIO,
		   "Bind with persist refused while a newer state file is there");
	tap_ok(t, !fk_binding_at(ETH0, 2), "and nothing bound");
	snprintf(path, sizeof(path), "%s/%s", r.state_dir, ZCRX_STATE_FILE);
	f = fopen(path, "r");
	if (f) {
		(void)!fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	tap_ok(t, !strcmp(text, newer), "the newer state file is left as it was");
	run_stop(&r);
}

/*
 * The journal's view of a binding's life: made (in the fallback, as the
 * kernel makes them: not news), out of the fallback and back, ended on
 * request and by the kernel, each with the binding's id, devices, owner
 * and (ended) reason.
 */
static void test_log_events(struct tap *t)
{
	struct zcrxd_error error;
	struct zcrx_binding_info *info;
	char want[512];
	struct run r;
	int owned, plain;

	run_start(&r, "{}");
	logged_events[0] = '\0';
	owned = runtime_bind_owned(&r, "mvt0", 1, false, "vm-a");
	plain = runtime_bind(&r, "mvt1", 2, false);
	info = fk_binding(owned);
	if (!info)
		abort();
	fk_event(ZCRX_CMD_FALLBACK_CLEARED_NTF, 0, info);
	run_loop(&r);
	fk_event(ZCRX_CMD_FALLBACK_ENGAGED_NTF, 0, info);
	run_loop(&r);
	fk_event(ZCRX_CMD_FALLBACK_ENGAGED_NTF, 0, info);	/* no change: not logged */
	run_loop(&r);
	zcrxd_bindings_unbind(r.table, zcrxd_bindings_find(r.table, owned), "the test", &error);
	run_loop(&r);
	fk_link_del(MVT1);
	run_loop(&r);
	snprintf(want, sizeof(want),
		 "made:%d:eth0:1:mvt0:vm-a:-;made:%d:eth0:2:mvt1:-:-;"
		 "left:%d:eth0:1:mvt0:vm-a:-;entered:%d:eth0:1:mvt0:vm-a:-;"
		 "ended:%d:eth0:1:mvt0:vm-a:request;ended:%d:eth0:2:mvt1:-:macvtap-gone;",
		 owned, plain, owned, owned, owned, plain);
	tap_ok(t, !strcmp(logged_events, want),
	       "journal events: made, fallback left/entered, ended (request, macvtap-gone)");
	if (strcmp(logged_events, want))
		printf("#   got  %s\n#   want %s\n", logged_events, want);
	run_stop(&r);
}

int main(void)
{
	struct tap t = { 0 };

	test_receive_buffers(&t);
	test_overrun_request_lost(&t);
	test_overrun_vhost_gone_lost(&t);
	test_overrun_macvtap_gone_lost(&t);
	test_overrun_partial(&t);
	test_overrun_owned_reasons(&t);
	test_macvtap_replaced_declared(&t);
	test_macvtap_replaced_runtime(&t);
	test_macvtap_back(&t);
	test_pod_macvtap(&t);
	test_state_corrupt(&t);
	test_state_newer(&t);
	test_log_events(&t);
	return tap_done(&t);
}
