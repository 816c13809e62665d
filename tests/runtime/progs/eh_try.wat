  ;; eh_try.wat - fork inside a try body (legacy exception handling).
  ;; $dofork is one more frame between the try and the fork.  After the fork,
  ;; v = 5 + 1 = 6, and the body throws $boom with v * 10 in the parent
  ;; (pid != 0) and v * 100 in the child.  The rewind re-entered the try, so
  ;; the try's own catch gets it: "parent caught 60", "child caught 600".
  (tag $boom (param i32))
  (data (i32.const 128) "caught ")
  (func $dofork (result i32) (call $fork))
  (func (export "_start") (local $pid i32) (local $v i32)
    (local.set $v (i32.const 5))
    try
      call $dofork
      local.set $pid
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (i32.mul (local.get $v) (select (i32.const 10) (i32.const 100) (local.get $pid)))
      throw $boom
    catch $boom
      local.set $v
    end
    (call $who (local.get $pid))
    (call $out (i32.const 128) (i32.const 7))
    (call $num (local.get $v)))
