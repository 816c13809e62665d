#!/usr/bin/env bash
# check_deltas.sh REPORT.json BN_DELTAS_OUTPUT - a forksize/stats@2 report
# made with --apply asyncify against bn_deltas.sh's reading of the wasm-opt
# command line's outputs (same module, same flags):
#   - code_bytes_before / after equal the two code sections;
#   - every row with a delta_bytes has exactly that delta in the oracle,
#     found by Binaryen's name (the row's name; an unnamed function by its
#     position among the defined functions);
#   - every row without one (inlined or removed) is absent from the oracle,
#     and functions_measured is the oracle's function count;
#   - helpers and helper_bytes are the oracle's.
# Env: JFLAT.  Prints what it compared; exit 1 on any difference.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: check_deltas.sh REPORT.json BN_DELTAS_OUTPUT" >&2; exit 2; }
"${JFLAT:?}" "$1" | awk -v oracle="$2" '
    BEGIN {
        while ((getline line < oracle) > 0) {
            n = split(line, f, " ")
            if (f[1] == "code") { before = f[2]; after = f[3] }
            else if (f[1] == "helpers") { nhelp = f[2]; hbytes = f[3] }
            else if (f[1] == "fn") {
                name = substr(line, 4); sub(/ [^ ]*$/, "", name)
                want[name] = f[n]; nwant++
            }
        }
        bad = 0
    }
    function eq(got, ref, what) {
        if (got "" != ref "") { print "check_deltas: " what ": report " got ", wasm-opt " ref; bad = 1 }
    }
    { eq_at = index($0, "="); k = substr($0, 1, eq_at - 1); v = substr($0, eq_at + 1) }
    k == "instrumentation.code_bytes_before" { got_before = v }
    k == "instrumentation.code_bytes_after" { got_after = v }
    k == "instrumentation.binaryen.functions_measured" { measured = v }
    k == "instrumentation.binaryen.helpers" { got_nhelp = v }
    k == "instrumentation.binaryen.helper_bytes" { got_hbytes = v }
    k ~ /^functions\[[0-9]+\]\.(index|name|delta_bytes)$/ {
        i = k; sub(/^functions\[/, "", i); sub(/\].*/, "", i)
        fld = k; sub(/.*\./, "", fld)
        row[i, fld] = v; if (i + 1 > nrows) nrows = i + 1
    }
    END {
        eq(got_before, before, "code_bytes_before")
        eq(got_after, after, "code_bytes_after")
        eq(got_nhelp, nhelp, "helpers")
        eq(got_hbytes, hbytes, "helper_bytes")
        eq(measured, nwant, "functions_measured")
        first = row[0, "index"]; checked = 0
        for (i = 0; i < nrows; i++) {
            name = row[i, "name"]
            if (name == "null") name = row[i, "index"] - first
            d = row[i, "delta_bytes"]
            if (d == "null") {
                if (name in want) { print "check_deltas: " name ": no delta_bytes, wasm-opt measured " want[name]; bad = 1 }
            } else if (!(name in want)) {
                print "check_deltas: " name ": delta_bytes " d ", but wasm-opt has no such function"; bad = 1
            } else {
                eq(d, want[name], name " delta_bytes"); checked++
            }
        }
        print "check_deltas: " checked " delta_bytes equal wasm-opt, " nrows " rows, code " before " -> " after
        exit bad
    }'
