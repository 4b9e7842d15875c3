// SPDX-License-Identifier: GPL-2.0-only
/*
 * tapframe: send test frames from a NIC port, check them at a tap device.
 *
 *   tapframe send IFNAME DST-MAC LEN COUNT SEED [FIRST]
 *	sends COUNT frames of LEN bytes through an AF_PACKET socket,
 *	numbered from FIRST (default 0)
 *   tapframe expect /dev/tapN|IFNAME LEN COUNT SEED TIMEOUT-MS [READY-FILE]
 *	reads COUNT frames from the tap device (or the NIC IFNAME, through
 *	a packet socket) and checks each one's
 *	length, sequence number and every payload byte;
 *	creates READY-FILE once the device is open (a macvtap drops
 *	frames while nobody has it open)
 *   tapframe serve CONTROL-SOCKET VM-SOCKET SELF-SOCKET
 *	runs outside the test VM and feeds QEMU's `-netdev dgram` backend
 *	(unix datagrams at VM-SOCKET, ours bound at SELF-SOCKET): listens
 *	on the stream socket CONTROL-SOCKET, which QEMU connects to a
 *	serial port of the VM, for lines "send DST-MAC LEN COUNT SEED
 *	FIRST [FLOWS [RATE]]"; sends those frames (RATE > 0: at RATE frames
 *	a second, else as fast as the backend takes them) and answers "sent
 *	COUNT" (or "error TEXT").  The VM's CPUs then spend nothing on producing
 *	traffic.  The answer adds the host's CPU time over the sending, in
 *	clock ticks: "sent COUNT host-ticks vcpu=V vmm=M sender=S hz=HZ",
 *	V for QEMU's vCPU threads (named "CPU n/..." with debug-threads=on),
 *	M for its other threads (the device model's main loop among them),
 *	S for this sender.
 *   tapframe serve-link CONTROL-SOCKET IFNAME
 *	the same, sending through an AF_PACKET socket on IFNAME (the host
 *	end of QEMU's `-netdev tap` backend)
 *
 * Frame i of a run: destination, the sender's MAC, EtherType 0x88b5
 * (IEEE local experimental), a 4-byte big-endian sequence number, then
 * payload bytes from a generator seeded with SEED and i.  Any lost,
 * reordered, truncated or corrupted byte is reported with its offset.
 * With FLOWS > 0 (serve only), the frame is IPv4 instead: a 20-byte header
 * (protocol 253, for experiments; source 10.99.0.0 plus i % FLOWS) comes
 * before the sequence number, so that a NIC's RSS hashes it and spreads
 * the FLOWS sources over its queues.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/ip.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/times.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ETH_P_ZCRX_TEST 0x88b5
#define HDR_LEN (ETH_HLEN + 4)
#define IP_HDR_LEN ((int)sizeof(struct iphdr))
#define IPPROTO_TEST 253
#define MAX_FRAME 65536

static uint8_t payload_byte(uint32_t seed, uint32_t seq, size_t off)
{
	uint32_t x = seed * 2654435761u ^ seq * 40503u ^ (uint32_t)off * 2246822519u;

	x ^= x >> 15;
	x *= 2654435761u;
	return x >> 24;
}

/* An IPv4 header from 10.99.0.0 + FLOW to 10.99.255.254, checksummed. */
static void build_ip_header(struct iphdr *ip, size_t ip_len, uint32_t seq,
			    uint32_t flow)
{
	const uint8_t *word = (const uint8_t *)ip;
	uint32_t sum = 0;

	*ip = (struct iphdr) {
		.version = 4,
		.ihl = IP_HDR_LEN / 4,
		.tot_len = htons(ip_len),
		.id = htons(seq),
		.frag_off = htons(IP_DF),
		.ttl = 64,
		.protocol = IPPROTO_TEST,
		.saddr = htonl(0x0a630000 | (flow & 0xffff)),
		.daddr = htonl(0x0a63fffe),
	};
	for (int i = 0; i < IP_HDR_LEN; i += 2)
		sum += word[i] << 8 | word[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	ip->check = htons(~((sum & 0xffff) + (sum >> 16)) & 0xffff);
}

/* Frame SEQ of a run; FLOWS > 0 makes it IPv4 (see the top of the file). */
static void build_frame(uint8_t *buf, size_t len, const uint8_t *dst,
			const uint8_t *src, uint32_t seed, uint32_t seq,
			uint32_t flows)
{
	uint16_t proto = htons(flows ? ETH_P_IP : ETH_P_ZCRX_TEST);
	size_t test_off = flows ? IP_HDR_LEN : 0;
	uint32_t seq_be = htonl(seq);

	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	memcpy(buf + 2 * ETH_ALEN, &proto, 2);
	if (flows)
		build_ip_header((struct iphdr *)(buf + ETH_HLEN),
				len - ETH_HLEN, seq, seq % flows);
	memcpy(buf + ETH_HLEN + test_off, &seq_be, 4);
	for (size_t off = HDR_LEN + test_off; off < len; off++)
		buf[off] = payload_byte(seed, seq, off);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != ETH_ALEN)
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	unsigned long len, count, seed, first = 0;
	uint8_t dst[ETH_ALEN], frame[MAX_FRAME];
	struct sockaddr_ll addr = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int fd, r = 1;

	if (parse_mac(argv[1], dst) < 0 ||
	    parse_uint(argv[2], HDR_LEN, MAX_FRAME, &len) < 0 ||
	    parse_uint(argv[3], 1, UINT32_MAX, &count) < 0 ||
	    parse_uint(argv[4], 0, UINT32_MAX, &seed) < 0 ||
	    (argc > 5 && parse_uint(argv[5], 0, UINT32_MAX - count, &first) < 0)) {
		fprintf(stderr, "tapframe send: bad argument\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ZCRX_TEST));
	if (fd < 0) {
		perror("tapframe send: socket");
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[0]);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		fprintf(stderr, "tapframe send: %s: %m\n", argv[0]);
		goto out;
	}
	addr.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "tapframe send: %s: %m\n", argv[0]);
		goto out;
	}
	for (uint32_t seq = first; seq < first + count; seq++) {
		build_frame(frame, len, dst, (uint8_t *)ifr.ifr_hwaddr.sa_data,
			    seed, seq, 0);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&addr,
			   sizeof(addr)) != (ssize_t)len) {
			fprintf(stderr, "tapframe send: frame %u: %m\n", seq);
			goto out;
		}
	}
	r = 0;
out:
	close(fd);
	return r;
}

/* ---- serve: traffic from outside the VM ---- */

/* The source MAC of frames from outside (locally administered). */
static const uint8_t outside_mac[ETH_ALEN] = { 0x02, 0x7a, 0x63, 0x72, 0x78, 0x01 };

/* Where served frames go: QEMU's dgram socket, or a link (AF_PACKET). */
struct frame_sink {
	int fd;
	struct sockaddr_storage to;
	socklen_t to_len;
};

static int unix_address(const char *path, struct sockaddr_un *addr)
{
	*addr = (struct sockaddr_un) { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	strcpy(addr->sun_path, path);
	return 0;
}

/*
 * Send one frame.  QEMU's dgram socket appears once it has started, and
 * its queue fills while the VM's NIC has no buffers: a blocking send is
 * the backpressure of a real link with flow control.  A tap device's
 * queue drops instead (ENOBUFS only when the packet socket's own buffer
 * is full): a short wait and a retry.
 */
static int send_outside(const struct frame_sink *sink, const uint8_t *frame,
			size_t len)
{
	for (int tries = 0;; tries++) {
		if (sendto(sink->fd, frame, len, 0,
			   (const struct sockaddr *)&sink->to,
			   sink->to_len) == (ssize_t)len)
			return 0;
		if ((errno != ENOENT && errno != ECONNREFUSED &&
		     errno != ENOBUFS) || tries == 1000)
			return -errno;
		usleep(errno == ENOBUFS ? 100 : 10000);
	}
}

/* CPU clock ticks of the VMM's threads, and of the sender itself. */
struct host_ticks {
	unsigned long long vcpu;
	unsigned long long vmm;
	unsigned long long sender;
};

/* utime + stime of one /proc/PID/task/TID/stat; its comm to COMM. */
static int thread_ticks(pid_t pid, const char *tid, char *comm, size_t size,
			unsigned long long *ticks)
{
	unsigned long long utime, stime;
	char path[sizeof("/proc//task//stat") + 2 * 12 + NAME_MAX];
	char buf[512], *open_paren, *close_paren;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The comm is in parentheses and may hold spaces: "CPU 0/TCG". */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	snprintf(comm, size, "%.*s", (int)(close_paren - open_paren - 1),
		 open_paren + 1);
	/* After the comm: state (field 3) ... utime (14) and stime (15). */
	if (sscanf(close_paren + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &utime, &stime) != 2)
		return -EINVAL;
	*ticks = utime + stime;
	return 0;
}

/* The VMM's threads now (a thread that ended meanwhile is not counted). */
static void read_host_ticks(pid_t vmm, struct host_ticks *t)
{
	struct dirent *de;
	struct tms self;
	char path[64], comm[64];
	unsigned long long ticks = 0;
	DIR *dir;

	*t = (struct host_ticks) { 0 };
	times(&self);
	t->sender = self.tms_utime + self.tms_stime;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)vmm);
	dir = vmm > 0 ? opendir(path) : NULL;
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' ||
		    thread_ticks(vmm, de->d_name, comm, sizeof(comm), &ticks) < 0)
			continue;
		if (!strncmp(comm, "CPU ", 4))
			t->vcpu += ticks;
		else
			t->vmm += ticks;
	}
	closedir(dir);
}

/* One control line; the answer goes back on the same connection. */
static void serve_line(FILE *ctl, const struct frame_sink *sink, pid_t vmm,
		       char *line)
{
	struct host_ticks before, after;
	static uint8_t frame[MAX_FRAME];
	unsigned long len, count, seed, first, flows = 0, rate = 0;
	struct timespec start, due;
	char *arg[8], *save = NULL;
	uint8_t dst[ETH_ALEN];
	int n = 0, r;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 8;
	     t = strtok_r(NULL, " \t\r\n", &save))
		arg[n++] = t;
	if (n < 6 || strcmp(arg[0], "send") || parse_mac(arg[1], dst) < 0 ||
	    (n >= 7 && parse_uint(arg[6], 0, 65536, &flows) < 0) ||
	    (n == 8 && parse_uint(arg[7], 0, 10000000, &rate) < 0) ||
	    parse_uint(arg[2], HDR_LEN + (flows ? IP_HDR_LEN : 0), MAX_FRAME,
		       &len) < 0 ||
	    parse_uint(arg[3], 1, UINT32_MAX, &count) < 0 ||
	    parse_uint(arg[4], 0, UINT32_MAX, &seed) < 0 ||
	    parse_uint(arg[5], 0, UINT32_MAX - count, &first) < 0) {
		fprintf(ctl, "error usage: send DST-MAC LEN COUNT SEED FIRST [FLOWS [RATE]]\n");
		return;
	}
	read_host_ticks(vmm, &before);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint32_t seq = first; seq < first + count; seq++) {
		/* Paced: every 16 frames, wait for the time they are due. */
		if (rate && !((seq - first) % 16)) {
			uint64_t ns = (uint64_t)(seq - first) * 1000000000 / rate +
				      start.tv_nsec;

			due.tv_sec = start.tv_sec + ns / 1000000000;
			due.tv_nsec = ns % 1000000000;
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					       &due, NULL) == EINTR)
				;
		}
		build_frame(frame, len, dst, outside_mac, seed, seq, flows);
		r = send_outside(sink, frame, len);
		if (r < 0) {
			fprintf(ctl, "error frame %u: %s\n", seq, strerror(-r));
			return;
		}
	}
	read_host_ticks(vmm, &after);
	fprintf(ctl, "sent %lu host-ticks vcpu=%llu vmm=%llu sender=%llu hz=%ld\n",
		count, after.vcpu - before.vcpu, after.vmm - before.vmm,
		after.sender - before.sender, sysconf(_SC_CLK_TCK));
}

/*
 * Listen on CONTROL-PATH (under a temporary name first: once the path
 * exists, QEMU's connect cannot be refused), take QEMU's one connection
 * and serve its lines until QEMU closes it (the VM is gone).
 */
static int serve_control(const char *control_path,
			 const struct frame_sink *sink)
{
	struct sockaddr_un control;
	char line[256], tmp_path[sizeof(control.sun_path) + 4];
	struct ucred peer = { .pid = 0 };
	socklen_t peer_len = sizeof(peer);
	int listener, conn, r = 1;
	FILE *ctl;

	snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", control_path);
	if (unix_address(tmp_path, &control) < 0) {
		fprintf(stderr, "tapframe serve: socket path too long\n");
		return 2;
	}
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0) {
		perror("tapframe serve: socket");
		return 1;
	}
	unlink(control_path);
	unlink(tmp_path);
	if (bind(listener, (struct sockaddr *)&control, sizeof(control)) < 0 ||
	    listen(listener, 1) < 0 || rename(tmp_path, control_path) < 0) {
		perror("tapframe serve: bind");
		goto out;
	}
	conn = accept(listener, NULL, NULL);
	if (conn < 0) {
		perror("tapframe serve: accept");
		goto out;
	}
	/* The VMM (QEMU) connected: whose threads' CPU time to report. */
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) < 0)
		peer.pid = 0;
	ctl = fdopen(conn, "r+");
	if (!ctl) {
		close(conn);
		perror("tapframe serve: fdopen");
		goto out;
	}
	setvbuf(ctl, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), ctl)) {
		serve_line(ctl, sink, peer.pid, line);
		fflush(ctl);
	}
	fclose(ctl);
	r = 0;
out:
	close(listener);
	unlink(control_path);
	return r;
}

static int cmd_serve(char **argv)
{
	struct frame_sink sink = { .to_len = sizeof(struct sockaddr_un) };
	struct sockaddr_un self;
	int r = 1;

	if (unix_address(argv[1], (struct sockaddr_un *)&sink.to) < 0 ||
	    unix_address(argv[2], &self) < 0) {
		fprintf(stderr, "tapframe serve: socket path too long\n");
		return 2;
	}
	sink.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sink.fd < 0) {
		perror("tapframe serve: socket");
		return 1;
	}
	unlink(argv[2]);
	if (bind(sink.fd, (struct sockaddr *)&self, sizeof(self)) < 0)
		perror("tapframe serve: bind");
	else
		r = serve_control(argv[0], &sink);
	close(sink.fd);
	unlink(argv[2]);
	return r;
}

static int cmd_serve_link(char **argv)
{
	struct frame_sink sink = { .to_len = sizeof(struct sockaddr_ll) };
	struct sockaddr_ll *to = (struct sockaddr_ll *)&sink.to;
	int r;

	to->sll_family = AF_PACKET;
	to->sll_ifindex = if_nametoindex(argv[1]);
	if (!to->sll_ifindex) {
		fprintf(stderr, "tapframe serve-link: %s: %m\n", argv[1]);
		return 1;
	}
	/* Protocol 0: this socket only sends. */
	sink.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sink.fd < 0) {
		perror("tapframe serve-link: socket");
		return 1;
	}
	r = serve_control(argv[0], &sink);
	close(sink.fd);
	return r;
}

/* Bytes of virtio-net header the tap device puts before each frame. */
static int tap_header_len(int fd)
{
	struct ifreq ifr = { 0 };
	int hdr_len;

	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return -errno;
	if (!(ifr.ifr_flags & IFF_VNET_HDR))
		return 0;
	if (ioctl(fd, TUNGETVNETHDRSZ, &hdr_len) < 0)
		return -errno;
	return hdr_len;
}

/*
 * Where expect reads: a tap device (a path; its virtio-net header, if
 * any, in *HDR_LEN) or, by name, a NIC through a packet socket for our
 * EtherType (no header).
 */
static int open_frame_source(const char *name, int *hdr_len)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ZCRX_TEST),
	};
	int fd, r;

	if (name[0] == '/') {
		fd = open(name, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		*hdr_len = tap_header_len(fd);
		if (*hdr_len < 0) {
			r = *hdr_len;
			close(fd);
			return r;
		}
		return fd;
	}
	addr.sll_ifindex = if_nametoindex(name);
	if (!addr.sll_ifindex)
		return -errno;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(ETH_P_ZCRX_TEST));
	if (fd < 0)
		return -errno;
	/*
	 * Room for a whole burst: a frame in a full-page buffer costs the
	 * socket over 4 KB, and the default 208 KB dropped 10 of 128 even
	 * with mergeable buffers.  FORCE passes rmem_max (we are root).
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 16 << 20 },
		       sizeof(int)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 16 << 20 },
			   sizeof(int));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*hdr_len = 0;
	return fd;
}

static int check_frame(const uint8_t *buf, size_t got, size_t len,
		       const uint8_t *expect)
{
	if (got != len) {
		printf("length %zu, want %zu\n", got, len);
		return -1;
	}
	for (size_t off = 0; off < len; off++) {
		if (buf[off] != expect[off]) {
			printf("byte %zu is 0x%02x, want 0x%02x\n", off,
			       buf[off], expect[off]);
			return -1;
		}
	}
	return 0;
}

static int cmd_expect(int argc, char **argv)
{
	static uint8_t buf[MAX_FRAME + 64], expect[MAX_FRAME];
	unsigned long len, count, seed, timeout_ms;
	int fd, hdr_len, r = 1;
	uint32_t seq;

	if (parse_uint(argv[1], HDR_LEN, MAX_FRAME, &len) < 0 ||
	    parse_uint(argv[2], 1, UINT32_MAX, &count) < 0 ||
	    parse_uint(argv[3], 0, UINT32_MAX, &seed) < 0 ||
	    parse_uint(argv[4], 1, 3600000, &timeout_ms) < 0) {
		fprintf(stderr, "tapframe expect: bad argument\n");
		return 2;
	}
	fd = open_frame_source(argv[0], &hdr_len);
	if (fd < 0) {
		fprintf(stderr, "tapframe expect: %s: %s\n", argv[0], strerror(-fd));
		return 1;
	}
	if (argc > 5) {
		int ready = open(argv[5], O_WRONLY | O_CREAT, 0644);

		if (ready < 0) {
			fprintf(stderr, "tapframe expect: %s: %m\n", argv[5]);
			goto out;
		}
		close(ready);
	}

	for (seq = 0; seq < count;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint32_t got_seq;
		ssize_t n;

		n = poll(&pfd, 1, timeout_ms);
		if (n <= 0) {
			printf("%u of %lu frames arrived before the timeout\n",
			       seq, count);
			goto out;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			/* A packet socket bound while its NIC was down says
			 * so once, at the first read.
			 */
			if (errno == EAGAIN || errno == ENETDOWN)
				continue;
			fprintf(stderr, "tapframe expect: read: %m\n");
			goto out;
		}
		/* Not ours (IPv6 neighbour discovery and the like): skip. */
		if (n < hdr_len + HDR_LEN ||
		    ntohs(*(uint16_t *)(buf + hdr_len + 2 * ETH_ALEN)) !=
			    ETH_P_ZCRX_TEST)
			continue;
		memcpy(&got_seq, buf + hdr_len + ETH_HLEN, 4);
		if (ntohl(got_seq) != seq) {
			printf("frame %u arrived where %u was expected\n",
			       ntohl(got_seq), seq);
			goto out;
		}
		build_frame(expect, len, buf + hdr_len, buf + hdr_len + ETH_ALEN,
			    seed, seq, 0);
		if (check_frame(buf + hdr_len, n - hdr_len, len, expect) < 0) {
			printf("frame %u is corrupt\n", seq);
			goto out;
		}
		seq++;
	}
	printf("%lu frames of %lu bytes intact\n", count, len);
	r = 0;
out:
	close(fd);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tapframe send IFNAME DST-MAC LEN COUNT SEED [FIRST]\n"
		"       tapframe expect /dev/tapN|IFNAME LEN COUNT SEED TIMEOUT-MS [READY-FILE]\n"
		"       tapframe serve CONTROL-SOCKET VM-SOCKET SELF-SOCKET\n"
		"       tapframe serve-link CONTROL-SOCKET IFNAME\n");
}

int main(int argc, char **argv)
{
	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "send"))
		return cmd_send(argc - 2, argv + 2);
	if ((argc == 7 || argc == 8) && !strcmp(argv[1], "expect"))
		return cmd_expect(argc - 2, argv + 2);
	if (argc == 5 && !strcmp(argv[1], "serve"))
		return cmd_serve(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "serve-link"))
		return cmd_serve_link(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
