# tests/lib/lib.sh - the shell helpers every test script sources:
#
#   . "$(dirname "$0")/../lib/lib.sh"
#   t_init NAME            counting mode: `fail` records a failure and goes
#                          on; t_done prints the counts and sets the status
#   t_init NAME --fatal    fatal mode: the first `fail` ends the script (1)
#
#   fail MSG...            a failed check (see the modes)
#   ok [MSG...]            a passed check (MSG printed as "ok: MSG")
#   same GOT WANT LABEL    ok when GOT = WANT, else fail with both
#   t_done                 "N passed, M failed"; exit 1 when M > 0
#   t_module FILE          FILE (a corpus module) must exist: a missing
#                          module is a failure naming the fetch command,
#                          never a skip
#   t_regen                true when the golden files are to be rewritten:
#                          only FORKSIZE_REGEN_GOLDEN=1 turns it on (ctest
#                          passes 0 or 1 explicitly; see tests/CMakeLists.txt)
#
# This file is sourced, so it sets no shell options of its own.

t_init() {
    T_NAME=$1
    T_FATAL=0
    [ "${2:-}" != --fatal ] || T_FATAL=1
    T_FAILS=0
    T_PASSES=0
}

fail() {
    if [ "${T_FATAL:-0}" = 1 ]; then
        echo "${T_NAME:-test}: FAILED: $*" >&2
        exit 1
    fi
    echo "FAIL: $*"
    T_FAILS=$((T_FAILS + 1))
}

ok() {
    T_PASSES=$((T_PASSES + 1))
    [ $# -eq 0 ] || echo "ok: $*"
}

same() {
    if [ "$1" = "$2" ]; then ok; else fail "$3: got '$1', want '$2'"; fi
}

t_done() {
    echo "${T_NAME:-test}: $T_PASSES passed, $T_FAILS failed"
    [ "$T_FAILS" -eq 0 ] || exit 1
    exit 0
}

t_module() {
    [ -f "$1" ] && return 0
    echo "${T_NAME:-test}: FAILED: corpus module $1 is missing:" \
         "run scripts/fetch-corpus.sh (FORKSIZE_CORPUS_DIR=${FORKSIZE_CORPUS_DIR:-unset})" >&2
    exit 1
}

t_regen() {
    [ "${FORKSIZE_REGEN_GOLDEN:-0}" = 1 ]
}
