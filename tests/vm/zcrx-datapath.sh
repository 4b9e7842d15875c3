#!/bin/sh
# A bound netdevsim queue, driven by kernel test buffers (debugfs): frames
# from the peer land in posted buffers and reach the macvtap intact, every
# counter moves as it must, both fallbacks apply when buffers run out,
# events announce each transition, and every way a binding ends (unbind,
# macvtap deleted, NIC deleted) is announced with its reason.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns

# make_macvtap: mvt0 on $nic, up; sets $tap and $mac.
make_macvtap() {
	ip link add link "$nic" name mvt0 type macvtap mode bridge || return 1
	ip link set mvt0 up
	tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
	mac=$(cat /sys/class/net/mvt0/address)
}
make_macvtap || bail_out "cannot create mvt0"
# Everything the peer sends goes to RX queue 1 of $nic.
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

# expect_frames LEN SEND RECEIVE SEED: the peer sends SEND frames, RECEIVE
# of them must arrive at $tap intact and in order.
expect_frames() {
	expect_at "$tap" "$mac" "$@"
}

# post ID N: N kernel test buffers posted to binding ID.
post() {
	echo "$2" > "/sys/kernel/debug/zcrx/$1/post_test_buffers"
}

# saw_event LINE: the event logger printed LINE (within 5 s).
saw_event() {
	n=0
	until grep -q "^$1" /tmp/events; do
		[ "$n" -lt 50 ] || { echo "events seen:"; cat /tmp/events; return 1; }
		sleep 0.1
		n=$((n + 1))
	done
}

start_events

id=$(zcrx-nl bind "$nic" 1 mvt0 copy 8 0 | sed -n 's/^id=//p')
check "bind $nic queue 1 to mvt0 (copy fallback, watermark 8)" test -n "$id"
[ -n "$id" ] || bail_out "no binding"
check "bound event" saw_event "event=bound id=$id"
check "no buffer posted yet: fallback state, counters 0" \
	binding_has "$id" state=fallback posted=0 filled=0 returned=0 in_flight=0

# No buffer: the copy fallback delivers every frame.
check "20 frames arrive through the copy fallback" expect_frames 1000 20 20 1
check "copy fallback counted, nothing zero-copied" \
	binding_has "$id" rx_copy=20 rx_zerocopy=0 rx_dropped=0 filled=0

# Buffers posted: frames land in them.
check "64 test buffers posted" post "$id" 64
check "posted 64, all in flight, zero-copy state" \
	binding_has "$id" posted=64 in_flight=64 returned=0 state=zerocopy
check "fallback-cleared event" saw_event "event=fallback-cleared id=$id"
check "40 frames of 1514 bytes arrive intact from posted buffers" \
	expect_frames 1514 40 40 2
check "filled 40, delivered zero-copy, returned once read" \
	binding_has "$id" filled=40 rx_zerocopy=40 returned=40 in_flight=24 rx_copy=20
check "10 frames of 60 bytes arrive intact" expect_frames 60 10 10 3
check "filled 50, 14 buffers left" \
	binding_has "$id" filled=50 rx_zerocopy=50 returned=50 in_flight=14

# The level falls from 14 to 4: below the watermark of 8.
check "10 more frames arrive intact" expect_frames 1514 10 10 4
check "low-buffers event when the level fell below 8" \
	saw_event "event=low-buffers id=$id"

# Drop fallback: 4 buffers left, 10 frames: 4 zero-copy, 6 dropped.
check "set fallback drop" zcrx-nl set "$id" fallback drop
check "fallback reads back as drop" test "$(field "$id" fallback)" = drop
check "4 of 10 frames arrive, in the last buffers" expect_frames 1514 10 4 5
check "6 frames dropped and counted, none copied" \
	binding_has "$id" rx_zerocopy=64 filled=64 rx_dropped=6 rx_copy=20 in_flight=0 state=fallback
check "fallback-engaged event" saw_event "event=fallback-engaged id=$id"

# Posting again returns the binding to zero-copy.
check "16 buffers posted again" post "$id" 16
check "back to zero-copy with 16 in flight" \
	binding_has "$id" state=zerocopy posted=80 in_flight=16
check "5 frames arrive zero-copy again" expect_frames 1514 5 5 6
check "rx_zerocopy 69" binding_has "$id" rx_zerocopy=69 in_flight=11

# Unbind with 11 buffers posted: all come back; the queue works unbound.
check "unbind" zcrx-nl unbind "$id"
check "unbound event, reason request, nothing left in flight" \
	saw_event "event=unbound id=$id reason=request"
check "unbound event's final accounting: 80 posted, 80 returned" \
	sh -c "grep 'event=unbound id=$id ' /tmp/events | grep -q 'posted=80 .*returned=80 in_flight=0'"
check "no binding left" test -z "$(zcrx-nl dump)"
check "debugfs directory of the binding removed" test ! -e "/sys/kernel/debug/zcrx/$id"
check "unbound queue delivers as before" expect_frames 1514 20 20 7

# A refused post changes nothing: the binding is gone.
check "posting to an ended binding fails" not post "$id" 1

# The macvtap goes: the binding ends with it.
id=$(zcrx-nl bind "$nic" 1 mvt0 | sed -n 's/^id=//p')
check "bind again" test -n "$id"
post "$id" 8
check "mvt0 deleted" ip link del mvt0
check "unbound event, reason macvtap-gone" \
	saw_event "event=unbound id=$id reason=macvtap-gone"
check "no binding left after the macvtap went" test -z "$(zcrx-nl dump)"

# The NIC goes: the binding ends with it.
make_macvtap
id=$(zcrx-nl bind "$nic" 2 mvt0 drop | sed -n 's/^id=//p')
check "bind queue 2" test -n "$id"
post "$id" 8
check "netdevsim device deleted" sh -c 'echo 1 > /sys/bus/netdevsim/del_device'
check "unbound event, reason nic-gone" \
	saw_event "event=unbound id=$id reason=nic-gone"
check "no binding left after the NIC went" test -z "$(zcrx-nl dump)"

kill "$events_pid"
tap_done
