#!/bin/bash
# cli.sh VTABLE.wasm
#
# The command-line contract of `closure` and `check-onlylist` on the vtable
# fixture (whose closure, by construction, is spawn_helper impl_connect
# impl_write transport_write push): exit statuses, the plain listing, the
# no-root rule, and that --onlylist never writes over the module and
# leaves no temporary file behind.
set -u
FORKSIZE=${FORKSIZE:-forksize}
[ $# -eq 1 ] || { echo "usage: cli.sh VTABLE.wasm" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cp "$1" "$tmp/m.wasm" || exit 2
cp "$1" "$tmp/orig.wasm"
cd "$tmp" || exit 2

pass=0 fail=0
expect() {   # WANT_STATUS DESCRIPTION -- command...
    local want=$1 what=$2; shift 3
    "$@" >out 2>err
    local st=$?
    if [ $st -eq "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $what: exit $st, want $want"; sed 's/^/    /' out err
    fi
}
same() {     # DESCRIPTION FILE_A FILE_B
    if cmp -s "$2" "$3"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; diff "$2" "$3" | head; fi
}
F=$FORKSIZE
ROOT=(--root import:env.fork)

expect 0 "plain listing" -- "$F" closure m.wasm "${ROOT[@]}"
printf 'spawn_helper\nimpl_connect\nimpl_write\ntransport_write\npush\n' >want
same "the listing is the closure by index" want out
expect 0 "listing to a file" -- "$F" closure m.wasm "${ROOT[@]}" -o listing.txt
same "-o writes the same listing" want listing.txt

expect 0 "--onlylist" -- "$F" closure m.wasm "${ROOT[@]}" --onlylist list.txt
printf 'spawn_helper,impl_connect,impl_write,transport_write,push\n' >want
same "the only-list" want list.txt
echo old >list2.txt
expect 0 "--onlylist over an existing file" -- "$F" closure m.wasm "${ROOT[@]}" --onlylist list2.txt
same "the existing file is replaced" want list2.txt
expect 2 "--onlylist naming the module" -- "$F" closure m.wasm "${ROOT[@]}" --onlylist m.wasm
same "the module is untouched" orig.wasm m.wasm
ln -s m.wasm link.wasm
expect 2 "--onlylist naming the module through a link" -- "$F" closure m.wasm --onlylist link.wasm
same "the module is untouched (link)" orig.wasm m.wasm
mkdir adir
expect 2 "--onlylist naming a directory" -- "$F" closure m.wasm --onlylist adir
leftover=$(ls -A | grep -c '\.tmp\.' || true)
[ "$leftover" -eq 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL temporary files left: $(ls -A)"; }

expect 0 "list checks complete" -- "$F" check-onlylist m.wasm list.txt "${ROOT[@]}"
grep -q '^result: complete$' out && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL no 'result: complete'"; }

# The no-root rule, as for stats.
expect 3 "closure: no root matched" -- "$F" closure m.wasm --root import:env.nosuch
grep -q 'no root matched' err && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL no-root message"; }
expect 0 "closure: --allow-empty" -- "$F" closure m.wasm --root import:env.nosuch --allow-empty
[ ! -s out ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL empty closure listed something"; }
expect 3 "check-onlylist: no root matched" -- "$F" check-onlylist m.wasm list.txt --root import:env.nosuch
expect 0 "check-onlylist: --allow-empty, nothing missing" -- \
    "$F" check-onlylist m.wasm list.txt --root import:env.nosuch --allow-empty
expect 3 "--why: no root matched" -- "$F" closure m.wasm --root import:env.nosuch --why push

# Usage and input errors.
expect 0 "--help" -- "$F" closure --help
grep -q '^usage: forksize closure' out && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL help text"; }
expect 2 "no module" -- "$F" closure
expect 2 "unknown option" -- "$F" closure m.wasm --bogus
expect 2 "unknown policy" -- "$F" closure m.wasm --indirect sometimes
expect 2 "bad root" -- "$F" closure m.wasm --root nokind
expect 2 "--why with --onlylist" -- "$F" closure m.wasm --why push --onlylist x.txt
expect 2 "--format csv" -- "$F" closure m.wasm --format csv
expect 2 "a second module" -- "$F" closure m.wasm m.wasm
expect 2 "missing module file" -- "$F" closure nosuch.wasm
expect 2 "not a module" -- "$F" closure list.txt
expect 2 "check-onlylist without a list" -- "$F" check-onlylist m.wasm
expect 2 "check-onlylist: missing list file" -- "$F" check-onlylist m.wasm nosuch.txt
printf 'push,operator<\n' >unbalanced.txt
expect 2 "check-onlylist: brackets never balance" -- "$F" check-onlylist m.wasm unbalanced.txt
grep -q 'failed to parse lists' err && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL unbalanced message"; }
expect 2 "check-onlylist: --onlylist is not its option" -- "$F" check-onlylist m.wasm list.txt --onlylist x
expect 2 "--why index out of range" -- "$F" closure m.wasm --why index:99

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
