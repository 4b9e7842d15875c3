#!/bin/sh
# Smoke test: the devices zcrx needs exist, and a frame sent from a
# netdevsim port in another network namespace reaches a macvtap stacked
# on its peer port, byte for byte.
. /zcrx/tests/lib.sh

check "/dev/vhost-net is a character device" test -c /dev/vhost-net
check "/dev/net/tun is a character device" test -c /dev/net/tun
check "2 CPUs online" test "$(nproc)" -eq 2

check "netdevsim device with 2 ports and 4 queues created" \
	sh -c 'echo "1 2 4" > /sys/bus/netdevsim/new_device'
ports=$(ls /sys/bus/netdevsim/devices/netdevsim1/net 2>/dev/null)
set -- $ports
[ $# -eq 2 ] || bail_out "netdevsim1 has ports '$ports', want 2"
nic=$1
peer=$2
rxq=$(ls -d /sys/class/net/"$nic"/queues/rx-* | wc -l)
check "$nic has 4 RX queues" test "$rxq" -eq 4

ip netns add peer || bail_out "ip netns add failed"
ip link set "$peer" netns peer || bail_out "cannot move $peer to netns peer"
peer_ifindex=$(ip -n peer -o link show "$peer" | cut -d: -f1)
nic_ifindex=$(cat /sys/class/net/"$nic"/ifindex)
exec 3< /proc/self/ns/net 4< /run/netns/peer
check "ports $nic and peer:$peer linked" \
	sh -c "echo '3:$nic_ifindex 4:$peer_ifindex' > /sys/bus/netdevsim/link_device"
exec 3<&- 4<&-

check "macvtap created on $nic" \
	ip link add link "$nic" name mvt0 type macvtap mode bridge
ip link set "$nic" up
ip link set mvt0 up
ip -n peer link set "$peer" up
tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac=$(cat /sys/class/net/mvt0/address)
check "$tap exists" test -c "$tap"

# expect_frames LEN COUNT SEED [RECEIVER-SEED]: frames sent from the peer
# arrive intact at $tap.
expect_frames() {
	rm -f /tmp/ready
	tapframe expect "$tap" "$1" "$2" "${4:-$3}" 10000 /tmp/ready > /tmp/expect.out &
	pid=$!
	wait_for_file /tmp/ready 50 || { kill "$pid"; return 1; }
	ip netns exec peer tapframe send "$peer" "$mac" "$1" "$2" "$3" || {
		kill "$pid"
		return 1
	}
	wait "$pid"
	rc=$?
	cat /tmp/expect.out
	return $rc
}

check "60-byte frames reach $tap intact" expect_frames 60 200 1
check "1514-byte frames reach $tap intact" expect_frames 1514 200 2

# The check must be able to fail: a frame whose payload differs from
# what the receiver expects (other seed) is reported as corrupt.
check "a frame with other payload is reported as corrupt" \
	not expect_frames 1514 1 3 4
tap_done
