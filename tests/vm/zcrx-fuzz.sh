#!/bin/sh
# The zcrx family under 100,000 generated and mutated requests (zcrx-fuzz):
# every command number, random and mutated attributes, nested, truncated
# and oversized ones, wrong types; 60,000 with CAP_NET_ADMIN and 40,000 as
# nobody (a quarter of that on the debug kernel, whose KASAN and lockdep
# make each request about ten times dearer; the normal kernel runs all).
# Every request gets an answer, the kernel stays quiet (the
# harness fails the test on any splat), a binding made before keeps its
# settings and still receives, and nobody's requests change nothing.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
ip link add link "$nic" name mvt0 type macvtap mode bridge && ip link set mvt0 up &&
ip link add link "$nic" name mvt1 type macvtap mode bridge && ip link set mvt1 up ||
	bail_out "cannot create the macvtaps"
tap=/dev/tap$(cat /sys/class/net/mvt0/ifindex)
mac=$(cat /sys/class/net/mvt0/address)
ip netns exec peer tc qdisc add dev "$peer" clsact &&
ip netns exec peer tc filter add dev "$peer" egress matchall \
	action skbedit queue_mapping 1 || bail_out "cannot steer to queue 1"

id=$(zcrx-nl bind "$nic" 1 mvt0 drop 4 512 | sed -n 's/^id=//p')
[ -n "$id" ] || bail_out "cannot bind"
settings() {
	zcrx-nl get "$id" | tr ' ' '\n' |
		grep -E '^(id|ifindex|queue|macvtap|fallback|watermark|copybreak|unbind_on_vhost_gone|isolation)='
}
before=$(settings)

ifidx() { cat "/sys/class/net/$1/ifindex"; }
admin_count=60000 nobody_count=40000
if [ -e /sys/kernel/debug/kmemleak ]; then
	admin_count=15000 nobody_count=10000
fi
targets="--ifindex $(ifidx "$nic") --ifindex $(ifidx mvt0) --ifindex $(ifidx mvt1)"

# shellcheck disable=SC2086
out=$(zcrx-fuzz "$admin_count" 1 --protect "$id" $targets)
check "$admin_count requests with CAP_NET_ADMIN: every one answered" sh -c "exit $?"
echo "# $out"
check "the binding made before the run keeps every setting" \
	test "$(settings)" = "$before"
# Bindings the fuzzer made (it may bind mvt1): end them.
for other in $(zcrx-nl dump | sed -n 's/^id=\([0-9]*\) .*/\1/p'); do
	[ "$other" = "$id" ] || zcrx-nl unbind "$other" > /dev/null
done
check "only that binding is left" test "$(zcrx-nl dump | wc -l)" -eq 1

# shellcheck disable=SC2086
out=$(zcrx-fuzz "$nobody_count" 2 --as-nobody $targets)
check "$nobody_count requests as nobody: every one answered" sh -c "exit $?"
echo "# $out"
check "nobody was refused (EPERM)" contains " 1:" "$out"
check "and made or ended no binding" test "$(zcrx-nl dump | wc -l)" -eq 1
check "and moved no setting of ours" test "$(settings)" = "$before"
echo 16 > "/sys/kernel/debug/zcrx/$id/post_test_buffers"
check "and it still receives: 10 frames through its posted buffers" \
	expect_at "$tap" "$mac" 1000 10 10 9
check "filled=10" sh -c "zcrx-nl get $id | grep -q ' filled=10 '"
check "unbind" zcrx-nl unbind "$id"
tap_done
