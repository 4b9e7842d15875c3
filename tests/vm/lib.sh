# shellcheck shell=sh
# TAP helpers for tests that run inside the test VM (sourced by each test).
# The plan is printed last (tap_done), so a test may decide at run time
# how many checks it makes; the host wrapper relays and completes it.

# busybox sh prefers its own applets to $PATH: ip and tc must be
# iproute2's (macvtap modes, netns, tc actions).
ip() {
	/usr/local/sbin/ip "$@"
}
tc() {
	/usr/local/sbin/tc "$@"
}
ethtool() {
	/usr/local/sbin/ethtool "$@"
}

tap_run=0
tap_failed=0

# check DESC CMD [ARG...]: one TAP case, passing when CMD exits 0.  What
# CMD prints goes to the TAP stream as diagnostics.
# Its variables are prefixed: tests use plain names like $out.
check() {
	_check_desc=$1
	shift
	tap_run=$((tap_run + 1))
	if _check_out=$("$@" 2>&1); then
		echo "ok $tap_run - $_check_desc"
	else
		echo "not ok $tap_run - $_check_desc"
		tap_failed=$((tap_failed + 1))
	fi
	[ -z "$_check_out" ] || printf '%s\n' "$_check_out" | sed 's/^/# /'
}

# not CMD [ARG...]: succeeds when CMD fails, for checks that must fail.
not() {
	! "$@"
}

# contains NEEDLE TEXT: TEXT holds NEEDLE.
contains() {
	case "$2" in
	*"$1"*) ;;
	*) printf "no '%s' in:\n%s\n" "$1" "$2"; return 1 ;;
	esac
}

# bail_out REASON: stop here, the remaining checks cannot run.
bail_out() {
	echo "Bail out! $*"
	exit 1
}

tap_done() {
	echo "1..$tap_run"
	[ "$tap_failed" -eq 0 ]
}

# nsim_create: netdevsim device 1 with 2 ports of 4 queues each; sets
# $nic and $peer to the names of its ports.
nsim_create() {
	echo "1 2 4" > /sys/bus/netdevsim/new_device ||
		bail_out "cannot create a netdevsim device"
	# shellcheck disable=SC2046
	set -- $(ls /sys/bus/netdevsim/devices/netdevsim1/net)
	[ $# -eq 2 ] || bail_out "netdevsim1 has ports '$*', want 2"
	nic=$1
	peer=$2
}

# nsim_peer_netns: move $peer into network namespace "peer", link it to
# $nic as netdevsim peers, bring both up.
nsim_peer_netns() {
	ip netns add peer || bail_out "ip netns add failed"
	ip link set "$peer" netns peer || bail_out "cannot move $peer"
	exec 3< /proc/self/ns/net 4< /run/netns/peer
	echo "3:$(cat /sys/class/net/"$nic"/ifindex) 4:$(ip -n peer -o link show "$peer" | cut -d: -f1)" \
		> /sys/bus/netdevsim/link_device || bail_out "cannot link the ports"
	exec 3<&- 4<&-
	ip link set "$nic" up
	ip -n peer link set "$peer" up
}

# nsim_dma_ns: nanoseconds netdevsim1 spent in its "DMA" so far, all ports
# (a CPU copy in its receive softirq; a NIC's costs no CPU).
nsim_dma_ns() {
	cat /sys/kernel/debug/netdevsim/netdevsim1/ports/*/zcrx_dma_ns |
		awk '{ n += $1 } END { printf "%.0f\n", n }'
}

# nsim_own_buffers 0|1: netdevsim1 hands up the sender's skb on the copy
# path (0), or copies each such frame into an skb of its own, as a NIC's
# DMA does into its buffers (1).
nsim_own_buffers() {
	for knob in /sys/kernel/debug/netdevsim/netdevsim1/ports/*/zcrx_own_buffers; do
		echo "$1" > "$knob" || return 1
	done
}

# wait_for_file PATH TENTHS: poll for a file, up to TENTHS tenths of a second.
wait_for_file() {
	n=0
	while [ ! -e "$1" ]; do
		[ "$n" -lt "$2" ] || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

# guest_macvtap QUEUE: macvtap mvt0 (bridge mode) on $nic for a guest;
# sets $tap and $mac; the peer's frames are steered to $nic's RX QUEUE.
guest_macvtap() {
	ip link add link "$nic" name mvt0 type macvtap mode bridge ||
		bail_out "no macvtap"
	ip link set mvt0 up
	tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
	mac=$(cat /sys/class/net/mvt0/address)
	ip netns exec peer tc qdisc add dev "$peer" clsact &&
	ip netns exec peer tc filter add dev "$peer" egress matchall \
		action skbedit queue_mapping "$1" || bail_out "cannot steer to queue $1"
}

# guest_rx LEN COUNT SEED [VGUEST-OPTION...]: the peer sends COUNT frames
# to the guest on $tap, which receives and checks them all; its output is
# left in /tmp/vguest.out.  $send_seed, if set, is what the peer sends;
# $guest_send, if set, names the function that sends (as guest_send_all).
guest_rx() {
	len=$1 count=$2 seed=$3
	shift 3
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len "$len" --count "$count" \
		--seed "$seed" "$@" > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || { kill "$pid"; cat /tmp/vguest.out; return 1; }
	${guest_send:-guest_send_all} "$len" "$count" "${send_seed:-$seed}" ||
		{ kill "$pid"; wait "$pid"; cat /tmp/vguest.out; return 1; }
	wait "$pid"
	rc=$?
	cat /tmp/vguest.out
	return $rc
}

# guest_send_all LEN COUNT SEED: COUNT frames sent at once, by the peer
# or, with frames_from=outside, from outside the VM.
guest_send_all() {
	"${frames_from:-peer}_send" "$1" "$2" "$3" 0
}

# peer_send LEN COUNT SEED FIRST: the netdevsim peer sends to $mac.
peer_send() {
	ip netns exec peer tapframe send "$peer" "$mac" "$1" "$2" "$3" "${4:-0}"
}

# outside_nic: the virtio-net NIC QEMU feeds from outside the VM (a test
# with the line "# zcrx-vm: outside-nic"; see run-vm-test).
outside_nic() {
	for dev in /sys/class/net/*; do
		[ "$(cat "$dev/address")" != 52:54:00:7a:63:01 ] ||
			basename "$dev"
	done
}

# outside_macvtap: the outside NIC ($nic) up, a macvtap mvt0 on it for a
# guest, in passthru mode (virtio_net has no MAC filter: a guest must own
# the NIC for zcrx to bind); sets $tap, $mac, and frames_from=outside.
outside_macvtap() {
	nic=$(outside_nic)
	[ -n "$nic" ] || bail_out "no virtio-net NIC fed from outside"
	ip link set "$nic" up || bail_out "cannot bring $nic up"
	ip link add link "$nic" name mvt0 type macvtap mode passthru ||
		bail_out "no macvtap"
	ip link set mvt0 up || bail_out "no mvt0"
	tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
	mac=$(cat /sys/class/net/mvt0/address)
	frames_from=outside
}

# outside_send LEN COUNT SEED FIRST: `tapframe serve` on the host sends
# to $mac through QEMU's backend; its answer comes once all are sent.
# With $outside_flows set, the frames are IPv4 from that many sources
# (for a NIC's RSS hash); with $outside_rate, sent at that many a second.
# The host's CPU time over the sending is left in $outside_host_ticks
# ("host-ticks vcpu=V vmm=M sender=S hz=HZ").
outside_send() {
	if [ -z "${outside_control_open:-}" ]; then
		stty -F /dev/ttyS2 raw -echo || return 1
		exec 7<> /dev/ttyS2
		outside_control_open=1
	fi
	if [ -n "${outside_flows:-}${outside_rate:-}" ]; then
		echo "send $mac $1 $2 $3 ${4:-0} ${outside_flows:-0} ${outside_rate:-0}"
	else
		echo "send $mac $1 $2 $3 ${4:-0}"
	fi >&7
	read -r reply <&7
	case "$reply" in
	"sent $2 "*) outside_host_ticks=${reply#"sent $2 "} ;;
	*) echo "outside sender: $reply"; return 1 ;;
	esac
}

# field_is KEY VALUE: the counter KEY of binding $id is VALUE.
field_is() {
	v=$(field "$id" "$1")
	[ "$v" = "$2" ] || { echo "$1=$v, want $2"; return 1; }
}

# eventually CMD...: CMD succeeds within 2 s (releases may be deferred).
eventually() {
	n=0
	until "$@" > /dev/null; do
		[ "$n" -lt 20 ] || { "$@"; return 1; }
		sleep 0.1
		n=$((n + 1))
	done
}

# wait_posted: vhost has posted its 192 buffers (3/4 of a 256-entry
# ring) to binding $id, within 10 s.
wait_posted() {
	tries=0
	until field_is in_flight 192 > /dev/null; do
		[ "$tries" -lt 100 ] || { field_is in_flight 192; return 1; }
		sleep 0.1
		tries=$((tries + 1))
	done
}

# guest_send_paced LEN COUNT SEED: bursts of at most 128 frames, each
# once vhost has all 192 of its buffers posted: the NIC never runs out,
# so every frame that fits goes in place.  (Unpaced, a sender may outrun
# the guest and frames take the fallback.)
guest_send_paced() {
	sent=0
	while [ "$sent" -lt "$2" ]; do
		n=$(($2 - sent))
		[ "$n" -le 128 ] || n=128
		wait_posted || return 1
		"${frames_from:-peer}_send" "$1" "$n" "$3" "$sent" || return 1
		sent=$((sent + n))
	done
}

# field ID KEY: one value from "zcrx-nl get ID".
field() {
	zcrx-nl get "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# pinned_released: vguest saw its pinned memory back to 0 after teardown.
pinned_released() {
	contains "pinned after teardown: 0 kB" "$(cat /tmp/vguest.out)"
}

# pins_released PID: the guest's VmPin fell to 0 (within 10 s).
pins_released() {
	tries=0
	until grep -q '^VmPin:[[:space:]]*0 kB' "/proc/$1/status"; do
		[ "$tries" -lt 100 ] || { grep VmPin "/proc/$1/status"; return 1; }
		sleep 0.1
		tries=$((tries + 1))
	done
}

# stalled_run SEED: the guest stalls for 3 s after 100 of 700 frames of
# 1000 bytes (--allow-loss); the first 600 are sent by then, the last 100
# after it, so only the stall can lose frames.  Sets $rc (vguest's status)
# and $lost (the frames it never got).
stalled_run() {
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len 1000 --count 700 \
		--seed "$1" --allow-loss --stall-after 100 --stall-ms 3000 \
		--timeout-ms 10000 > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || bail_out "vguest did not start"
	"${frames_from:-peer}_send" 1000 600 "$1" 0
	sleep 4
	"${frames_from:-peer}_send" 1000 100 "$1" 600
	wait "$pid"
	rc=$?
	sed 's/^/# /' /tmp/vguest.out
	lost=$(sed -n 's/.* lost \([0-9]*\);.*/\1/p' /tmp/vguest.out)
}

# expect_at TAP MAC LEN SEND RECEIVE SEED: the peer sends SEND frames to
# MAC; RECEIVE of them must arrive at TAP intact and in order (read as a
# process reads a tap: by copy).
expect_at() {
	rm -f /tmp/ready
	tapframe expect "$1" "$3" "$5" "$6" 5000 /tmp/ready > /tmp/expect.out &
	_expect_pid=$!
	wait_for_file /tmp/ready 50 || { kill "$_expect_pid"; return 1; }
	ip netns exec peer tapframe send "$peer" "$2" "$3" "$4" "$6" ||
		{ kill "$_expect_pid"; return 1; }
	wait "$_expect_pid"
	_expect_rc=$?
	cat /tmp/expect.out
	return $_expect_rc
}

# binding_has ID KEY=VALUE...: "zcrx-nl get ID" shows each KEY=VALUE.
binding_has() {
	_line=$(zcrx-nl get "$1") || { echo "$_line"; return 1; }
	shift
	_bad=0
	for _kv in "$@"; do
		case " $_line " in
		*" $_kv "*) ;;
		*) echo "want $_kv"; _bad=1 ;;
		esac
	done
	[ "$_bad" -eq 0 ] || echo "got  $_line"
	return $_bad
}

# start_events: log the family's events to /tmp/events from now on
# (subscribed when this returns); sets $events_pid.
start_events() {
	zcrx-nl events 600000 > /tmp/events &
	events_pid=$!
	wait_for_file /tmp/events 50 && until grep -q ready /tmp/events; do sleep 0.1; done
}

# system_bus_start: a system bus for zcrxd's tests (its policy lets
# everyone in: zcrxd's own authorization is what the tests check), with
# the users and machine id dbus-daemon needs; its address in $A.
system_bus_start() {
	mkdir -p /etc /var/lib/dbus
	printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n" > /etc/passwd
	printf "root:x:0:\nnogroup:x:65534:\n" > /etc/group
	echo 0123456789abcdef0123456789abcdef > /etc/machine-id
	cat > /tmp/bus.conf <<BUSCONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=/run/bus.socket</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/><allow user="*"/></policy>
</busconfig>
BUSCONF
	dbus-daemon --config-file=/tmp/bus.conf --nofork --print-address=1 > /tmp/bus.addr 2>/tmp/bus.log </dev/null &
	# dbus-daemon waits for the kernel's random pool before it listens.
	_n=0
	while [ ! -s /tmp/bus.addr ] && [ $_n -lt 600 ]; do sleep 0.1; _n=$((_n + 1)); done
	[ -s /tmp/bus.addr ] || bail_out "no bus: $(cat /tmp/bus.log)"
	A=$(head -n1 /tmp/bus.addr)
}
