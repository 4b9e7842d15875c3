// SPDX-License-Identifier: GPL-2.0-only
/*
 * vguest: a user-space virtio-net guest driving /dev/vhost-net as QEMU
 * does for a real guest, with a macvtap device as the backend.
 *
 *   vguest rx --tap /dev/tapN [options]      (see usage())
 *
 * One page-aligned mapping is the guest's memory: both split vrings
 * (RX 0, TX 1) and every RX buffer; a guest physical address is
 * GUEST_PHYS_BASE plus the offset into it.  vhost-net copies each frame
 * the macvtap receives, behind the 12-byte virtio_net_hdr_mrg_rxbuf,
 * into a posted buffer; the frame is checked as `tapframe expect` checks
 * it and the buffer is posted again.  --log-dirty turns on vhost's dirty
 * log, as migration does, and checks it covers every page vhost filled.
 * --disrupt changes the memory table or the backend mid-stream, as QEMU
 * does on memory hotplug or a VM stop/cont; --iommu puts an IOTLB (a
 * vIOMMU) between vhost and the guest's memory, addresses being IOVAs.
 * --hostile makes it a guest that breaks the rules (malformed buffers and
 * rings, memory changed under posted buffers): it then reports what came
 * back instead of insisting on every frame, for the test to judge.
 *
 * Exit status: 0 all frames intact, 1 failure, 2 usage error, 77 (with
 * --hostile) the kernel lacks what the misdeed needs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* vhost's VHOST_PAGE_SIZE: granularity of the memory table and dirty log. */
#define GUEST_PAGE_SIZE 4096u
/* GPA of the mapping's first byte, so that GPA 0 is never a valid buffer. */
#define GUEST_PHYS_BASE 0x100000ull

#define RX_QUEUE 0			/* TX is 1: set up, never used */
#define NUM_QUEUES 2

/* The frame format of tapframe.c. */
#define ETH_P_ZCRX_TEST 0x88b5
#define TEST_HDR_LEN (ETH_HLEN + 4)
/* tapframe's IPv4 flavour (for RSS): a 20-byte header, protocol 253. */
#define TEST_IP_HDR_LEN ((int)sizeof(struct iphdr))
#define TEST_IPPROTO 253
#define MAX_FRAME 65536

#define MAX_RING_SIZE 32768u		/* largest power of two vhost takes */
#define MAX_BUF_SIZE (16u << 20)
#define MAX_BUFFER_BYTES (1ull << 30)
#define MAX_TIMEOUT_MS 3600000u
/* Written over a buffer before it is reposted: stale data cannot pass. */
#define POISON_BYTE 0xa5

/* With VIRTIO_F_VERSION_1, vhost-net and the tap use this header. */
#define VNET_HDR_LEN sizeof(struct virtio_net_hdr_mrg_rxbuf)
_Static_assert(sizeof(struct virtio_net_hdr_mrg_rxbuf) == 12,
	       "virtio-net header of a VERSION_1 device is 12 bytes");

enum disruption {
	DISRUPT_NONE,
	DISRUPT_MEM_TABLE,		/* VHOST_SET_MEM_TABLE again, same layout */
	DISRUPT_BACKEND,		/* RX backend detached, then attached again */
};

/* --hostile: what the guest does wrong (hostile_names[] in the same order). */
enum hostile {
	HOSTILE_NONE,
	HOSTILE_UNALIGNED,		/* buffers 64 bytes past a page boundary */
	HOSTILE_SHORT,			/* 8-byte buffers, shorter than the header */
	HOSTILE_ZERO_LEN,		/* buffers of 0 bytes */
	HOSTILE_OUT_OF_RANGE,		/* GPAs past the end of the memory table */
	HOSTILE_OVERLAP,		/* each buffer overlaps the next by half */
	HOSTILE_SAME_PAGE,		/* every buffer is the same page */
	HOSTILE_LOOP,			/* chains 0->1->0, 2->3->2, ... */
	HOSTILE_INDIRECT,		/* each buffer behind a 1-entry indirect table */
	HOSTILE_INDIRECT_LOOP,		/* indirect tables whose chain loops */
	HOSTILE_INDIRECT_NESTED,	/* an indirect table naming an indirect table */
	HOSTILE_AVAIL_JUMP,		/* after N entries, avail->idx 1000 ahead */
	HOSTILE_REWRITE_DESC,		/* a thread flips posted descriptors' pages */
	HOSTILE_MPROTECT,		/* after N entries, buffers made read-only */
	HOSTILE_MUNMAP,			/* after N entries, buffers unmapped */
	HOSTILE_DONTNEED,		/* after N entries, MADV_DONTNEED on buffers */
	HOSTILE_REMAP,			/* after N entries, new memory mapped over them */
	HOSTILE_HDR_REWRITE,		/* a thread scribbles over the header room */
	HOSTILE_FRAME_REWRITE,		/* a thread rewrites the frames as they land */
	HOSTILE_FORK,			/* after N entries, a child writes its copy */
	HOSTILE_DUP_HEAD,		/* every avail entry names descriptor 0 */
};

static const char *const hostile_names[] = {
	[HOSTILE_UNALIGNED] = "unaligned",
	[HOSTILE_SHORT] = "short",
	[HOSTILE_ZERO_LEN] = "zero-len",
	[HOSTILE_OUT_OF_RANGE] = "out-of-range",
	[HOSTILE_OVERLAP] = "overlap",
	[HOSTILE_SAME_PAGE] = "same-page",
	[HOSTILE_LOOP] = "loop",
	[HOSTILE_INDIRECT] = "indirect",
	[HOSTILE_INDIRECT_LOOP] = "indirect-loop",
	[HOSTILE_INDIRECT_NESTED] = "indirect-nested",
	[HOSTILE_AVAIL_JUMP] = "avail-jump",
	[HOSTILE_REWRITE_DESC] = "rewrite-desc",
	[HOSTILE_MPROTECT] = "mprotect",
	[HOSTILE_MUNMAP] = "munmap",
	[HOSTILE_DONTNEED] = "dontneed",
	[HOSTILE_REMAP] = "remap",
	[HOSTILE_HDR_REWRITE] = "hdr-rewrite",
	[HOSTILE_FRAME_REWRITE] = "frame-rewrite",
	[HOSTILE_FORK] = "fork",
	[HOSTILE_DUP_HEAD] = "dup-head",
};

/* Offset of an unaligned buffer into its page. */
#define HOSTILE_MISALIGN 64u
/* How far --hostile avail-jump moves the avail index past the ring. */
#define HOSTILE_AVAIL_JUMP_BY 1000u
/* Indirect table entries per buffer (a loop needs two). */
#define HOSTILE_TABLE_ENTRIES 2u

struct options {
	const char *tap_path;
	const char *ready_path;
	unsigned int ring_size;
	unsigned int bufs;
	size_t buf_size;
	uint32_t count;
	uint32_t seed;
	size_t frame_len;
	unsigned int timeout_ms;
	bool log_dirty;
	uint32_t stall_after;		/* stop giving buffers back after this many frames */
	unsigned int stall_ms;		/* for this long */
	bool allow_loss;		/* frames may be missing, in order otherwise */
	unsigned int quiet_ms;		/* with allow_loss: this long without a frame ends it */
	bool spot_check;		/* benchmarks: a few payload bytes, no poisoning */
	bool pktgen;			/* frames from the kernel's pktgen, not tapframe */
	bool timing;			/* report time and CPU use, for benchmarks */
	enum disruption disrupt;	/* mid-stream, once, after disrupt_after frames */
	uint32_t disrupt_after;
	bool iommu;			/* VIRTIO_F_ACCESS_PLATFORM with an IOTLB */
	bool release_in_child;		/* the last vhost fd reference goes in a child */
	bool idle_queue;		/* a second tap queue, open and detached */
	uint32_t discard_after;		/* discard the buffers' pages after this many frames */
	bool rewritten;			/* the host rewrites one byte of each frame: */
	size_t rewritten_off;		/* at this frame offset */
	uint8_t rewritten_val;		/* to this value */
	enum hostile hostile;
	uint32_t hostile_after;		/* mid-stream misdeeds: after this many used entries */
};

struct virtqueue {
	unsigned int index;
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t used_gpa;		/* where vhost logs used-ring writes */
	uint16_t avail_idx;		/* our copy of avail->idx, ahead while unpublished */
	uint16_t last_used_idx;		/* next used entry to consume */
	uint64_t kicks;			/* writes to kick_fd after a publish */
	int kick_fd;
	int call_fd;
	int err_fd;
	bool backend_set;
};

struct guest {
	struct options opt;
	int vhost_fd;
	int tap_fd;
	int idle_queue_fd;		/* --idle-queue */
	uint8_t *mem;			/* the guest's memory */
	size_t mem_size;
	size_t bufs_offset;		/* offset of RX buffer 0 in mem */
	uint8_t *log;			/* dirty log: one bit per guest page */
	size_t log_size;
	struct virtqueue vq[NUM_QUEUES];
	bool mergeable;			/* VIRTIO_NET_F_MRG_RXBUF negotiated */
	bool *posted;			/* buffer i is the device's now */
	uint32_t *written;		/* most bytes vhost reported in buffer i */
	uint32_t continuations;		/* entries left of a skipped multi-buffer frame */
	uint32_t frames;		/* test frames verified */
	uint32_t next_seq;		/* sequence number expected next */
	uint32_t first_seq;		/* --pktgen: the first one it sent */
	uint32_t lost;			/* sequence numbers that never arrived */
	uint32_t lost_at_discard;	/* of them, before --discard-after */
	uint16_t *held;			/* buffers kept back while stalled */
	unsigned int nheld;
	int64_t stall_end;		/* 0: not stalled (yet), -1: stall over */
	int64_t first_us, last_us;	/* when the first and last frames came */
	int64_t batch_us;		/* when the used entries in hand were seen */
	uint32_t skipped;		/* frames of other EtherTypes */
	uint64_t used_entries;
	uint64_t empty;			/* buffers given back unused (len 0) */
	uint64_t recycled;
	bool disrupted;
	bool mismatch;			/* diag describes a check, not a system error */
	char diag[320];
	/* --hostile */
	size_t buf_stride;		/* bytes between buffers: two pages a buffer */
	size_t tables_offset;		/* indirect tables, HOSTILE_TABLE_ENTRIES each */
	bool vq_error;			/* vhost signalled the RX ring's error eventfd */
	bool misdeed_done;		/* the mid-stream misdeed happened */
	bool bufs_readonly;		/* buffers may be read, not written */
	bool bufs_gone;			/* buffers may not be touched at all */
	bool no_refill;			/* buffers are not given back any more */
	uint64_t used_bytes;		/* sum of the used entries' lengths */
	uint32_t frames_after;		/* frames verified after the misdeed */
	uint32_t stale;			/* used buffers the NIC wrote elsewhere */
	pthread_t thread;		/* rewrite-desc, hdr-rewrite, frame-rewrite */
	bool thread_running;
	bool stop_thread;		/* atomic */
};

/* Generator shared with tapframe.c: keep the two identical. */
static uint8_t payload_byte(uint32_t seed, uint32_t seq, size_t off)
{
	uint32_t x = seed * 2654435761u ^ seq * 40503u ^ (uint32_t)off * 2246822519u;

	x ^= x >> 15;
	x *= 2654435761u;
	return x >> 24;
}

/* ---- error recording: the first failure is kept, main() prints it ---- */

static void __attribute__((format(printf, 3, 0)))
vrecord(struct guest *g, bool mismatch, const char *fmt, va_list ap)
{
	if (g->diag[0])
		return;
	vsnprintf(g->diag, sizeof(g->diag), fmt, ap);
	g->mismatch = mismatch;
}

/* A system or setup failure: returns err. */
static int __attribute__((format(printf, 3, 4)))
fail(struct guest *g, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(g, false, fmt, ap);
	va_end(ap);
	return err;
}

/* The failed system call's errno, with what was being done. */
static int sys_fail(struct guest *g, const char *what)
{
	int err = -errno;

	return fail(g, err, "%s: %s", what, strerror(-err));
}

/* Data or ring state differed from what a correct device produces. */
static int __attribute__((format(printf, 2, 3)))
mismatch(struct guest *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(g, true, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* ---- argument parsing ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vguest rx --tap /dev/tapN [options]\n"
		"  Receive `tapframe send` frames through vhost-net with the macvtap\n"
		"  as backend and check each one as `tapframe expect` does.\n"
		"  --bufs N         RX buffers to post (default 256, at most --ring-size)\n"
		"  --buf-size B     bytes per buffer, a multiple of 4096 (default 4096)\n"
		"  --ring-size N    entries per vring, a power of two (default 256)\n"
		"  --count C        frames to receive (default 100)\n"
		"  --len L          bytes per frame, Ethernet header included (default 1000)\n"
		"  --seed S         payload seed, as given to tapframe send (default 0)\n"
		"  --timeout-ms T   give up after T ms without a frame (default 5000)\n"
		"  --stall-after N  after N frames keep every buffer back for\n"
		"  --stall-ms T     T ms, as a guest that stops refilling its ring\n"
		"  --allow-loss     frames may be missing (dropped on the way); the\n"
		"                   rest must arrive in order; ends at the last frame\n"
		"  --quiet-ms T     with --allow-loss, also end (successfully) after T ms\n"
		"                   without a frame once frames came: the last may be lost\n"
		"  --discard-after N  after N frames discard the RX buffers' memory\n"
		"                   (MADV_DONTNEED, as a balloon does) without a new\n"
		"                   memory table; needs --allow-loss: frames the NIC\n"
		"                   was writing into the old pages are lost, at most\n"
		"                   --bufs of them, the rest must arrive\n"
		"  --idle-queue     open a second queue on the tap and detach it, as\n"
		"                   QEMU leaves a multiqueue macvtap whose guest uses\n"
		"                   one queue pair (frames all come to ours)\n"
		"  --release-in-child  after the frames, let a forked child hold the\n"
		"                   last reference to /dev/vhost-net and exit: vhost\n"
		"                   must still return every RX buffer into our memory\n"
		"  --rewritten OFF=VAL  the host rewrites the byte at frame offset OFF\n"
		"                   to VAL (tc pedit): it must arrive rewritten\n"
		"  --pktgen         the frames come from the kernel's packet generator\n"
		"                   (IPv4/UDP with its header): check length and\n"
		"                   sequence only; implies --spot-check\n"
		"  --spot-check     for benchmarks: check the header, length, sequence and\n"
		"                   16 payload bytes (first, middle, last) of each frame,\n"
		"                   and do not poison buffers, so the guest is not the\n"
		"                   bottleneck (tests check every byte)\n"
		"  --timing         print the time from first to last frame and the\n"
		"                   CPU time of vhost's worker and of the guest\n"
		"  --ready FILE     create FILE once buffers are posted and the backend set\n"
		"  --log-dirty      enable vhost's dirty log and check it covers every\n"
		"                   filled buffer page\n"
		"  --disrupt mem-table|backend\n"
		"  --disrupt-after N  after N frames set the memory table again, or\n"
		"                   detach the RX backend and attach it again; vhost\n"
		"                   must have returned every buffer it took by then\n"
		"  --iommu          negotiate VIRTIO_F_ACCESS_PLATFORM and map the\n"
		"                   guest's memory through vhost's IOTLB, as a vIOMMU\n"
		"  --hostile NAME   break the rules: unaligned, short, zero-len,\n"
		"                   out-of-range, overlap, same-page, loop, indirect,\n"
		"                   indirect-loop, indirect-nested, dup-head (buffers\n"
		"                   and rings made so from the start),\n"
		"                   avail-jump, mprotect, munmap, dontneed, remap, fork\n"
		"                   (after --hostile-after used entries), rewrite-desc,\n"
		"                   hdr-rewrite, frame-rewrite (a thread, from the start);\n"
		"                   frames may be missing, those checked must be intact\n"
		"                   and in order; ends at the last frame, after\n"
		"                   --timeout-ms without one, or at a ring error, and\n"
		"                   prints a summary line; exit 0 unless a check failed,\n"
		"                   77 if the kernel lacks what the misdeed needs\n"
		"  --hostile-after N  used entries before the misdeed (default 50)\n");
}

/* A number within [min, max], nothing else; base as strtoull()'s 0, like tapframe. */
static int parse_number(const char *s, unsigned long long min,
			unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

enum {
	OPT_TAP = 1, OPT_BUFS, OPT_BUF_SIZE, OPT_RING_SIZE, OPT_COUNT, OPT_LEN,
	OPT_SEED, OPT_TIMEOUT, OPT_STALL_AFTER, OPT_STALL_MS, OPT_READY,
	OPT_LOG_DIRTY, OPT_ALLOW_LOSS, OPT_TIMING, OPT_DISRUPT,
	OPT_DISRUPT_AFTER, OPT_IOMMU, OPT_QUIET, OPT_SPOT_CHECK, OPT_PKTGEN, OPT_REWRITTEN,
	OPT_RELEASE_IN_CHILD, OPT_IDLE_QUEUE, OPT_DISCARD_AFTER, OPT_HOSTILE, OPT_HOSTILE_AFTER,
	OPT_HELP,
};

static const struct option rx_options[] = {
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "bufs", required_argument, NULL, OPT_BUFS },
	{ "buf-size", required_argument, NULL, OPT_BUF_SIZE },
	{ "ring-size", required_argument, NULL, OPT_RING_SIZE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "len", required_argument, NULL, OPT_LEN },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
	{ "ready", required_argument, NULL, OPT_READY },
	{ "stall-after", required_argument, NULL, OPT_STALL_AFTER },
	{ "stall-ms", required_argument, NULL, OPT_STALL_MS },
	{ "log-dirty", no_argument, NULL, OPT_LOG_DIRTY },
	{ "allow-loss", no_argument, NULL, OPT_ALLOW_LOSS },
	{ "timing", no_argument, NULL, OPT_TIMING },
	{ "disrupt", required_argument, NULL, OPT_DISRUPT },
	{ "disrupt-after", required_argument, NULL, OPT_DISRUPT_AFTER },
	{ "iommu", no_argument, NULL, OPT_IOMMU },
	{ "quiet-ms", required_argument, NULL, OPT_QUIET },
	{ "spot-check", no_argument, NULL, OPT_SPOT_CHECK },
	{ "pktgen", no_argument, NULL, OPT_PKTGEN },
	{ "rewritten", required_argument, NULL, OPT_REWRITTEN },
	{ "release-in-child", no_argument, NULL, OPT_RELEASE_IN_CHILD },
	{ "idle-queue", no_argument, NULL, OPT_IDLE_QUEUE },
	{ "discard-after", required_argument, NULL, OPT_DISCARD_AFTER },
	{ "hostile", required_argument, NULL, OPT_HOSTILE },
	{ "hostile-after", required_argument, NULL, OPT_HOSTILE_AFTER },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Bounds of the numeric options (--len must hold the test header). */
static const struct {
	const char *name;
	unsigned long long min, max;
} numeric_options[] = {
	[OPT_BUFS] = { "--bufs", 1, MAX_RING_SIZE },
	[OPT_BUF_SIZE] = { "--buf-size", 1, MAX_BUF_SIZE },
	[OPT_RING_SIZE] = { "--ring-size", 1, MAX_RING_SIZE },
	[OPT_COUNT] = { "--count", 1, UINT32_MAX },
	[OPT_LEN] = { "--len", TEST_HDR_LEN, MAX_FRAME },
	[OPT_SEED] = { "--seed", 0, UINT32_MAX },
	[OPT_TIMEOUT] = { "--timeout-ms", 1, MAX_TIMEOUT_MS },
	[OPT_STALL_AFTER] = { "--stall-after", 1, UINT32_MAX },
	[OPT_STALL_MS] = { "--stall-ms", 1, MAX_TIMEOUT_MS },
	[OPT_DISRUPT_AFTER] = { "--disrupt-after", 1, UINT32_MAX },
	[OPT_QUIET] = { "--quiet-ms", 1, MAX_TIMEOUT_MS },
	[OPT_DISCARD_AFTER] = { "--discard-after", 1, UINT32_MAX },
	[OPT_HOSTILE_AFTER] = { "--hostile-after", 1, UINT32_MAX },
};

static int parse_numeric_option(struct guest *g, int opt, const char *arg)
{
	const typeof(numeric_options[0]) *bounds = &numeric_options[opt];
	struct options *o = &g->opt;
	unsigned long long v;

	if (parse_number(arg, bounds->min, bounds->max, &v) < 0)
		return fail(g, -EINVAL, "%s '%s': want a number from %llu to %llu",
			    bounds->name, arg, bounds->min, bounds->max);
	switch (opt) {
	case OPT_BUFS:
		o->bufs = v;
		break;
	case OPT_BUF_SIZE:
		o->buf_size = v;
		break;
	case OPT_RING_SIZE:
		o->ring_size = v;
		break;
	case OPT_COUNT:
		o->count = v;
		break;
	case OPT_LEN:
		o->frame_len = v;
		break;
	case OPT_SEED:
		o->seed = v;
		break;
	case OPT_TIMEOUT:
		o->timeout_ms = v;
		break;
	case OPT_STALL_AFTER:
		o->stall_after = v;
		break;
	case OPT_STALL_MS:
		o->stall_ms = v;
		break;
	case OPT_DISRUPT_AFTER:
		o->disrupt_after = v;
		break;
	case OPT_QUIET:
		o->quiet_ms = v;
		break;
	case OPT_DISCARD_AFTER:
		o->discard_after = v;
		break;
	case OPT_HOSTILE_AFTER:
		o->hostile_after = v;
		break;
	}
	return 0;
}

static int check_options(struct guest *g, bool bufs_given)
{
	struct options *o = &g->opt;

	if (!o->tap_path)
		return fail(g, -EINVAL, "--tap is required");
	if (o->ring_size & (o->ring_size - 1))
		return fail(g, -EINVAL, "--ring-size %u is not a power of two",
			    o->ring_size);
	if (!bufs_given && o->bufs > o->ring_size)
		o->bufs = o->ring_size;
	if (o->bufs > o->ring_size)
		return fail(g, -EINVAL, "--bufs %u exceeds the ring size %u",
			    o->bufs, o->ring_size);
	/* Whole pages: buffers must stay page-aligned for zero-copy. */
	if (o->buf_size % GUEST_PAGE_SIZE)
		return fail(g, -EINVAL, "--buf-size %zu is not a multiple of %u",
			    o->buf_size, GUEST_PAGE_SIZE);
	if ((unsigned long long)o->bufs * o->buf_size > MAX_BUFFER_BYTES)
		return fail(g, -EINVAL, "--bufs x --buf-size exceeds %llu bytes",
			    MAX_BUFFER_BYTES);
	if (!o->stall_after != !o->stall_ms)
		return fail(g, -EINVAL, "--stall-after and --stall-ms go together");
	if (o->quiet_ms && !o->allow_loss)
		return fail(g, -EINVAL, "--quiet-ms needs --allow-loss");
	if (o->discard_after && !o->allow_loss)
		return fail(g, -EINVAL, "--discard-after needs --allow-loss");
	if (!o->disrupt != !o->disrupt_after)
		return fail(g, -EINVAL, "--disrupt and --disrupt-after go together");
	/* The dirty-log check reads GPAs, which an IOTLB would hide. */
	if (o->iommu && o->log_dirty)
		return fail(g, -EINVAL, "--iommu and --log-dirty do not go together");
	/* A hostile guest's buffers are laid out for one page each. */
	if (o->hostile && (o->buf_size != GUEST_PAGE_SIZE || o->disrupt ||
			   o->iommu || o->log_dirty || o->stall_after ||
			   o->release_in_child))
		return fail(g, -EINVAL, "--hostile takes no --buf-size, --disrupt, --iommu, --log-dirty, --stall-after or --release-in-child");
	/* Each frame must arrive in one buffer (num_buffers == 1). */
	if (o->frame_len + VNET_HDR_LEN > o->buf_size)
		return fail(g, -EINVAL,
			    "--len %zu plus the %zu-byte virtio-net header does not fit a %zu-byte buffer",
			    o->frame_len, VNET_HDR_LEN, o->buf_size);
	return 0;
}

/* --rewritten OFF=VAL: the payload byte at frame offset OFF must be VAL. */
static int parse_rewritten(struct guest *g, const char *arg)
{
	unsigned long long off, val;
	char off_text[32];
	const char *eq = strchr(arg, '=');

	if (!eq || (size_t)(eq - arg) >= sizeof(off_text))
		return fail(g, -EINVAL, "--rewritten %s: not OFFSET=VALUE", arg);
	memcpy(off_text, arg, eq - arg);
	off_text[eq - arg] = '\0';
	if (parse_number(off_text, TEST_HDR_LEN, MAX_FRAME - 1, &off) ||
	    parse_number(eq + 1, 0, UINT8_MAX, &val))
		return fail(g, -EINVAL, "--rewritten %s: offset %u..%u in the payload, value 0..255",
			    arg, TEST_HDR_LEN, MAX_FRAME - 1);
	g->opt.rewritten = true;
	g->opt.rewritten_off = off;
	g->opt.rewritten_val = val;
	return 0;
}

static int parse_hostile(struct guest *g, const char *arg)
{
	for (size_t i = 1; i < sizeof(hostile_names) / sizeof(hostile_names[0]); i++) {
		if (!strcmp(arg, hostile_names[i])) {
			g->opt.hostile = i;
			/* What comes back is reported, not insisted on. */
			g->opt.allow_loss = true;
			return 0;
		}
	}
	return fail(g, -EINVAL, "--hostile %s: not a misdeed vguest knows", arg);
}

/* Returns 0 to run, 1 for --help, -EINVAL on a usage error. */
static int parse_rx_args(struct guest *g, int argc, char **argv)
{
	struct options *o = &g->opt;
	bool bufs_given = false;
	int opt, r;

	*o = (struct options) {
		.ring_size = 256, .bufs = 256, .buf_size = GUEST_PAGE_SIZE,
		.count = 100, .frame_len = 1000, .timeout_ms = 5000,
		.hostile_after = 50,
	};
	opterr = 0;
	optind = 1;
	/* '+': options end at the first operand; ':': report missing values. */
	while ((opt = getopt_long(argc, argv, "+:", rx_options, NULL)) != -1) {
		switch (opt) {
		case OPT_TAP:
			o->tap_path = optarg;
			break;
		case OPT_READY:
			o->ready_path = optarg;
			break;
		case OPT_LOG_DIRTY:
			o->log_dirty = true;
			break;
		case OPT_ALLOW_LOSS:
			o->allow_loss = true;
			break;
		case OPT_TIMING:
			o->timing = true;
			break;
		case OPT_DISRUPT:
			if (!strcmp(optarg, "mem-table"))
				o->disrupt = DISRUPT_MEM_TABLE;
			else if (!strcmp(optarg, "backend"))
				o->disrupt = DISRUPT_BACKEND;
			else
				return fail(g, -EINVAL, "--disrupt %s: not mem-table or backend",
					    optarg);
			break;
		case OPT_IOMMU:
			o->iommu = true;
			break;
		case OPT_SPOT_CHECK:
			o->spot_check = true;
			break;
		case OPT_PKTGEN:
			o->pktgen = o->spot_check = true;
			break;
		case OPT_RELEASE_IN_CHILD:
			o->release_in_child = true;
			break;
		case OPT_IDLE_QUEUE:
			o->idle_queue = true;
			break;
		case OPT_REWRITTEN:
			r = parse_rewritten(g, optarg);
			if (r < 0)
				return r;
			break;
		case OPT_HOSTILE:
			r = parse_hostile(g, optarg);
			if (r < 0)
				return r;
			break;
		case OPT_HELP:
			return 1;
		case ':':
			return fail(g, -EINVAL, "%s needs a value", argv[optind - 1]);
		case '?':
			return fail(g, -EINVAL, "unknown option '%s'", argv[optind - 1]);
		default:
			r = parse_numeric_option(g, opt, optarg);
			if (r < 0)
				return r;
			bufs_given |= opt == OPT_BUFS;
			break;
		}
	}
	if (optind < argc)
		return fail(g, -EINVAL, "unexpected argument '%s'", argv[optind]);
	return check_options(g, bufs_given);
}

/* ---- guest memory layout ---- */

static size_t page_round_up(size_t bytes)
{
	return (bytes + GUEST_PAGE_SIZE - 1) & ~(size_t)(GUEST_PAGE_SIZE - 1);
}

static uint64_t gpa_of(size_t offset)
{
	return GUEST_PHYS_BASE + offset;
}

static size_t buf_offset(const struct guest *g, unsigned int id)
{
	return g->bufs_offset + (size_t)id * g->buf_stride;
}

/*
 * Per ring: descriptor table, avail ring and used ring, each on pages of
 * its own (the split-ring sizes of the virtio spec); the RX buffers after
 * both rings.  Pages written by vhost are then either a used ring or a
 * buffer, which keeps the dirty-log check exact.
 */
static int map_guest_memory(struct guest *g)
{
	unsigned int num = g->opt.ring_size;
	size_t offset = 0, offsets[NUM_QUEUES][3];

	for (int q = 0; q < NUM_QUEUES; q++) {
		offsets[q][0] = offset;
		offset += page_round_up(sizeof(struct vring_desc) * num);
		offsets[q][1] = offset;
		offset += page_round_up(sizeof(struct vring_avail) +
					sizeof(__virtio16) * (num + 1));
		offsets[q][2] = offset;
		offset += page_round_up(sizeof(struct vring_used) +
					sizeof(struct vring_used_elem) * num +
					sizeof(__virtio16));
	}
	g->bufs_offset = offset;
	/*
	 * A hostile guest's buffer has a second page: where an unaligned
	 * buffer runs on to, or a rewritten descriptor points instead.
	 */
	g->buf_stride = g->opt.buf_size * (g->opt.hostile ? 2 : 1);
	offset += (size_t)g->opt.bufs * g->buf_stride;
	g->tables_offset = offset;
	if (g->opt.hostile)
		offset += page_round_up(sizeof(struct vring_desc) *
					HOSTILE_TABLE_ENTRIES * g->opt.bufs);
	g->mem_size = offset;

	g->mem = mmap(NULL, g->mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return sys_fail(g, "mmap guest memory");
	}
	for (int q = 0; q < NUM_QUEUES; q++) {
		struct virtqueue *vq = &g->vq[q];

		vq->index = q;
		vq->num = num;
		vq->desc = (struct vring_desc *)(g->mem + offsets[q][0]);
		vq->avail = (struct vring_avail *)(g->mem + offsets[q][1]);
		vq->used = (struct vring_used *)(g->mem + offsets[q][2]);
		vq->used_gpa = gpa_of(offsets[q][2]);
	}
	/* Poisoned: a page vhost wrote is told from one it did not. */
	if (g->opt.hostile)
		memset(g->mem + g->bufs_offset, POISON_BYTE,
		       g->tables_offset - g->bufs_offset);

	g->posted = calloc(g->opt.bufs, sizeof(*g->posted));
	g->written = calloc(g->opt.bufs, sizeof(*g->written));
	g->held = calloc(g->opt.bufs, sizeof(*g->held));
	if (!g->posted || !g->written || !g->held)
		return fail(g, -ENOMEM, "out of memory");
	return 0;
}

/* One bit per guest page from GPA 0 to the end of memory, as QEMU sizes it. */
static int map_dirty_log(struct guest *g)
{
	uint64_t pages = (gpa_of(g->mem_size) + GUEST_PAGE_SIZE - 1) / GUEST_PAGE_SIZE;

	/* QEMU's log is an array of u64; vhost sets bits in whole words. */
	g->log_size = page_round_up((pages + 63) / 64 * 8);
	g->log = mmap(NULL, g->log_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g->log == MAP_FAILED) {
		g->log = NULL;
		return sys_fail(g, "mmap dirty log");
	}
	return 0;
}

static bool page_is_dirty(const struct guest *g, uint64_t gpa)
{
	uint64_t page = gpa / GUEST_PAGE_SIZE;

	return g->log[page / 8] & (1u << (page % 8));
}

/* ---- vhost setup ---- */

static int vhost_ioctl(struct guest *g, unsigned long request, const char *name,
		       int ring, void *arg)
{
	if (ioctl(g->vhost_fd, request, arg) >= 0)
		return 0;
	if (ring < 0)
		return sys_fail(g, name);
	return fail(g, -errno, "%s on ring %d: %s", name, ring, strerror(errno));
}

#define VHOST_IOCTL(g, request, ring, arg) \
	vhost_ioctl(g, request, #request, ring, arg)

static int negotiate_features(struct guest *g)
{
	uint64_t offered, acked;
	int r;

	r = VHOST_IOCTL(g, VHOST_GET_FEATURES, -1, &offered);
	if (r < 0)
		return r;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		return fail(g, -EOPNOTSUPP, "vhost-net does not offer VIRTIO_F_VERSION_1");
	if (g->opt.log_dirty && !(offered & (1ull << VHOST_F_LOG_ALL)))
		return fail(g, -EOPNOTSUPP, "vhost-net does not offer VHOST_F_LOG_ALL");
	if (g->opt.iommu && !(offered & (1ull << VIRTIO_F_ACCESS_PLATFORM)))
		return fail(g, -EOPNOTSUPP, "vhost-net does not offer VIRTIO_F_ACCESS_PLATFORM");

	/*
	 * Not VHOST_NET_F_VIRTIO_NET_HDR: the tap supplies the header, as
	 * with QEMU.  No EVENT_IDX: every used batch interrupts.
	 */
	acked = 1ull << VIRTIO_F_VERSION_1;
	acked |= offered & (1ull << VIRTIO_NET_F_MRG_RXBUF);
	if (g->opt.log_dirty)
		acked |= 1ull << VHOST_F_LOG_ALL;
	if (g->opt.iommu)
		acked |= 1ull << VIRTIO_F_ACCESS_PLATFORM;
	/* A hostile guest says it uses indirect tables, as a real one would. */
	if (g->opt.hostile)
		acked |= offered & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	g->mergeable = acked & (1ull << VIRTIO_NET_F_MRG_RXBUF);
	return VHOST_IOCTL(g, VHOST_SET_FEATURES, -1, &acked);
}

static int set_mem_table(struct guest *g)
{
	struct vhost_memory *table;
	int r;

	table = calloc(1, sizeof(*table) + sizeof(table->regions[0]));
	if (!table)
		return fail(g, -ENOMEM, "out of memory");
	table->nregions = 1;
	table->regions[0] = (struct vhost_memory_region) {
		.guest_phys_addr = GUEST_PHYS_BASE,
		.memory_size = g->mem_size,
		.userspace_addr = (uintptr_t)g->mem,
	};
	r = VHOST_IOCTL(g, VHOST_SET_MEM_TABLE, -1, table);
	free(table);
	return r;
}

/* With an IOTLB, vhost takes ring addresses as IOVAs, as QEMU passes them. */
static uint64_t ring_addr(const struct guest *g, const void *ring)
{
	if (g->opt.iommu)
		return gpa_of((const uint8_t *)ring - g->mem);
	return (uintptr_t)ring;
}

/*
 * The vIOMMU maps all guest memory at IOVA == GPA up front, so vhost
 * never misses in its IOTLB; its refusal of zero-copy is what is tested.
 */
static int map_iotlb(struct guest *g)
{
	uint64_t backend_features = 1ull << VHOST_BACKEND_F_IOTLB_MSG_V2;
	struct vhost_msg_v2 msg = {
		.type = VHOST_IOTLB_MSG_V2,
		.iotlb = {
			.iova = GUEST_PHYS_BASE,
			.size = g->mem_size,
			.uaddr = (uintptr_t)g->mem,
			.perm = VHOST_ACCESS_RW,
			.type = VHOST_IOTLB_UPDATE,
		},
	};
	int r;

	r = VHOST_IOCTL(g, VHOST_SET_BACKEND_FEATURES, -1, &backend_features);
	if (r < 0)
		return r;
	if (write(g->vhost_fd, &msg, sizeof(msg)) != sizeof(msg))
		return sys_fail(g, "IOTLB update");
	return 0;
}

static int setup_vring(struct guest *g, struct virtqueue *vq)
{
	struct vhost_vring_state num = { .index = vq->index, .num = vq->num };
	struct vhost_vring_state base = { .index = vq->index, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = vq->index,
		.desc_user_addr = ring_addr(g, vq->desc),
		.avail_user_addr = ring_addr(g, vq->avail),
		.used_user_addr = ring_addr(g, vq->used),
	};
	struct vhost_vring_file file = { .index = vq->index };
	int r;

	/* Used-ring writes are logged too: migration needs them. */
	if (g->opt.log_dirty) {
		addr.flags = 1u << VHOST_VRING_F_LOG;
		addr.log_guest_addr = vq->used_gpa;
	}
	r = VHOST_IOCTL(g, VHOST_SET_VRING_NUM, vq->index, &num);
	if (r < 0)
		return r;
	r = VHOST_IOCTL(g, VHOST_SET_VRING_BASE, vq->index, &base);
	if (r < 0)
		return r;
	r = VHOST_IOCTL(g, VHOST_SET_VRING_ADDR, vq->index, &addr);
	if (r < 0)
		return r;

	vq->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->err_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vq->kick_fd < 0 || vq->call_fd < 0 || vq->err_fd < 0)
		return sys_fail(g, "eventfd");
	file.fd = vq->kick_fd;
	r = VHOST_IOCTL(g, VHOST_SET_VRING_KICK, vq->index, &file);
	if (r < 0)
		return r;
	file.fd = vq->call_fd;
	r = VHOST_IOCTL(g, VHOST_SET_VRING_CALL, vq->index, &file);
	if (r < 0)
		return r;
	/* QEMU wires this too: vhost signals it on a ring error (vq_err). */
	file.fd = vq->err_fd;
	return VHOST_IOCTL(g, VHOST_SET_VRING_ERR, vq->index, &file);
}

/* QEMU's order: owner, features, memory table, vrings, log base. */
static int setup_vhost(struct guest *g)
{
	uint64_t log_base = (uintptr_t)g->log;
	int r;

	g->vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (g->vhost_fd < 0)
		return sys_fail(g, "/dev/vhost-net");
	r = VHOST_IOCTL(g, VHOST_SET_OWNER, -1, NULL);
	if (r < 0)
		return r;
	r = negotiate_features(g);
	if (r < 0)
		return r;
	r = set_mem_table(g);
	if (r < 0)
		return r;
	if (g->opt.iommu) {
		r = map_iotlb(g);
		if (r < 0)
			return r;
	}
	for (int q = 0; q < NUM_QUEUES; q++) {
		r = setup_vring(g, &g->vq[q]);
		if (r < 0)
			return r;
	}
	if (!g->opt.log_dirty)
		return 0;
	return VHOST_IOCTL(g, VHOST_SET_LOG_BASE, -1, &log_base);
}

/*
 * --idle-queue: a second queue, detached so that the tap sends it nothing;
 * the macvtap is multiqueue all the same.
 */
static int open_idle_queue(struct guest *g)
{
	const char *path = g->opt.tap_path;
	struct ifreq ifr = { .ifr_flags = IFF_DETACH_QUEUE };

	g->idle_queue_fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->idle_queue_fd < 0)
		return fail(g, -errno, "%s: second queue: %s", path, strerror(errno));
	if (ioctl(g->idle_queue_fd, TUNSETQUEUE, &ifr) < 0)
		return fail(g, -errno, "%s: TUNSETQUEUE IFF_DETACH_QUEUE: %s", path,
			    strerror(errno));
	return 0;
}

/*
 * The tap writes the virtio-net header; it must be the 12 bytes vhost
 * expects (macvtap starts at 10), and without guest offloads negotiated
 * QEMU clears the tap's offloads so GSO frames are segmented first.
 */
static int open_tap(struct guest *g)
{
	const char *path = g->opt.tap_path;
	int hdr_len = VNET_HDR_LEN;
	struct ifreq ifr = { 0 };

	g->tap_fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->tap_fd < 0)
		return fail(g, -errno, "%s: %s", path, strerror(errno));
	if (ioctl(g->tap_fd, TUNGETIFF, &ifr) < 0)
		return fail(g, -errno, "%s: TUNGETIFF: %s", path, strerror(errno));
	if (!(ifr.ifr_flags & IFF_VNET_HDR))
		return fail(g, -EINVAL, "%s: IFF_VNET_HDR is off", path);
	if (ioctl(g->tap_fd, TUNSETVNETHDRSZ, &hdr_len) < 0)
		return fail(g, -errno, "%s: TUNSETVNETHDRSZ: %s", path, strerror(errno));
	if (ioctl(g->tap_fd, TUNSETOFFLOAD, 0ul) < 0)
		return fail(g, -errno, "%s: TUNSETOFFLOAD: %s", path, strerror(errno));
	return g->opt.idle_queue ? open_idle_queue(g) : 0;
}

static int set_backend(struct guest *g, struct virtqueue *vq, int fd)
{
	struct vhost_vring_file backend = { .index = vq->index, .fd = fd };
	int r;

	r = VHOST_IOCTL(g, VHOST_NET_SET_BACKEND, vq->index, &backend);
	if (!r)
		vq->backend_set = fd >= 0;
	return r;
}

/* ---- ring operations (driver side of a split ring) ---- */

static void set_desc(struct vring_desc *desc, uint64_t gpa, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	desc->addr = htole64(gpa);
	desc->len = htole32(len);
	desc->flags = htole16(flags);
	desc->next = htole16(next);
}

/* Buffer id's indirect table, for --hostile indirect*. */
static struct vring_desc *indirect_table(struct guest *g, uint16_t id,
					 uint64_t *gpa)
{
	size_t offset = g->tables_offset +
			sizeof(struct vring_desc) * HOSTILE_TABLE_ENTRIES * id;

	*gpa = gpa_of(offset);
	return (struct vring_desc *)(g->mem + offset);
}

/* The descriptor of buffer id as --hostile breaks it. */
static void set_hostile_desc(struct guest *g, struct virtqueue *vq, uint16_t id)
{
	uint64_t gpa = gpa_of(buf_offset(g, id)), table_gpa;
	struct vring_desc *desc = &vq->desc[id], *table;
	uint32_t len = g->opt.buf_size;
	uint16_t w = VRING_DESC_F_WRITE;

	switch (g->opt.hostile) {
	case HOSTILE_UNALIGNED:
		set_desc(desc, gpa + HOSTILE_MISALIGN, len, w, 0);
		return;
	case HOSTILE_SHORT:
		set_desc(desc, gpa, VNET_HDR_LEN - 4, w, 0);
		return;
	case HOSTILE_ZERO_LEN:
		set_desc(desc, gpa, 0, w, 0);
		return;
	case HOSTILE_OUT_OF_RANGE:
		set_desc(desc, gpa_of(g->mem_size) + (uint64_t)id * len, len, w, 0);
		return;
	case HOSTILE_OVERLAP:
		set_desc(desc, gpa_of(g->bufs_offset + (size_t)id * len / 2), len, w, 0);
		return;
	case HOSTILE_SAME_PAGE:
		set_desc(desc, gpa_of(g->bufs_offset), len, w, 0);
		return;
	case HOSTILE_LOOP:
		set_desc(desc, gpa, len, w | VRING_DESC_F_NEXT, (id ^ 1) % vq->num);
		return;
	case HOSTILE_INDIRECT:
	case HOSTILE_INDIRECT_LOOP:
	case HOSTILE_INDIRECT_NESTED:
		table = indirect_table(g, id, &table_gpa);
		if (g->opt.hostile == HOSTILE_INDIRECT) {
			set_desc(&table[0], gpa, len, w, 0);
			set_desc(desc, table_gpa, sizeof(*table), VRING_DESC_F_INDIRECT, 0);
		} else if (g->opt.hostile == HOSTILE_INDIRECT_LOOP) {
			set_desc(&table[0], gpa, len, w | VRING_DESC_F_NEXT, 1);
			set_desc(&table[1], gpa + len, len, w | VRING_DESC_F_NEXT, 0);
			set_desc(desc, table_gpa, 2 * sizeof(*table), VRING_DESC_F_INDIRECT, 0);
		} else {
			set_desc(&table[0], table_gpa, sizeof(*table), VRING_DESC_F_INDIRECT, 0);
			set_desc(desc, table_gpa, sizeof(*table), VRING_DESC_F_INDIRECT, 0);
		}
		return;
	default:
		set_desc(desc, gpa, len, w, 0);
		return;
	}
}

/* Queue RX buffer id; vhost sees it once publish_and_notify() runs. */
static void queue_rx_buffer(struct guest *g, struct virtqueue *vq, uint16_t id)
{
	struct vring_desc *desc = &vq->desc[id];

	if (g->opt.hostile)
		set_hostile_desc(g, vq, id);
	else
		set_desc(desc, gpa_of(buf_offset(g, id)), g->opt.buf_size,
			 VRING_DESC_F_WRITE, 0);
	/* dup-head: descriptor id stays unused, 0 is offered in its place. */
	if (g->opt.hostile == HOSTILE_DUP_HEAD)
		id = 0;
	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = htole16(id);
	vq->avail_idx++;
	g->posted[id] = true;
}

/* Expose queued buffers to vhost; kick it unless it said it is polling. */
static int publish_and_notify(struct guest *g, struct virtqueue *vq)
{
	uint64_t one = 1;

	/* Descriptors and avail entries before the index that exposes them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&vq->avail->idx, htole16(vq->avail_idx), __ATOMIC_RELAXED);
	/*
	 * The index store before the flags load: pairs with the smp_mb() in
	 * vhost_enable_notify(), so a kick is never missed.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (le16toh(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED)) &
	    VRING_USED_F_NO_NOTIFY)
		return 0;
	if (write(vq->kick_fd, &one, sizeof(one)) != sizeof(one))
		return sys_fail(g, "kick eventfd");
	vq->kicks++;
	return 0;
}

/* ---- receive and verify ---- */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
	return now_us() / 1000;
}

/*
 * Where a test frame's sequence number starts after the Ethernet header:
 * 0 for tapframe's own EtherType, 20 for its IPv4 flavour; -1 if the
 * frame is not one of ours.
 */
static int test_frame_offset(const uint8_t *frame, size_t len)
{
	struct iphdr ip;
	uint16_t ethertype;

	if (len < TEST_HDR_LEN)
		return -1;
	memcpy(&ethertype, frame + 2 * ETH_ALEN, sizeof(ethertype));
	if (ntohs(ethertype) == ETH_P_ZCRX_TEST)
		return 0;
	if (ntohs(ethertype) != ETH_P_IP ||
	    len < TEST_HDR_LEN + TEST_IP_HDR_LEN)
		return -1;
	memcpy(&ip, frame + ETH_HLEN, sizeof(ip));
	return ip.version == 4 && ip.ihl * 4 == TEST_IP_HDR_LEN &&
	       ip.protocol == TEST_IPPROTO ? TEST_IP_HDR_LEN : -1;
}

/* A frame of ours: sequence, length and every payload byte, as tapframe. */
static int verify_test_frame(struct guest *g, const uint8_t *frame, size_t len,
			     size_t test_off, uint16_t num_buffers,
			     uint32_t *ret_seq)
{
	size_t payload_start = TEST_HDR_LEN + test_off;
	uint32_t seq = g->next_seq, seq_be;

	if (num_buffers != 1)
		return mismatch(g, "frame %u spans %u buffers (num_buffers), want 1",
				seq, num_buffers);
	memcpy(&seq_be, frame + ETH_HLEN + test_off, sizeof(seq_be));
	/* Lost frames leave gaps; reordered or repeated ones never pass. */
	if (g->opt.allow_loss && ntohl(seq_be) > seq &&
	    ntohl(seq_be) < g->opt.count)
		seq = ntohl(seq_be);
	if (ntohl(seq_be) != seq)
		return mismatch(g, "frame %u arrived where %u was expected",
				ntohl(seq_be), seq);
	if (len != g->opt.frame_len)
		return mismatch(g, "frame %u is %zu bytes, want %zu", seq, len,
				g->opt.frame_len);
	for (size_t off = payload_start; off < len; off++) {
		uint8_t want = payload_byte(g->opt.seed, seq, off);

		if (g->opt.rewritten && off == g->opt.rewritten_off)
			want = g->opt.rewritten_val;

		if (frame[off] != want)
			return mismatch(g, "frame %u byte %zu is 0x%02x, want 0x%02x",
					seq, off, frame[off], want);
		/* --spot-check: the first, middle and last bytes. */
		if (g->opt.spot_check && off == payload_start + 5 && len >= 64)
			off = len / 2 - 1;
		else if (g->opt.spot_check && off == len / 2 + 4 && len >= 64)
			off = len - 6;
	}
	*ret_seq = seq;
	return 0;
}

/* pktgen's header after IPv4 and UDP: magic, then a sequence number. */
#define PKTGEN_MAGIC 0xbe9be955
#define PKTGEN_HDR_OFF (ETH_HLEN + 20 + 8)

/*
 * --pktgen: a frame of the kernel's packet generator, in order (lost
 * frames leave gaps), of the length asked for.  Returns 0 and its
 * sequence number, 1 if it is not pktgen's, or a mismatch.
 */
static int verify_pktgen_frame(struct guest *g, const uint8_t *frame,
			       size_t len, uint32_t *ret_seq)
{
	uint32_t magic, seq;

	if (len < PKTGEN_HDR_OFF + 2 * sizeof(uint32_t))
		return 1;
	memcpy(&magic, frame + PKTGEN_HDR_OFF, sizeof(magic));
	if (ntohl(magic) != PKTGEN_MAGIC)
		return 1;
	memcpy(&seq, frame + PKTGEN_HDR_OFF + sizeof(magic), sizeof(seq));
	seq = ntohl(seq);
	if (g->frames && seq < g->next_seq)
		return mismatch(g, "pktgen frame %u arrived after %u", seq,
				g->next_seq - 1);
	if (len != g->opt.frame_len)
		return mismatch(g, "pktgen frame %u is %zu bytes, want %zu", seq,
				len, g->opt.frame_len);
	/* Its first sequence number is its own (1): no loss before it. */
	if (!g->frames)
		g->next_seq = g->first_seq = seq;
	*ret_seq = seq;
	return 0;
}

/*
 * --discard-after: the RX buffers' pages go, as when a balloon or
 * virtio-mem takes guest memory; new zero pages appear at the same
 * addresses.  Nothing tells vhost but the kernel's own memory management:
 * frames must land in the new pages from the next post on.
 */
static int discard_rx_buffers(struct guest *g)
{
	if (madvise(g->mem + g->bufs_offset, (size_t)g->opt.bufs * g->opt.buf_size,
		    MADV_DONTNEED))
		return sys_fail(g, "madvise(MADV_DONTNEED) the RX buffers");
	g->lost_at_discard = g->lost;
	return 1;
}

/* The most bytes vhost may report in one of our buffers. */
static size_t buffer_capacity(const struct guest *g)
{
	switch (g->opt.hostile) {
	case HOSTILE_SHORT:
		return VNET_HDR_LEN - 4;
	case HOSTILE_ZERO_LEN:
		return 0;
	default:
		return g->opt.buf_size;
	}
}

/* The misdeeds done to a running ring, after --hostile-after entries. */
static bool misdeed_mid_stream(const struct guest *g)
{
	switch (g->opt.hostile) {
	case HOSTILE_AVAIL_JUMP:
	case HOSTILE_MPROTECT:
	case HOSTILE_MUNMAP:
	case HOSTILE_DONTNEED:
	case HOSTILE_REMAP:
	case HOSTILE_FORK:
		return true;
	default:
		return false;
	}
}

/* A misdeed to do to the running ring now: nothing is consumed past it. */
static bool misdeed_due(const struct guest *g)
{
	return misdeed_mid_stream(g) && !g->misdeed_done &&
	       g->used_entries >= g->opt.hostile_after;
}

/*
 * Whether a used buffer holds a frame to check: not where the guest's
 * own layout garbles them (pieces of 8 bytes, buffers sharing pages) or
 * where nothing can arrive, nor once the buffers are unmapped.
 */
static bool frames_readable(const struct guest *g)
{
	switch (g->opt.hostile) {
	case HOSTILE_SHORT:
	case HOSTILE_ZERO_LEN:
	case HOSTILE_OUT_OF_RANGE:
	case HOSTILE_OVERLAP:
	case HOSTILE_SAME_PAGE:
	case HOSTILE_LOOP:
	case HOSTILE_INDIRECT_LOOP:
	case HOSTILE_INDIRECT_NESTED:
	case HOSTILE_FRAME_REWRITE:
	case HOSTILE_DUP_HEAD:
		return false;
	default:
		return !g->bufs_gone;
	}
}

/*
 * Where buffer id's header and frame are.  rewrite-desc: vhost read the
 * descriptor once, when the buffer pointed at its own page or at its
 * second one; the page vhost wrote is the one no longer poisoned.
 */
static const uint8_t *frame_buffer(const struct guest *g, uint16_t id)
{
	const uint8_t *buf = g->mem + buf_offset(g, id);

	if (g->opt.hostile == HOSTILE_UNALIGNED)
		return buf + HOSTILE_MISALIGN;
	if (g->opt.hostile == HOSTILE_REWRITE_DESC &&
	    buf[VNET_HDR_LEN] == POISON_BYTE)
		return buf + g->opt.buf_size;
	return buf;
}

/* One used-ring entry: 1 if it held a verified test frame, 0 if skipped. */
static int process_used_entry(struct guest *g, uint32_t id, uint32_t len)
{
	struct virtio_net_hdr_mrg_rxbuf hdr;
	uint16_t num_buffers = 1;
	const uint8_t *buf, *frame;
	int r, test_off;
	size_t frame_len;
	uint32_t seq = 0;

	if (id >= g->opt.bufs)
		return mismatch(g, "used-ring entry %" PRIu64 " names descriptor %u; %u were posted",
				g->used_entries, id, g->opt.bufs);
	/* dup-head: descriptor 0 is out many times at once. */
	if (!g->posted[id] && g->opt.hostile != HOSTILE_DUP_HEAD)
		return mismatch(g, "used-ring entry %" PRIu64 " returns buffer %u, which vhost already returned",
				g->used_entries, id);
	if (len > buffer_capacity(g))
		return mismatch(g, "used-ring entry %" PRIu64 " reports %u bytes in a %zu-byte buffer",
				g->used_entries, len, buffer_capacity(g));
	g->posted[id] = false;
	if (len > g->written[id])
		g->written[id] = len;
	g->used_bytes += len;
	if (!frames_readable(g))
		return 0;

	/* The rest of a skipped frame that vhost merged over several buffers. */
	if (g->continuations) {
		g->continuations--;
		return 0;
	}
	/* Posted for zero-copy, then given back unused (zcrx teardown). */
	if (!len) {
		g->empty++;
		return 0;
	}
	if (len < VNET_HDR_LEN)
		return mismatch(g, "used-ring entry %" PRIu64 " reports %u bytes, less than the %zu-byte virtio-net header",
				g->used_entries, len, VNET_HDR_LEN);

	buf = frame_buffer(g, id);
	memcpy(&hdr, buf, sizeof(hdr));
	/*
	 * Without MRG_RXBUF nobody writes num_buffers: one buffer a frame.
	 * With hdr-rewrite the guest itself scribbles over the header.
	 */
	if (g->mergeable && g->opt.hostile != HOSTILE_HDR_REWRITE)
		num_buffers = le16toh(hdr.num_buffers);
	frame = buf + VNET_HDR_LEN;
	frame_len = len - VNET_HDR_LEN;
	if (g->opt.pktgen) {
		r = num_buffers == 1 ? verify_pktgen_frame(g, frame, frame_len, &seq) :
				       mismatch(g, "a pktgen frame spans %u buffers", num_buffers);
		if (r < 0)
			return r;
		/* Not pktgen's: skip, a frame of another kind. */
		test_off = r ? -1 : 0;
	} else {
		test_off = test_frame_offset(frame, frame_len);
	}

	/* Not ours (neighbour discovery and the like): skip, as tapframe. */
	if (test_off < 0) {
		g->skipped++;
		/*
		 * A hostile guest's frames are one buffer each, and the header
		 * may be whatever its memory held.  A page still poisoned
		 * although vhost reports a frame in it: the NIC wrote a page
		 * that is not the guest's at that address any more.
		 */
		if (g->opt.hostile && frame_len && frame[0] == POISON_BYTE)
			g->stale++;
		else if (num_buffers > 1 && !g->opt.hostile)
			g->continuations = num_buffers - 1;
		return 0;
	}
	if (!g->opt.pktgen) {
		r = verify_test_frame(g, frame, frame_len, test_off, num_buffers, &seq);
		if (r < 0)
			return r;
	}
	g->lost += seq - g->next_seq;
	g->next_seq = seq + 1;
	g->last_us = g->batch_us;
	if (!g->frames)
		g->first_us = g->last_us;
	g->frames++;
	if (g->opt.discard_after && g->frames == g->opt.discard_after)
		return discard_rx_buffers(g);
	if (g->misdeed_done)
		g->frames_after++;
	return 1;
}

/* All frames are in: the last one, when some may be lost. */
static bool received_all(const struct guest *g)
{
	/* Frames not checked: all in once their bytes are. */
	if (g->opt.hostile && !frames_readable(g))
		return g->used_bytes >= (uint64_t)g->opt.count *
					(g->opt.frame_len + VNET_HDR_LEN);
	return g->opt.allow_loss ? g->next_seq - g->first_seq >= g->opt.count :
				   g->frames >= g->opt.count;
}

/* --stall-after: from that frame on, for --stall-ms, refill nothing. */
static bool stalled(struct guest *g)
{
	if (!g->stall_end && g->opt.stall_after &&
	    g->frames >= g->opt.stall_after)
		g->stall_end = now_ms() + g->opt.stall_ms;
	return g->stall_end > 0;
}

/* Give a consumed buffer back, poisoned so that stale bytes cannot pass. */
static void recycle_rx_buffer(struct guest *g, uint16_t id, uint32_t len)
{
	/* A hostile guest's frame may be anywhere in the buffer's two pages. */
	if (g->opt.hostile && !g->bufs_readonly && !g->bufs_gone)
		memset(g->mem + buf_offset(g, id), POISON_BYTE, g->buf_stride);
	else if (!g->opt.spot_check && !g->opt.hostile)
		memset(g->mem + buf_offset(g, id), POISON_BYTE, len);
	if (g->no_refill)
		return;
	if (stalled(g)) {
		g->held[g->nheld++] = id;
		return;
	}
	queue_rx_buffer(g, &g->vq[RX_QUEUE], id);
	g->recycled++;
}

/* The stall is over: every buffer kept back goes to the device at once. */
static void end_stall(struct guest *g)
{
	g->stall_end = -1;
	for (unsigned int i = 0; i < g->nheld; i++) {
		queue_rx_buffer(g, &g->vq[RX_QUEUE], g->held[i]);
		g->recycled++;
	}
	g->nheld = 0;
}

/* Consume what vhost has returned; the number of test frames verified. */
static int drain_used_ring(struct guest *g)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	uint16_t used_idx, pending, before = rx->avail_idx;
	int verified = 0, r = 0;

	used_idx = le16toh(__atomic_load_n(&rx->used->idx, __ATOMIC_RELAXED));
	/* Entries and buffer contents only after the index that published them. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	pending = used_idx - rx->last_used_idx;
	if (pending > rx->num)
		return mismatch(g, "used index moved from %u to %u, more than the ring's %u entries",
				rx->last_used_idx, used_idx, rx->num);

	if (g->stall_end > 0 && now_ms() >= g->stall_end)
		end_stall(g);
	/*
	 * One clock read a batch, not a frame: the frames' times are when
	 * their batch was seen (a syscall a frame made the guest the slowest
	 * stage of the native benchmark, where syscalls are trapped).
	 */
	if (pending)
		g->batch_us = now_us();
	while (rx->last_used_idx != used_idx && !received_all(g) &&
	       !misdeed_due(g)) {
		const struct vring_used_elem *elem =
			&rx->used->ring[rx->last_used_idx & (rx->num - 1)];
		uint32_t id = le32toh(elem->id), len = le32toh(elem->len);

		r = process_used_entry(g, id, len);
		if (r < 0)
			break;
		rx->last_used_idx++;
		g->used_entries++;
		verified += r;
		recycle_rx_buffer(g, id, len);
	}
	if (rx->avail_idx != before) {
		int notify = publish_and_notify(g, rx);

		if (!r)
			r = notify;
	}
	return r < 0 ? r : verified;
}

/* Wait for a used-ring interrupt until deadline: 0, or -ETIMEDOUT. */
static int wait_for_call(struct guest *g, int64_t deadline)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	uint64_t count;

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = rx->call_fd, .events = POLLIN },
			{ .fd = rx->err_fd, .events = POLLIN },
		};
		int64_t remaining = deadline - now_ms();
		int n;

		if (remaining <= 0)
			return -ETIMEDOUT;
		n = poll(fds, 2, remaining);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_fail(g, "poll");
		if (n == 0)
			return -ETIMEDOUT;
		if (fds[1].revents && g->opt.hostile) {
			g->vq_error = true;
			return -ECONNRESET;
		}
		if (fds[1].revents)
			return mismatch(g, "vhost signalled an error on the RX ring after %u frames (see the kernel log)",
					g->frames);
		/* Reset the counter; the used ring says what happened. */
		if (read(rx->call_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			return sys_fail(g, "call eventfd");
		return 0;
	}
}

/* With the RX backend detached: every avail entry vhost took is used. */
static int check_rx_returned(struct guest *g, const char *when)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	struct vhost_vring_state base = { .index = RX_QUEUE };
	uint16_t used_idx;
	int r;

	r = VHOST_IOCTL(g, VHOST_GET_VRING_BASE, RX_QUEUE, &base);
	if (r < 0)
		return r;
	used_idx = le16toh(__atomic_load_n(&rx->used->idx, __ATOMIC_ACQUIRE));
	/*
	 * A ring vhost found broken is the guest's to reset: vhost stops
	 * where it found the fault, maybe past a descriptor it rejected
	 * (get_rx_bufs() does not give back the one it refuses).  Said, not
	 * held against it.
	 */
	if ((uint16_t)base.num != used_idx && g->vq_error) {
		printf("%s: the broken ring: vhost stopped at avail entry %u, used entries up to %u\n",
		       when, base.num & 0xffff, used_idx);
		return 0;
	}
	if ((uint16_t)base.num != used_idx)
		return mismatch(g, "%s: vhost took RX avail entries up to %u but returned used entries up to %u",
				when, base.num & 0xffff, used_idx);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * After the release: take in the used entries vhost added since the
 * guest last looked (posted buffers given back empty, late frames), each
 * one a buffer that was out, and check that every buffer still out is
 * one vhost never took: in the guest's avail ring from the used index on.
 * vhost takes avail entries in order and, stopped, gives back all it
 * took, so "taken" ends exactly where "returned" does.  Return: 1 while
 * vhost may still be returning buffers, 0 when all is back, or a
 * mismatch.  What it cannot see: heads lost among the very last ones
 * vhost took (they sit where untaken ones would).
 */
static int check_released(struct guest *g, uint16_t taken_before)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	uint16_t used_idx, published = le16toh(rx->avail->idx);
	unsigned int out = 0, untaken = 0;

	used_idx = le16toh(__atomic_load_n(&rx->used->idx, __ATOMIC_ACQUIRE));
	/* Behind what vhost had taken before the fork: not all back yet. */
	if ((uint16_t)(used_idx - taken_before) >= 0x8000)
		return 1;
	if ((uint16_t)(used_idx - taken_before) > (uint16_t)(published - taken_before))
		return mismatch(g, "released in another process: used entries up to %u, past the %u avail entries the guest published",
				used_idx, published);
	for (; rx->last_used_idx != used_idx; rx->last_used_idx++) {
		uint32_t id = le32toh(rx->used->ring[rx->last_used_idx & (rx->num - 1)].id);

		if (id >= g->opt.bufs || !g->posted[id])
			return mismatch(g, "released in another process: used entry %u returns buffer %u, which was not out",
					rx->last_used_idx, id);
		g->posted[id] = false;
		g->used_entries++;
	}
	for (uint32_t id = 0; id < g->opt.bufs; id++)
		out += g->posted[id];
	for (uint16_t i = used_idx; i != rx->avail_idx; i++)
		untaken += g->posted[le16toh(rx->avail->ring[i & (rx->num - 1)])];
	if (out != untaken)
		return 1;
	return 0;
}

/*
 * --release-in-child: the last reference to /dev/vhost-net goes in another
 * process, a forked child that inherited the fd, as when a VMM passed it
 * on.  Our guest memory is private: the child's is a copy-on-write copy.
 * vhost must still give every RX buffer it took back into ours, which
 * only its worker, running in our mm, can reach.  vhost may still take
 * buffers after the last frame (late frames, posts of the buffers the
 * guest gave back last), so what it took is read off the rings at the
 * end, not before the fork.
 */
static int release_in_child(struct guest *g)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	struct vhost_vring_state base = { .index = RX_QUEUE };
	int r, status;
	pid_t child;

	/* What vhost had taken at least: nothing is ever taken back. */
	r = VHOST_IOCTL(g, VHOST_GET_VRING_BASE, RX_QUEUE, &base);
	if (r < 0)
		return r;
	child = fork();
	if (child < 0)
		return sys_fail(g, "fork");
	if (!child) {
		usleep(200 * 1000);
		_exit(0);
	}
	close_fd(&g->vhost_fd);
	for (int q = 0; q < NUM_QUEUES; q++)
		g->vq[q].backend_set = false;
	if (waitpid(child, &status, 0) < 0)
		return sys_fail(g, "waitpid");
	for (int tries = 0; tries < 200; tries++) {
		r = check_released(g, base.num);
		if (r <= 0)
			break;
		usleep(10 * 1000);
	}
	if (!r) {
		printf("released in another process: every RX buffer vhost took is back (used entries up to %u)\n",
		       le16toh(rx->used->idx));
		return 0;
	}
	if (r > 0)
		return mismatch(g, "released in another process: vhost took RX avail entries up to %u or more but returned used entries up to %u, and buffers it took are still out",
				base.num & 0xffff, le16toh(rx->used->idx));
	return r;
}

/*
 * --disrupt: what QEMU does to a running device on memory hotplug
 * (a new memory table) or a VM stop and cont (the backend detached and
 * attached again).  Either way vhost must give back the buffers it
 * posted to the NIC, and carry on.
 */
static int disrupt(struct guest *g)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	unsigned int frames = g->frames;
	int r;

	g->disrupted = true;
	if (g->opt.disrupt == DISRUPT_MEM_TABLE) {
		r = set_mem_table(g);
		if (!r)
			printf("memory table set again after %u frames\n", frames);
		return r;
	}
	r = set_backend(g, rx, -1);
	if (r < 0)
		return r;
	r = check_rx_returned(g, "backend detached");
	if (r < 0)
		return r;
	r = set_backend(g, rx, g->tap_fd);
	if (!r)
		printf("backend detached and attached again after %u frames\n",
		       frames);
	return r;
}

static int receive_frames(struct guest *g)
{
	int64_t deadline = now_ms() + g->opt.timeout_ms;

	/* Check the ring before each wait: frames may predate the interrupt. */
	for (;;) {
		int r = drain_used_ring(g);

		if (r < 0)
			return r;
		if (received_all(g))
			return 0;
		if (g->opt.disrupt && !g->disrupted &&
		    g->frames >= g->opt.disrupt_after) {
			r = disrupt(g);
			if (r < 0)
				return r;
			continue;
		}
		if (r > 0)
			deadline = now_ms() + (g->opt.quiet_ms ?: g->opt.timeout_ms);
		/* A stalled guest wakes to refill its ring, frames or not. */
		if (g->stall_end > 0) {
			r = wait_for_call(g, g->stall_end);
			if (r == -ETIMEDOUT)
				continue;
		} else {
			r = wait_for_call(g, deadline);
		}
		/* --quiet-ms: the sender is done, its last frames were lost. */
		if (r == -ETIMEDOUT && g->opt.quiet_ms && g->frames) {
			g->lost += g->opt.count - (g->next_seq - g->first_seq);
			return 0;
		}
		if (r == -ETIMEDOUT)
			return mismatch(g, "timed out after %u ms without a frame: %u of %u frames arrived (%u other frames skipped, %" PRIu64 " used-ring entries)",
					g->opt.timeout_ms, g->frames, g->opt.count,
					g->skipped, g->used_entries);
		if (r < 0)
			return r;
	}
}

/* ---- --hostile: a guest that breaks the rules ---- */

/* Our VmPin: the pages vhost pinned for zero-copy are charged to us. */
static int read_pinned_kb(struct guest *g, unsigned long *kb)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];

	if (!f)
		return sys_fail(g, "/proc/self/status");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmPin: %lu kB", kb) == 1) {
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return fail(g, -ENOENT, "/proc/self/status has no VmPin line");
}


/* rewrite-desc: every descriptor flips between its buffer's two pages. */
static void *rewrite_descs(void *arg)
{
	struct guest *g = arg;
	struct vring_desc *desc = g->vq[RX_QUEUE].desc;

	for (unsigned int pass = 0;
	     !__atomic_load_n(&g->stop_thread, __ATOMIC_RELAXED); pass++) {
		for (unsigned int id = 0; id < g->opt.bufs; id++) {
			uint64_t gpa = gpa_of(buf_offset(g, id)) +
				       ((pass + id) & 1) * g->opt.buf_size;

			__atomic_store_n(&desc[id].addr, htole64(gpa), __ATOMIC_RELAXED);
		}
		sched_yield();
	}
	return NULL;
}

/* hdr-rewrite: the header room of every buffer, over and over. */
static void *rewrite_headers(void *arg)
{
	struct guest *g = arg;

	for (unsigned int pass = 0;
	     !__atomic_load_n(&g->stop_thread, __ATOMIC_RELAXED); pass++) {
		for (unsigned int id = 0; id < g->opt.bufs; id++) {
			uint8_t *hdr = g->mem + buf_offset(g, id);

			for (unsigned int i = 0; i < VNET_HDR_LEN; i++)
				__atomic_store_n(&hdr[i], (uint8_t)(pass + i), __ATOMIC_RELAXED);
		}
		sched_yield();
	}
	return NULL;
}

/*
 * frame-rewrite: the frame the NIC writes, rewritten as it lands: to the
 * broadcast address, a test frame of tapframe's with a sequence number
 * no guest expects.  Were the host to parse the Ethernet header from the
 * guest's page, it would hand this to the other guests.
 */
static void *rewrite_frames(void *arg)
{
	static const uint8_t forged[TEST_HDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* to everyone */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		ETH_P_ZCRX_TEST >> 8, ETH_P_ZCRX_TEST & 0xff,
		0xff, 0xff, 0xff, 0xff,			/* sequence number */
	};
	struct guest *g = arg;

	while (!__atomic_load_n(&g->stop_thread, __ATOMIC_RELAXED)) {
		for (unsigned int id = 0; id < g->opt.bufs; id++) {
			uint8_t *frame = g->mem + buf_offset(g, id) + VNET_HDR_LEN;

			for (unsigned int i = 0; i < sizeof(forged); i++)
				__atomic_store_n(&frame[i], forged[i], __ATOMIC_RELAXED);
		}
		sched_yield();
	}
	return NULL;
}

static int start_misdeed_thread(struct guest *g)
{
	void *(*fn)(void *);
	int r;

	if (g->opt.hostile == HOSTILE_REWRITE_DESC)
		fn = rewrite_descs;
	else if (g->opt.hostile == HOSTILE_HDR_REWRITE)
		fn = rewrite_headers;
	else if (g->opt.hostile == HOSTILE_FRAME_REWRITE)
		fn = rewrite_frames;
	else
		return 0;
	r = pthread_create(&g->thread, NULL, fn, g);
	if (r)
		return fail(g, -r, "pthread_create: %s", strerror(r));
	g->thread_running = true;
	g->misdeed_done = true;
	return 0;
}

static void stop_misdeed_thread(struct guest *g)
{
	if (!g->thread_running)
		return;
	__atomic_store_n(&g->stop_thread, true, __ATOMIC_RELAXED);
	pthread_join(g->thread, NULL);
	g->thread_running = false;
}

/*
 * fork: a child gets a copy of our memory, pinned pages and all, and
 * writes over every buffer of its copy.  Frames must keep arriving in
 * ours (a pinned page stays the parent's), and nothing the child wrote
 * may show in them.
 */
static int fork_and_scribble(struct guest *g, uint8_t *bufs, size_t size)
{
	int status;
	pid_t child;

	child = fork();
	if (child < 0)
		return sys_fail(g, "fork");
	if (!child) {
		memset(bufs, 0x5a, size);
		_exit(0);
	}
	if (waitpid(child, &status, 0) < 0)
		return sys_fail(g, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(g, -ECHILD, "the forked child did not exit cleanly");
	return 0;
}

static int misdeed(struct guest *g)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	uint8_t *bufs = g->mem + g->bufs_offset;
	size_t size = g->tables_offset - g->bufs_offset;
	uint64_t one = 1;

	g->misdeed_done = true;
	printf("hostile %s after %" PRIu64 " used-ring entries\n",
	       hostile_names[g->opt.hostile], g->used_entries);
	switch (g->opt.hostile) {
	case HOSTILE_AVAIL_JUMP:
		/* From here only the jump is published, and kicked. */
		g->no_refill = true;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		__atomic_store_n(&rx->avail->idx,
				 htole16(rx->avail_idx + HOSTILE_AVAIL_JUMP_BY),
				 __ATOMIC_RELAXED);
		if (write(rx->kick_fd, &one, sizeof(one)) != sizeof(one))
			return sys_fail(g, "kick eventfd");
		return 0;
	case HOSTILE_MPROTECT:
		g->bufs_readonly = true;
		return mprotect(bufs, size, PROT_READ) ? sys_fail(g, "mprotect") : 0;
	case HOSTILE_MUNMAP:
		g->bufs_gone = true;
		return munmap(bufs, size) ? sys_fail(g, "munmap") : 0;
	case HOSTILE_DONTNEED:
		if (!madvise(bufs, size, MADV_DONTNEED))
			return 0;
		if (errno != ENOSYS)
			return sys_fail(g, "madvise");
		/* A kernel without CONFIG_ADVISE_SYSCALLS: for the test to skip. */
		printf("hostile dontneed: madvise is not in this kernel\n");
		return -ENOSYS;
	case HOSTILE_REMAP:
		/* As a balloon gives pages back: fresh zeroed memory, same place. */
		if (mmap(bufs, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return sys_fail(g, "mmap over the buffers");
		return 0;
	case HOSTILE_FORK:
		return fork_and_scribble(g, bufs, size);
	default:
		return 0;
	}
}

/*
 * Receive what a correct vhost still delivers to a hostile guest: until
 * the last frame, --timeout-ms without a used entry, or a ring error.
 */
static int receive_hostile(struct guest *g)
{
	int64_t deadline = now_ms() + g->opt.timeout_ms;
	int r = start_misdeed_thread(g);

	while (!r) {
		uint64_t entries = g->used_entries;

		r = drain_used_ring(g);
		if (r < 0 || received_all(g))
			break;
		if (misdeed_due(g)) {
			r = misdeed(g);
			continue;
		}
		if (g->used_entries != entries)
			deadline = now_ms() + g->opt.timeout_ms;
		r = wait_for_call(g, deadline);
		if (r == -ETIMEDOUT || r == -ECONNRESET)
			break;
	}
	stop_misdeed_thread(g);
	if (r == -ENOSYS)
		return r;
	return r == -ETIMEDOUT || r == -ECONNRESET ? 0 : (r < 0 ? r : 0);
}

static int report_hostile(struct guest *g)
{
	unsigned long kb;
	int r = read_pinned_kb(g, &kb);

	if (r < 0)
		return r;
	printf("hostile %s: %u frames intact, %u after the misdeed; lost %u; skipped %u; stale %u; used-ring entries %" PRIu64 "; used bytes %" PRIu64 "; ring error %s; pinned before teardown: %lu kB\n",
	       hostile_names[g->opt.hostile], g->frames, g->frames_after,
	       g->lost, g->skipped, g->stale, g->used_entries, g->used_bytes,
	       g->vq_error ? "yes" : "no", kb);
	return 0;
}

/* Attach the tap to both rings, post every RX buffer, then --ready. */
static int start_device(struct guest *g)
{
	struct virtqueue *rx = &g->vq[RX_QUEUE];
	int r, ready;

	for (int q = 0; q < NUM_QUEUES; q++) {
		r = set_backend(g, &g->vq[q], g->tap_fd);
		if (r < 0)
			return r;
	}
	for (unsigned int id = 0; id < g->opt.bufs; id++)
		queue_rx_buffer(g, rx, id);
	r = publish_and_notify(g, rx);
	if (r < 0)
		return r;

	if (!g->opt.ready_path)
		return 0;
	ready = open(g->opt.ready_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ready < 0)
		return fail(g, -errno, "%s: %s", g->opt.ready_path, strerror(errno));
	close(ready);
	return 0;
}

/* ---- teardown and dirty-log check ---- */

/*
 * Detach the tap from both rings, as QEMU stops a device, then read back
 * where vhost stopped in the RX avail ring: every buffer it took must be
 * in the used ring, or buffers were lost.
 */
static int detach_backends(struct guest *g)
{
	bool rx_was_attached = g->vq[RX_QUEUE].backend_set;
	int r = 0;

	for (int q = 0; q < NUM_QUEUES; q++) {
		if (g->vq[q].backend_set) {
			int detach = set_backend(g, &g->vq[q], -1);

			if (!r)
				r = detach;
		}
	}
	if (r < 0 || !rx_was_attached)
		return r;
	return check_rx_returned(g, "teardown");
}

/*
 * Every page vhost wrote a frame into must be marked dirty, and so must
 * the RX used ring.  Run once the backend is detached: vhost may publish
 * a used entry before it logs the buffer, as the log only has to be
 * complete when the device has stopped.
 */
static int check_dirty_log(struct guest *g, unsigned int *marked,
			   unsigned int *pages)
{
	uint64_t used_gpa = g->vq[RX_QUEUE].used_gpa;
	uint64_t first_missing = 0;
	unsigned int missing_buf = 0;

	*marked = *pages = 0;
	for (unsigned int id = 0; id < g->opt.bufs; id++) {
		uint64_t start = gpa_of(buf_offset(g, id));

		if (!g->written[id])
			continue;
		for (uint64_t gpa = start; gpa < start + g->written[id];
		     gpa += GUEST_PAGE_SIZE) {
			(*pages)++;
			if (page_is_dirty(g, gpa)) {
				(*marked)++;
			} else if (!first_missing) {
				first_missing = gpa;
				missing_buf = id;
			}
		}
	}
	if (first_missing)
		return mismatch(g, "dirty log: %u of %u filled buffer pages marked; buffer %u's page at GPA 0x%" PRIx64 " is not",
				*marked, *pages, missing_buf, first_missing);
	if (!page_is_dirty(g, used_gpa))
		return mismatch(g, "dirty log: the RX used ring page at GPA 0x%" PRIx64 " is not marked",
				used_gpa);
	return 0;
}

/* /proc/self/task/TID/NAME, for reading; NULL with errno set. */
static FILE *open_task_file(pid_t tid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, name);
	return fopen(path, "re");
}

/* utime + stime of thread TID of ours, in clock ticks; -1 if unknown. */
static long long thread_cpu_ticks(pid_t tid, char *comm, size_t comm_size)
{
	unsigned long long utime, stime;
	char buf[512], *p;
	FILE *f;
	int n;

	f = open_task_file(tid, "stat");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	/* comm is in parentheses and may hold spaces: parse after the last ')'. */
	p = strrchr(buf, ')');
	if (!p || !strchr(buf, '('))
		return -1;
	snprintf(comm, comm_size, "%.*s", (int)(p - strchr(buf, '(') - 1),
		 strchr(buf, '(') + 1);
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &utime, &stime) != 2)
		return -1;
	return utime + stime;
}

/* Nanoseconds thread TID of ours has run (schedstat); -1 if unknown. */
static long long thread_cpu_ns(pid_t tid)
{
	unsigned long long ns;
	FILE *f;
	int n;

	f = open_task_file(tid, "schedstat");
	if (!f)
		return -1;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	return n == 1 ? (long long)ns : -1;
}

/*
 * --timing: first-to-last-frame time, and the CPU time of vhost's worker
 * (our thread named vhost-PID) and of the guest itself, in clock ticks
 * and, where the kernel has schedstats, in nanoseconds (a tick is 10 ms:
 * too coarse for short runs of a fast kernel).
 */
static void report_timing(struct guest *g)
{
	long long vhost = -1, guest, vhost_ns = -1, guest_ns;
	char comm[64], want[32];
	struct dirent *d;
	DIR *dir;

	guest = thread_cpu_ticks(getpid(), comm, sizeof(comm));
	guest_ns = thread_cpu_ns(getpid());
	snprintf(want, sizeof(want), "vhost-%d", getpid());
	dir = opendir("/proc/self/task");
	while (dir && (d = readdir(dir))) {
		long long t = thread_cpu_ticks(atoi(d->d_name), comm, sizeof(comm));

		if (t >= 0 && !strcmp(comm, want)) {
			vhost = t;
			vhost_ns = thread_cpu_ns(atoi(d->d_name));
		}
	}
	if (dir)
		closedir(dir);
	printf("timing: first-to-last-us %" PRId64 " vhost-ticks %lld guest-ticks %lld hz %ld\n",
	       g->last_us - g->first_us, vhost, guest, sysconf(_SC_CLK_TCK));
	if (guest_ns >= 0)
		printf("timing-ns: vhost-ns %lld guest-ns %lld\n", vhost_ns, guest_ns);
}

/*
 * vhost charges the pages it pins for zero-copy to us (VmPin): print
 * what is left once the backend is detached, for the test to check.
 */
static int report_pinned(struct guest *g)
{
	unsigned long kb;
	int r = read_pinned_kb(g, &kb);

	if (!r)
		printf("pinned after teardown: %lu kB\n", kb);
	return r;
}

static void guest_init(struct guest *g)
{
	memset(g, 0, sizeof(*g));
	g->vhost_fd = g->tap_fd = g->idle_queue_fd = -1;
	for (int q = 0; q < NUM_QUEUES; q++)
		g->vq[q].kick_fd = g->vq[q].call_fd = g->vq[q].err_fd = -1;
}

/* Closing /dev/vhost-net first stops vhost before its memory goes away. */
static void guest_release(struct guest *g)
{
	close_fd(&g->vhost_fd);
	close_fd(&g->tap_fd);
	close_fd(&g->idle_queue_fd);
	for (int q = 0; q < NUM_QUEUES; q++) {
		close_fd(&g->vq[q].kick_fd);
		close_fd(&g->vq[q].call_fd);
		close_fd(&g->vq[q].err_fd);
	}
	if (g->log)
		munmap(g->log, g->log_size);
	if (g->mem)
		munmap(g->mem, g->mem_size);
	free(g->posted);
	free(g->written);
	free(g->held);
}

/* Print and forget the recorded failure: checks to stdout, the rest to stderr. */
static void report_failure(struct guest *g)
{
	if (g->mismatch)
		printf("%s\n", g->diag);
	else
		fprintf(stderr, "vguest: %s\n", g->diag);
	g->diag[0] = '\0';
	g->mismatch = false;
}

/* Set up, receive, tear down; the exit status. */
static int run_rx(struct guest *g)
{
	unsigned int marked, pages;
	int status = 1, r;

	r = map_guest_memory(g);
	if (r < 0)
		goto fail;
	if (g->opt.log_dirty) {
		r = map_dirty_log(g);
		if (r < 0)
			goto fail;
	}
	r = setup_vhost(g);
	if (r < 0)
		goto fail;
	r = open_tap(g);
	if (r < 0)
		goto fail;
	r = start_device(g);
	if (r < 0)
		goto fail;
	if (g->opt.hostile) {
		r = receive_hostile(g);
		if (!r)
			r = report_hostile(g);
		if (r == -ENOSYS) {
			status = 77;
			goto teardown;
		}
		if (r < 0)
			goto fail;
		status = 0;
		goto teardown;
	}
	r = receive_frames(g);
	if (r < 0)
		goto fail;
	if (g->opt.discard_after) {
		uint32_t lost = g->lost - g->lost_at_discard;

		printf("lost after the discard: %u (at most %u were posted)\n",
		       lost, g->opt.bufs);
		if (lost > g->opt.bufs) {
			r = mismatch(g, "%u frames lost after the discard, more than the %u buffers that could hold old pages",
				     lost, g->opt.bufs);
			goto fail;
		}
	}
	printf("received %u frames of %zu bytes intact; lost %u; used-ring entries %" PRIu64 "; empty %" PRIu64 "; buffers recycled %" PRIu64 "; rx kicks %" PRIu64 "\n",
	       g->frames, g->opt.frame_len, g->lost, g->used_entries, g->empty,
	       g->recycled, g->vq[RX_QUEUE].kicks);
	if (g->opt.timing)
		report_timing(g);
	if (g->opt.release_in_child) {
		r = release_in_child(g);
		if (r < 0)
			goto fail;
	}
	status = 0;
	goto teardown;

fail:
	report_failure(g);
teardown:
	stop_misdeed_thread(g);
	r = detach_backends(g);
	if (!r)
		r = report_pinned(g);
	if (!r && !status && g->opt.log_dirty) {
		r = check_dirty_log(g, &marked, &pages);
		if (!r)
			printf("dirty log: %u of %u filled buffer pages marked\n",
			       marked, pages);
	}
	if (r < 0) {
		report_failure(g);
		status = 1;
	}
	guest_release(g);
	return status;
}

int main(int argc, char **argv)
{
	struct guest g;
	int r;

	/* Lines in order when stdout and stderr share a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	guest_init(&g);
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "rx")) {
		usage(stderr);
		return 2;
	}
	r = parse_rx_args(&g, argc - 1, argv + 1);
	if (r > 0) {
		usage(stdout);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, "vguest rx: %s (see vguest --help)\n", g.diag);
		return 2;
	}
	return run_rx(&g);
}
