;; export_notable: export_table.wat without the table export.
;;
;; The table is now private, so exporting exported_forker no longer makes
;; it address-taken: no indirect site of type V can reach it.  reffed is
;; still address-taken (ref.func), so the type-I site stays live.
;;
;;   index name             type calls                  address-taken by
;;   0     env_fork         2    (import env.fork)
;;   1     exported_forker  V    env_fork               - (export only)
;;   2     dispatch_v       V    call_indirect (type $V)
;;   3     dispatch_i       V    call_indirect (type $I)
;;   4     reffed           I    env_fork               ref.func (declared)
;;   5     store            V    - (table.set of ref.func $reffed)
;;
;; EXPECTED (typed, default root env.fork):
;;   header: 1 address-taken, 2 indirect call sites.
;;   closure {exported_forker, dispatch_i, reffed} = 3 of 5 (60.0%)
;;   sites: 1 each; dispatch_v is out (type V is not live).
;; EXPECTED cost (seed): exported_forker 138, dispatch_i 138, reffed 152
;;   (param i32: 14).  terms fixed 333, call-site 81, local 14, total 428.
;; EXPECTED under --indirect table (table-csv): dispatch_v joins too, since
;;   reffed is address-taken and unwinds and the table policy ignores
;;   types: closure {exported_forker, dispatch_v, dispatch_i, reffed} = 4
;;   of 5; costs 138, 138, 138, 152: total 566 (fixed 444, call-site 108,
;;   local 14).
;;
;; WAT2WASM: --debug-names
;; RUN typed: --top 0 --apply model
;; RUN typed-json: --format json --apply model
;; RUN table-csv: --format csv --indirect table --apply model
(module
  (type $V (func))
  (type $I (func (param i32)))
  (import "env" "fork" (func $env_fork (result i32)))
  (table $tab 1 funcref)
  (elem declare func $reffed)
  (func $exported_forker (export "forker") (type $V)
    (drop (call $env_fork)))
  (func $dispatch_v (type $V)
    (call_indirect (type $V) (i32.const 0)))
  (func $dispatch_i (type $V)
    (call_indirect (type $I) (i32.const 5) (i32.const 0)))
  (func $reffed (type $I)
    (drop (call $env_fork)))
  (func $store (type $V)
    (table.set $tab (i32.const 0) (ref.func $reffed))))
