#!/bin/sh
# vhost-net's copy path, end to end: frames from the netdevsim peer reach a
# user-space virtio-net guest (vguest: /dev/vhost-net driven as QEMU does,
# macvtap backend) byte for byte; with VHOST_F_LOG_ALL every page vhost
# wrote is logged dirty, as live migration needs.  Then the same through a
# bound queue whose zero-copy skbs (kernel test buffers) vhost still
# copies today: the data path must not care where the skb's data lives.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
ip link add link "$nic" name mvt0 type macvtap mode bridge || bail_out "no macvtap"
ip link set mvt0 up
tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac=$(cat /sys/class/net/mvt0/address)
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

# guest_rx LEN COUNT SEED [VGUEST-OPTION...]: the peer sends COUNT frames,
# the guest receives and checks them all.
guest_rx() {
	len=$1 count=$2 seed=$3
	shift 3
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len "$len" --count "$count" \
		--seed "$seed" "$@" > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || { kill "$pid"; cat /tmp/vguest.out; return 1; }
	ip netns exec peer tapframe send "$peer" "$mac" "$len" "$count" \
		"${send_seed:-$seed}" ||
		{ kill "$pid"; return 1; }
	wait "$pid"
	rc=$?
	cat /tmp/vguest.out
	return $rc
}

check "500 frames of 1000 bytes reach the guest intact" guest_rx 1000 500 1
check "300 frames of 60 bytes reach the guest intact" guest_rx 60 300 2
check "300 frames of 1514 bytes reach the guest intact" guest_rx 1514 300 3
check "dirty log: every page vhost wrote is marked" guest_rx 1000 300 4 --log-dirty
# wrong_data_rx: the peer sends other payload than the guest expects.
wrong_data_rx() {
	send_seed=99
	guest_rx 1000 1 5 --timeout-ms 2000
	rc=$?
	send_seed=
	return $rc
}
check "a guest expecting other data fails (the check can fail)" \
	not wrong_data_rx

id=$(zcrx-nl bind "$nic" 1 mvt0 copy | sed -n 's/^id=//p')
check "queue 1 bound to mvt0" test -n "$id"
check "600 test buffers posted" sh -c "echo 600 > /sys/kernel/debug/zcrx/$id/post_test_buffers"
check "500 frames through the bound queue reach the guest intact" \
	guest_rx 1500 500 7
line=$(zcrx-nl get "$id")
check "all 500 arrived in posted buffers" contains "rx_zerocopy=500" "$line"
check "and all 500 buffers came back once vhost consumed them" \
	contains "returned=500 in_flight=100" "$line"
check "unbind" zcrx-nl unbind "$id"
tap_done
