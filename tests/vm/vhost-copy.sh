#!/bin/sh
# vhost-net's copy path, end to end: frames from the netdevsim peer reach a
# user-space virtio-net guest (vguest: /dev/vhost-net driven as QEMU does,
# macvtap backend) byte for byte; with VHOST_F_LOG_ALL every page vhost
# wrote is logged dirty, as live migration needs.  Then the same through a
# bound queue whose zero-copy skbs sit in kernel test buffers, which vhost
# copies (they are not its own): the data path must not care where the skb's data lives.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
guest_macvtap 1

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
# vhost posted three quarters of its 256-entry ring too; stopping
# flushed the queue: the 100 test buffers left and vhost's 192 came back.
check "and every buffer came back: 500 consumed, 292 flushed at teardown" \
	contains "returned=792 in_flight=0" "$line"
check "vhost copied the 500 frames out of the test buffers" \
	contains "rx_copied_bytes=750000" "$line"
check "unbind" zcrx-nl unbind "$id"
tap_done
