  ;; prelude.wat - what every wat program of tests/runtime shares.  build.sh
  ;; assembles "(module", this file, the program's fields, ")".  The fork
  ;; import has the type clang gives fork(): () -> i32, the child's pid or 0.
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "fork" (func $fork (result i32)))
  (memory (export "memory") 1)
  ;; bytes 0-15: the iovec and fd_write's count; 16-47: $num's digits;
  ;; 64-77: the words below; programs put their own text from 128 on.
  (data (i32.const 64) "parent child \n")
  ;; writes LEN bytes at PTR to stdout
  (func $out (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  ;; "parent " or "child ", by what fork returned
  (func $who (param $pid i32)
    (if (local.get $pid)
      (then (call $out (i32.const 64) (i32.const 7)))
      (else (call $out (i32.const 71) (i32.const 6)))))
  ;; N in decimal, then a newline
  (func $num (param $n i32) (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $out (local.get $p) (i32.sub (i32.const 48) (local.get $p)))
    (call $out (i32.const 77) (i32.const 1)))
