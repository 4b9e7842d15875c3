#!/bin/sh
# zcrx-vm: outside-nic
# Zero-copy receive on a virtio-net NIC: QEMU's device, not the VM's
# CPUs, writes each frame from outside (tapframe serve on the host, through
# QEMU's dgram backend) into the guest page vhost-net posted to the bound
# queue.  The NIC has one queue pair, so queue 0 gets every frame: no
# steering to set up.  vguest checks every byte; the binding's counters
# show where each frame went and that the tap/vhost path copied nothing.
. /zcrx/tests/lib.sh

nic=$(outside_nic)
[ -n "$nic" ] || bail_out "no virtio-net NIC fed from outside"
ip link set "$nic" mtu 4000 && ip link set "$nic" up ||
	bail_out "cannot bring $nic up"
# virtio_net has no MAC filter: only a passthru macvtap, which owns the
# NIC, may have the NIC write into its guest's buffers.
ip link add link "$nic" name mvb type macvtap mode bridge ||
	bail_out "no bridge-mode macvtap"
check "a bridge-mode macvtap is refused: the queue is not isolated" \
	sh -c "zcrx-nl bind $nic 0 mvb | grep -q 'error: Invalid argument (22): macvtap-ifindex: queue not isolated'"
ip link del mvb
ip link add link "$nic" name mvt0 type macvtap mode passthru ||
	bail_out "no macvtap"
ip link set mvt0 mtu 4000 && ip link set mvt0 up || bail_out "no mvt0"
tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac=$(cat /sys/class/net/mvt0/address)
frames_from=outside

check "unbound: 300 frames of 1000 bytes from outside arrive, by copy" \
	guest_rx 1000 300 1

check "queue 1 of a one-queue NIC is refused, the reply naming queue-id" \
	sh -c "zcrx-nl bind $nic 1 mvt0 | grep -q 'error: .*queue-id'"
id=$(zcrx-nl bind "$nic" 0 mvt0 copy 0 0 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 0 of $nic to mvt0"

guest_send=guest_send_paced
total=0
for len in 60 1000 1514 4000; do
	check "$len-byte frames: 300 written in place by the device, intact" \
		guest_rx "$len" 300 "$len"
	total=$((total + 300))
	check "all $total so far in place" field_is rx_zerocopy "$total"
done
check "not one payload byte copied on the tap/vhost path" \
	field_is rx_copied_bytes 0
check "no frame took the driver's pages" field_is rx_copy 0
check "every posted buffer came back" field_is in_flight 0
check "nothing pinned after teardown" field_is pinned_bytes 0
check "the guest's locked memory (VmPin) is back to 0" pinned_released

check "copybreak 256" zcrx-nl set "$id" copybreak 256
check "200 frames of 100 bytes, intact below the copybreak" \
	guest_rx 100 200 5
check "copied out of the guest buffers they landed in" \
	field_is rx_copybreak 200
check "and those buffers posted again: none in place" \
	field_is rx_zerocopy "$total"

# Starvation, as on netdevsim: the guest stops refilling after 100
# frames for 2 s; the NIC's 192 posted buffers run out and the driver's
# own pages carry the rest, by copy, into the 500-frame macvtap queue.
guest_send=
start_events
zc_before=$(field "$id" rx_zerocopy)
copy_before=$(field "$id" rx_copy)
check "copy fallback: a guest that stops refilling for 2 s gets all 600 frames" \
	guest_rx 1000 600 6 --stall-after 100 --stall-ms 2000
check "some of them in the driver's pages (fallback)" \
	test "$(field "$id" rx_copy)" -gt "$copy_before"
check "every frame either in place or by fallback copy" \
	test "$(($(field "$id" rx_zerocopy) - zc_before + $(field "$id" rx_copy) - copy_before))" -eq 600
check "fallback engaged, then cleared" \
	eventually grep -q "event=fallback-cleared id=$id " /tmp/events
check "fallback drop" zcrx-nl set "$id" fallback drop
dropped_before=$(field "$id" rx_dropped)
stalled_run 7
check "drop fallback: the guest got the last frame, the rest in order" test "$rc" -eq 0
check "frames were lost while the guest stalled" test "${lost:-0}" -gt 0
check "and the driver counted exactly those as dropped" \
	test "$(($(field "$id" rx_dropped) - dropped_before))" -eq "${lost:-x}"
kill "$events_pid" 2> /dev/null
check "fallback copy again" zcrx-nl set "$id" fallback copy

# A frame bigger than a page: the device spreads it over several posted
# buffers, which zero-copy cannot deliver (one buffer a frame).  With the
# copy fallback it is copied out and reaches the guest whole, by the
# copy path into a buffer big enough; with drop, it is counted dropped.
ip link set "$nic" mtu 9000 && ip link set mvt0 mtu 9000 ||
	bail_out "cannot raise the MTU to 9000"
copy_before=$(field "$id" rx_copy)
check "9000-byte frames over several buffers: 100 arrive intact by copy" \
	guest_rx 9000 100 20 --buf-size 12288
check "each counted as copied by the fallback" \
	test "$(($(field "$id" rx_copy) - copy_before))" -ge 100
check "no length errors: the device's lengths were right" \
	field_is rx_length_errors 0
check "fallback drop" zcrx-nl set "$id" fallback drop
dropped_before=$(field "$id" rx_dropped)
check "with drop, 50 such frames are sent" outside_send 9000 50 21 0
check "and all 50 counted as dropped" \
	eventually sh -c "[ \$((\$(zcrx-nl get $id | tr ' ' '\n' | sed -n 's/^rx_dropped=//p') - $dropped_before)) -ge 50 ]"
check "fallback copy again" zcrx-nl set "$id" fallback copy
ip link set mvt0 mtu 4000 && ip link set "$nic" mtu 4000 ||
	bail_out "cannot set the MTU back"

# busy_guest SEED: a guest receiving in the background ($pid), traffic
# from outside ($sender) faster than it copes with: frames beyond the
# macvtap's queue are lost (--allow-loss), the rest arrive in order.
busy_guest() {
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len 1000 --count 100000 \
		--seed "$1" --allow-loss --timeout-ms 20000 > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || bail_out "vguest did not start"
	outside_send 1000 3000 "$1" 0 > /dev/null &
	sender=$!
	sleep 1
}

# receiving: the busy guest has buffers posted to binding $id.
receiving() {
	[ "$(field "$id" in_flight)" -gt 0 ] ||
		{ zcrx-nl get "$id"; cat /tmp/vguest.out; return 1; }
}

busy_guest 8
check "guest receiving with buffers posted" receiving
check "unbind under traffic" zcrx-nl unbind "$id"
check "vhost unpinned every guest page" pins_released "$pid"
kill -9 "$pid"
wait "$pid" 2> /dev/null
wait "$sender"
check "the unbound queue delivers to the guest again, by copy" \
	guest_rx 1000 200 9

id=$(zcrx-nl bind "$nic" 0 mvt0 copy | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 0 of $nic again"
busy_guest 10
check "guest receiving on the new binding" receiving
pci=$(realpath "/sys/class/net/$nic/device/..")
echo 1 > "$pci/remove"
check "NIC removed under traffic: the binding ended" test -z "$(zcrx-nl dump)"
check "and vhost unpinned every guest page" pins_released "$pid"
kill -9 "$pid"
wait "$pid" 2> /dev/null
# The sender outside stays blocked on QEMU's backend until the VM ends.
kill "$sender" 2> /dev/null

tap_done
