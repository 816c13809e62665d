  ;; ref_externref.wat - an externref (a host object, env.box) lives in a
  ;; local across the fork, in _start and as a parameter of $mid, one frame
  ;; further down.  Both come back from the reference save area on the
  ;; rewind: the parent's from its own tables, the child's from the copy
  ;; the host made of them.  $mid prints pid-dependent text and unbox(x) = 42;
  ;; _start then prints unbox(y) = 5 (a null would give -1).
  (import "env" "box" (func $box (param i32) (result externref)))
  (import "env" "unbox" (func $unbox (param externref) (result i32)))
  (func $mid (param $x externref) (result i32) (local $pid i32)
    (local.set $pid (call $fork))
    (call $who (local.get $pid))
    (call $num (call $unbox (local.get $x)))
    (local.get $pid))
  (func (export "_start") (local $y externref)
    (local.set $y (call $box (i32.const 5)))
    (call $who (call $mid (call $box (i32.const 42))))
    (call $num (call $unbox (local.get $y))))
