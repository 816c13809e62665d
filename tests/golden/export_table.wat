;; export_table: what makes a function address-taken besides the table's
;; own elements: being exported while a table is exported (the host can
;; store any export into a shared table), and ref.func.
;;
;; Types: $V = (func) [type 0], $I = (func (param i32)) [type 1],
;; plus (func (result i32)) [type 2] for the import.  The exported table
;; starts empty (no active segment).
;;
;;   index name             type calls                  address-taken by
;;   0     env_fork         2    (import env.fork)
;;   1     exported_forker  V    env_fork               export + shared table
;;   2     dispatch_v       V    call_indirect (type $V)
;;   3     dispatch_i       V    call_indirect (type $I)
;;   4     reffed           I    env_fork               ref.func (declared)
;;   5     store            V    - (table.set of ref.func $reffed)
;;
;; EXPECTED (typed, default root env.fork): exported_forker (type V) and
;; reffed (type I) are address-taken and reach the root, so both indirect
;; sites are live.  store names reffed but calls nothing: it stays out.
;;   header: 2 address-taken, 2 indirect call sites.
;;   closure {exported_forker, dispatch_v, dispatch_i, reffed} = 4 of 5 (80.0%)
;;   sites: 1 each.
;;   locals: reffed's param, one i32 at index 0, offset 4: 14 bytes.
;; EXPECTED cost (seed): bodies 5, 7, 9, 5 bytes: all fixed 111.
;;   exported_forker 138, dispatch_v 138, dispatch_i 138, reffed 152.
;;   terms fixed 444, call-site 108, local 14, total 566.
;; Compare export_notable.wat: the same module without the table export.
;;
;; WAT2WASM: --debug-names
;; RUN typed: --top 0 --apply model
;; RUN typed-json: --format json --apply model
;; RUN typed-csv: --format csv --apply model
(module
  (type $V (func))
  (type $I (func (param i32)))
  (import "env" "fork" (func $env_fork (result i32)))
  (table $tab (export "table") 1 funcref)
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
