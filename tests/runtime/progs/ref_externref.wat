  ;; ref_externref.wat - an externref (a host object, env.box) lives in a
  ;; local across the fork, in _start and as a parameter of $mid, one frame
  ;; further down.  Both come back from the reference save area on the
  ;; rewind: the parent's from its own tables, the child's from the copy
  ;; the host made of them.  A third one, box(9), is a pending operand below
  ;; the call that forks, kept in a reference slot.  $mid prints its word and
  ;; unbox(x) = 42, $show its word and 9, _start then unbox(y) = 5 (a null
  ;; would give -1).
  (import "env" "box" (func $box (param i32) (result externref)))
  (import "env" "unbox" (func $unbox (param externref) (result i32)))
  (func $mid (param $x externref) (result i32) (local $pid i32)
    (local.set $pid (call $fork))
    (call $who (local.get $pid))
    (call $num (call $unbox (local.get $x)))
    (local.get $pid))
  (func $show (param $x externref) (param $pid i32)
    (call $who (local.get $pid))
    (call $num (call $unbox (local.get $x))))
  (func (export "_start") (local $y externref)
    (local.set $y (call $box (i32.const 5)))
    ;; box(9) waits on the operand stack below the call that forks
    (call $show (call $box (i32.const 9)) (call $mid (call $box (i32.const 42))))
    (call $num (call $unbox (local.get $y))))
