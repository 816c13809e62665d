;; mmem.wat - fork in a multi-memory module (standalone, like mem64.wat).
;;
;; Memory 0 ("memory", exported) holds only the WASI iovecs and text; the
;; program's data is in memory 1, which the module does not export.  So a
;; child is right only if the host copies memory 1 too (host.mjs exports it
;; for itself), and the frames are right in whichever memory they go to:
;; runtime.*.mmem puts them in memory 0 (the default), runtime.*.mmem-save1
;; in memory 1 (--save-memory 1; the host finds it by the
;; forkinstr_save_memory export and grows it by its save area).
;;
;; $walk adds 1000 to the 5 that memory 1 holds at 32, keeps 7 in a local
;; across the fork, and returns memory1[32] + 7 + (1 in the child).  The
;; parent then sets memory1[32] to 0: the child, which runs after it, still
;; sees its own copy from the time of the fork.  _start adds 100 that sits
;; on the operand stack below the call (a saved pending operand).
;; Parent: 100 + 1005 + 7 = 1112; child: 1113.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "fork" (func $fork (result i32)))
  (memory (export "memory") 1)
  (memory $heap 1)
  (global $pid (mut i32) (i32.const 0))
  (data (memory 0) (i32.const 64) "parent child \n")
  (data (memory 0) (i32.const 128) "sum ")
  (data (memory $heap) (i32.const 32) "\05\00\00\00")
  ;; writes LEN bytes at PTR (memory 0) to stdout
  (func $out (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  ;; N in decimal, then a newline
  (func $num (param $n i32) (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (i32.ne (local.get $n) (i32.const 0))))
    (call $out (local.get $p) (i32.sub (i32.const 48) (local.get $p)))
    (call $out (i32.const 77) (i32.const 1)))
  (func $walk (result i32) (local $keep i32) (local $v i32)
    (i32.store $heap (i32.const 32) (i32.add (i32.load $heap (i32.const 32)) (i32.const 1000)))
    (local.set $keep (i32.const 7))
    (local.set $v (call $fork))
    (global.set $pid (local.get $v))
    (i32.add (i32.add (i32.load $heap (i32.const 32)) (local.get $keep))
             (i32.eqz (local.get $v))))
  (func (export "_start") (local $sum i32)
    (local.set $sum (i32.add (i32.const 100) (call $walk)))
    (if (global.get $pid)
      (then (i32.store $heap (i32.const 32) (i32.const 0))
            (call $out (i32.const 64) (i32.const 7)))
      (else (call $out (i32.const 71) (i32.const 6))))
    (call $out (i32.const 128) (i32.const 4))
    (call $num (local.get $sum))))
