#!/bin/sh
# The zcrx family's control plane, driven with libmnl (zcrx-nl control):
# bind, get, dump, set, unbind, every refusal with its errno and extack,
# events, an unprivileged caller.
. /zcrx/tests/lib.sh

nsim_create
other=$peer
ip link add link "$nic" name mvt0 type macvtap mode bridge &&
ip link add link "$other" name mvt1 type macvtap mode bridge &&
ip link add veth0 type veth peer name veth1 &&
ip link add link veth0 name mvtv type macvtap mode bridge ||
	bail_out "cannot create the macvtaps"

exec zcrx-nl control "$nic" mvt0 "$other" mvt1 veth0 mvtv
