#!/bin/sh
# Isolation: a frame goes into a guest's buffer only when the hardware
# guarantees it is that guest's, and whatever else sees a frame from a
# guest buffer sees a copy of its own.
# - netdevsim filters by MAC: a bridge-mode macvtap binds, zcrx steers its
#   address (and nothing else) to the bound queue; another tenant's frames
#   sent to that queue land elsewhere; the address cannot change while
#   bound;
# - a passthru macvtap binds on a NIC it owns alone; another upper device
#   (a VLAN) is refused while bound, and a NIC that has one is refused;
# - frames in a buffer with no in-place reader are copied out and counted
#   (rx_foreign), with one foreign-frames event;
# - a device that reports lengths it cannot have (zero, past the buffer,
#   past the page) gets its frames dropped and counted, nothing else;
# - a tc pedit on the macvtap's ingress reaches the guest as rewritten.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
for m in mvt0 mvt1; do
	ip link add link "$nic" name $m type macvtap mode bridge &&
		ip link set $m up || bail_out "cannot create $m"
done
mac0=$(cat /sys/class/net/mvt0/address)
mac1=$(cat /sys/class/net/mvt1/address)
tap0=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
tap1=/dev/tap$(cat /sys/class/net/mvt1/ifindex)
# Everything the peer sends asks for RX queue 1 of $nic.
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

start_events

# ---- MAC filter (netdevsim) ----
id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
check "a bridge-mode macvtap binds on a NIC that filters by MAC" test -n "$id"
[ -n "$id" ] || bail_out "no binding"
check "the binding says why it is isolated: isolation=mac-filter" \
	binding_has "$id" isolation=mac-filter rx_foreign=0 rx_length_errors=0
echo 64 > "/sys/kernel/debug/zcrx/$id/post_test_buffers"
check "64 test buffers posted" binding_has "$id" in_flight=64

check "another tenant's 100 frames sent to the bound queue reach mvt1 intact" \
	expect_at "$tap1" "$mac1" 1000 100 100 11
check "none of them went into mvt0's buffers (filled=0)" \
	binding_has "$id" filled=0 rx_foreign=0 in_flight=64
ip netns exec peer tapframe send "$peer" ff:ff:ff:ff:ff:ff 200 20 12 ||
	bail_out "cannot send broadcast frames"
check "broadcast frames are not steered into the guest's buffers either" \
	binding_has "$id" filled=0

check "mvt0's own 20 frames arrive intact" expect_at "$tap0" "$mac0" 1000 20 20 13
check "written into its posted buffers (filled=20)" binding_has "$id" filled=20
# The kernel test buffers have no reader that takes them in place: the
# tap copies each frame out before its reader sees it.
check "no in-place reader: copied out and counted (rx_foreign=20)" \
	binding_has "$id" rx_foreign=20
check "one foreign-frames event for the binding" \
	sh -c "sleep 0.5; [ \$(grep -c '^event=foreign-frames id=$id ' /tmp/events) -eq 1 ]"

out=$(ip link set mvt0 address 02:00:00:00:00:99 2>&1)
check "mvt0's address cannot change while it is steered to the queue" \
	test "$(cat /sys/class/net/mvt0/address)" = "$mac0"
check "the refusal gives the kernel's reason" contains "steered to a bound queue" "$out"

# ---- a hostile device: lengths it cannot have ----
fault() {
	for k in /sys/kernel/debug/netdevsim/netdevsim1/ports/*/zcrx_fault_len; do
		echo "$1" > "$k"
	done
}
errors=0
for mode in 1 2 3; do
	before=$(field "$id" in_flight)
	filled=$(field "$id" filled)
	fault $mode
	ip netns exec peer tapframe send "$peer" "$mac0" 1000 10 14
	sleep 0.5
	errors=$((errors + 10))
	check "fault $mode (length 0 / past the buffer / past the page): 10 frames dropped and counted" \
		binding_has "$id" rx_length_errors=$errors filled="$filled"
	check "fault $mode: their buffers went back unused" \
		binding_has "$id" in_flight=$((before - 10))
done
fault 0
check "the device honest again: frames arrive intact" expect_at "$tap0" "$mac0" 1000 5 5 15

check "unbind" zcrx-nl unbind "$id"
check "after unbind mvt0's address may change" ip link set mvt0 address 02:00:00:00:00:99
ip link set mvt0 address "$mac0"

# ---- passthru (a NIC the macvtap owns alone) ----
echo "2 1 2" > /sys/bus/netdevsim/new_device || bail_out "no second netdevsim"
nic2=$(ls /sys/bus/netdevsim/devices/netdevsim2/net)
ip link set "$nic2" up
ip link add link "$nic2" name "$nic2.5" type vlan id 5 ||
	bail_out "cannot create a VLAN device"
ip link add link "$nic2" name mvp type macvtap mode passthru ||
	bail_out "cannot create a passthru macvtap"
out=$(zcrx-nl bind "$nic2" 0 mvp)
check "a passthru macvtap is refused while the NIC has another upper device" \
	contains "error: Device or resource busy (16): ifindex: $nic2 has upper device $nic2.5 besides the passthru macvtap" "$out"
ip link del "$nic2.5"
id2=$(zcrx-nl bind "$nic2" 0 mvp | sed -n 's/^id=//p')
check "the NIC's only upper device: it binds" test -n "$id2"
check "isolation=passthru" binding_has "$id2" isolation=passthru
out=$(ip link add link "$nic2" name "$nic2.6" type vlan id 6 2>&1)
check "a VLAN device on the bound NIC is refused" not test -e "/sys/class/net/$nic2.6"
check "with the kernel's reason" contains "bound to its passthru macvtap" "$out"
check "unbind the passthru binding" zcrx-nl unbind "$id2"
check "then the VLAN device can be made" ip link add link "$nic2" name "$nic2.6" type vlan id 6

# ---- host policy on the in-place path ----
# A tc pedit on mvt0's ingress rewrites payload byte 54 (offset 40 from
# the network header); the guest, with vhost posting its buffers, must
# see the byte as rewritten, and the stack copies the frame for tc.
tap=$tap0 mac=$mac0
id=$(zcrx-nl bind "$nic" 1 mvt0 copy 0 0 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind again"
guest_send=guest_send_paced
check "100 frames in place without tc" guest_rx 1000 100 21
check "all in place, none copied" binding_has "$id" rx_zerocopy=100 rx_copied_bytes=0 rx_foreign=0
tc qdisc add dev mvt0 clsact &&
tc filter add dev mvt0 ingress matchall action pedit munge offset 40 u8 set 0xa5 ||
	bail_out "cannot add the pedit filter"
check "with tc pedit on mvt0: 100 frames arrive with byte 54 rewritten to 0xa5" \
	guest_rx 1000 100 22 --rewritten 54=0xa5
# The NIC still writes them into posted buffers; tc gets a copy, which
# vhost then copies to the guest like any other frame.
check "tc acted on private copies: vhost copied all 100 frames" \
	binding_has "$id" rx_zerocopy=200 rx_copied_bytes=100000
tc qdisc del dev mvt0 clsact
check "tc gone: in place again" guest_rx 1000 100 23
check "nothing more copied" binding_has "$id" rx_zerocopy=300 rx_copied_bytes=100000
check "and every pinned page back" binding_has "$id" pinned_bytes=0 in_flight=0

kill "$events_pid" 2> /dev/null
tap_done
