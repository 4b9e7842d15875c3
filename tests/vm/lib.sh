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
		{ kill "$pid"; return 1; }
	wait "$pid"
	rc=$?
	cat /tmp/vguest.out
	return $rc
}

# guest_send_all LEN COUNT SEED: the peer sends COUNT frames at once.
guest_send_all() {
	ip netns exec peer tapframe send "$peer" "$mac" "$1" "$2" "$3"
}

# field ID KEY: one value from "zcrx-nl get ID".
field() {
	zcrx-nl get "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
