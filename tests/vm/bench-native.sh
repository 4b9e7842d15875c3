#!/bin/sh
# Native-speed benchmark, not a test (make bench-native): runs inside the
# User-Mode Linux kernel (build/kernel-um/linux-um), where kernel threads
# (the vhost worker, netdevsim's NAPI, pktgen) run at the host's speed.
# Frames come from pktgen on the netdevsim peer, so no UML process (whose
# every syscall the host traps) sends them; vguest receives through
# vhost-net and macvtap, unbound (copy path) and bound (zcrx), rounds
# interleaved.  One "# bench {json}" line per run; tools/bench-native
# samples the host's CPU use of the whole UML process around each run
# ("@@sample" lines on the console, answered on its input) and builds
# the table, JSON and plot.  Nothing here asserts on time.
#
# Frame sizes and counts come from the kernel command line:
# zcrx.sizes=64,512,...  zcrx.frames=N  zcrx.rounds=N  zcrx.rate=R
#
# Two kinds of run per size and mode: "flat", pktgen as fast as it can
# (what each path delivers when the one CPU is the limit, and what it
# loses), and "paced", R frames a second that both paths take without
# loss (CPU per MB work for work; 10 s of frames, N at most).  Below
# 10,000 frames a second pktgen sleeps between frames (its spin()
# busy-waits gaps under 100 us), so that the host's count of the UML
# process's CPU is the work done, not the wall time.  6.12's UML has one
# CPU: pktgen, the NIC's receive path, the vhost worker and the guest
# share it.
. /zcrx/tests/lib.sh

sizes="64 512 1500 4000 9000" count=200000 rounds=5 paced_rate=8000
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	zcrx.rate=*) paced_rate=${arg#zcrx.rate=} ;;
	zcrx.sizes=*) sizes=$(echo "${arg#zcrx.sizes=}" | tr , ' ') ;;
	zcrx.frames=*) count=${arg#zcrx.frames=} ;;
	zcrx.rounds=*) rounds=${arg#zcrx.rounds=} ;;
	esac
done

# The guest's ring: 1024 entries (as bench-virtio.sh), so that the 768
# buffers vhost posts cover a buffer's round trip through guest and vhost.
ring=1024
queue=1
nsim_create
nsim_peer_netns
guest_macvtap "$queue"
for dev in "$nic" mvt0; do
	ip link set "$dev" mtu 9000 || bail_out "cannot raise $dev's MTU to 9000"
done
ip -n peer link set "$peer" mtu 9000 || bail_out "cannot raise the peer's MTU"
# The copy path as on a NIC: netdevsim's "DMA" writes each frame it does
# not put in a posted buffer into an skb of its own (timed with the
# zero-copy fills, and taken out of the host's CPU alike); handing up
# the sender's skb would spare the copy path an allocation, copy and free.
nsim_own_buffers 1 || bail_out "netdevsim has no zcrx_own_buffers knob"

# pktgen PARAMETER...: one line to the peer's pktgen device.
pktgen() {
	ip netns exec peer sh -c "echo '$*' > /proc/net/pktgen/$peer" ||
		bail_out "pktgen refused '$*'"
}
ip netns exec peer sh -c "echo 'add_device $peer' > /proc/net/pktgen/kpktgend_0" ||
	bail_out "no pktgen (CONFIG_NET_PKTGEN)"
# One fresh skb a frame (clone_skb 0): a shared skb must not enter a
# receive path.  queue_map: the frames go to $nic's RX queue $queue.
pktgen clone_skb 0
pktgen delay 0
pktgen dst_mac "$mac"
pktgen queue_map_min "$queue"
pktgen queue_map_max "$queue"

# sender_softirq_ns: nanoseconds run so far by pktgen's threads (one a
# namespace) and by ksoftirqd (schedstat), in one pass over /proc.
sender_softirq_ns() {
	for d in /proc/[0-9]*; do
		comm=$(cat "$d/comm" 2> /dev/null)
		case "$comm" in
		kpktgend_0|ksoftirqd/0) echo "$comm $(cut -d' ' -f1 "$d/schedstat")" ;;
		esac
	done | awk '$1 == "kpktgend_0" { p += $2 } $1 == "ksoftirqd/0" { k += $2 }
		END { printf "%.0f %.0f\n", p, k }'
}


# cpu_ticks: busy and softirq ticks of the (one) CPU so far.
cpu_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $8 }' /proc/stat
}

# host_sample TAG: the host notes its CPU use of the UML process now.
host_sample() {
	echo "@@sample $1" > /dev/console
	read -r _ < /dev/console
}

bench_end() {
	[ -z "$id" ] || zcrx-nl unbind "$id" > /dev/null
}

# bench MODE LEN ROUND RATE: one run, MODE bound or unbound, RATE frames
# a second (0: flat out).
bench() {
	mode=$1 len=$2 rate=$4 tag=$3-$1-$2-$4 id= offered=$count
	[ "$rate" -eq 0 ] || [ $((rate * 10)) -ge "$count" ] || offered=$((rate * 10))
	if [ "$mode" = bound ]; then
		id=$(zcrx-nl bind "$nic" "$queue" mvt0 copy | sed -n 's/^id=//p')
		[ -n "$id" ] || { echo "# bind failed"; return 1; }
	fi
	pktgen count "$offered"
	pktgen pkt_size "$len"
	# ratep 0 is refused: delay 0 lifts a rate set before.
	if [ "$rate" -gt 0 ]; then
		pktgen ratep "$rate"
	else
		pktgen delay 0
	fi
	rm -f /tmp/ready
	vguest rx --tap "$tap" --ready /tmp/ready --len "$len" --count "$offered" \
		--ring-size "$ring" --bufs "$ring" --buf-size "$((len > 4000 ? 16384 : 4096))" \
		--seed 1 --pktgen --allow-loss --quiet-ms 1000 --timing \
		--timeout-ms 20000 > /tmp/vguest.out 2>&1 &
	pid=$!
	wait_for_file /tmp/ready 100 || { cat /tmp/vguest.out; bench_end; return 1; }
	[ "$mode" != bound ] || wait_posted768 || { bench_end; return 1; }
	set -- $(cpu_ticks)
	busy0=$1 soft0=$2
	set -- $(sender_softirq_ns)
	pktgen_ns0=$1 ksoftirqd_ns0=$2
	dma_ns0=$(nsim_dma_ns)
	host_sample "$tag-begin"
	ip netns exec peer sh -c 'echo start > /proc/net/pktgen/pgctrl' ||
		{ kill "$pid"; bench_end; return 1; }
	wait "$pid"
	rc=$?
	host_sample "$tag-end"
	set -- $(cpu_ticks)
	busy=$(($1 - busy0)) soft=$(($2 - soft0))
	set -- $(sender_softirq_ns)
	pktgen_ns=$(($1 - pktgen_ns0)) ksoftirqd_ns=$(($2 - ksoftirqd_ns0))
	nic_dma_ns=$(($(nsim_dma_ns) - dma_ns0))
	sent=$(ip netns exec peer sed -n 's/.*OK: [0-9]*(.*) usec, \([0-9]*\) (.*/\1/p' \
		"/proc/net/pktgen/$peer")
	sed 's/^/# /' /tmp/vguest.out
	[ "$rc" -eq 0 ] || { bench_end; return 1; }
	set -- $(sed -n 's/^received \([0-9]*\) .* lost \([0-9]*\);.*/\1 \2/p' /tmp/vguest.out)
	frames=$1
	set -- $(sed -n 's/^timing: first-to-last-us \([0-9]*\) .* hz \([0-9]*\)/\1 \2/p' /tmp/vguest.out)
	us=$1 hz=$2
	set -- $(sed -n 's/^timing-ns: vhost-ns \([0-9-]*\) guest-ns \([0-9-]*\)/\1 \2/p' /tmp/vguest.out)
	vhost_ns=$1 guest_ns=$2
	copied=$((frames * len)) zerocopy=0 dropped=0 fallback=0
	if [ -n "$id" ]; then
		copied=$(field "$id" rx_copied_bytes)
		zerocopy=$(field "$id" rx_zerocopy_bytes)
		dropped=$(field "$id" rx_dropped)
		fallback=$(field "$id" rx_copy)
	fi
	bench_end
	echo "# bench {\"tag\":\"$tag\",\"mode\":\"$mode\",\"len\":$len,\"rate\":$rate,\"sent\":${sent:-null},\"frames\":$frames,\"us\":$us,\"hz\":$hz,\"vhost_ns\":$vhost_ns,\"guest_ns\":$guest_ns,\"pktgen_ns\":$pktgen_ns,\"ksoftirqd_ns\":$ksoftirqd_ns,\"nic_dma_ns\":$nic_dma_ns,\"busy_ticks\":$busy,\"softirq_ticks\":$soft,\"copied_bytes\":$copied,\"zerocopy_bytes\":$zerocopy,\"nic_dropped\":$dropped,\"nic_fallback\":$fallback}"
}

# wait_posted768: vhost has posted 768 buffers (3/4 of the ring) to $id.
wait_posted768() {
	tries=0
	until [ "$(field "$id" in_flight)" = 768 ]; do
		[ "$tries" -lt 100 ] || { echo "# in_flight $(field "$id" in_flight), want 768"; return 1; }
		sleep 0.1
		tries=$((tries + 1))
	done
}

# copy_cost: what a copy to user memory costs in this kernel, per byte:
# read() of a tmpfs file (page cache to a user buffer, copy_to_user() as
# vhost's copy path uses) of 1 GiB, 1 MiB a call, timed by /proc/uptime
# (10 ms in about a second).  UML reaches user memory a page at a time
# through its own page tables, so this may cost more than on x86.
copy_cost() {
	dd if=/dev/zero of=/tmp/copy-src bs=1M count=64 2> /dev/null ||
		bail_out "no room in /tmp for the copy measurement"
	t0=$(cut -d' ' -f1 /proc/uptime)
	for _ in $(seq 16); do
		dd if=/tmp/copy-src of=/dev/null bs=1M 2> /dev/null
	done
	t1=$(cut -d' ' -f1 /proc/uptime)
	rm -f /tmp/copy-src
	echo "# copycost {\"bytes\":$((16 * 64 << 20)),\"seconds\":$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')}"
}
copy_cost

# Rounds interleave bound and unbound so that drift hits both; the host
# takes the median of each.
for round in $(seq "$rounds"); do
	for len in $sizes; do
		for rate in 0 "$paced_rate"; do
			for mode in unbound bound; do
				check "round $round: bench $mode $len-byte frames, rate $rate (0: flat out)" \
					bench "$mode" "$len" "$round" "$rate"
			done
		done
	done
done
tap_done
