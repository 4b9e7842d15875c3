#!/bin/sh
# A copybreak that sets itself: zcrxd with "copybreak": "auto" reads the
# binding's cost counters (what vhost-net and tap measured of both
# receive paths) and moves the kernel's copybreak to where they cross.
# The synthetic cost change: netdevsim's zcrx_post_cost_ns makes every
# posted buffer dear (as an IOMMU map can), and zero-copy stops paying
# at any frame size: the copybreak must go to its maximum and the
# guest's frames take the copy path; with the cost gone the probe
# (1 in 8 frames the other way) still measures zero-copy and the
# copybreak comes back down.  The guest checks every byte throughout.
. /zcrx/tests/lib.sh

LEN=1000

nsim_create
nsim_peer_netns
guest_macvtap 1
guest_send=guest_send_paced
system_bus_start

mkdir -p /etc/zcrx /var/lib/zcrx
cat > /etc/zcrx/zcrxd.conf <<EOF
{ "policy": { "copybreak": "auto", "copybreak-probe": 8,
              "copybreak-half-life-ms": 1000 },
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

# copybreak_is OP N: the kernel's copybreak compares so with N.
copybreak_is() {
	v=$(field "$id" copybreak)
	[ "${v:-x}" -"$1" "$2" ] 2>/dev/null
}

# round: 500 frames of $LEN bytes to the guest, which checks each one.
seed=1
round() {
	seed=$((seed + 1))
	guest_rx "$LEN" 500 "$seed" > /tmp/round.out || { cat /tmp/round.out; return 1; }
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
check "zcrxd turns the copybreak probe on (1 in 8)" eventually field_is copybreak_probe 8
check "the kernel's copybreak is its default before any traffic" field_is copybreak 256

check "cheap posts: 6 rounds of 500 frames arrive intact" rounds 6
check "and zero-copy pays for $LEN B frames: the copybreak stays below" \
	copybreak_is lt "$LEN"
echo "# copybreak $(field "$id" copybreak) after 6 rounds"

check "200 us a posted buffer (netdevsim zcrx_post_cost_ns)" post_cost 200000
check "dear posts: the copybreak goes to its maximum" \
	rounds_until 20 copybreak_is eq 4096
echo "# copybreak 4096 after $rounds rounds"
before=$(field "$id" rx_copybreak)
check "500 frames arrive intact" guest_rx "$LEN" 500 100
copied=$(($(field "$id" rx_copybreak) - before))
check "they took the copy path, but for the probe's 1 in 8 ($copied copied)" \
	test "$copied" -ge 430 -a "$copied" -le 445

check "posts cheap again" post_cost 0
check "the probe measured zero-copy meanwhile: the copybreak comes back below $LEN" \
	rounds_until 30 copybreak_is lt "$LEN"
echo "# copybreak $(field "$id" copybreak) after $rounds rounds"
before=$(field "$id" rx_zerocopy)
check "500 frames arrive intact" guest_rx "$LEN" 500 200
in_place=$(($(field "$id" rx_zerocopy) - before))
check "they went in place, but for the probe's 1 in 8 ($in_place in place)" \
	test "$in_place" -ge 400 -a "$in_place" -le 445
show_output "what zcrxd said" grep copybreak /tmp/zcrxd.log
check "zcrxd logged each move with the costs it measured" \
	grep -q "copybreak 4096 -> .* (in place .* ns a frame, copied .* ns + .* ns a byte)" /tmp/zcrxd.log

tap_done
