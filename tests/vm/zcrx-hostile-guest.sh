#!/bin/sh
# A hostile guest: vguest --hostile on mvt0 breaks the virtio rules on a
# bound queue (malformed buffers and rings, memory changed or taken away
# under posted buffers, a thread racing the device) while the peer sends
# it 200 frames (600 where it gives its pages away); a correct guest on
# mvt1, bound to another queue, gets 100 frames during each scenario.
# For every scenario: the host stays up (the harness fails on any
# splat), the binding falls back to the copy path or refuses the
# buffers, vhost reports a broken ring on its error eventfd where it
# must, every descriptor vhost took comes back, no page stays pinned,
# and the other guest receives every byte intact, in place.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
for m in mvt0 mvt1; do
	ip link add link "$nic" name $m type macvtap mode bridge &&
		ip link set $m up || bail_out "cannot create $m"
done
mac0=$(cat /sys/class/net/mvt0/address)
mac1=$(cat /sys/class/net/mvt1/address)
tap0=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
tap1=/dev/tap$(cat /sys/class/net/mvt1/ifindex)

# netdevsim filters by MAC: each guest's frames reach its own bound queue.
bad=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
good=$(zcrx-nl bind "$nic" 2 mvt1 copy 0 0 | sed -n 's/^id=//p')
[ -n "$bad" ] && [ -n "$good" ] || bail_out "cannot bind queues 1 and 2"

scenarios=20
good_frames=$((scenarios * 100))
rm -f /tmp/good-ready
vguest rx --tap "$tap1" --ready /tmp/good-ready --len 1000 --count "$good_frames" \
	--seed 99 --timeout-ms 60000 > /tmp/good.out 2>&1 &
good_pid=$!
wait_for_file /tmp/good-ready 100 || bail_out "the correct guest did not start"

run=0
passed=0
skipped=0
frames=200
failed_names=

# summary_has TEXT: the hostile guest's summary line holds TEXT.
summary_has() {
	contains "$1" "$(grep "^hostile $name:" /tmp/hostile.out)"
}

# summary_value KEY: the number before " KEY" or after "KEY " in it.
summary_value() {
	grep "^hostile $name:" /tmp/hostile.out | sed "s/^hostile $name: //" |
		tr ';,' '\n\n' |
		sed -n "s/^ *\([0-9][0-9]*\) $1.*/\1/p; s/^ *$1 \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# in_place_delta: frames the hostile binding wrote in place this scenario.
in_place_delta() {
	echo $(($(field "$bad" rx_zerocopy) - bad_zc_before))
}

# good_in_place N: the correct guest's binding put N more frames in place.
good_in_place() {
	v=$(($(field "$good" rx_zerocopy) - good_zc_before))
	[ "$v" -eq "$1" ] || { echo "in place: $v, want $1"; return 1; }
}

# hostile NAME [VGUEST-OPTION...]: one scenario, $frames frames to the
# hostile guest; its output in /tmp/hostile.out, its status in
# $hostile_rc.  The common checks follow; the caller adds the
# scenario's own.  Fails (a TAP skip) when the kernel lacks what the
# misdeed needs.
hostile() {
	name=$1
	shift
	run=$((run + 1))
	failed_before=$tap_failed
	bad_zc_before=$(field "$bad" rx_zerocopy)
	good_zc_before=$(field "$good" rx_zerocopy)
	rm -f /tmp/ready
	vguest rx --tap "$tap0" --ready /tmp/ready --len 1000 --count "$frames" \
		--seed "$run" --timeout-ms 10000 --hostile "$name" "$@" \
		> /tmp/hostile.out 2>&1 &
	hostile_pid=$!
	wait_for_file /tmp/ready 100 || bail_out "vguest --hostile $name did not start"
	# The correct guest's burst waits for its 192 buffers (all in place).
	id=$good wait_posted || bail_out "the correct guest's buffers are not posted"
	ip netns exec peer tapframe send "$peer" "$mac1" 1000 100 99 $(((run - 1) * 100)) &
	good_sender=$!
	ip netns exec peer tapframe send "$peer" "$mac0" 1000 "$frames" "$run" 0
	wait "$good_sender"
	wait "$hostile_pid"
	hostile_rc=$?
	sed 's/^/# /' /tmp/hostile.out
	if [ "$hostile_rc" -eq 77 ]; then
		skipped=$((skipped + 1))
		tap_run=$((tap_run + 1))
		echo "ok $tap_run - $name # SKIP not in this kernel (see above)"
		return 1
	fi
	check "$name: the hostile guest ran to its end, its own checks passed" \
		test "$hostile_rc" -eq 0
	check "$name: every descriptor vhost took came back, the guest's VmPin is 0" \
		contains "pinned after teardown: 0 kB" "$(cat /tmp/hostile.out)"
	check "$name: its binding has nothing in flight or pinned, no bad length" \
		eventually binding_has "$bad" in_flight=0 pinned_bytes=0 rx_length_errors=0
	check "$name: the other guest's 100 frames went in place" \
		eventually good_in_place 100
	check "$name: the other binding copied nothing and saw no bad length" \
		binding_has "$good" rx_copied_bytes=0 rx_length_errors=0 rx_foreign=0
}

# scenario_done: count the scenario as passed if none of its checks failed.
scenario_done() {
	if [ "$tap_failed" -eq "$failed_before" ]; then
		passed=$((passed + 1))
	else
		failed_names="$failed_names $name"
	fi
}

# ---- buffers the zero-copy path must refuse (copy path, or nothing) ----
hostile unaligned
check "unaligned: all 200 frames intact by the copy path" summary_has "200 frames intact"
check "unaligned: none lost, no ring error" summary_has "lost 0; skipped 0"
check "unaligned: not one posted for zero-copy" test "$(in_place_delta)" -eq 0
scenario_done

hostile short
check "short: no ring error" summary_has "ring error no"
check "short: all 200 frames arrived in 8-byte pieces (200 x 1012 bytes)" \
	test "$(summary_value "used bytes")" = 202400
check "short: none in place" test "$(in_place_delta)" -eq 0
scenario_done

# vhost takes no RX descriptor without a byte to write to: a ring error.
hostile zero-len
check "zero-len: vhost signalled the ring error" summary_has "ring error yes"
check "zero-len: nothing used" summary_has "used-ring entries 0; used bytes 0;"
check "zero-len: none in place" test "$(in_place_delta)" -eq 0
scenario_done

hostile out-of-range
check "out-of-range: vhost signalled the ring error" summary_has "ring error yes"
check "out-of-range: nothing used" summary_has "used-ring entries 0;"
check "out-of-range: none in place" test "$(in_place_delta)" -eq 0
scenario_done

# ---- buffers the guest garbles itself: the host must not care ----
hostile overlap
check "overlap: frames delivered, no ring error" summary_has "ring error no"
check "overlap: some used" test "$(summary_value "used-ring entries")" -gt 0
scenario_done

hostile same-page
check "same-page: no ring error" summary_has "ring error no"
check "same-page: the one page was posted and filled in place" \
	test "$(in_place_delta)" -gt 0
scenario_done

# One descriptor offered in every avail entry: vhost takes it many times
# over, each a buffer of its own, and gives each back.
hostile dup-head
check "dup-head: no ring error" summary_has "ring error no"
check "dup-head: all 200 frames delivered (200 x 1012 bytes)" \
	test "$(summary_value "used bytes")" = 202400
check "dup-head: in place" test "$(in_place_delta)" -gt 0
scenario_done

# ---- broken descriptor chains ----
for name in loop indirect-loop indirect-nested; do
	hostile $name
	check "$name: vhost signalled the ring error" summary_has "ring error yes"
	check "$name: nothing used" summary_has "used-ring entries 0;"
	check "$name: none in place" test "$(in_place_delta)" -eq 0
	scenario_done
done

hostile indirect
check "indirect: all 200 frames intact" summary_has "200 frames intact"
check "indirect: none lost, no ring error" summary_has "lost 0; skipped 0"
check "indirect: a buffer behind an indirect table goes in place" \
	test "$(in_place_delta)" -gt 0
scenario_done

# ---- a running ring broken ----
# A 64-entry ring: vhost runs out of what it read of the ring before the
# 200 frames are in, and reads the index again.
hostile avail-jump --hostile-after 20 --ring-size 64
check "avail-jump: vhost signalled the ring error" summary_has "ring error yes"
check "avail-jump: the frames before it intact" \
	test "$(summary_value "frames intact")" -ge 20
scenario_done

# A thread flips every descriptor between its buffer's two pages: vhost
# reads each once, so each frame lies whole in one of them.
hostile rewrite-desc
check "rewrite-desc: all 200 frames intact, each in the page vhost read" \
	summary_has "200 frames intact"
check "rewrite-desc: none lost, no ring error" summary_has "lost 0; skipped 0"
scenario_done

# A thread scribbles over the virtio-net header room: the host reads
# nothing back from it, the frames behind it are intact.
hostile hdr-rewrite
check "hdr-rewrite: all 200 frames intact" summary_has "200 frames intact"
check "hdr-rewrite: none lost, no ring error" summary_has "lost 0; skipped 0"
check "hdr-rewrite: in place" test "$(in_place_delta)" -gt 0
scenario_done

# A thread rewrites each frame as it lands into a broadcast test frame:
# the host takes the Ethernet header from the NIC, never from the guest's
# page, so nothing of it reaches the other guest (its checks above: it
# fails on a frame it does not expect).
hostile frame-rewrite
check "frame-rewrite: no ring error" summary_has "ring error no"
check "frame-rewrite: all 200 frames delivered to the guest that posted them" \
	test "$(summary_value "used bytes")" = 202400
check "frame-rewrite: in place" test "$(in_place_delta)" -gt 0
scenario_done

# ---- guest memory changed under posted buffers ----

# A child writes over its copy of every buffer after fork(): the pinned
# pages stay the guest's, the child's writes are its own.
hostile fork --hostile-after 50
check "fork: all 200 frames intact in the parent" summary_has "200 frames intact"
check "fork: none lost, no ring error" summary_has "lost 0; skipped 0"
check "fork: in place" test "$(in_place_delta)" -gt 0
scenario_done

# The pages already pinned stay writable to the NIC, as to any DMA;
# the copy path cannot write them.
hostile mprotect --hostile-after 50
check "mprotect: no ring error" summary_has "ring error no"
check "mprotect: what arrived is intact and in order" \
	test "$(summary_value "frames intact")" -ge 50
scenario_done

hostile munmap --hostile-after 50
check "munmap: no ring error" summary_has "ring error no"
check "munmap: its pins dropped while the guest still ran" \
	summary_has "pinned before teardown: 0 kB"
scenario_done

# MADV_DONTNEED, or new memory mapped over the buffers (as a balloon
# gives pages back): frames the NIC wrote into the pages given away are
# lost to the guest (it reads zeros); the buffers it refills are its new
# pages, pinned anew, and in place again.  600 frames: the 192 buffers
# posted when the pages go take the first ones after it.
frames=600
for name in dontneed remap; do
	# madvise needs CONFIG_ADVISE_SYSCALLS.
	hostile $name --hostile-after 50 || continue
	check "$name: no ring error" summary_has "ring error no"
	check "$name: no frame written into a page the guest gave away once it refilled (stale 0)" \
		summary_has "; stale 0;"
	check "$name: frames intact again after it" \
		test "$(summary_value "after the misdeed")" -gt 0
	check "$name: no stale pin kept beside the new ones (at most 256 pages)" \
		test "$(summary_value "pinned before teardown:")" -le 1024
	check "$name: and in place" test "$(in_place_delta)" -gt 0
	scenario_done
done
frames=200

[ "$run" -eq "$scenarios" ] || bail_out "ran $run scenarios, planned $scenarios"

wait "$good_pid"
good_rc=$?
sed 's/^/# /' /tmp/good.out
check "the correct guest got all $good_frames frames intact, in order" \
	test "$good_rc" -eq 0
check "and nothing of it stayed pinned" \
	contains "pinned after teardown: 0 kB" "$(cat /tmp/good.out)"
check "every one of them in place" \
	binding_has "$good" rx_zerocopy=$good_frames rx_copied_bytes=0

# no_stuck_buffers: the kernel log (read, and not empty) has none of the
# lines vhost_net_zc_stop() writes when buffers stay in the stack 10 s.
no_stuck_buffers() {
	log=$(dmesg) && [ -n "$log" ] || { echo "cannot read the kernel log"; return 1; }
	! printf '%s\n' "$log" | grep 'RX buffers still in the stack'
}
check "vhost never waited for buffers stuck in the stack" no_stuck_buffers

# The hostile guests' binding still serves a correct guest.
tap=$tap0 mac=$mac0 id=$bad
guest_send=guest_send_paced
bad_zc_before=$(field "$bad" rx_zerocopy)
check "after $scenarios hostile guests, a correct guest on mvt0: 200 frames intact" \
	guest_rx 1000 200 77
check "all 200 in place" test "$(in_place_delta)" -eq 200
check "and nothing left pinned" eventually binding_has "$bad" in_flight=0 pinned_bytes=0

echo "# hostile scenarios: $run run, $passed passed, $skipped skipped, $((run - passed - skipped)) failed${failed_names:+ (}${failed_names# }${failed_names:+)}"
tap_done
