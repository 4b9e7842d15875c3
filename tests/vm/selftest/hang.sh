#!/bin/sh
# Harness self-test guest: never finishes.
. /zcrx/tests/lib.sh
check "started" true
echo "<2>zcrx-selftest: hanging on purpose" > /dev/kmsg
while :; do sleep 1; done
