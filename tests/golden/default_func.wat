;; default_func: the default roots, matched through a function's name.
;;
;; No --root is given.  No import ends in "fork" (the only import is
;; wasi.proc_raise), so import:*fork matches nothing; the defined function
;; named "fork" in the name section (wat2wasm --debug-names) matches the
;; default func:fork.  A root function begins the unwind itself: its calls
;; to imports are its unwind points, its calls to other functions are not
;; (unless those callees are in the closure).
;;
;;   index name     calls              in closure?
;;   0     raise    (import)           -
;;   1     fork     raise, other       yes: root (func:fork)
;;   2     spawn    fork               yes: calls the root
;;   3     other    -                  no
;;
;; EXPECTED closure: {fork, spawn}, 2 of 3 (66.7%).
;;   roots line: import:*fork=0, func:fork=1, the other defaults 0.
;;   call sites: fork 1 of 2 (raise: an import called by a root; the call
;;   to other cannot unwind); spawn 1 of 1 (fork).
;;   locals: none anywhere (no params, no declared locals).
;;   No warning: fork calls an import, so it has an unwind point.
;; EXPECTED cost (seed): both have one site and no locals, and both bodies
;;   are small (fork 9 bytes: locals 1, call 2, drop 1, i32.const 2, call 2,
;;   end 1; spawn 4), so each is fixed 111 (110 + body
;;   size LEB growth 1 -> 2), call-site 27, local 0, total 138.
;;   terms: fixed 222, call-site 54, local 0, total 276.
;;   code section: 1 + (1+9) + (1+4) + (1+4) = 21 -> 21 + 276 = 297.
;;
;; WAT2WASM: --debug-names
;; RUN text: --top 0 --apply model
;; RUN json: --format json --apply model
;; RUN csv: --format csv --apply model
(module
  (import "wasi" "proc_raise" (func $raise (param i32) (result i32)))
  (func $fork (result i32)
    (drop (call $other))
    (call $raise (i32.const 1)))
  (func $spawn (result i32)
    (call $fork))
  (func $other (result i32)
    (i32.const 0)))
