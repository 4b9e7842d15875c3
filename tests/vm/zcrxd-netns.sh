#!/bin/sh
# zcrxd with a macvtap in another network namespace (a pod's, as
# macvtap-cni and KubeVirt put it), the NIC staying in zcrxd's: zcrxctl
# bind ... netns NAME and D-Bus Bind with the namespace as an fd, the
# kernel's dump and the Binding properties naming the namespace (netnsid),
# zcrxctl show and -j; a host link with the pod macvtap's ifindex not
# taken for it (its own binding allowed, its deletion ending only its
# own); refusals (unknown namespace, a bad name, macvtap not there, not a
# macvtap, not on the NIC) changing nothing; the state file keeping the
# namespace by name (format 2) and not the fd-bound binding; a restart
# adopting both; a zcrxd.conf binding naming the namespace made, kept and
# ended by reloads; deleting the macvtap inside the pod ending its binding,
# BindingRemoved with the kernel's reason.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
ip netns add pod || bail_out "ip netns add pod failed"
for m in mvtp mvtq mvtr; do
	ip link add link "$nic" name $m type macvtap mode bridge &&
		ip link set $m netns pod && ip -n pod link set $m up ||
		bail_out "cannot put $m in pod"
done
pod_idx() { ip -n pod -o link show "$1" | cut -d: -f1; }
p_idx=$(pod_idx mvtp)
q_idx=$(pod_idx mvtq)
# In the pod, a veth with a macvtap of its own: not on the NIC.
ip -n pod link add vpa type veth peer name vpb &&
	ip -n pod link add link vpa name mvtv type macvtap mode bridge ||
	bail_out "cannot make the pod's own macvtap"

system_bus_start
mkdir -p /etc/zcrx /var/lib/zcrx
dbus-monitor --address "$A" "type='signal',path_namespace='/org/zcrx/zcrx1'" </dev/null > /tmp/signals 2>&1 &
echo '{ "bindings": [] }' > /etc/zcrx/zcrxd.conf

bctl() { busctl --address="$A" --timeout=20 "$@"; }
props() { id=$1; shift; bctl get-property org.zcrx.zcrx1 "/org/zcrx/zcrx1/binding/$id" org.zcrx.zcrx1.Binding "$@" | tr '\n' ' '; }
field() { zcrx-nl get "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
poll() { n=0; until "$@" >/dev/null 2>&1; do [ $n -lt 200 ] || { "$@"; return 1; }; sleep 0.1; n=$((n+1)); done; }
has_name() { bctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner s org.zcrx.zcrx1 | grep -qx 'b true'; }
start_zcrxd() {
	zcrxd --bus "$A" --config /etc/zcrx/zcrxd.conf --state-dir /var/lib/zcrx \
		--sample-interval-ms 100 </dev/null >/dev/null 2>>/tmp/zcrxd.log &
	zpid=$!
}
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
id_of() { zcrx-nl dump | grep " queue=$1 " | sed -n 's/^id=\([0-9]*\) .*/\1/p'; }
dump_count() { zcrx-nl dump | grep -c '^id='; }
ctl() { zcrxctl --address "$A" "$@"; }
removed_signal() {
	grep -A3 'member=BindingRemoved' /tmp/signals | tr -s ' \n' ' ' |
		grep -qF "object path \"/org/zcrx/zcrx1/binding/$1\" string \"$2\""
}
# refused WANT CMD...: CMD fails, printing WANT, and binds nothing.
refused() {
	_want=$1
	shift
	_before=$(dump_count)
	_out=$("$@" 2>&1) && { echo "accepted: $_out"; return 1; }
	contains "$_want" "$_out" && eq "$(dump_count)" "$_before"
}

pod_has_nsid() { ip netns list-id | grep "^nsid $1 " | grep -q pod; }

start_zcrxd
check "zcrxd starts and owns org.zcrx.zcrx1" poll has_name

# ---- zcrxctl bind ... netns NAME ----
out=$(ctl bind "$nic" queue 1 macvtap mvtp netns pod 2>&1)
check "zcrxctl bind $nic queue 1 macvtap mvtp netns pod" contains "macvtap mvtp" "$out"
idp=$(id_of 1)
[ -n "$idp" ] || bail_out "no binding of queue 1: $out $(tail -n 5 /tmp/zcrxd.log)"
nsid=$(field "$idp" macvtap_netnsid)
check "the kernel's dump: the pod's ifindex and a macvtap-netnsid" \
	sh -c "zcrx-nl dump | grep -q '^id=$idp .* macvtap=$p_idx .*macvtap_netnsid=$nsid'"
check "the namespace's id is zcrxd's id of pod (ip netns list-id)" \
	pod_has_nsid "$nsid"
check "Binding properties: Macvtap mvtp, MacvtapIfindex its pod index, MacvtapNetns pod, MacvtapNetnsId" \
	eq "$(props "$idp" Macvtap MacvtapIfindex MacvtapNetns MacvtapNetnsId)" \
	"s \"mvtp\" u $p_idx s \"pod\" i $nsid "
check "zcrxctl show prints the namespace" \
	contains "macvtap mvtp (ifindex $p_idx) netns pod (netnsid $nsid)" "$(ctl show "$idp")"
check "zcrxctl -j show has macvtap-netns and macvtap-netns-id" \
	contains "\"macvtap-netns\":\"pod\",\"macvtap-netns-id\":$nsid" \
	"$(ctl -j show "$idp" | tr -d ' \n')"
check "the state file keeps it by the namespace's name, format 2" \
	sh -c "grep -q '\"netns\": \"pod\"' /var/lib/zcrx/bindings.json &&
		grep -q '\"version\": 2' /var/lib/zcrx/bindings.json"

# ---- refusals ----
check "unknown namespace: refused, named" refused \
	"netns: cannot open /run/netns/nosuch: No such file or directory" \
	ctl bind "$nic" queue 2 macvtap mvtq netns nosuch
check "a namespace path: refused by zcrxctl" refused "netns \"../run/netns/pod\"" \
	ctl bind "$nic" queue 2 macvtap mvtq netns ../run/netns/pod
check "a namespace path over D-Bus: InvalidArgs" refused \
	"is not a name of /run/netns" \
	bctl call org.zcrx.zcrx1 /org/zcrx/zcrx1 org.zcrx.zcrx1.Manager Bind 'susa{sv}' \
	"$nic" 2 mvtq 1 netns s /run/netns/pod
check "macvtap not in the namespace: refused, named" refused \
	"no network device named \"mvt-none\" in network namespace pod" \
	ctl bind "$nic" queue 2 macvtap mvt-none netns pod
check "the namespace's veth: not a macvtap" refused \
	"macvtap: vpa in network namespace pod is not a macvtap device" \
	ctl bind "$nic" queue 2 macvtap vpa netns pod
check "the pod's macvtap on its own veth: not on the NIC" refused \
	"macvtap: mvtv in network namespace pod is not stacked on the nic" \
	ctl bind "$nic" queue 2 macvtap mvtv netns pod
check "the pod's macvtap named without its namespace: no such device here" refused \
	"no network device named \"mvtq\"" ctl bind "$nic" queue 2 macvtap mvtq

# ---- a host link with the pod macvtap's ifindex ----
ip link add link "$nic" name hmvt index "$p_idx" type macvtap mode bridge &&
	ip link set hmvt up || bail_out "cannot make hmvt with ifindex $p_idx"
check "host link hmvt has ifindex $p_idx, the pod macvtap's" eq "$(cat /sys/class/net/hmvt/ifindex)" "$p_idx"
sleep 0.5
check "the pod binding's Macvtap stays mvtp (not the host's hmvt)" \
	eq "$(props "$idp" Macvtap)" "s \"mvtp\" "
out=$(ctl bind "$nic" queue 2 macvtap hmvt no-persist 2>&1)
idh=$(id_of 2)
check "hmvt binds to queue 2: not taken for the pod's macvtap, held" test -n "$idh"
[ -n "$idh" ] || echo "# $out"
check "the host binding: MacvtapNetns \"\", MacvtapNetnsId -1" \
	eq "$(props "$idh" Macvtap MacvtapNetns MacvtapNetnsId)" "s \"hmvt\" s \"\" i -1 "
ip link del hmvt
check "deleting hmvt ends its binding (BindingRemoved macvtap-gone)" \
	poll removed_signal "$idh" macvtap-gone
check "and not the pod's: still in the kernel and in zcrxd" \
	sh -c "zcrx-nl get $idp | grep -q '^id=$idp ' &&
		busctl --address='$A' call org.zcrx.zcrx1 /org/zcrx/zcrx1 org.zcrx.zcrx1.Manager ListBindings |
		grep -q '/org/zcrx/zcrx1/binding/$idp'"
check "no BindingRemoved for the pod's binding" not removed_signal "$idp" macvtap-gone

# ---- D-Bus Bind with the namespace as an fd ----
cat > /tmp/bind-fd.py <<'EOF'
import asyncio, os, sys
from dbus_next import Message, MessageType, Variant
from dbus_next.aio import MessageBus

async def main(address, nic, queue, macvtap, path):
    bus = await MessageBus(bus_address=address, negotiate_unix_fd=True).connect()
    fd = os.open(path, os.O_RDONLY)
    reply = await bus.call(Message(
        destination="org.zcrx.zcrx1", path="/org/zcrx/zcrx1",
        interface="org.zcrx.zcrx1.Manager", member="Bind", signature="susa{sv}",
        body=[nic, int(queue), macvtap, {"netns": Variant("h", 0)}], unix_fds=[fd]))
    os.close(fd)
    if reply.message_type == MessageType.ERROR:
        print(f"error {reply.error_name}: {reply.body[0] if reply.body else ''}")
        return 1
    print(reply.body[0])
    return 0

sys.exit(asyncio.run(main(*sys.argv[1:])))
EOF
out=$(python3 /tmp/bind-fd.py "$A" "$nic" 3 mvtq /run/netns/pod 2>&1)
idq=$(id_of 3)
check "Bind with netns an fd of /run/netns/pod: bound" contains "/org/zcrx/zcrx1/binding/$idq" "$out"
[ -n "$idq" ] || echo "# $out"
check "the kernel's dump: mvtq's pod index, the same netnsid" \
	sh -c "zcrx-nl get $idq | grep -q ' macvtap=$q_idx .*macvtap_netnsid=$nsid'"
check "its properties: Macvtap mvtq, MacvtapNetns \"\" (an fd has no name), MacvtapNetnsId" \
	eq "$(props "$idq" Macvtap MacvtapNetns MacvtapNetnsId)" "s \"mvtq\" s \"\" i $nsid "
check "an fd-bound binding is not saved (no mvtq in the state file)" \
	not grep -q mvtq /var/lib/zcrx/bindings.json
check "a file that is no namespace, as an fd: InvalidArgs" \
	contains "error org.freedesktop.DBus.Error.InvalidArgs: netns: the network namespace passed is not a network namespace" \
	"$(python3 /tmp/bind-fd.py "$A" "$nic" 0 mvtq /etc/passwd 2>&1)"

# ---- restart ----
kill $zpid; wait $zpid 2>/dev/null
start_zcrxd
check "zcrxd restarted" poll has_name
check "the pod binding adopted: runtime, its names from the state file" \
	poll sh -c "busctl --address='$A' get-property org.zcrx.zcrx1 /org/zcrx/zcrx1/binding/$idp org.zcrx.zcrx1.Binding Origin Macvtap MacvtapNetns MacvtapNetnsId | tr '\n' ' ' | grep -qx 's \"runtime\" s \"mvtp\" s \"pod\" i $nsid '"
check "the fd-bound one still in the kernel, origin kernel, its namespace id known" \
	eq "$(props "$idq" Origin MacvtapIfindex MacvtapNetnsId)" "s \"kernel\" u $q_idx i $nsid "

# ---- declared in zcrxd.conf, reload ----
cat > /etc/zcrx/zcrxd.conf <<EOF
{ "bindings": [ { "nic": "$nic", "queue": 0, "macvtap": "mvtr", "netns": "pod" } ] }
EOF
kill -HUP $zpid
check "a reload binds the declared pod macvtap mvtr to queue 0" poll sh -c "zcrx-nl dump | grep -q ' queue=0 '"
idr=$(id_of 0)
r_idx=$(pod_idx mvtr)
check "declared: the pod's index and netnsid in the kernel" \
	sh -c "zcrx-nl get $idr | grep -q ' macvtap=$r_idx .*macvtap_netnsid=$nsid'"
check "declared: Origin config, Macvtap mvtr, MacvtapNetns pod" \
	eq "$(props "$idr" Origin Macvtap MacvtapNetns)" "s \"config\" s \"mvtr\" s \"pod\" "
kill -HUP $zpid
sleep 1
check "a second reload keeps it (the same binding)" eq "$(id_of 0)" "$idr"
echo '{ "bindings": [] }' > /etc/zcrx/zcrxd.conf
kill -HUP $zpid
check "no longer declared: unbound by the reload" poll removed_signal "$idr" request

# ---- the macvtap deleted inside the pod ----
ip -n pod link del mvtp
check "deleting mvtp in the pod ends its binding: BindingRemoved macvtap-gone" \
	poll removed_signal "$idp" macvtap-gone
check "and the kernel has it no more" not sh -c "zcrx-nl dump | grep -q '^id=$idp '"
check "the fd-bound binding is untouched" sh -c "zcrx-nl get $idq | grep -q '^id=$idq '"
ip netns del pod
check "deleting the pod's namespace ends the other" \
	poll removed_signal "$idq" macvtap-gone
check "zcrxd runs, nothing left" sh -c "kill -0 $zpid && [ \$(zcrx-nl dump | grep -c '^id=') = 0 ]"
check "zcrxd logged no error" not grep -q '^<[0-3]>' /tmp/zcrxd.log
grep -q '^<[0-3]>' /tmp/zcrxd.log && sed 's/^/# /' /tmp/zcrxd.log | tail -n 20

kill $zpid; wait $zpid 2>/dev/null
tap_done
