#!/usr/bin/env bash
# srcmap.sh MODE - source maps through forksize instrument
# (docs/instrumentation.md, "Source maps"), with Binaryen 132 as the oracle.
#
# MODES
#   map
#       fixtures/srcmap.wat (;;@ FILE:LINE:COL annotations) made into a
#       module and a Source Map v3 by Binaryen 132 (wasm-opt -g
#       --output-source-map), instrumented with --source-map and
#       --source-map-out (its functions $work and $loop reach env.fork, so
#       their code moves).  Then srcmapcheck.mjs, its own decoder: every
#       input segment, with the byte under it, is in the same function of
#       the output map, in the same order, on the same byte; no output
#       segment lies outside every function; the other keys are the same.
#       Binaryen 132 reads each module with its map (--input-source-map)
#       and prints it: each function shows the same set of source locations.
#       forksize's summary counts exactly the segments the checker decoded,
#       all on the same instruction, none dropped.  The output module's
#       sourceMappingURL is kept byte for byte, or, with --source-map-url,
#       names the new URL.  Without --source-map-out the stale warning
#       stays; --source-map alone is a usage error.
#       Then a map of bytes that are no instruction (srcmapcheck edgemap):
#       the file's first byte, the code section's count and each size LEB
#       are dropped and counted; each body's first byte (the local
#       declarations) lands on the output body's first byte: counted "on
#       the same instruction" for $leaf, which is copied whole, and "moved
#       off bytes forkinstr rewrote" for the three it rewrote.
#   selftest
#       the checks reject the input's map given with the output (stale),
#       and an output map with one segment moved by a byte.
#
# Environment: FORKSIZE, WASM_OPT_132, WASM_OBJDUMP, NODE, FI_SRC.
set -euo pipefail
export LC_ALL=C

FORKSIZE=${FORKSIZE:-forksize}
WASM_OPT_132=${WASM_OPT_132:?WASM_OPT_132 must name Binaryen 132 wasm-opt}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
NODE=${NODE:-node}
FI_SRC=${FI_SRC:-$(cd "$(dirname "$0")" && pwd)}
CHECK=$FI_SRC/srcmapcheck.mjs

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forksize-srcmap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
t_init srcmap

ROOT=import:env.fork

# The fixture and Binaryen's map of it.
"$WASM_OPT_132" "$FI_SRC/fixtures/srcmap.wat" -g -o "$tmp/in.wasm" \
    --output-source-map "$tmp/in.wasm.map" --output-source-map-url in.wasm.map \
    2> "$tmp/bn.err" || { cat "$tmp/bn.err"; fail "wasm-opt 132 could not build the fixture"; t_done; }

# url_of FILE: the sourceMappingURL of FILE (its payload after the name).
url_of() {
    "$WASM_OBJDUMP" -x -j sourceMappingURL "$1" > "$tmp/x.txt" 2>&1 || true
    "$NODE" -e '
        const b = require("fs").readFileSync(process.argv[1]);
        let p = 8, url = "";
        const leb = () => { let v = 0, s = 0, c; do { c = b[p++]; v += (c & 127) * 2 ** s; s += 7; } while (c & 128); return v; };
        while (p < b.length) {
            const id = b[p++], size = leb(), end = p + size;
            if (id === 0) { const n = leb(); const name = b.slice(p, p + n).toString(); p += n;
                if (name === "sourceMappingURL") { const u = leb(); url += b.slice(p, p + u).toString() + "\n"; } }
            p = end;
        }
        process.stdout.write(url);' "$1"
}

# instrument OUT [ARGS]: in.wasm instrumented with its map into OUT and OUT.map.
instrument() {
    local out=$1
    shift
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$out" --root "$ROOT" \
        --source-map "$tmp/in.wasm.map" --source-map-out "$out.map" "$@" 2> "$out.err" ||
        { cat "$out.err"; fail "forksize instrument --source-map failed"; return 1; }
}

# bn_print WASM MAP OUT: Binaryen 132's text of WASM read with MAP.
bn_print() {
    "$WASM_OPT_132" --all-features "$1" --input-source-map "$2" --print > "$3" 2> "$3.err" ||
        { cat "$3.err"; fail "wasm-opt 132 could not read $1 with $2"; }
}

mode_map() {
    instrument "$tmp/out.wasm" || return
    "$NODE" "$CHECK" map "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/out.wasm" "$tmp/out.wasm.map" \
        > "$tmp/check.txt" && ok "map: every segment on its instruction, in its function" ||
        { cat "$tmp/check.txt"; fail "srcmapcheck map"; }
    local nseg
    nseg=$(sed -n 's/^segments \([0-9]*\) functions \([0-9]*\)$/\1/p' "$tmp/check.txt")
    same "$(sed -n 's/^segments [0-9]* functions //p' "$tmp/check.txt")" 4 "functions with segments"
    # one segment per annotation of the fixture (Binaryen leaves out none),
    # plus one with no source at each of the 4 functions' ends
    grep -c ';;@ [a-z]' "$FI_SRC/fixtures/srcmap.wat" > "$tmp/nannot.txt" || true
    same "$nseg" "$(( $(cat "$tmp/nannot.txt") + 4 ))" "segments in Binaryen's map"
    grep -o ';;@ [a-z].*' "$FI_SRC/fixtures/srcmap.wat" | sort -u | wc -l > "$tmp/ndistinct.txt"
    grep "source map:" "$tmp/out.wasm.err" > "$tmp/summary.txt" || true
    same "$(cat "$tmp/summary.txt")" \
        "forksize: $tmp/in.wasm.map: source map: $nseg segments: $nseg on the same instruction, 0 moved off bytes forkinstr rewrote, 0 in no function dropped; wrote $tmp/out.wasm.map" \
        "forksize's summary"
    bn_print "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/in.txt"
    bn_print "$tmp/out.wasm" "$tmp/out.wasm.map" "$tmp/out.txt"
    "$NODE" "$CHECK" annot "$tmp/in.txt" "$tmp/out.txt" > "$tmp/annot.txt" &&
        ok "Binaryen 132 shows the same locations per function" ||
        { cat "$tmp/annot.txt"; fail "srcmapcheck annot"; }
    same "$(cat "$tmp/annot.txt")" "locations $(cat "$tmp/ndistinct.txt")" "distinct locations Binaryen printed"
    # the code really moved: otherwise this tests nothing
    cmp -s "$tmp/in.wasm.map" "$tmp/out.wasm.map" && fail "the output map is the input's"
    grep -q "instrumented, 0 refused" "$tmp/out.wasm.err" || fail "fixture not instrumented"
    # sourceMappingURL: kept as it was, no stale warning
    same "$(url_of "$tmp/out.wasm")" "in.wasm.map" "sourceMappingURL kept"
    grep -q "warning" "$tmp/out.wasm.err" && fail "a warning with --source-map-out"
    # --source-map-url: the section names the new map, the map still fits
    instrument "$tmp/url.wasm" --source-map-url "https://example.org/x/url.wasm.map" || return
    same "$(url_of "$tmp/url.wasm")" "https://example.org/x/url.wasm.map" "--source-map-url"
    "$NODE" "$CHECK" map "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/url.wasm" "$tmp/url.wasm.map" \
        > "$tmp/check2.txt" && ok "map with --source-map-url" ||
        { cat "$tmp/check2.txt"; fail "srcmapcheck map (--source-map-url)"; }
    # without --source-map-out: the stale warning stays
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/plain.wasm" --root "$ROOT" 2> "$tmp/plain.err" ||
        fail "forksize instrument without a map failed"
    grep -c "warning: sourceMappingURL: kept, but the source map it names" "$tmp/plain.err" \
        > "$tmp/n.txt" || true
    same "$(cat "$tmp/n.txt")" 1 "stale warning without --source-map-out"
    # segments on no instruction
    "$NODE" "$CHECK" edgemap "$tmp/in.wasm" "$tmp/edge.map" > "$tmp/edge.txt"
    same "$(cat "$tmp/edge.txt")" "functions 4" "edge map: functions"
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/edge.wasm" --root "$ROOT" \
        --source-map "$tmp/edge.map" --source-map-out "$tmp/edge.wasm.map" 2> "$tmp/edge.err" ||
        fail "forksize instrument with the edge map failed"
    grep "source map:" "$tmp/edge.err" > "$tmp/summary.txt" || true
    same "$(cat "$tmp/summary.txt")" \
        "forksize: $tmp/edge.map: source map: 10 segments: 1 on the same instruction, 3 moved off bytes forkinstr rewrote, 6 in no function dropped; wrote $tmp/edge.wasm.map" \
        "edge map: forksize's summary"
    "$NODE" "$CHECK" edgecheck "$tmp/in.wasm" "$tmp/edge.wasm" "$tmp/edge.wasm.map" \
        > "$tmp/edge.txt" && ok "edge map: body starts on the new body starts" ||
        { cat "$tmp/edge.txt"; fail "srcmapcheck edgecheck"; }
    local rc=0
    "$FORKSIZE" instrument "$tmp/in.wasm" -o "$tmp/u.wasm" --source-map "$tmp/in.wasm.map" \
        2> "$tmp/u.err" || rc=$?
    same "$rc" 2 "--source-map alone: usage error"
    [ ! -e "$tmp/u.wasm" ] || fail "--source-map alone wrote a module"
}

mode_selftest() {
    instrument "$tmp/out.wasm" || return
    if "$NODE" "$CHECK" map "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/out.wasm" "$tmp/in.wasm.map" \
        > "$tmp/c1.txt"; then fail "the stale map passed the check"; else ok "stale map rejected"; fi
    bn_print "$tmp/out.wasm" "$tmp/in.wasm.map" "$tmp/stale.txt"
    bn_print "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/in.txt"
    if "$NODE" "$CHECK" annot "$tmp/in.txt" "$tmp/stale.txt" > "$tmp/c2.txt"; then
        fail "Binaryen's view of the stale map passed"; else ok "stale map rejected (Binaryen)"; fi
    # one segment a byte later: the first segment's column delta + 1
    "$NODE" -e '
        const fs = require("fs"), B = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        const segs = m.mappings.split(",");
        // the second segment starts with a small column delta (one digit): add 2 (VLQ of +1)
        const d = B.indexOf(segs[1][0]);
        if (d & 32) throw new Error("multi-digit delta");
        segs[1] = B[d + 2] + segs[1].slice(1);
        segs[2] = B[B.indexOf(segs[2][0]) - 2] + segs[2].slice(1);
        m.mappings = segs.join(",");
        fs.writeFileSync(process.argv[2], JSON.stringify(m));' "$tmp/out.wasm.map" "$tmp/moved.map"
    if "$NODE" "$CHECK" map "$tmp/in.wasm" "$tmp/in.wasm.map" "$tmp/out.wasm" "$tmp/moved.map" \
        > "$tmp/c3.txt"; then fail "a segment a byte off passed the check"; else ok "moved segment rejected"; fi
}

case "${1:-}" in
    map) mode_map ;;
    selftest) mode_selftest ;;
    *) echo "usage: srcmap.sh map|selftest" >&2; exit 2 ;;
esac
t_done
