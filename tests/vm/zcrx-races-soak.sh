#!/bin/sh
# Soak (make vm-soak, not in CI): zcrx-races.sh with four times as many
# guest runs and device rounds.
races_soak=1
. /zcrx/tests/zcrx-races.sh
