#!/bin/sh
# The zcrx family driven by the kernel's own YNL CLI (tools/net/ynl/cli.py)
# from the spec alone: no code of ours between the spec and the kernel.
. /zcrx/tests/lib.sh

ynl() {
	python3 /zcrx/ynl/cli.py --spec /zcrx/ynl/zcrx.yaml --no-schema "$@" 2>&1
}

nsim_create
ip link add link "$nic" name mvt0 type macvtap mode bridge || bail_out "no macvtap"
nic_ifindex=$(cat /sys/class/net/"$nic"/ifindex)
mvt_ifindex=$(cat /sys/class/net/mvt0/ifindex)

out=$(ynl --do bind --json "{\"ifindex\": $nic_ifindex, \"queue-id\": 3, \"macvtap-ifindex\": $mvt_ifindex, \"fallback\": \"drop\"}")
echo "$out" | sed 's/^/# /'
id=$(echo "$out" | sed -n "s/.*'id': \([0-9]*\).*/\1/p")
check "cli.py --do bind returns a binding id" test -n "$id"

out=$(ynl --dump get)
echo "$out" | sed 's/^/# /'
check "cli.py --dump get lists it on queue 3" contains "'queue-id': 3" "$out"
check "cli.py --dump get shows fallback drop" contains "'fallback': 'drop'" "$out"
out=$(ynl --do get --json "{\"id\": $id}")
check "cli.py --do get decodes the counters" contains "'buffers-in-flight': 0" "$out"

out=$(ynl --do bind --json "{\"ifindex\": 999999, \"queue-id\": 0, \"macvtap-ifindex\": $mvt_ifindex}")
echo "$out" | sed 's/^/# /'
check "cli.py shows the kernel's extack for a refused bind" \
	contains "ifindex: no such device" "$out"

check "cli.py --do unbind" ynl --do unbind --json "{\"id\": $id}"
out=$(ynl --dump get)
check "cli.py --dump get is empty after unbind" test "$out" = "[]"
tap_done
