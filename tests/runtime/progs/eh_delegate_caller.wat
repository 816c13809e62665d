  ;; eh_delegate_caller.wat - fork inside a try that delegates to the caller.
  ;; $mid forks (keeping the pid in $g), then calls $thrower, which throws
  ;; $boom 5.  The inner try's `delegate 1` names $mid's own label, so the
  ;; exception skips $mid's catch_all ("wrong") and reaches _start's catch
  ;; $boom, which prints "caught 5" in both processes.  forkinstr wraps the
  ;; body in blocks of its own: the delegate must still name the function's
  ;; label (Binaryen reads no other block as a delegate target).
  (tag $boom (param i32))
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 128) "caught wrong ")
  (func $thrower (param i32) (throw $boom (local.get 0)))
  (func $mid
    try
      try
        call $fork
        global.set $g
        (call $thrower (i32.const 5))
      delegate 1
    catch_all
      (call $who (global.get $g))
      (call $out (i32.const 135) (i32.const 6))
      (call $num (i32.const 0))
    end)
  (func (export "_start") (local $x i32)
    try
      call $mid
    catch $boom
      local.set $x
      (call $who (global.get $g))
      (call $out (i32.const 128) (i32.const 7))
      (call $num (local.get $x))
    end)
