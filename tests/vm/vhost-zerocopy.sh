#!/bin/sh
# Zero-copy receive end to end: vhost-net posts the guest's page-aligned
# buffers through the macvtap (TUN_MSG_ZCOPY_RX_POST) to the bound
# netdevsim queue; netdevsim's "DMA" writes each frame into guest memory
# and vhost publishes the descriptor (TUN_MSG_ZCOPY_RX).  The guest
# (vguest) checks every byte; the binding's counters prove that the
# tap/vhost path copied no payload (rx_copied_bytes counts every byte
# tap copies for a bound macvtap) and that every pinned page came back.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
guest_macvtap 1

guest_send=guest_send_paced

# Copybreak 0: every frame that fits goes in place, even 60 bytes.
id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 1 to mvt0"

check "500 frames of 1000 bytes reach the guest intact, zero-copy" \
	guest_rx 1000 500 1
check "all 500 were written in place into guest buffers" field_is rx_zerocopy 500
check "500000 bytes delivered in place" field_is rx_zerocopy_bytes 500000
check "and not one payload byte copied on the tap/vhost path" \
	field_is rx_copied_bytes 0
check "no frame took the NIC's copy fallback" field_is rx_copy 0
check "every buffer vhost posted came back at teardown" field_is in_flight 0
check "no guest memory pinned for the binding after teardown" \
	field_is pinned_bytes 0
check "the guest's locked memory (VmPin) is back to 0" pinned_released
# netdevsim's "DMA" is a CPU copy; benchmarks take its time out of the
# host's (a NIC's writes cost none), so it must be timed.
dma_ns=$(nsim_dma_ns)
check "netdevsim timed its fills of posted buffers (zcrx_dma_ns $dma_ns)" \
	test "${dma_ns:-0}" -gt 0
# vguest itself fails unless every descriptor vhost took came back.

check "300 frames of 60 bytes, zero-copy" guest_rx 60 300 2
check "300 frames of 1514 bytes, zero-copy" guest_rx 1514 300 3
ip -n peer link set "$peer" mtu 4000 && ip link set "$nic" mtu 4000 &&
	ip link set mvt0 mtu 4000 || bail_out "cannot raise the MTU to 4000"
check "300 frames of 4000 bytes, zero-copy" guest_rx 4000 300 4
check "1400 frames in place so far" field_is rx_zerocopy 1400
check "still no byte copied" field_is rx_copied_bytes 0

check "dirty log: every page filled in place is marked" \
	guest_rx 1000 300 5 --log-dirty
check "those 300 were zero-copy too" field_is rx_zerocopy 1700

# A 4090-byte frame does not fit a page behind the 12-byte header: the
# NIC keeps the posted buffer and the frame takes the copy path into an
# 8 KiB descriptor vhost did not post.
ip -n peer link set "$peer" mtu 4076 && ip link set "$nic" mtu 4076 &&
	ip link set mvt0 mtu 4076 || bail_out "cannot raise the MTU to 4076"
check "200 frames of 4090 bytes arrive intact through the copy path" \
	guest_rx 4090 200 6 --buf-size 8192
check "counted as the NIC's copy path" field_is rx_copy 200
check "and copied by vhost, every byte" field_is rx_copied_bytes 818000
check "none in place" field_is rx_zerocopy 1700

# Copybreak: short frames take the copy path although buffers are posted.
check "copybreak 5000 is refused: no frame of a page fits a buffer" \
	sh -c "zcrx-nl set $id copybreak 5000 | grep -q 'error: Numerical result out of range (34)'"
check "copybreak 128" zcrx-nl set "$id" copybreak 128
check "get shows copybreak 128" field_is copybreak 128
check "300 frames of 100 bytes arrive intact below the copybreak" \
	guest_rx 100 300 13
check "all 300 counted below the copybreak" field_is rx_copybreak 300
check "not as a fallback" field_is rx_copy 200
check "and copied by vhost" field_is rx_copied_bytes 848000
check "none in place" field_is rx_zerocopy 1700
check "200 frames of 1000 bytes, above it, still in place" \
	guest_rx 1000 200 14
check "all 200 in place" field_is rx_zerocopy 1900
check "copybreak 0" zcrx-nl set "$id" copybreak 0

# What each path cost: vhost-net timed 1 in 16 of the frames above, both
# ways; tap timed 1 in 16 of its copies.  Its posting and release runs,
# on every RX run, are timed only while the binding's probe is on.
for key in cost_zerocopy_packets cost_zerocopy_ns cost_copy_packets cost_copy_ns \
	cost_copy_bytes cost_memcpy_ns cost_memcpy_bytes; do
	v=$(field "$id" $key)
	check "the binding's $key moved ($v)" test "${v:-0}" -gt 0
done
check "probe off: no posting run was timed" field_is cost_buffers 0
# The copybreak probe: 1 in N frames goes the other way than its length says.
copybreak_before=$(field "$id" rx_copybreak)
check "copybreak-probe 10" zcrx-nl set "$id" copybreak-probe 10
check "get shows copybreak-probe 10" field_is copybreak_probe 10
check "500 frames of 1000 bytes arrive intact with the probe" guest_rx 1000 500 15
check "exactly 1 in 10 of them took the copy path (copybreak 0)" \
	field_is rx_copybreak $((copybreak_before + 50))
check "the other 450 went in place" field_is rx_zerocopy 2350
for key in cost_buffers cost_buffer_ns; do
	v=$(field "$id" $key)
	check "probe on: the posting runs were timed, $key moved ($v)" test "${v:-0}" -gt 0
done
check "copybreak-probe 0" zcrx-nl set "$id" copybreak-probe 0
check "copybreak-probe 1 (every frame the other way) is refused, and says so" \
	sh -c "zcrx-nl set $id copybreak-probe 1 | grep -q 'copybreak-probe 1 inverts the copybreak for every frame'"
check "and changed nothing" field_is copybreak_probe 0
check "copybreak-probe 70000 is refused" \
	sh -c "zcrx-nl set $id copybreak-probe 70000 | grep -q 'error: Numerical result out of range (34)'"

# Starvation: the guest stops refilling its ring under load.  From here
# the peer sends as fast as it can.  A fresh binding, so that its
# counters count this part only.
guest_send=
check "unbind" zcrx-nl unbind "$id"
start_events
id=$(zcrx-nl bind "$nic" 1 mvt0 copy | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 1 to mvt0 again"
check "a binding made without one has copybreak 256" field_is copybreak 256

# engaged_then_cleared: the binding fell back, then returned to zero-copy.
engaged_then_cleared() {
	awk -v e="event=fallback-engaged id=$id " -v c="event=fallback-cleared id=$id " '
		index($0, e) { engaged = 1 }
		engaged && index($0, c) { cleared = 1 }
		END { exit !cleared }' /tmp/events
}

# 600 frames fit what a stalled guest has left: 192 posted buffers, 64
# descriptors for the copy path and the macvtap's 500-frame ring.
check "copy fallback: a guest that stops refilling for 2 s still gets all 600 frames" \
	guest_rx 1000 600 10 --stall-after 100 --stall-ms 2000
check "the NIC delivered some in its own buffers (fallback)" \
	test "$(field "$id" rx_copy)" -gt 0
check "every frame either in place or by fallback copy, none dropped" \
	test "$(($(field "$id" rx_zerocopy) + $(field "$id" rx_copy)))" -eq 600
check "fallback engaged, then cleared when the guest refilled" \
	eventually engaged_then_cleared
# paced_in_place SEED WHAT: 200 frames of 1000 bytes arrive intact, all
# in place.  Paced: a new guest's buffers are posted by the vhost worker
# after its kick, so an unpaced sender could beat them to the NIC (seen
# in CI).
paced_in_place() {
	zc_before=$(field "$id" rx_zerocopy)
	guest_send=guest_send_paced
	check "$2: 200 frames intact" guest_rx 1000 200 "$1"
	guest_send=
	check "$2: all 200 in place" \
		test "$(($(field "$id" rx_zerocopy) - zc_before))" -eq 200
}
paced_in_place 11 "then back to zero-copy"

check "fallback drop" zcrx-nl set "$id" fallback drop
dropped_before=$(field "$id" rx_dropped)
stalled_run 12
check "drop fallback: the guest got the last frame, the rest in order" test "$rc" -eq 0
check "frames were lost while the guest stalled" test "${lost:-0}" -gt 0
check "and the NIC counted exactly those as dropped" \
	test "$(($(field "$id" rx_dropped) - dropped_before))" -eq "${lost:-x}"
kill "$events_pid" 2> /dev/null

check "fallback copy again" zcrx-nl set "$id" fallback copy

# What QEMU does to a running device: a new memory table (memory
# hotplug), the backend detached and attached again (stop, cont).  vhost
# gives every posted buffer back, empty, and posts again: the sender's
# bursts after the first wait for 192 buffers posted anew, and go in place.
# vguest fails unless each frame arrives and, with the backend detached,
# every descriptor vhost took is back in the used ring.
guest_send=guest_send_paced
for disruption in mem-table backend; do
	zc_before=$(field "$id" rx_zerocopy)
	check "$disruption changed under traffic: 600 frames intact" \
		guest_rx 1000 600 16 --disrupt "$disruption" --disrupt-after 100
	check "the buffers posted at the change came back empty" \
		test "$(sed -n 's/.* empty \([0-9]*\);.*/\1/p' /tmp/vguest.out)" -gt 0
	check "then zero-copy again: the bursts after the first went in place" \
		test "$(($(field "$id" rx_zerocopy) - zc_before))" -ge 472
	check "nothing in flight or pinned after" eventually field_is pinned_bytes 0
done

# A balloon or virtio-mem takes guest pages without a new memory table:
# the VMM discards them (MADV_DONTNEED) and the guest later reuses the
# addresses.  vhost's cached pins must follow, or the NIC keeps writing
# the old pages and the guest never sees a frame again.  Only frames
# already on their way into old pages (at most the 256 of the ring) are lost.
zc_before=$(field "$id" rx_zerocopy)
check "RX buffers discarded mid-stream: the last of 800 frames arrives, at most a ring (256) lost" \
	guest_rx 1000 800 18 --allow-loss --discard-after 100
check "zero-copy continued into the new pages (600+ more in place)" \
	test "$(($(field "$id" rx_zerocopy) - zc_before))" -ge 600
check "the discarded pages' pins went: nothing pinned after" \
	eventually field_is pinned_bytes 0
guest_send=

# A vIOMMU: the IOTLB may unmap a page under a posted buffer, so vhost
# refuses zero-copy and the bound queue's frames take the copy path.
zc_before=$(field "$id" rx_zerocopy)
copy_before=$(field "$id" rx_copy)
check "behind a vIOMMU, 200 frames intact" guest_rx 1000 200 17 --iommu
check "none in place: vhost posted nothing" \
	test "$(field "$id" rx_zerocopy)" -eq "$zc_before"
check "all 200 by the NIC's copy path" \
	test "$(($(field "$id" rx_copy) - copy_before))" -eq 200

# A multiqueue macvtap: frames in posted buffers would go to the queue
# that posted them, copied ones to the queue of their hash (one flow
# split over two readers), so tap refuses posts while it has a second
# queue, even a detached one (QEMU detaches the queues a guest does not
# use, and may attach them again at any time): the guest takes the copy
# path.  Detached, the second queue gets no frames.
zc_before=$(field "$id" rx_zerocopy)
copied_before=$(field "$id" rx_copied_bytes)
check "a second macvtap queue, detached: 200 frames intact" \
	guest_rx 1000 200 24 --idle-queue
check "none in place: tap refused vhost's posts" \
	test "$(field "$id" rx_zerocopy)" -eq "$zc_before"
check "all 200000 bytes copied on the tap/vhost path" \
	test "$(($(field "$id" rx_copied_bytes) - copied_before))" -eq 200000
check "nothing posted or pinned" field_is pinned_bytes 0
paced_in_place 25 "one queue again"

# Teardown with buffers posted and frames in flight: SIGKILL the guest.
zc_before=$(field "$id" rx_zerocopy)
rm -f /tmp/ready
vguest rx --tap "$tap" --ready /tmp/ready --len 1000 --count 100000 \
	--seed 7 --timeout-ms 20000 > /tmp/vguest.out 2>&1 &
pid=$!
wait_for_file /tmp/ready 100 || bail_out "vguest did not start"
peer_send 1000 2000 7 &
sender=$!
sleep 1
check "the guest was still receiving when killed" kill -9 "$pid"
wait "$pid"
wait "$sender"
sed 's/^/# /' /tmp/vguest.out
check "guest killed under traffic: every posted buffer came back" \
	eventually field_is in_flight 0
check "and its pages were unpinned" eventually field_is pinned_bytes 0
check "some of its frames had arrived in place" \
	test "$(field "$id" rx_zerocopy)" -gt "$zc_before"

# stop_midway: the guest stops (detaches its backend) after 50 of 2000
# frames, with frames in its buffers still queued on the tap: vguest
# fails unless every descriptor vhost took comes back to the used ring.
stop_midway() {
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len 1000 --count 50 \
		--seed 15 > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || { kill "$pid"; return 1; }
	peer_send 1000 2000 15 &
	sender=$!
	wait "$pid"
	rc=$?
	wait "$sender"
	cat /tmp/vguest.out
	return $rc
}
check "a guest stopping under traffic gets every descriptor back" stop_midway
check "and nothing stays pinned" eventually field_is pinned_bytes 0

check "unbind" zcrx-nl unbind "$id"
check "the unbound queue still delivers to the guest, by copy" \
	guest_rx 1000 200 8

# zcrx_own_buffers: netdevsim copies copy-path frames into skbs of its
# own, as a NIC's DMA would (what the native benchmark weighs zero-copy
# against); vguest checks every byte, Ethernet header first.
check "netdevsim takes buffers of its own" nsim_own_buffers 1
dma_ns=$(nsim_dma_ns)
check "through them, 200 frames of 1000 bytes reach the unbound guest intact" \
	guest_rx 1000 200 15
check "and 200 of 60 bytes" guest_rx 60 200 16
check "netdevsim timed its copies into its own buffers" \
	test "$(nsim_dma_ns)" -gt "$dma_ns"
check "back to handing up the sender's skb" nsim_own_buffers 0

# unbind-on-vhost-gone: every binding above outlived its guests' vhost-net
# devices (the default); one made to end with its user ends when the
# guest closes /dev/vhost-net, with reason vhost-gone.
no_bindings() { test -z "$(zcrx-nl dump)"; }
# ended_with_vhost: binding $id's unbound event says vhost-gone and that
# frames had landed in place.
ended_with_vhost() {
	awk -v e="event=unbound id=$id " '
		index($0, e) && / reason=vhost-gone / {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^rx_zerocopy=/) { sub("rx_zerocopy=", "", $i); ok = $i > 0 }
		}
		END { exit !ok }' /tmp/events ||
		{ grep "event=unbound id=$id " /tmp/events; return 1; }
}
start_events
id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 unbind-on-vhost-gone | sed -n 's/^id=//p')
check "bind with unbind-on-vhost-gone" test -n "$id"
check "get shows unbind_on_vhost_gone 1" field_is unbind_on_vhost_gone 1
check "set unbind-on-vhost-gone 0" zcrx-nl set "$id" unbind-on-vhost-gone 0
guest_send=guest_send_paced
check "200 frames reach a guest" guest_rx 1000 200 21
check "its vhost-net released, the binding stays (set to 0)" \
	field_is unbind_on_vhost_gone 0
# The last reference to /dev/vhost-net dropped by another process (a
# forked child): vhost gives the posted buffers back from its worker, in
# the guest's own memory, not in the closing process's copy of it.
check "the vhost fd released in another process: every buffer back in the guest's memory" \
	guest_rx 1000 100 23 --release-in-child
check "and nothing left pinned there either" pinned_released
check "set unbind-on-vhost-gone 1" zcrx-nl set "$id" unbind-on-vhost-gone 1
check "200 frames reach the next guest" guest_rx 1000 200 22
guest_send=
check "its vhost-net released, the binding ended" eventually no_bindings
check "with an unbound event: reason vhost-gone, frames had landed in place" \
	eventually ended_with_vhost
check "and nothing stays pinned" pinned_released
kill "$events_pid" 2> /dev/null

# Devices going away under traffic with guest buffers posted: the binding
# ends, vhost gets its buffers back and unpins every page while the guest
# still runs (the debug kernel also checks for leaks and misuse).

# busy_guest SEED: a guest receiving in the background, $pid; its sender
# is $sender.
busy_guest() {
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len 1000 --count 100000 \
		--seed "$1" --timeout-ms 20000 > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || bail_out "vguest did not start"
	peer_send 1000 3000 "$1" &
	sender=$!
	sleep 1
}

id=$(zcrx-nl bind "$nic" 1 mvt0 copy | sed -n 's/^id=//p')
busy_guest 9
check "guest receiving with buffers posted" test "$(field "$id" in_flight)" -gt 0
ip link del mvt0
check "macvtap deleted under traffic: the binding ended" test -z "$(zcrx-nl dump)"
check "and vhost unpinned every guest page" pins_released "$pid"
kill -9 "$pid"
wait "$pid" "$sender" 2> /dev/null

ip link add link "$nic" name mvt1 type macvtap mode bridge &&
	ip link set mvt1 up || bail_out "no second macvtap"
tap=/dev/tap$(cat /sys/class/net/mvt1/ifindex)
mac=$(cat /sys/class/net/mvt1/address)
id=$(zcrx-nl bind "$nic" 1 mvt1 copy | sed -n 's/^id=//p')
busy_guest 10
check "guest receiving on mvt1 with buffers posted" \
	test "$(field "$id" in_flight)" -gt 0
echo 1 > /sys/bus/netdevsim/del_device
check "NIC removed under traffic: the binding ended" test -z "$(zcrx-nl dump)"
check "and vhost unpinned every guest page" pins_released "$pid"
kill -9 "$pid"
wait "$pid" "$sender" 2> /dev/null
tap_done
