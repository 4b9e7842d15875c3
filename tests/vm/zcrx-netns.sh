#!/bin/sh
# A macvtap in another network namespace, as macvtap-cni and KubeVirt put
# a guest's in its pod's, on a NIC that stays in the host's: bind names
# the namespace (macvtap-netns-fd), the binding reports it
# (macvtap-netnsid), frames fill the guest's buffers as usual; moving the
# macvtap or deleting the namespace ends the binding.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
ip netns add pod || bail_out "ip netns add pod failed"
ip link add link "$nic" name mvt0 type macvtap mode bridge ||
	bail_out "cannot create mvt0"
tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac=$(cat /sys/class/net/mvt0/address)
ip link set mvt0 netns pod && ip -n pod link set mvt0 up ||
	bail_out "cannot move mvt0 into pod"
pod_ifindex=$(ip -n pod -o link show mvt0 | cut -d: -f1)
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

start_events

# no_bindings: the dump is empty.
no_bindings() {
	[ -z "$(zcrx-nl dump)" ]
}

check "without the namespace the macvtap's index names nothing here" \
	sh -c "zcrx-nl bind $nic 1 $pod_ifindex | grep -q 'error: No such device (19): macvtap-ifindex: no such device'"
check "a file that is no network namespace is refused, the reason named" \
	sh -c "zcrx-nl bind $nic 1 $pod_ifindex macvtap-netns /proc/self/stat | grep -q 'error: Invalid argument (22): macvtap-netns-fd: not a network namespace'"
check "as nobody: EPERM" \
	sh -c "/zcrx/bin/setpriv --reuid=65534 --regid=65534 --clear-groups zcrx-nl bind $nic 1 $pod_ifindex macvtap-netns /run/netns/pod | grep -q 'error: Operation not permitted'"
check "nothing bound by the refusals" no_bindings

id=$(zcrx-nl bind "$nic" 1 "$pod_ifindex" copy 0 0 macvtap-netns /run/netns/pod |
	sed -n 's/^id=//p')
check "bind with macvtap-netns /run/netns/pod" test -n "$id"
[ -n "$id" ] || bail_out "no binding"
check "the binding names the macvtap's namespace (macvtap_netnsid) and index there" \
	sh -c "zcrx-nl get $id | grep -q ' macvtap=$pod_ifindex .* macvtap_netnsid=[0-9]'"
check "the bound event names it too" \
	eventually grep -q "event=bound id=$id .* macvtap_netnsid=[0-9]" /tmp/events

# fill: test buffers posted, 20 frames for the pod's macvtap fill them.
fill() {
	echo 64 > "/sys/kernel/debug/zcrx/$id/post_test_buffers" &&
		expect_at "$tap" "$mac" 1000 20 20 41 &&
		binding_has "$id" filled=20
}
check "frames for the pod's macvtap fill its binding's buffers" fill

ip -n pod link set mvt0 netns 1 || bail_out "cannot move mvt0 back"
check "moving the macvtap out of the pod ends the binding" \
	eventually grep -q "event=unbound id=$id .*reason=macvtap-gone" /tmp/events
check "and it is gone" no_bindings

ip link set mvt0 netns pod || bail_out "cannot move mvt0 into pod again"
pod_ifindex=$(ip -n pod -o link show mvt0 | cut -d: -f1)
id=$(zcrx-nl bind "$nic" 1 "$pod_ifindex" copy 0 0 macvtap-netns /run/netns/pod |
	sed -n 's/^id=//p')
check "bound again in the pod" test -n "$id"
ip netns del pod
check "deleting the pod's namespace ends the binding" \
	eventually grep -q "event=unbound id=$id .*reason=macvtap-gone" /tmp/events
check "nothing is left" eventually no_bindings
kill "$events_pid" 2> /dev/null

tap_done
