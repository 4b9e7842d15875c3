#!/bin/sh
# Exclusion, both ways, on a driver with no checks of its own (netdevsim):
# while a queue is bound, the core refuses XDP (native and generic), an
# AF_XDP zero-copy socket, a channel count that drops the bound queue and
# any ring change, each with EBUSY and an extack that names zcrx; zcrx
# refuses a NIC that runs XDP.  A devmem dma-buf (netdev bind-rx of
# system-heap memory) is refused on the bound queue, with the same EBUSY;
# elsewhere it gets as far as netdevsim, which takes no memory provider.
# Before the bind and after the unbind the same requests work: the
# refusals are the binding's.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
ip link add link "$nic" name mvt0 type macvtap mode bridge &&
	ip link set mvt0 up || bail_out "cannot create mvt0"
tap0=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac0=$(cat /sys/class/net/mvt0/address)
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

# devmem_bind IFINDEX QUEUE: a devmem TCP binding of dma-buf memory.
devmem_bind() {
	python3 /zcrx/bin/devmem-bind "$@"
}

# devmem_not_ours QUEUE: a devmem binding of QUEUE fails as netdevsim
# makes it fail (its page pools take no memory provider: ENODATA from
# the core's check after the new pool is made), not because of zcrx.
devmem_not_ours() {
	_devmem_out=$(devmem_bind "$ifindex" "$1" 2>&1)
	echo "$_devmem_out"
	contains "No data available" "$_devmem_out" && ! contains "zcrx" "$_devmem_out"
}

# refused WHAT CMD...: CMD fails with EBUSY and a message naming zcrx.
refused() {
	_refused_out=$("$@" 2>&1) && {
		echo "succeeded: $_refused_out"
		return 1
	}
	contains "zcrx" "$_refused_out" && contains "Device or resource busy" "$_refused_out"
}

# ---- unbound: every owner may take the NIC ----
for mode in native generic; do
	check "unbound: XDP attaches in $mode mode" queue-owner xdp "$nic" $mode
	check "unbound: and detaches" queue-owner xdp-off "$nic" $mode
done
check "unbound: an AF_XDP socket binds queue 1 in copy mode" \
	queue-owner xsk "$nic" 1 copy
check "unbound: ethtool -L combined 1 works" ethtool -L "$nic" combined 1
check "unbound: ethtool -L combined 4 works" ethtool -L "$nic" combined 4
check "unbound: ethtool -G rx 512 works" ethtool -G "$nic" rx 512
ifindex=$(cat "/sys/class/net/$nic/ifindex")
check "unbound: devmem bind-rx of queue 1 (system-heap dma-buf) gets as far as netdevsim" \
	devmem_not_ours 1

# ---- zcrx refuses a NIC that runs XDP ----
queue-owner xdp "$nic" generic >/dev/null || bail_out "cannot attach XDP"
check "bind of a NIC running XDP: EBUSY with the reason" \
	sh -c "zcrx-nl bind $nic 1 mvt0 | grep -q 'error: Device or resource busy (16): ifindex: NIC runs an XDP program'"
queue-owner xdp-off "$nic" generic >/dev/null || bail_out "cannot detach XDP"

# ---- bound: the core keeps every other owner off ----
id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind queue 1"
for mode in native generic; do
	check "bound: XDP in $mode mode refused, the extack names zcrx" \
		refused queue-owner xdp "$nic" $mode
done
check "bound: the XDP refusal says why" \
	sh -c "queue-owner xdp $nic native | grep -q 'unable to install XDP to device with a queue bound for zero-copy receive (zcrx)'"
check "bound: ethtool -L combined 1 (drops queue 1) refused" \
	refused ethtool -L "$nic" combined 1
check "bound: ethtool -L combined 2 (keeps queue 1) works" \
	ethtool -L "$nic" combined 2
check "bound: ethtool -L combined 4 works" ethtool -L "$nic" combined 4
check "bound: ethtool -G rx 256 refused" refused ethtool -G "$nic" rx 256
check "bound: ethtool -G tx 256 refused too (one ring parameter set)" \
	refused ethtool -G "$nic" tx 256
check "bound: devmem bind-rx of queue 1 refused, the extack names zcrx" \
	refused devmem_bind "$ifindex" 1
check "bound: devmem bind-rx of queue 2 (not bound) gets as far as netdevsim" \
	devmem_not_ours 2
# A copy-mode socket gets frames only from an XDP program, and none may
# attach: the core lets it bind, as it does next to a memory provider.
check "bound: an AF_XDP socket in copy mode binds another queue" \
	queue-owner xsk "$nic" 2 copy
check "bound: no XDP program got on the NIC" \
	sh -c "! ip link show $nic | grep -q xdp"
# still_bound: frames for mvt0 go into the binding's buffers.
still_bound() {
	echo 64 > "/sys/kernel/debug/zcrx/$id/post_test_buffers" &&
		expect_at "$tap0" "$mac0" 1000 20 20 21 &&
		binding_has "$id" filled=20
}
check "the binding is intact: mvt0's 20 frames fill its buffers" still_bound

# ---- unbound again: the refusals were the binding's ----
zcrx-nl unbind "$id" >/dev/null || bail_out "cannot unbind"
check "after unbind: XDP attaches" queue-owner xdp "$nic" native
check "after unbind: and detaches" queue-owner xdp-off "$nic" native
check "after unbind: devmem bind-rx of queue 1 gets as far as netdevsim" \
	devmem_not_ours 1
check "after unbind: ethtool -L combined 1 works" ethtool -L "$nic" combined 1
check "after unbind: ethtool -G rx 256 works" ethtool -G "$nic" rx 256

tap_done
