#!/bin/sh
# zcrx-vm: rss-nic
# Steering with RSS: a virtio-net NIC with 2 queue pairs and RSS (QEMU's
# device hashes each frame and applies the guest's indirection table),
# fed from outside the VM through QEMU's multiqueue tap backend.  Queue 1
# is bound; `ethtool -X` decides which queue the macvtap's frames reach.
# The frames are IPv4 from 16 sources, so that the hash spreads them
# unless the table sends every bucket to one queue.  vguest checks every
# byte; the binding's counters say which queue carried each frame.
. /zcrx/tests/lib.sh

outside_macvtap
outside_flows=16

# indirection_is QUEUES: every entry of the RSS table is one of QUEUES
# (a regular expression) and the table is not empty.
indirection_is() {
	table=$(ethtool -x "$nic" | awk '/^RSS hash key/ { exit }
		/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) print $i }')
	[ -n "$table" ] && ! printf '%s\n' "$table" | grep -qvx "$1" ||
		{ ethtool -x "$nic"; return 1; }
}

# settled KEY: binding $id's counter KEY once two reads 0.3 s apart agree
# (QEMU's device takes the frames after the sender is done with them).
settled() {
	v=$(field "$id" "$1")
	while sleep 0.3; do
		w=$(field "$id" "$1")
		[ "$w" != "$v" ] || break
		v=$w
	done
	echo "$v"
}

# send_settled COUNT SEED: COUNT frames from outside, 16 at a time, each
# 16 taken by the NIC before the next go.  The bound queue has only the
# driver's 32 fallback pages: a frame that finds its RSS queue full waits
# in QEMU on the tap queue it came from, and QEMU retries it only when
# that queue's own ring is refilled (software RSS on a multiqueue tap),
# which an unbound queue with a full ring never asks for.
send_settled() {
	sent=0
	while [ "$sent" -lt "$1" ]; do
		outside_send 1000 16 "$2" "$sent" || return 1
		settled rx_dropped > /dev/null
		sent=$((sent + 16))
	done
}

# dropped_by COUNT: binding $id dropped COUNT frames since $dropped_before.
dropped_by() {
	d=$(($(settled rx_dropped) - dropped_before))
	[ "$d" -eq "$1" ] || { echo "dropped $d, want $1"; return 1; }
}

check "the NIC has 2 combined channels in use" \
	sh -c "ethtool -l $nic | tail -n 5 | grep -qx 'Combined:[[:space:]]*2'"
check "and an RSS indirection table over both" indirection_is '[01]'

check "queue 2 of a 2-queue NIC is refused, the reply naming queue-id" \
	sh -c "zcrx-nl bind $nic 2 mvt0 | grep -q 'error: .*queue-id'"
# Drop fallback and no guest yet: every frame RSS gives queue 1 is
# counted as dropped by the binding; the rest reach the macvtap, which
# drops them unread.
id=$(zcrx-nl bind "$nic" 1 mvt0 drop 0 0 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 1 of $nic to mvt0"

# The driver's hash key is random at each boot, and the 16 sources differ
# in 4 address bits only: 1 boot in 16 would put them all on one queue.
# The Toeplitz key of the RSS specifications' examples makes the spread
# the same at every run.
key=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
check "ethtool -X hkey: a fixed hash key" ethtool -X "$nic" hkey "$key"
outside_flows=16
dropped_before=$(field "$id" rx_dropped)
check "160 frames of 16 flows, hashed with the default table" \
	send_settled 160 1
spread=$(($(settled rx_dropped) - dropped_before))
check "spread: the bound queue 1 got some of them ($spread)" \
	test "$spread" -gt 0
check "and queue 0 the others" test "$spread" -lt 160

check "ethtool -X weight 0 1: every bucket to the bound queue 1" \
	ethtool -X "$nic" weight 0 1
check "the table says so" indirection_is 1
dropped_before=$(field "$id" rx_dropped)
check "160 frames of 16 flows" send_settled 160 2
check "every one reached queue 1" dropped_by 160

check "ethtool -X weight 1 0: every bucket to queue 0" \
	ethtool -X "$nic" weight 1 0
check "the table says so" indirection_is 0
dropped_before=$(field "$id" rx_dropped)
check "160 frames of 16 flows" outside_send 1000 160 3 0
check "none reached queue 1" dropped_by 0

# A guest now.  One flow: the host's multiqueue tap spreads flows over
# its own queues, which QEMU reads in turn, so frames of different flows
# may overtake each other before RSS sees them (vguest wants them in
# order).
outside_flows=1
check "200 frames to the guest, through the unbound queue 0 by copy, intact" \
	guest_rx 1000 200 4
check "the binding saw none of them" field_is rx_zerocopy 0
check "(vhost copied them: the macvtap's copies count)" \
	field_is rx_copied_bytes 200000
check "fallback copy" zcrx-nl set "$id" fallback copy
check "ethtool -X weight 0 1" ethtool -X "$nic" weight 0 1
guest_send=guest_send_paced
copied_before=$(field "$id" rx_copied_bytes)
check "300 frames, written in place on queue 1, intact" \
	guest_rx 1000 300 5
check "the binding took all 300 in place" field_is rx_zerocopy 300
check "not one payload byte of them copied on the tap/vhost path" \
	field_is rx_copied_bytes "$copied_before"
guest_send=

check "ethtool -X default: the hash spreads the buckets again" \
	ethtool -X "$nic" default
check "over both queues" indirection_is '[01]'
check "fewer channels are refused while queue 1 is bound" \
	not ethtool -L "$nic" combined 1
check "the binding is still there" field_is state zerocopy

check "unbind" zcrx-nl unbind "$id"
check "nothing pinned after the unbind" pinned_released
check "then one channel is allowed" ethtool -L "$nic" combined 1

tap_done
