#!/bin/bash
# closure.sh [--full] MODULE [wasm-opt flags...]
#
# Compares forksize's fork-path closure with the functions Binaryen's
# Asyncify pass decides to instrument on the same module.
#
#   forksize: --stats --root 'import:*' --indirect asyncify --format csv
#             (rows with in_closure=true)
#   Binaryen: wasm-opt --asyncify --pass-arg=asyncify-verbose (the functions
#             it logs as "NAME can change the state due to ...")
#
# Asyncify options among the extra flags are translated into forksize's
# options, so one command line states the configuration for both tools:
#   --pass-arg=asyncify-imports@A,B   ->  --root import:A --root import:B
#   --pass-arg=asyncify-ignore-indirect -> --indirect none
# Any other asyncify-* pass argument has no forksize equivalent: refused.
# Other flags (e.g. --enable-tail-call) go to wasm-opt unchanged.
#
# Functions are compared by index, never by name: Binaryen renames on
# reading (unnamed functions become their defined-function ordinal "0",
# "1"..., names are escaped as \XX, duplicates get ".1", ".2"...), so the
# Binaryen names in the log are mapped to indices through the function map
# that --print-function-map prints in the same run.
#
# Default mode (analysis only): Asyncify logs its whole-module analysis
# before it applies an only-list, so an only-list naming no function makes it
# instrument nothing while logging the same decisions (binaryen.full.* checks
# that they equal what the real pass rewrites).  The only-list's
# per-function lines come right after the analysis, so once there is one
# per defined function the log is complete: wasm-opt is stopped there, and a
# later failure does not matter (ruby.wasm is already asyncified; adding the
# asyncify_* functions again is fatal).  This also works on modules whose
# rewrite aborts (php_8_3).  Times (Binaryen 108, one core): sqlite3 0.4 s
# instead of 12 s, php_8_3 3 s, ruby 2.6 s instead of ~20 minutes.
#
# --full: run the real pass and take the functions it actually rewrote:
# every instrumented function begins by reading $__asyncify_state, which no
# untouched function does.  Slow (prints the module); for fixtures and for
# checking that the log agrees with the rewrite.  It is the only mode that
# sees Asyncify's "top-most runtime" exception (a function calling
# asyncify.start_unwind/stop_rewind changes state but is not rewritten), so
# it is chosen automatically for modules importing those.
#
# Environment: FORKSIZE, WASM_OPT, WASM_OBJDUMP (default: from PATH);
# BINARYEN_CORES=1 is forced so the log lines are not interleaved.
#
# CLOSURE_OUT_DIR=DIR: also leave the sets there (f.rows, f.set, b.set, b.map).
#
# Exit: 0 same set, 1 the sets differ or MODULE does not exist (a corpus
# module not fetched fails, naming scripts/fetch-corpus.sh), 2 a tool
# failed or usage error.
set -u
. "$(dirname "$0")/../lib/lib.sh"
t_init closure.sh --fatal
export BINARYEN_CORES=1
FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT=${WASM_OPT:-wasm-opt}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
LIMIT=30
DECOY=forksize-closure-sh-no-such-function

die() { echo "closure.sh: $*" >&2; exit 2; }

full=0
if [ "${1:-}" = --full ]; then full=1; shift; fi
[ $# -ge 1 ] || die "usage: closure.sh [--full] MODULE [wasm-opt flags...]"
module=$1; shift
t_module "$module"
[ -r "$module" ] || die "$module: not readable"

# Translate Asyncify's options into forksize's.  Binaryen 108 matches each
# asyncify-imports entry against "module.field" with '*' as its only
# wildcard (anywhere in the entry); entries are not trimmed; an empty list
# means every import.  fnmatch(3) also treats ? [ \ specially: escape them.
indirect=asyncify
roots=()
wflags=()
for a in "$@"; do
    case $a in
    --pass-arg=asyncify-imports@*)
        list=${a#--pass-arg=asyncify-imports@}
        case $list in @*) die "response files are not supported: $a";; esac
        IFS=, read -r -a specs <<<"$list"
        for s in "${specs[@]}"; do
            [ -n "$s" ] || continue
            s=${s//\\/\\\\}; s=${s//\?/\\?}; s=${s//\[/\\[}
            roots+=(--root "import:$s")
        done
        # A list with no usable entry names no import at all.
        [ -z "$list" ] || [ ${#roots[@]} -gt 0 ] || roots=(--root 'index:4294967295')
        wflags+=("$a");;
    --pass-arg=asyncify-ignore-indirect)
        indirect=none; wflags+=("$a");;
    --pass-arg=asyncify-verbose) ;;
    --pass-arg=asyncify*)
        die "no forksize equivalent for $a";;
    *)  wflags+=("$a");;
    esac
done
[ ${#roots[@]} -gt 0 ] || roots=(--root 'import:*')

tmp=$(mktemp -d) || die "mktemp failed"
wpid=
trap '[ -z "$wpid" ] || kill "$wpid" 2>/dev/null; rm -rf "$tmp"' EXIT

# --- forksize -----------------------------------------------------------
"$FORKSIZE" --stats "$module" "${roots[@]}" --indirect "$indirect" \
    --format csv --allow-empty -q >"$tmp/f.csv" 2>"$tmp/f.err"
fstatus=$?
[ $fstatus -eq 0 ] || { cat "$tmp/f.err" >&2; die "forksize failed (status $fstatus)"; }

# One line per defined function: INDEX<TAB>IN_CLOSURE<TAB>NAME.  Columns are
# found by the header (index and name must come first).  Only the name can
# be quoted (RFC 4180) and hold commas or line breaks; the columns after it
# are plain numbers or words, so they are counted from the end.
awk '
    NR == 1 {
        ncol = split($0, h, ",")
        for (i = 1; i <= ncol; i++) col[h[i]] = i
        if (h[1] != "index" || h[2] != "name" || !("in_closure" in col)) {
            print "unexpected CSV header: " $0 > "/dev/stderr"; exit 2
        }
        back = ncol - col["in_closure"]     # in_closure is field n - back
        next
    }
    {
        rec = (pending == "") ? $0 : pending "\n" $0
        if (gsub(/"/, "\"", rec) % 2) { pending = rec; next }   # inside a quoted name
        pending = ""
        n = split(rec, f, ",")
        if (n < ncol || f[1] !~ /^[0-9]+$/ || (f[n-back] != "true" && f[n-back] != "false")) {
            print "bad CSV row: " rec > "/dev/stderr"; exit 2
        }
        name = f[2]
        for (i = 3; i <= n - (ncol - 2); i++) name = name "," f[i]
        gsub(/\n/, "\\n", name)
        printf "%s\t%s\t%s\n", f[1], f[n-back], name
    }
    END { if (pending != "") { print "unterminated quoted CSV name" > "/dev/stderr"; exit 2 } }
' "$tmp/f.csv" >"$tmp/f.rows" || die "cannot parse forksize CSV"
awk -F'\t' '$2 == "true" { print $1 }' "$tmp/f.rows" | sort -n >"$tmp/f.set"

# --- Binaryen -------------------------------------------------------------
# Defined functions, counted by WABT, to check both tools saw every one.
ndefined=$("$WASM_OBJDUMP" -h "$module" 2>/dev/null |
           awk '$1 == "Function" { for (i = 1; i <= NF; i++) if ($i == "count:") print $(i+1) }')
[ -n "$ndefined" ] || ndefined=0
nrows=$(wc -l <"$tmp/f.rows")
[ "$nrows" -eq "$ndefined" ] ||
    die "forksize listed $nrows functions, wasm-objdump counts $ndefined defined"

# Asyncify's "top-most runtime" (a function calling asyncify.start_unwind
# or asyncify.stop_rewind) changes state but is not rewritten, and the log
# cannot tell it apart: only the rewrite shows the instrumented set.
if [ $full = 0 ] && "$WASM_OBJDUMP" -x -j import "$module" 2>/dev/null |
        grep -Eq '<- asyncify\.(start_unwind|stop_rewind)$'; then
    echo "note: $module imports asyncify.start_unwind/stop_rewind: using --full"
    full=1
fi

start=$(date +%s.%N)
if [ $full = 1 ]; then
    "$WASM_OPT" --all-features --print-function-map --asyncify --pass-arg=asyncify-verbose \
        "${wflags[@]}" "$module" -S -o "$tmp/out.wat" >"$tmp/b.log" 2>"$tmp/b.err"
    wstatus=$?
else
    # Stream the log (stdbuf: line-buffered stdout) and stop wasm-opt once
    # every defined function has its only-list line: the analysis is then
    # complete, and what follows is Asyncify walking every function again
    # to instrument none of them (php_8_3: 3 s of analysis, then 19 s).
    : >"$tmp/b.log"    # exists before the first poll
    stdbuf -oL "$WASM_OPT" --all-features --no-validation --print-function-map --asyncify \
        --pass-arg=asyncify-verbose --pass-arg=asyncify-onlylist@$DECOY \
        "${wflags[@]}" "$module" >"$tmp/b.log" 2>"$tmp/b.err" &
    wpid=$!
    stopped=0
    while kill -0 "$wpid" 2>/dev/null; do
        if [ "$(grep -c "'s state is set based on the only-list to " "$tmp/b.log")" -ge "$ndefined" ]; then
            kill "$wpid" 2>/dev/null
            stopped=1
            break
        fi
        sleep 0.1
    done
    wait "$wpid"
    wstatus=$?
    wpid=
    [ $stopped = 0 ] || wstatus="stopped after the analysis"
fi
end=$(date +%s.%N)
wtime=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

# INDEX<TAB>NAME for every function, imports included, as Binaryen named them.
awk '/^\[asyncify\]/ { exit } /^[0-9]+:/ { i = index($0, ":"); printf "%s\t%s\n", substr($0, 1, i - 1), substr($0, i + 1) }' \
    "$tmp/b.log" >"$tmp/b.map"
nmap=$(wc -l <"$tmp/b.map")

if [ $full = 1 ]; then
    if [ $wstatus -ne 0 ]; then
        tail -5 "$tmp/b.err" >&2
        die "wasm-opt failed (status $wstatus) after ${wtime}s"
    fi
    # Names of functions whose body reads $__asyncify_state.  The function
    # header is "(func $NAME ..." at one space of indentation; escaped
    # Binaryen names hold no spaces or parentheses.
    awk '/^ \(func \$/ { name = substr($2, 2); infunc = 1; next }
         /global\.get \$__asyncify_state\)/ && infunc { if (!(name in seen)) { seen[name]; print name } }' \
        "$tmp/out.wat" >"$tmp/b.names"
    # The pass adds asyncify_start_unwind etc. (not in the map): drop them.
    awk -F'\t' 'NR == FNR { known[$2]; next } ($0 in known) || $0 !~ /^asyncify_(start|stop)_(un|re)wind$|^asyncify_get_state$/' \
        "$tmp/b.map" "$tmp/b.names" >"$tmp/b.names2"
    mv "$tmp/b.names2" "$tmp/b.names"
    nlog=$(grep -c ' can change the state due to ' "$tmp/b.log")
else
    nonly=$(grep -c "^\[asyncify\] .*'s state is set based on the only-list to " "$tmp/b.log")
    if [ "$nonly" -ne "$ndefined" ]; then
        tail -5 "$tmp/b.err" >&2
        die "wasm-opt (status $wstatus, ${wtime}s) did not finish its analysis: $nonly of $ndefined functions decided"
    fi
    sed -n 's/^\[asyncify\] \(.*\) can change the state due to .*$/\1/p' "$tmp/b.log" >"$tmp/b.names"
    nlog=$(wc -l <"$tmp/b.names")
fi

# Binaryen names -> indices through its own function map.
awk -F'\t' 'NR == FNR { idx[$2] = $1; next }
            !($0 in idx) { print "closure.sh: Binaryen logged \"" $0 "\", which is not in its function map" > "/dev/stderr"; bad = 1; next }
            { print idx[$0] }
            END { exit bad }' "$tmp/b.map" "$tmp/b.names" | sort -n -u >"$tmp/b.set" ||
    die "cannot map Binaryen names to indices"

# For callers that check both sets against a list known by construction.
if [ -n "${CLOSURE_OUT_DIR:-}" ]; then
    cp "$tmp/f.rows" "$tmp/f.set" "$tmp/b.set" "$tmp/b.map" "$CLOSURE_OUT_DIR/" || die "cannot write to $CLOSURE_OUT_DIR"
fi

# --- compare --------------------------------------------------------------
comm -23 <(sort "$tmp/f.set") <(sort "$tmp/b.set") | sort -n >"$tmp/only.f"
comm -13 <(sort "$tmp/f.set") <(sort "$tmp/b.set") | sort -n >"$tmp/only.b"
nf=$(wc -l <"$tmp/f.set"); nb=$(wc -l <"$tmp/b.set")
nof=$(wc -l <"$tmp/only.f"); nob=$(wc -l <"$tmp/only.b")

show() {   # FILE: "  index  forksize-name  [binaryen-name]", first $LIMIT
    awk -F'\t' -v limit=$LIMIT '
        FILENAME == ARGV[1] { fname[$1] = $3; next }
        FILENAME == ARGV[2] { bname[$1] = $2; next }
        ++n <= limit { printf "  %-8s %s  [binaryen: %s]\n", $1, fname[$1], bname[$1] }
        END { if (n > limit) printf "  ... %d more\n", n - limit }' "$tmp/f.rows" "$tmp/b.map" "$1"
}

mode=$([ $full = 1 ] && echo "rewritten (full pass)" || echo "logged (analysis only)")
echo "module:      $module"
echo "forksize:    ${roots[*]} --indirect $indirect"
echo "wasm-opt:    --asyncify ${wflags[*]}  (${wtime}s, status $wstatus)"
echo "functions:   $ndefined defined, $((nmap - ndefined)) imported"
echo "forksize closure:  $nf"
echo "binaryen $mode: $nb  (log lists $nlog)"
if [ "$nof" -eq 0 ] && [ "$nob" -eq 0 ]; then
    echo "SAME"
    exit 0
fi
echo "in forksize only ($nof):"
show "$tmp/only.f"
echo "in Binaryen only ($nob):"
show "$tmp/only.b"
echo "DIFFERENT"
exit 1
