/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A netlink socket's receive buffer, raised as systemd-networkd raises
 * its rtnetlink one: notifications that find the buffer full are lost
 * (the reader gets ENOBUFS and must catch up from a dump), so a daemon
 * stopped for a while, or a burst of changes, must find room.
 */
#ifndef ZCRX_RCVBUF_H
#define ZCRX_RCVBUF_H

#include <errno.h>
#include <limits.h>
#include <sys/socket.h>

/* What networkd asks for (RCVBUF_SIZE); memory is charged only when used. */
#define ZCRX_NETLINK_RCVBUF_DEFAULT (128 * 1024 * 1024)

/*
 * Set @fd's receive buffer to @bytes: SO_RCVBUFFORCE goes past
 * net.core.rmem_max and needs CAP_NET_ADMIN, which zcrxd has; without it,
 * SO_RCVBUF (capped at rmem_max).  Returns 0 or a negative errno.
 */
static inline int zcrx_socket_set_rcvbuf(int fd, int bytes)
{
	if (bytes <= 0)
		return -EINVAL;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -errno;
	return 0;
}

#endif
