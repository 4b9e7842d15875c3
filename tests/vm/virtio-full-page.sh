#!/bin/sh
# zcrx-vm: outside-nic
# virtio_net's full-page receive mode (full_page_rx=1), as a guest of
# QEMU: the outside NIC is probed again in that mode and receives frames
# of every size, through a macvtap, checked byte for byte by tapframe;
# its counters count them.  The buffer size each mode posts is printed:
# what full pages cost in memory per received byte.
. /zcrx/tests/lib.sh

nic=$(outside_nic)
[ -n "$nic" ] || bail_out "no virtio-net NIC fed from outside"
vdev=$(basename "$(readlink "/sys/class/net/$nic/device")")
buffer_size=/sys/class/net/$nic/queues/rx-0/virtio_net/mergeable_rx_buffer_size

# setup: the NIC up with MTU 9000, a macvtap on it; sets $tap, $mac.
setup() {
	ip link set "$nic" mtu 9000 && ip link set "$nic" up &&
		ip link add link "$nic" name mvt0 type macvtap mode passthru &&
		ip link set mvt0 mtu 9000 && ip link set mvt0 up ||
		bail_out "cannot set up $nic and mvt0"
	tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
	mac=$(cat /sys/class/net/mvt0/address)
}

# expect_frames LEN COUNT SEED: frames from outside arrive intact at
# $tap, and the NIC's counters moved by as many frames and bytes.
expect_frames() {
	packets=$(cat "/sys/class/net/$nic/statistics/rx_packets")
	bytes=$(cat "/sys/class/net/$nic/statistics/rx_bytes")
	rm -f /tmp/ready
	tapframe expect "$tap" "$1" "$2" "$3" 10000 /tmp/ready > /tmp/expect.out &
	pid=$!
	wait_for_file /tmp/ready 50 || { kill "$pid"; return 1; }
	outside_send "$1" "$2" "$3" 0 || { kill "$pid"; return 1; }
	wait "$pid" || { cat /tmp/expect.out; return 1; }
	cat /tmp/expect.out
	packets=$(($(cat "/sys/class/net/$nic/statistics/rx_packets") - packets))
	bytes=$(($(cat "/sys/class/net/$nic/statistics/rx_bytes") - bytes))
	# Other frames (none expected: no IPv6, no ARP) would add to both.
	[ "$packets" -ge "$2" ] && [ "$bytes" -ge $(($1 * $2)) ] ||
		{ echo "rx_packets +$packets, rx_bytes +$bytes"; return 1; }
}

setup
for len in 60 1500; do
	expect_frames "$len" 200 1 > /dev/null
	echo "# mergeable buffers after $len-byte frames: $(cat "$buffer_size") bytes each"
done

ip link del mvt0
echo 1 > /sys/module/virtio_net/parameters/full_page_rx
echo "$vdev" > /sys/bus/virtio/drivers/virtio_net/unbind &&
	echo "$vdev" > /sys/bus/virtio/drivers/virtio_net/bind ||
	bail_out "cannot probe $vdev again"
nic=$(outside_nic)
[ -n "$nic" ] || bail_out "the NIC is gone after probing it again"
buffer_size=/sys/class/net/$nic/queues/rx-0/virtio_net/mergeable_rx_buffer_size
setup
check "full-page mode: each receive buffer is a page" \
	test "$(cat "$buffer_size")" -eq 4096
seed=2
for len in 60 1000 1514 4000 4096 9000; do
	check "full-page mode: 300 frames of $len bytes intact, counted" \
		expect_frames "$len" 300 "$seed"
	seed=$((seed + 1))
done
tap_done
