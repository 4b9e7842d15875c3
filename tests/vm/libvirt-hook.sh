#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The libvirt hook (libvirt/qemu.d/zcrx) against the real zcrx family on
# netdevsim, through zcrxd on a private system bus.  libvirtd is not in
# the test image: the hook is run as libvirt runs it, with its arguments
# and domain XML, in libvirt's order (prepare, start, started; reconnect;
# stopped, release).  Checked: start binds the interface's queue to the
# runtime <target dev> (the kernel's dump), owned by the domain's UUID,
# with the metadata's fallback and low-watermark; prepare and started
# change nothing; reconnect returns the same binding; a second guest
# asking for the held queue gets what its on-failure says (abort: exit 1
# naming the holder; copy: exit 0, no binding); an abort after a first
# interface was bound unbinds it again; stopped ends the binding in the
# kernel, release after it is a no-op with exit 0.
. /zcrx/tests/lib.sh

nsim_create
nsim_peer_netns
for m in mvt0 mvt1 mvt2; do
	ip link add link "$nic" name $m type macvtap mode bridge && ip link set $m up
done

system_bus_start

mkdir -p /etc/zcrx /var/lib/zcrx
echo '{ }' > /etc/zcrx/zcrxd.conf
zcrxd --bus "$A" --config /etc/zcrx/zcrxd.conf --state-dir /var/lib/zcrx \
	</dev/null >/dev/null 2>>/tmp/zcrxd.log &
zpid=$!

bctl() { busctl --address="$A" --timeout=20 "$@"; }
prop() { bctl get-property org.zcrx.zcrx1 "/org/zcrx/zcrx1/binding/$1" org.zcrx.zcrx1.Binding "$2"; }
poll() { n=0; until "$@" >/dev/null 2>&1; do [ $n -lt 200 ] || { "$@"; return 1; }; sleep 0.1; n=$((n+1)); done; }
has_name() { bctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus NameHasOwner s org.zcrx.zcrx1 | grep -qx 'b true'; }
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
ifidx() { cat /sys/class/net/$1/ifindex; }
dump_count() { zcrx-nl dump | grep -c '^id='; }
# id_on QUEUE MACVTAP: the kernel's binding of $nic's QUEUE to MACVTAP.
id_on() { zcrx-nl dump | grep " queue=$1 macvtap=$(ifidx "$2") " | sed -n 's/^id=\([0-9]*\) .*/\1/p'; }
check "zcrxd starts and owns org.zcrx.zcrx1" poll has_name

UUID_A=6f1c1b8e-3d5a-4c1e-9f7a-1a2b3c4d5e6f
UUID_B=0b7a5e0c-1111-4c1e-9f7a-1a2b3c4d5e6f
UUID_C=0c7a5e0c-2222-4c1e-9f7a-1a2b3c4d5e6f
UUID_D=0d7a5e0c-3333-4c1e-9f7a-1a2b3c4d5e6f
NS=https://zcrx.org/xmlns/libvirt/1

# domain FILE NAME UUID METADATA-ENTRIES IFACE...: IFACE is MAC:MACVTAP
# (MACVTAP "-": no runtime <target dev>, as prepare sees it).
domain() {
	file=$1 name=$2 uuid=$3 entries=$4
	shift 4
	{
		echo "<domain type='kvm' id='1'><name>$name</name><uuid>$uuid</uuid>"
		echo "<metadata><zcrx:zcrx xmlns:zcrx=\"$NS\">$entries</zcrx:zcrx></metadata><devices>"
		for i in "$@"; do
			echo "<interface type='direct'><mac address='${i%%-*}'/>"
			echo "<source dev='$nic' mode='bridge'/>"
			[ "${i#*-}" = "" ] || echo "<target dev='${i#*-}'/>"
			echo "<model type='virtio'/></interface>"
		done
		echo "</devices></domain>"
	} > "$file"
}
# hook NAME OP SUBOP FILE: run it as libvirt does; sets rc and err.
hook() {
	err=$(DBUS_SYSTEM_BUS_ADDRESS=$A python3 /zcrx/libvirt/qemu.d/zcrx "$1" "$2" "$3" - < "$4" 2>&1 >/tmp/hook.out)
	rc=$?
	echo "# hook $1 $2 $3: exit $rc"
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/#   /'
}

MAC_A=52:54:00:aa:00:01
ENTRY_A="<zcrx:interface mac=\"$MAC_A\" queue=\"1\" fallback=\"drop\" low-watermark=\"32\" on-failure=\"abort\"/>"
domain /tmp/a-prepare.xml vm-a $UUID_A "$ENTRY_A" "$MAC_A-"
domain /tmp/a.xml vm-a $UUID_A "$ENTRY_A" "$MAC_A-mvt0"

hook vm-a prepare begin /tmp/a-prepare.xml
check "vm-a prepare: exit 0" eq "$rc" 0
check "vm-a prepare: nothing bound" eq "$(dump_count)" 0
hook vm-a start begin /tmp/a.xml
check "vm-a start: exit 0" eq "$rc" 0
id_a=$(id_on 1 mvt0)
check "vm-a start: the kernel binds $nic queue 1 to mvt0 (the runtime <target dev>)" test -n "$id_a"
check "vm-a start: one binding" eq "$(dump_count)" 1
check "its Owner is vm-a's UUID" eq "$(prop "$id_a" Owner)" "s \"$UUID_A\""
check "its Nic, Queue, Macvtap" eq "$(prop "$id_a" Nic) $(prop "$id_a" Queue) $(prop "$id_a" Macvtap)" \
	"s \"$nic\" u 1 s \"mvt0\""
check "its fallback drop, as the metadata asks (kernel and property)" sh -c \
	"zcrx-nl get $id_a | grep -q 'fallback=drop' && [ '$(prop "$id_a" Fallback)' = 's \"drop\"' ]"
check "its LowWatermark 32" eq "$(prop "$id_a" LowWatermark)" "u 32"
hook vm-a started begin /tmp/a.xml
check "vm-a started: exit 0, the same single binding" sh -c "[ $rc = 0 ] && [ '$(id_on 1 mvt0)' = '$id_a' ] && [ $(dump_count) = 1 ]"
hook vm-a reconnect begin /tmp/a.xml
check "vm-a reconnect (libvirtd restarted): exit 0, Bind returns the same binding" sh -c \
	"[ $rc = 0 ] && [ '$(id_on 1 mvt0)' = '$id_a' ] && [ $(dump_count) = 1 ]"
check "  ... the hook says so" contains "bound as /org/zcrx/zcrx1/binding/$id_a" "$err"

# A second guest asking for the same queue.
MAC_B=52:54:00:bb:00:01
domain /tmp/b.xml vm-b $UUID_B "<zcrx:interface mac=\"$MAC_B\" queue=\"1\" on-failure=\"abort\"/>" "$MAC_B-mvt1"
hook vm-b start begin /tmp/b.xml
check "vm-b, same queue, on-failure abort: exit 1 (libvirt aborts the start)" eq "$rc" 1
check "  ... naming the holder and its owner" contains \
	"queue-id: $nic queue 1 is held by /org/zcrx/zcrx1/binding/$id_a (macvtap mvt0, origin runtime, owner \"$UUID_A\")" "$err"
check "  ... and saying the guest does not start" contains "on-failure abort: the guest does not start" "$err"
check "  ... vm-a's binding stays, nothing on mvt1" sh -c "[ '$(id_on 1 mvt0)' = '$id_a' ] && [ $(dump_count) = 1 ]"
hook vm-b stopped end /tmp/b.xml
hook vm-b release end /tmp/b.xml
check "vm-b stopped + release (libvirt's cleanup of the failed start): vm-a's binding stays" \
	sh -c "[ $rc = 0 ] && [ '$(id_on 1 mvt0)' = '$id_a' ]"

MAC_C=52:54:00:cc:00:01
domain /tmp/c.xml vm-c $UUID_C "<zcrx:interface mac=\"$MAC_C\" queue=\"1\" on-failure=\"copy\"/>" "$MAC_C-mvt1"
hook vm-c start begin /tmp/c.xml
check "vm-c, same queue, on-failure copy: exit 0" eq "$rc" 0
check "  ... saying it runs on the copy path" contains "on-failure copy: the guest runs on the copy path" "$err"
check "  ... nothing bound for it" eq "$(dump_count)" 1

# Two interfaces: the first binds, the second conflicts (abort): the
# first is unbound again before the hook fails.
MAC_D1=52:54:00:dd:00:01
MAC_D2=52:54:00:dd:00:02
domain /tmp/d.xml vm-d $UUID_D "<zcrx:interface mac=\"$MAC_D1\" queue=\"2\"/><zcrx:interface mac=\"$MAC_D2\" queue=\"1\"/>" \
	"$MAC_D1-mvt1" "$MAC_D2-mvt2"
hook vm-d start begin /tmp/d.xml
check "vm-d: queue 2 bound, then queue 1 refused: exit 1" eq "$rc" 1
check "  ... queue 2 was bound first" contains "$nic queue 2 -> mvt1 bound as" "$err"
check "  ... and is unbound again" sh -c "[ -z '$(id_on 2 mvt1)' ] && [ $(dump_count) = 1 ]"

# vm-a stops.
hook vm-a stopped end /tmp/a.xml
check "vm-a stopped: exit 0" eq "$rc" 0
check "vm-a stopped: the binding is gone from the kernel" eq "$(dump_count)" 0
check "  ... UnbindOwner's answer logged" contains "unbound /org/zcrx/zcrx1/binding/$id_a" "$err"
hook vm-a release end /tmp/a.xml
check "vm-a release: exit 0, silent (UnbindOwner again: nothing left)" sh -c "[ $rc = 0 ] && [ -z '$err' ]"
hook vm-a start begin /tmp/a.xml
check "vm-a starts again: bound again" sh -c "[ $rc = 0 ] && [ -n '$(id_on 1 mvt0)' ]"
hook vm-a stopped end /tmp/a.xml
check "  ... and stopped again: unbound" eq "$(dump_count)" 0

kill -TERM $zpid; wait $zpid
echo "# ---- zcrxd log"; sed 's/^/# /' /tmp/zcrxd.log
tap_done
