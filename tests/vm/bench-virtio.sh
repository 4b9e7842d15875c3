#!/bin/sh
# zcrx-vm: outside-nic
# bench.sh on virtio-net: frames from outside the VM (tapframe serve on
# the host, through QEMU's dgram backend), written into guest pages by
# QEMU's virtio-net device, not by the VM's CPUs.  A benchmark, not a
# test: make bench BENCH_NIC=virtio.
bench_nic=virtio
. /zcrx/tests/bench.sh
