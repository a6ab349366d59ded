# The crash loop of ops/bench/crashloop, short: kill -9 at random moments
# while lcnd ingests from a partner, publishes, rebuilds its index and
# imports a list; after each, nothing acknowledged is lost, lcn verify
# passes, the derived state equals a fresh lcn reindex and the node
# catches up. 20 cycles (about a minute), 5 in a sanitizer build;
# LCN_CRASHLOOP_CYCLES overrides, LCN_CRASHLOOP_SEED repeats a run.
set -euo pipefail

BIN=${1:-}
if [ -z "$BIN" ] || [ ! -x "$BIN/lcnd" ]; then
	echo "usage: $0 BUILD_BIN_DIR (the directory holding lcnd and lcn)" >&2
	exit 2
fi
SRC=${LCN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if grep -q -a -m 1 __asan_init "$BIN/lcnd"; then
	cycles=${LCN_CRASHLOOP_CYCLES:-5}
else
	cycles=${LCN_CRASHLOOP_CYCLES:-20}
fi
args=(--build "$BIN" -e 100)
[ -z "${LCN_CRASHLOOP_SEED:-}" ] || args+=(--seed "$LCN_CRASHLOOP_SEED")
# The harness's PASS line and timings, as every integration test prints.
LIB_QUIET=0 exec "$SRC/ops/bench/crashloop" "${args[@]}" "$cycles"
