#!/bin/sh
# Soak (make vm-soak, not in CI): zcrx-races.sh with the guests' backend
# swaps, memory-table changes and releases in a child under the storms,
# which still go wrong now and then (open bugs, see zcrx-races.sh).
races_disrupt=1
. /zcrx/tests/zcrx-races.sh
