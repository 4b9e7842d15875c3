#!/bin/sh
# zcrx's KUnit suite ran at boot (built in); relay each case's verdict.
. /zcrx/tests/lib.sh

results=/sys/kernel/debug/kunit/zcrx/results
[ -r "$results" ] || bail_out "$results missing: KUnit suite zcrx not built in"
cat "$results" | sed 's/^/# /'

cases=0
while read -r verdict rest; do
	case "$verdict $rest" in
	"ok "*|"not ok "*) ;;
	*) continue ;;
	esac
	[ "$verdict" = not ] && rest=${rest#ok }
	name=$(echo "$rest" | cut -d' ' -f2)
	cases=$((cases + 1))
	check "kunit zcrx: $name" test "$verdict" = ok
done <<EOT
$(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' "$results")
EOT
check "kunit zcrx: all 6 cases ran" test "$cases" -eq 6
check "kunit zcrx: suite passed" grep -q '^ok [0-9]* zcrx' "$results"
tap_done
