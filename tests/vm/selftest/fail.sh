#!/bin/sh
# Harness self-test guest: one check passes, one fails.
. /zcrx/tests/lib.sh
check "true passes" true
check "false fails" false
tap_done
