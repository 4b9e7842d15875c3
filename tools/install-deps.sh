#!/bin/sh
# Install every Debian package zcrx needs to build user space, build the
# patched kernel and run the VM tests, and to build the Debian packages
# (make deb-check).  Idempotent; never prompts.
# Not here: what only make kernel-deb needs (not run by CI), Debian's
# kernel configuration and pahole (dwarves): installing linux-config-6.12
# takes linux-source-6.12 past the upload pinned below.  README's
# "Install on Debian" says how to get them.
set -eu

# The kernel series is written against this exact packaged source; patches
# are applied with no fuzz, so a different upload may need a rebase.
KERNEL_SOURCE_VERSION=${KERNEL_SOURCE_VERSION:-6.12.117-1~deb12u1}

PACKAGES="
	build-essential autoconf automake libtool pkg-config autoconf-archive
	libmnl-dev libnl-3-dev libnl-route-3-dev libsystemd-dev libjson-c-dev
	dbus dbus-daemon libdbus-1-dev systemd libglib2.0-bin util-linux
	bc flex bison libelf-dev libssl-dev cpio ccache xz-utils kmod
	python3 python3-yaml python3-jsonschema gnuplot-nox
	python3-dbusmock polkitd duktape libxml2-utils
	python3-prometheus-client python3-dbus-next
	clang-14 libclang-rt-14-dev
	qemu-system-x86 qemu-system-data seabios busybox-static iproute2 ethtool
	libvirt-daemon-system libvirt-clients
	debhelper lintian
"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

missing=
for pkg in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $pkg"
done
have_source=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)

if [ -n "$missing" ] || [ -z "$have_source" ]; then
	$SUDO apt-get update -q
fi
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ -z "$have_source" ]; then
	$SUDO apt-get install -y -q --no-install-recommends \
		"linux-source-6.12=$KERNEL_SOURCE_VERSION" ||
	{
		echo "install-deps: linux-source-6.12 $KERNEL_SOURCE_VERSION is gone from the archive;" \
			"installing the current upload (the series may need a rebase)" >&2
		$SUDO apt-get install -y -q --no-install-recommends linux-source-6.12
	}
fi
