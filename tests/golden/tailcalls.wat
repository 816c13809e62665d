;; tailcalls: return_call and return_call_indirect are edges like call and
;; call_indirect.
;;
;; Type $T = (func (result i32)) [type 0]; every function has it.  The
;; table holds via_tail and plain (both address-taken).
;;
;;   index name         calls                                  table?
;;   0     env_fork     (import env.fork)
;;   1     via_tail     return_call env_fork                   yes
;;   2     plain        -                                      yes
;;   3     tail_ind     return_call_indirect (type $T)
;;   4     tail_direct  return_call tail_ind
;;   5     unrelated    return_call plain
;;
;; EXPECTED, typed (the default): via_tail tail-calls the root, and it is
;;   address-taken with type T, so T-typed indirect sites are live:
;;   tail_ind joins, then tail_direct, which tail-calls tail_ind.
;;   closure {via_tail, tail_ind, tail_direct} = 3 of 5 (60.0%)
;;   sites: 1 each (the single tail call of each).  unrelated stays out:
;;   plain cannot unwind.
;; EXPECTED, none: indirect sites never unwind, so tail_ind (and with it
;;   tail_direct) stay out: closure {via_tail} = 1 of 5 (20.0%).
;; EXPECTED cost (seed): no locals; one site each; bodies 4, 7 and 4 bytes,
;;   so fixed 111, call-site 27, total 138 each.
;;   typed: terms fixed 333, call-site 81, local 0, total 414.
;;   none:  terms fixed 111, call-site 27, local 0, total 138.
;;
;; Not covered: call_ref / return_call_ref.  wabt 1.0.32's wat2wasm cannot
;; parse return_call_ref, and it encodes call_ref without the type index
;; immediate of the final function-references proposal (0x14 alone), which
;; forksize rightly rejects ("type index 11 out of range").  A hand-written
;; binary would be needed; that belongs in the unit or malformed tests.
;;
;; WAT2WASM: --debug-names --enable-tail-call
;; RUN typed: --top 0 --apply model
;; RUN typed-json: --format json --apply model
;; RUN none-csv: --format csv --indirect none --apply model
(module
  (type $T (func (result i32)))
  (import "env" "fork" (func $env_fork (type $T)))
  (table 2 funcref)
  (elem (i32.const 0) func $via_tail $plain)
  (func $via_tail (type $T)
    (return_call $env_fork))
  (func $plain (type $T)
    (i32.const 0))
  (func $tail_ind (type $T)
    (return_call_indirect (type $T) (i32.const 0)))
  (func $tail_direct (type $T)
    (return_call $tail_ind))
  (func $unrelated (type $T)
    (return_call $plain)))
