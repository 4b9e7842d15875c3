#!/bin/sh
# A copybreak that sets itself: zcrxd with "copybreak": "auto" reads the
# binding's cost counters (what vhost-net and tap measured of both
# receive paths) and moves the kernel's copybreak to where they cross.
# The synthetic cost change: netdevsim's zcrx_post_cost_ns makes every
# posted buffer dear (as an IOMMU map can), and zero-copy stops paying
# at any frame size: the copybreak must go to its maximum and the
# guest's frames take the copy path; with the cost gone the probe
# (here 1 in 4 frames the other way) still measures zero-copy and the
# copybreak comes back down.  The guest checks every byte throughout.
# Where TCG's paths cross is noisy (from 0.4 to 3 KB between runs: a
# copied frame costs vhost-net 5 to 18 us beside its bytes, 2 to 4 ns a
# byte, one in place 9 to 15 us with its buffer), so the checks are on
# the moves the cost change makes, not on that point; the unit test
# (tests/unit/test-copybreak.c) checks the arithmetic on exact costs.
. /zcrx/tests/lib.sh

LEN=1000

nsim_create
nsim_peer_netns
guest_macvtap 1
guest_send=guest_send_paced
system_bus_start

mkdir -p /etc/zcrx /var/lib/zcrx
cat > /etc/zcrx/zcrxd.conf <<EOF
{ "policy": { "copybreak": "auto", "copybreak-probe": 4,
              "copybreak-half-life-ms": 4000 },
  "bindings": [ { "nic": "$nic", "queue": 1, "macvtap": "mvt0" } ] }
EOF
zcrxd --bus "$A" --config /etc/zcrx/zcrxd.conf --state-dir /var/lib/zcrx \
	--sample-interval-ms 100 </dev/null >/dev/null 2>>/tmp/zcrxd.log &

# post_cost NS: every post to netdevsim1 busy-waits NS nanoseconds.
post_cost() {
	for knob in /sys/kernel/debug/netdevsim/netdevsim1/ports/*/zcrx_post_cost_ns; do
		echo "$1" > "$knob" || return 1
	done
}

# copybreak_is N: the kernel's copybreak is N.
copybreak_is() {
	[ "$(field "$id" copybreak)" = "$1" ]
}

# round: 1000 frames of $LEN bytes to the guest, which checks each one.
seed=1
round() {
	seed=$((seed + 1))
	guest_rx "$LEN" 1000 "$seed" > /tmp/round.out || { cat /tmp/round.out; return 1; }
}

# rounds N: N rounds.
rounds() {
	i=0
	while [ "$i" -lt "$1" ]; do
		round || return 1
		i=$((i + 1))
	done
}

# rounds_until MAX CMD...: rounds until CMD holds, at most MAX of them.
rounds_until() {
	max=$1
	shift
	rounds=0
	until "$@"; do
		[ "$rounds" -lt "$max" ] ||
			{ echo "after $rounds rounds: copybreak $(field "$id" copybreak)"; return 1; }
		round || return 1
		rounds=$((rounds + 1))
	done
}

n=0
until id=$(zcrx-nl dump | sed -n 's/^id=\([0-9]*\) .* queue=1 .*/\1/p') && [ -n "$id" ]; do
	[ "$n" -lt 200 ] || bail_out "zcrxd made no binding: $(cat /tmp/zcrxd.log)"
	sleep 0.1
	n=$((n + 1))
done
check "zcrxd turns the copybreak probe on (1 in 4)" eventually field_is copybreak_probe 4
check "the kernel's copybreak is its default before any traffic" field_is copybreak 256

check "cheap posts: zcrxd moves the copybreak from what it measured" \
	rounds_until 20 grep -q "copybreak 256 -> " /tmp/zcrxd.log
echo "# copybreak $(field "$id" copybreak)"

check "200 us a posted buffer (netdevsim zcrx_post_cost_ns)" post_cost 200000
check "dear posts: the copybreak goes to its maximum" \
	rounds_until 20 copybreak_is 4096
before=$(field "$id" rx_copybreak)
bufs_before=$(field "$id" cost_buffers)
buf_ns_before=$(field "$id" cost_buffer_ns)
check "1000 frames arrive intact" guest_rx "$LEN" 1000 100
copied=$(($(field "$id" rx_copybreak) - before))
check "they took the copy path, but for the probe's 1 in 4 ($copied copied)" \
	test "$copied" -ge 740 -a "$copied" -le 760
bufs=$(($(field "$id" cost_buffers) - bufs_before))
per_buf=$((($(field "$id" cost_buffer_ns) - buf_ns_before) / (bufs > 0 ? bufs : 1)))
check "vhost-net measured the dear posts ($per_buf ns a buffer over $bufs)" \
	test "$bufs" -gt 0 -a "$per_buf" -ge 150000

check "posts cheap again" post_cost 0
logged=$(wc -l < /tmp/zcrxd.log)
# moved_down: zcrxd logged a move down from 4096 since the cost went.
moved_down() {
	tail -n +"$((logged + 1))" /tmp/zcrxd.log | grep -q "copybreak 4096 -> "
}
# Down by more than the hysteresis (an eighth), from the probe's frames.
check "the probe measured zero-copy meanwhile: the copybreak comes down" \
	rounds_until 30 moved_down
echo "# copybreak $(field "$id" copybreak)"
grep copybreak /tmp/zcrxd.log | sed 's/^/# zcrxd: /'
check "zcrxd logged the move down with the costs it measured" \
	grep -q "copybreak 4096 -> [0-9]* (in place [0-9]* ns a frame, copied [0-9]* ns + [0-9.]* ns a byte)" \
	/tmp/zcrxd.log
# moves_in_range: every "copybreak A -> B" zcrxd logged has B <= 4096.
moves_in_range() {
	grep -o 'copybreak [0-9]* -> [0-9]*' /tmp/zcrxd.log |
		awk '$4 > 4096 { bad = 1 } END { exit bad }'
}
check "every copybreak zcrxd set was within 0..4096" moves_in_range

tap_done
