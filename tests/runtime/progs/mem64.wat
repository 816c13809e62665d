;; mem64.wat - fork in a memory64 module (standalone: memory 0 is 64-bit,
;; so progs/prelude.wat, whose addresses are i32, does not fit).
;;
;; forkinstr keeps its frames in memory 0 with i64 pointers ($data, $fp and
;; the {i64 current, i64 end} header), as Asyncify does for wasm64; the host
;; runs with --memory64.  $walk stores 1000 at an i64 address, forks, and
;; loads it back through the address it kept; _start adds memory.size (an
;; i64 on the operand stack below the call, so it is a saved pending
;; operand: typed as an i32 it would make the output invalid).  The host
;; grows memory by its one-page save area before _start: memory.size = 2.
;; Parent: 2 + 1000 = 1002; child: 2 + 1000 + 1 = 1003.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "fork" (func $fork (result i32)))
  (memory (export "memory") i64 1)
  (global $pid (mut i32) (i32.const 0))
  (data (i64.const 64) "parent child \n")
  (data (i64.const 128) "sum ")
  ;; writes LEN bytes at PTR to stdout (fd_write's pointers are i32 here)
  (func $out (param $ptr i64) (param $len i32)
    (i32.store (i64.const 0) (i32.wrap_i64 (local.get $ptr)))
    (i32.store (i64.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  ;; N in decimal, then a newline
  (func $num (param $n i64) (local $p i64)
    (local.set $p (i64.const 48))
    (loop $digits
      (local.set $p (i64.sub (local.get $p) (i64.const 1)))
      (i64.store8 (local.get $p) (i64.add (i64.const 48) (i64.rem_u (local.get $n) (i64.const 10))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (call $out (local.get $p) (i32.wrap_i64 (i64.sub (i64.const 48) (local.get $p))))
    (call $out (i64.const 77) (i32.const 1)))
  (func $walk (param $base i64) (result i64) (local $v i32)
    (i64.store (local.get $base) (i64.const 1000))
    (local.set $v (call $fork))
    (global.set $pid (local.get $v))
    (i64.add (i64.load (local.get $base)) (i64.extend_i32_u (i32.eqz (local.get $v)))))
  (func (export "_start") (local $sum i64)
    (local.set $sum (i64.add (memory.size) (call $walk (i64.const 4096))))
    (if (global.get $pid)
      (then (call $out (i64.const 64) (i32.const 7)))
      (else (call $out (i64.const 71) (i32.const 6))))
    (call $out (i64.const 128) (i32.const 4))
    (call $num (local.get $sum))))
