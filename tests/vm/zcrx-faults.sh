#!/bin/sh
# zcrx-vm: outside-nic
# Fault injection: every allocation and error point of bind, post, pin
# and unbind fails once, and each failure is a clean errno (with an
# extack where the kernel gives one) that changes nothing.
# - bind under fail-nth: the Nth fault point of the request (slab, page
#   allocator, user copy) fails, for every N until the bind passes them
#   all; after each failure no binding exists and the queue still binds;
# - fail_function on the queue restart (zcrx_restart_queue): errno and
#   extack, nothing left behind;
# - fail_function on pinning a guest page (vhost_net_zc_pin_page): the
#   frames take the copy path, intact; zero-copy resumes when pins work;
# - virtio_net: suspend (pm_test) is refused while a queue is bound and
#   works once unbound; a queue reset that fails at unbind
#   (virtnet_zcrx_vq_reset) marks the device broken and keeps the guest's
#   buffers pinned until the device is removed, which gives them back.
# The debug kernel's kmemleak scan at the end covers every path here.
. /zcrx/tests/lib.sh

dbg=/sys/kernel/debug
[ -e /proc/self/fail-nth ] || bail_out "kernel without CONFIG_FAULT_INJECTION"
# Count allocations that may sleep and order-0 pages too (the defaults
# skip them), and keep the log to the failures' one-line notices.
for f in failslab fail_page_alloc; do
	echo N > "$dbg/$f/ignore-gfp-wait" || bail_out "no $dbg/$f"
	echo 0 > "$dbg/$f/verbose"
done
echo 0 > "$dbg/fail_page_alloc/min-order"
echo 0 > "$dbg/fail_usercopy/verbose"

nsim_create
nsim_peer_netns
guest_macvtap 1

# ---- bind: each fault point in turn ----
n=1 injected=0 survived=0 reply_lost=0 no_extack=0 bad=0
: > /tmp/fail-nth.log
while [ "$n" -le 400 ]; do
	out=$(ZCRX_FAIL_NTH=$n zcrx-nl bind "$nic" 1 mvt0 copy 0 0)
	id=$(printf '%s\n' "$out" | sed -n 's/^id=//p')
	case "$out" in *"fail-nth: not reached"*)
		zcrx-nl unbind "$id" > /dev/null
		break ;;
	esac
	left=$(zcrx-nl dump)
	if [ -n "$id" ]; then
		# The fault hit something a bind may do without (an event).
		survived=$((survived + 1))
		zcrx-nl unbind "$id" > /dev/null || bad=$((bad + 1))
	elif [ -n "$left" ]; then
		# After the kernel bound, only the answer may be lost: its
		# copy to this process (EFAULT) or the ack netlink could not
		# allocate (ENOBUFS on the socket), as for any netlink request.
		case "$out" in
		*"zcrx-nl: bind: Bad address"*|*"zcrx-nl: bind: No buffer space available"*)
			reply_lost=$((reply_lost + 1)) ;;
		*) bad=$((bad + 1)); echo "n=$n: failed but left $left: $out" >> /tmp/fail-nth.log ;;
		esac
		zcrx-nl unbind "$(printf '%s\n' "$left" | sed -n 's/^id=\([0-9]*\).*/\1/p')" > /dev/null
	else
		# A refusal with the kernel's reason, or the request never
		# left this process (the send's own allocation).
		case "$out" in
		*"error: "*": "*|*"zcrx-nl: bind: "*) injected=$((injected + 1)) ;;
		"fail-nth: injected
error: Cannot allocate memory (12)")
			# No reason given: say which allocation it was.
			no_extack=$((no_extack + 1))
			echo 2 > "$dbg/failslab/verbose"
			ZCRX_FAIL_NTH=$n zcrx-nl bind "$nic" 1 mvt0 copy 0 0 > /dev/null
			echo 0 > "$dbg/failslab/verbose"
			echo "# n=$n: ENOMEM without a reason, from:"
			dmesg | grep -A14 'FAULT_INJECTION: forcing a failure' | tail -14 | sed 's/^/#   /'
			;;
		*) bad=$((bad + 1)); echo "n=$n: $out" >> /tmp/fail-nth.log ;;
		esac
	fi
	n=$((n + 1))
done
echo "# bind: $((n - 1)) fault points: $injected failed cleanly, $survived survived, $reply_lost lost only the reply, $no_extack ENOMEM without a reason"
check "bind passed every fault point before n=400 (n=$n)" test "$n" -le 400
check "each injected fault: a clean errno, no binding left behind" \
	sh -c "[ $bad -eq 0 ] || { cat /tmp/fail-nth.log; false; }"
check "faults were injected into the bind ($injected)" test "$injected" -gt 5

# bound_and_filling: a fresh bind of queue 1 works and fills its buffers.
bound_and_filling() {
	id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
	[ -n "$id" ] || return 1
	echo 64 > "$dbg/zcrx/$id/post_test_buffers" &&
		expect_at "$tap" "$mac" 1000 20 20 31 &&
		binding_has "$id" filled=20
	_rc=$?
	zcrx-nl unbind "$id" > /dev/null
	return $_rc
}
check "after every failed bind, queue 1 binds and fills" bound_and_filling

# ---- fail_function ----
ff=$dbg/fail_function
# fail_function decides in a kprobe's int3 handler, which lockdep takes
# for NMI context, and should_fail() draws a random number there: lockdep
# then reports base_crng.lock (the RNG's, not zcrx's) as inconsistent.
# A lockdep kernel skips these cases; the normal kernel runs them.
fail_function=1
fail_function_skip=
if [ -e /proc/lockdep ]; then
	fail_function=
	fail_function_skip="lockdep takes fail_function's int3 handler for NMI context"
fi
# skip_check DESC REASON: a TAP case not run here.
skip_check() {
	tap_run=$((tap_run + 1))
	echo "ok $tap_run - $1 # SKIP $2"
}
# inject FUNC ERRNO: FUNC returns -ERRNO every time, until clear_inject.
inject() {
	echo "$1" > "$ff/inject" &&
		printf '%#x' "-$2" > "$ff/$1/retval" &&
		echo 100 > "$ff/probability" && echo 1 > "$ff/interval" &&
		echo -1 > "$ff/times" && echo 0 > "$ff/verbose"
}
clear_inject() {
	echo > "$ff/inject"
}

if [ -n "$fail_function" ]; then
	check "fail_function takes zcrx_restart_queue" inject zcrx_restart_queue 12
	check "bind with the queue restart failing: ENOMEM and the reason" \
		sh -c "zcrx-nl bind $nic 1 mvt0 | grep -q 'error: Cannot allocate memory (12): queue-id: restarting the queue failed'"
	check "nothing left behind" test -z "$(zcrx-nl dump)"
	clear_inject
	check "with the restart working, queue 1 binds and fills" bound_and_filling

	id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
	[ -n "$id" ] || bail_out "cannot bind queue 1"
	check "fail_function takes vhost_net_zc_pin_page" inject vhost_net_zc_pin_page 14
	zc_before=$(field "$id" rx_zerocopy)
	check "no guest page can be pinned: 200 frames still arrive intact (copy path)" \
		guest_rx 1000 200 32
	check "none of them in place" test "$(field "$id" rx_zerocopy)" -eq "$zc_before"
	check "nothing pinned" pinned_released
	clear_inject
	guest_send=guest_send_paced
	check "pins work again: 200 frames intact" guest_rx 1000 200 33
	guest_send=
	check "in place again" test "$(field "$id" rx_zerocopy)" -ge $((zc_before + 200))
	zcrx-nl unbind "$id" > /dev/null
else
	skip_check "fail_function on the queue restart and on pinning a guest page" "$fail_function_skip"
fi

# ---- virtio_net: suspend and a failing reset ----
vnic=$(outside_nic)
[ -n "$vnic" ] || bail_out "no virtio-net NIC"
ip link set "$vnic" up || bail_out "cannot bring $vnic up"
ip link add link "$vnic" name vmvt type macvtap mode passthru &&
	ip link set vmvt up || bail_out "no passthru macvtap on $vnic"
vid=$(zcrx-nl bind "$vnic" 0 vmvt copy 0 0 | sed -n 's/^id=//p')
[ -n "$vid" ] || bail_out "cannot bind $vnic queue 0"
echo devices > /sys/power/pm_test || bail_out "no pm_test"
check "suspend refused while a virtio queue is bound" \
	sh -c "! echo freeze > /sys/power/state"
check "the driver says why" \
	sh -c "dmesg | grep -q 'zcrx: RX queue 0 is bound for zero-copy receive: unbind it before suspend'"
check "the binding is intact" binding_has "$vid" isolation=passthru
zcrx-nl unbind "$vid" > /dev/null
check "unbound: suspend (pm_test devices) goes through" \
	sh -c "echo freeze > /sys/power/state"
echo none > /sys/power/pm_test

if [ -n "$fail_function" ]; then
	vid=$(zcrx-nl bind "$vnic" 0 vmvt copy 0 0 | sed -n 's/^id=//p')
	[ -n "$vid" ] || bail_out "cannot bind $vnic queue 0 again"
	vtap=/dev/tap$(cat /sys/class/net/vmvt/ifindex)
	rm -f /tmp/ready
	vguest rx --tap "$vtap" --ready /tmp/ready --count 1000000 --timeout-ms 60000 \
		> /tmp/vguest-stranded.out 2>&1 &
	vpid=$!
	wait_for_file /tmp/ready 100 || bail_out "vguest did not start"
	check "the guest's buffers are posted to the virtio queue" \
		eventually sh -c "[ \$(zcrx-nl get $vid | tr ' ' '\n' | sed -n 's/^in_flight=//p') -gt 0 ]"
	check "fail_function takes virtnet_zcrx_vq_reset" inject virtnet_zcrx_vq_reset 5
	check "unbind with the reset failing still ends the binding" zcrx-nl unbind "$vid"
	clear_inject
	check "the device is marked broken" \
		sh -c "dmesg | grep -q 'zcrx: resetting RX queue 0 failed: -5, device marked broken'"
	# exited PID: the process has exited (a zombie of this shell, or gone).
	exited() {
		[ ! -e "/proc/$1/stat" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat")" = Z ]
	}
	kill "$vpid"
	sleep 1
	# waiting PID: the process is still exiting; where it waits.
	waiting() {
		! exited "$1" && echo "state $(cut -d' ' -f3 "/proc/$1/stat"), in $(cat "/proc/$1/wchan")"
	}
	check "the guest's release waits: the device may still write its pages" \
		waiting "$vpid"
	pci=$(basename "$(readlink -f "/sys/class/net/$vnic/device/..")")
	check "the broken device is removed" sh -c "echo 1 > /sys/bus/pci/devices/$pci/remove"
	# gone PID: the process exited (within 15 s: the removal resets the
	# device, then the waiting release ends).
	gone() {
		tries=0
		until exited "$1"; do
			[ "$tries" -lt 150 ] || { cat "/proc/$1/wchan"; echo; dmesg | tail -5; return 1; }
			sleep 0.1
			tries=$((tries + 1))
		done
	}
	check "its removal gave every buffer back: the guest exits" gone "$vpid"
	wait "$vpid" 2> /dev/null
else
	skip_check "fail_function on virtio_net's queue reset" "$fail_function_skip"
fi

tap_done
