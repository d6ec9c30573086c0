#!/bin/sh
# The committed example county is exactly what its generator makes.
set -eu
py=$1 script=$2 committed=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$py" "$script" "$out" >/dev/null
status=0
for f in "$committed"/*; do
	cmp -s "$f" "$out/$(basename "$f")" || { echo "differs from the generator: $f"; status=1; }
done
for f in "$out"/*; do
	[ -e "$committed/$(basename "$f")" ] || { echo "not committed: $(basename "$f")"; status=1; }
done
exit $status
