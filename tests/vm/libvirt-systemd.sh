#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# zcrx-vm: systemd-libvirt
# The libvirt hook under real libvirtd (issue 14): Debian's systemd as
# PID 1 starts zcrxd.service and Debian 12's monolithic libvirtd.service
# (tests/vm/systemd/mkroot-libvirt), with the hook where `make install`
# puts it, /etc/libvirt/hooks/qemu.d/zcrx.  A TCG domain with no disk
# (it sits in SeaBIOS) and one macvtap on nsim0, whose zcrx metadata asks
# for queue 1: `virsh start` binds that queue to the macvtap libvirt made,
# owned by the domain's UUID; a second domain asking for the same queue
# (on-failure abort) does not start, and libvirt says why; `virsh
# destroy` ends the binding in the kernel.
. /zcrx/tests/lib.sh

up() { cut -d' ' -f1 /proc/uptime; }
echo "# boot: kernel start to the test $(up) s"
eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
vsh() { virsh -c qemu:///system "$@"; }
ifindex() { cat "/sys/class/net/$1/ifindex"; }
nsim_ifindex=$(ifindex nsim0)
# on_queue1: the kernel's bindings of nsim0's queue 1 (zcrx-nl dump lines).
on_queue1() { zcrx-nl dump | grep "ifindex=$nsim_ifindex queue=1 "; }
prop() {
	busctl --timeout=20 get-property org.zcrx.zcrx1 "/org/zcrx/zcrx1/binding/$1" \
		org.zcrx.zcrx1.Binding "$2"
}
show_libvirt_log() {
	echo "# ---- libvirtd's journal:"
	journalctl --no-pager -b -u libvirtd.service | tail -n 60 | sed 's/^/#   /'
	for f in /var/log/libvirt/qemu/*.log; do
		[ -f "$f" ] || continue
		echo "# ---- $f:"
		tail -n 30 "$f" | sed 's/^/#   /'
	done
}

check "PID 1 is systemd" eq "$(cat /proc/1/comm)" systemd
check "zcrxd.service active" eq "$(systemctl show -p ActiveState --value zcrxd.service)" active
check "libvirtd.service enabled, as libvirt-daemon-system leaves it" \
	eq "$(systemctl is-enabled libvirtd.service)" enabled
check "libvirtd.service active" eq "$(systemctl show -p ActiveState --value libvirtd.service)" active
check "the hook is installed executable at /etc/libvirt/hooks/qemu.d/zcrx" \
	test -x /etc/libvirt/hooks/qemu.d/zcrx
check "nothing bound before a guest starts" eq "$(zcrx-nl dump | grep -c '^id=')" 0

t0=$(up)
check "virsh connects to qemu:///system (libvirtd probes QEMU's capabilities)" vsh version
echo "# virsh version took $(echo "$(up) $t0" | awk '{print $1 - $2}') s"
check "virsh define the domain" vsh define /zcrx/libvirt-domain.xml
uuid=$(vsh domuuid zcrx-guest)
check "its UUID is the one of its XML" eq "$uuid" 7a637278-6c69-4276-8972-742d766d3031

t0=$(up)
check "virsh start zcrx-guest" vsh start zcrx-guest
echo "# virsh start took $(echo "$(up) $t0" | awk '{print $1 - $2}') s"
check "zcrx-guest is running" eq "$(vsh domstate zcrx-guest)" running
vsh domiflist zcrx-guest | sed 's/^/# /'
macvtap=$(vsh domiflist zcrx-guest | awk '$2 == "direct" { print $1 }')
check "libvirt made a macvtap for the interface" test -n "$macvtap" -a -d "/sys/class/net/$macvtap"
ip -d link show "$macvtap" | sed 's/^/# /'
check "  ... on nsim0, in bridge mode" sh -c \
	"/usr/local/sbin/ip -d link show '$macvtap' | grep -q '@nsim0:' &&
	 /usr/local/sbin/ip -d link show '$macvtap' | grep -q 'macvtap  *mode bridge'"
zcrx-nl dump | sed 's/^/# /'
binding=$(on_queue1)
id=$(echo "$binding" | sed -n 's/^id=\([0-9]*\) .*/\1/p')
check "the kernel binds nsim0 queue 1" test -n "$id"
check "  ... to libvirt's macvtap $macvtap" sh -c \
	"echo '$binding' | grep -q ' macvtap=$(ifindex "$macvtap") '"
check "  ... isolated by netdevsim's MAC filter" contains "isolation=mac-filter" "$binding"
check "  ... the only binding" eq "$(zcrx-nl dump | grep -c '^id=')" 1
check "zcrxd's binding is owned by the domain's UUID" eq "$(prop "$id" Owner)" "s \"$uuid\""
zcrxctl show | sed 's/^/# /'

# A second domain asking for the same queue: the hook refuses (abort),
# libvirt does not start it and says why, the first keeps its binding.
sed -e 's/zcrx-guest/zcrx-guest2/' -e 's/7a637278-6c69-4276-8972-742d766d3031/7a637278-6c69-4276-8972-742d766d3032/' \
	-e 's/52:54:00:7a:63:11/52:54:00:7a:63:12/g' /zcrx/libvirt-domain.xml > /tmp/guest2.xml
check "virsh define a second domain asking for queue 1 too" vsh define /tmp/guest2.xml
err=$(vsh start zcrx-guest2 2>&1)
rc=$?
printf '%s\n' "$err" | sed 's/^/# /'
check "virsh start zcrx-guest2 fails (the hook's on-failure abort)" not test "$rc" -eq 0
check "  ... libvirt's error carries the hook's reason: queue 1 held by binding $id" \
	contains "nsim0 queue 1 is held by /org/zcrx/zcrx1/binding/$id" "$err"
check "  ... zcrx-guest2 is not running" eq "$(vsh domstate zcrx-guest2)" "shut off"
check "  ... zcrx-guest's binding stays, the only one" sh -c \
	"[ '$(on_queue1 | sed -n 's/^id=\([0-9]*\) .*/\1/p')' = '$id' ] && [ \$(zcrx-nl dump | grep -c '^id=') = 1 ]"

check "virsh destroy zcrx-guest" vsh destroy zcrx-guest
check "zcrx-guest is shut off" eq "$(vsh domstate zcrx-guest)" "shut off"
check "the binding is gone from the kernel" eq "$(zcrx-nl dump | grep -c '^id=')" 0
check "  ... and from zcrxd" sh -c "! busctl --timeout=20 call org.zcrx.zcrx1 /org/zcrx/zcrx1 \
	org.zcrx.zcrx1.Manager ListBindings | grep -q /binding/"
check "libvirt removed its macvtap" not test -d "/sys/class/net/$macvtap"

[ "$tap_failed" -eq 0 ] || show_libvirt_log
echo "# ---- zcrxd's journal:"
journalctl --no-pager -b -u zcrxd.service | tail -n 15 | sed 's/^/#   /'
echo "# ---- failed units, and warnings of the boot:"
systemctl --no-pager --failed --no-legend | sed 's/^/#   /'
journalctl --no-pager -b -p warning | sed 's/^/#   /'
tap_done
