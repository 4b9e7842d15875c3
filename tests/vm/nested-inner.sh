#!/bin/sh
# The nested guest of nested-guest.sh (run by QEMU inside the test VM):
# its virtio_net, in full-page mode, receives 128 frames of 1000 bytes
# from outside and checks every byte.  The frames reach its pages through
# the outer VM's bound queue, vhost-net and macvtap.
. /zcrx/tests/lib.sh

nic=$(ls /sys/class/net | grep -vx lo | head -n 1)
[ -n "$nic" ] || bail_out "no NIC in the nested guest"
nic_stat() {
	cat "/sys/class/net/$nic/statistics/$1"
}
check "virtio_net.full_page_rx is on" \
	grep -qx Y /sys/module/virtio_net/parameters/full_page_rx
check "$nic up" ip link set "$nic" up
# The outer VM sends once vhost-net has posted this guest's buffers and
# the line below says the reader is there (a packet socket sees frames
# from NETDEV_UP on, which comes after the driver filled its ring).  Up
# to 10 min: everything here runs under TCG twice over.
tapframe expect "$nic" 1000 128 1 600000 /tmp/ready > /tmp/expect.out 2>&1 &
reader=$!
wait_for_file /tmp/ready 600 || bail_out "tapframe expect did not start"
echo "# reader ready"
wait "$reader"
reader_rc=$?
check "128 frames of 1000 bytes from outside, every byte intact" \
	sh -c "cat /tmp/expect.out; exit $reader_rc"
check "the driver counted 128 frames" test "$(nic_stat rx_packets)" -eq 128
check "and 128000 bytes" test "$(nic_stat rx_bytes)" -eq 128000
check "none in error" test "$(nic_stat rx_errors)" -eq 0
tap_done
