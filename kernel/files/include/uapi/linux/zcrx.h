/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/zcrx.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_ZCRX_H
#define _UAPI_LINUX_ZCRX_H

#define ZCRX_FAMILY_NAME	"zcrx"
#define ZCRX_FAMILY_VERSION	1

/**
 * enum zcrx_fallback - What a bound queue does when no guest buffer is posted.
 * @ZCRX_FALLBACK_DROP: Drop the frame at the NIC and count it.
 * @ZCRX_FALLBACK_COPY: Receive into the driver's own buffers and deliver
 *   through the normal copy path until guest buffers are posted again.
 */
enum zcrx_fallback {
	ZCRX_FALLBACK_DROP = 1,
	ZCRX_FALLBACK_COPY,
};

/**
 * enum zcrx_state - Where a binding's frames go right now.
 * @ZCRX_STATE_ZEROCOPY: Guest buffers are posted; frames land in them.
 * @ZCRX_STATE_FALLBACK: No guest buffer is posted; the binding's fallback
 *   applies.
 */
enum zcrx_state {
	ZCRX_STATE_ZEROCOPY = 1,
	ZCRX_STATE_FALLBACK,
};

/**
 * enum zcrx_unbind_reason - Why a binding ended.
 * @ZCRX_UNBIND_REASON_REQUEST: An unbind request.
 * @ZCRX_UNBIND_REASON_NIC_GONE: The NIC was unregistered.
 * @ZCRX_UNBIND_REASON_MACVTAP_GONE: The macvtap device was unregistered.
 * @ZCRX_UNBIND_REASON_VHOST_GONE: The vhost-net user of the binding went away
 *   (the macvtap queue it posted buffers through was closed), and the binding
 *   was made to end with it (unbind-on-vhost-gone).
 */
enum zcrx_unbind_reason {
	ZCRX_UNBIND_REASON_REQUEST = 1,
	ZCRX_UNBIND_REASON_NIC_GONE,
	ZCRX_UNBIND_REASON_MACVTAP_GONE,
	ZCRX_UNBIND_REASON_VHOST_GONE,
};

/**
 * enum zcrx_isolation - Why every frame the NIC writes into a bound queue's
 *   buffers is the guest's: a frame goes into a guest buffer only when the
 *   hardware guarantees it is that guest's.
 * @ZCRX_ISOLATION_PASSTHRU: The macvtap is in passthru mode and the NIC's only
 *   upper device: every frame the NIC receives is the guest's.
 * @ZCRX_ISOLATION_MAC_FILTER: The driver steers frames for the macvtap's
 *   unicast address, and no others, to the bound queue (a MAC filter zcrx
 *   programs at bind; the queue is out of the NIC's RSS spreading).
 */
enum zcrx_isolation {
	ZCRX_ISOLATION_PASSTHRU = 1,
	ZCRX_ISOLATION_MAC_FILTER,
};

enum {
	ZCRX_A_BINDING_ID = 1,
	ZCRX_A_BINDING_IFINDEX,
	ZCRX_A_BINDING_QUEUE_ID,
	ZCRX_A_BINDING_MACVTAP_IFINDEX,
	ZCRX_A_BINDING_FALLBACK,
	ZCRX_A_BINDING_LOW_WATERMARK,
	ZCRX_A_BINDING_STATE,
	ZCRX_A_BINDING_BUFFERS_POSTED,
	ZCRX_A_BINDING_BUFFERS_FILLED,
	ZCRX_A_BINDING_BUFFERS_RETURNED,
	ZCRX_A_BINDING_BUFFERS_IN_FLIGHT,
	ZCRX_A_BINDING_RX_ZEROCOPY_PACKETS,
	ZCRX_A_BINDING_RX_COPY_PACKETS,
	ZCRX_A_BINDING_RX_DROPPED_PACKETS,
	ZCRX_A_BINDING_PINNED_BYTES,
	ZCRX_A_BINDING_REASON,
	ZCRX_A_BINDING_RX_ZEROCOPY_BYTES,
	ZCRX_A_BINDING_RX_COPIED_BYTES,
	ZCRX_A_BINDING_COPYBREAK,
	ZCRX_A_BINDING_RX_COPYBREAK_PACKETS,
	ZCRX_A_BINDING_UNBIND_ON_VHOST_GONE,
	ZCRX_A_BINDING_ISOLATION,
	ZCRX_A_BINDING_RX_FOREIGN_PACKETS,
	ZCRX_A_BINDING_RX_LENGTH_ERRORS,
	ZCRX_A_BINDING_MACVTAP_NETNS_FD,
	ZCRX_A_BINDING_MACVTAP_NETNSID,
	ZCRX_A_BINDING_COPYBREAK_PROBE,
	ZCRX_A_BINDING_COST_COPY_PACKETS,
	ZCRX_A_BINDING_COST_COPY_NS,
	ZCRX_A_BINDING_COST_COPY_BYTES,
	ZCRX_A_BINDING_COST_MEMCPY_NS,
	ZCRX_A_BINDING_COST_MEMCPY_BYTES,
	ZCRX_A_BINDING_COST_ZEROCOPY_PACKETS,
	ZCRX_A_BINDING_COST_ZEROCOPY_NS,
	ZCRX_A_BINDING_COST_BUFFERS,
	ZCRX_A_BINDING_COST_BUFFER_NS,

	__ZCRX_A_BINDING_MAX,
	ZCRX_A_BINDING_MAX = (__ZCRX_A_BINDING_MAX - 1)
};

enum {
	ZCRX_CMD_BIND = 1,
	ZCRX_CMD_UNBIND,
	ZCRX_CMD_GET,
	ZCRX_CMD_SET,
	ZCRX_CMD_BOUND_NTF,
	ZCRX_CMD_UNBOUND_NTF,
	ZCRX_CMD_LOW_BUFFERS_NTF,
	ZCRX_CMD_FALLBACK_ENGAGED_NTF,
	ZCRX_CMD_FALLBACK_CLEARED_NTF,
	ZCRX_CMD_FOREIGN_FRAMES_NTF,

	__ZCRX_CMD_MAX,
	ZCRX_CMD_MAX = (__ZCRX_CMD_MAX - 1)
};

#define ZCRX_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_ZCRX_H */
