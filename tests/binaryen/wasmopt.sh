#!/usr/bin/env bash
# wasmopt.sh - --apply asyncify with a wasm-opt the user names (--wasm-opt,
# FORKSIZE_WASM_OPT): the current Binaryen (npm binaryen@132.0.0) as the peer.
#
#   wasmopt.sh MODE MODULE   (env: FORKSIZE, WASM_OPT_132, WABT_OBJDUMP_139,
#                             JFLAT, TESTLIB)
#
#   measure  forksize's A/B equals wasm-opt 132 run by hand with the same
#            pipeline (-all -g [-O2], Asyncify with the onlylist that
#            `forksize closure --onlylist` writes): code section sizes read
#            by WABT 1.0.39; the report names Binaryen 132 and the path, in
#            text and JSON; FORKSIZE_WASM_OPT does the same as --wasm-opt; a
#            stripped copy measures the same.
#   errors   a missing path: exit 2 naming it; a wasm-opt that fails or
#            prints no version: exit 4; one that never ends: stopped at
#            FORKSIZE_PEER_TIMEOUT, exit 4, nothing left running or on disk.
#   diff     reports measured by Binaryen 108 and 132 are different peers:
#            diff refuses them (exit 2, "binaryen 108 vs 132") unless --force.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "${TESTLIB:-$here/../lib}/lib.sh"
mode=${1:?usage: wasmopt.sh MODE MODULE}
mod=${2:?usage: wasmopt.sh MODE MODULE}
t_init "binaryen/wasmopt.sh $mode"
: "${FORKSIZE:?}" "${JFLAT:?}"
b132=${WASM_OPT_132:-}
[ -n "$b132" ] && [ -x "$b132" ] || { fail "no Binaryen 132 at '${b132}': run scripts/npm-deps.sh (npm ci)"; t_done; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
R=(--root 'import:*' --apply asyncify -O2)

code_size() {   # FILE -> code section payload bytes, as WABT 1.0.39 reads them
    local hex
    hex=$("${WABT_OBJDUMP_139:?}" -h "$1" 2>/dev/null | sed -n 's/^ *Code .*(size=0x\([0-9a-fA-F]*\)).*/\1/p')
    [ -n "$hex" ] && echo $((16#$hex))
}
jget() { "$JFLAT" "$1" | awk -F= -v k="$2" '$1 == k { sub(/^[^=]*=/, ""); print; exit }'; }

case $mode in
measure)
    ver=$("$b132" --version | sed -n 's/^wasm-opt version \([0-9]*\).*/\1/p')
    [ -n "$ver" ] || { fail "wasm-opt 132 --version prints no version"; t_done; }
    "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt "$b132" --top 1 >"$work/t.txt" 2>"$work/t.err" ||
        { fail "forksize --apply asyncify --wasm-opt failed: $(cat "$work/t.err")"; t_done; }
    has() { grep -qF -- "$2" "$1" && ok "$3" || fail "$3: $1 lacks '$2'"; }
    has "$work/t.txt" "asyncify    Binaryen $ver (wasm-opt $b132) -O2" "the text report names Binaryen $ver and its path"
    FORKSIZE_WASM_OPT=$b132 "$FORKSIZE" --stats "$mod" "${R[@]}" --format json -o "$work/r.json" 2>"$work/r.err" ||
        { fail "FORKSIZE_WASM_OPT run failed: $(cat "$work/r.err")"; t_done; }
    same "$(jget "$work/r.json" options.binaryen_version)" "$ver" "JSON options.binaryen_version (FORKSIZE_WASM_OPT)"
    same "$(jget "$work/r.json" options.wasm_opt)" "$b132" "JSON options.wasm_opt"
    "$FORKSIZE" compare "$mod" "${R[@]}" --wasm-opt "$b132" --no-timing >"$work/c.txt" 2>/dev/null ||
        fail "forksize compare --wasm-opt failed"
    has "$work/c.txt" "apply asyncify -O2 (Binaryen $ver)" "compare's options line names Binaryen $ver"
    # By hand: the same pipelines, and the onlylist forksize writes for the closure.
    "$FORKSIZE" closure "$mod" --root 'import:*' --onlylist "$work/only.txt" >/dev/null ||
        { fail "forksize closure --onlylist"; t_done; }
    "$b132" "$mod" -all -g -O2 -o "$work/a.wasm" || { fail "wasm-opt 132 -O2"; t_done; }
    "$b132" "$mod" -all -g --asyncify "--pass-arg=asyncify-onlylist@@$work/only.txt" -O2 -o "$work/b.wasm" ||
        { fail "wasm-opt 132 --asyncify -O2"; t_done; }
    same "$(jget "$work/r.json" instrumentation.code_bytes_before)" "$(code_size "$work/a.wasm")" "code before = WABT's size of wasm-opt 132 -O2"
    same "$(jget "$work/r.json" instrumentation.code_bytes_after)" "$(code_size "$work/b.wasm")" "code after = WABT's size of wasm-opt 132 --asyncify -O2"
    # Without a name section (wasm-opt 132 keeps only names it read, so
    # forksize names the functions for it): the same bytes, every closure
    # function still measured.
    "${WASM_STRIP:-wasm-strip}" "$mod" -o "$work/stripped.wasm" || { fail "wasm-strip"; t_done; }
    "$FORKSIZE" --stats "$work/stripped.wasm" "${R[@]}" --wasm-opt "$b132" --format json -o "$work/s.json" 2>"$work/s.err" ||
        { fail "stripped module: $(cat "$work/s.err")"; t_done; }
    for k in code_bytes_before code_bytes_after; do
        same "$(jget "$work/s.json" instrumentation.$k)" "$(jget "$work/r.json" instrumentation.$k)" "stripped: $k as with names"
    done
    same "$(jget "$work/s.json" instrumentation.binaryen.functions_measured)" \
         "$(jget "$work/r.json" instrumentation.binaryen.functions_measured)" "stripped: functions measured as with names"
    ;;
errors)
    "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt "$work/none" >/dev/null 2>"$work/e"
    same "$?" 2 "a missing --wasm-opt: exit status"
    grep -qF -- "--wasm-opt $work/none: cannot run it" "$work/e" && ok "the message names the path" || fail "message: $(cat "$work/e")"
    "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt /bin/false >/dev/null 2>"$work/e"
    same "$?" 4 "a wasm-opt whose --version fails: exit status"
    grep -qF -- "--wasm-opt /bin/false: --version failed" "$work/e" && ok "says --version failed" || fail "message: $(cat "$work/e")"
    printf '#!/bin/sh\necho hello\n' >"$work/noversion"; chmod +x "$work/noversion"
    "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt "$work/noversion" >/dev/null 2>"$work/e"
    same "$?" 4 "a wasm-opt that prints no version: exit status"
    grep -qF -- "printed no version number" "$work/e" && ok "says no version" || fail "message: $(cat "$work/e")"
    # answers --version, then never ends: the time limit stops it and its children
    printf '#!/bin/sh\nif [ "$1" = --version ]; then echo "wasm-opt version 999"; exit 0; fi\nexec sleep 97\n' >"$work/hang"
    chmod +x "$work/hang"
    mkdir "$work/tmp"
    start=$(date +%s)
    TMPDIR=$work/tmp FORKSIZE_PEER_TIMEOUT=2 "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt "$work/hang" >/dev/null 2>"$work/e"
    same "$?" 4 "a wasm-opt that hangs: exit status"
    [ $(( $(date +%s) - start )) -lt 30 ] && ok "stopped within the limit" || fail "took $(( $(date +%s) - start )) s"
    grep -qF "ran past the time limit of 2 s" "$work/e" && ok "says the time limit" || fail "message: $(cat "$work/e")"
    sleep 1
    pgrep -f "sleep 97" >/dev/null && fail "the hung wasm-opt is still running" || ok "nothing left running"
    [ -z "$(ls -A "$work/tmp")" ] && ok "its directory was removed" || fail "left in TMPDIR: $(ls "$work/tmp")"
    ;;
diff)
    "$FORKSIZE" --stats "$mod" "${R[@]}" --format json -o "$work/b108.json" 2>/dev/null || { fail "108 run"; t_done; }
    "$FORKSIZE" --stats "$mod" "${R[@]}" --wasm-opt "$b132" --format json -o "$work/b132.json" 2>/dev/null || { fail "132 run"; t_done; }
    same "$(jget "$work/b108.json" options.binaryen_version)" 108 "libbinaryen's report says 108"
    "$FORKSIZE" diff "$work/b108.json" "$work/b132.json" >/dev/null 2>"$work/e"
    same "$?" 2 "diff of 108 and 132 reports: exit status"
    grep -qF "binaryen 108 vs 132" "$work/e" && ok "names the versions" || fail "message: $(cat "$work/e")"
    "$FORKSIZE" diff "$work/b108.json" "$work/b132.json" --force >/dev/null 2>"$work/e"
    same "$?" 0 "with --force it compares"
    ;;
*) fail "unknown mode $mode" ;;
esac
t_done
