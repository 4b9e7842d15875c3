#!/bin/sh
# Harness self-test guest: every check passes, but the kernel warns.
. /zcrx/tests/lib.sh
check "kernel warning raised" sh -c 'echo "<4>WARNING: CPU: 0 PID: 1 at zcrx-selftest" > /dev/kmsg'
tap_done
