  ;; eh_catchall_rethrow.wat - fork inside a catch_all arm that then
  ;; rethrows, behind a catch clause for another tag.  $thrower throws $boom
  ;; 7; catch $other does not take it, catch_all does: fork, print
  ;; "handler", rethrow.  The outer try must receive the same exception:
  ;; $boom with 7, so it prints "outer 7" in both processes.
  ;; catch_all cannot name what it caught, so forkinstr observes the try's
  ;; body (see "observed tries" in instrument/emit_eh.c).  A rewind that threw
  ;; its own tag instead would reach the outer catch_all ("lost"); one that
  ;; threw $boom with a made-up payload would print "outer 0"; one that
  ;; threw $other would run the inner catch $other ("other").
  (tag $boom (param i32))
  (tag $other (param i64))
  (data (i32.const 128) "handler outer other lost ")
  (func $thrower (param i32) (throw $boom (local.get 0)))
  (func (export "_start") (local $pid i32) (local $x i32)
    try
      try
        (call $thrower (i32.const 7))
      catch $other
        drop
        (call $out (i32.const 142) (i32.const 6))
        (call $num (i32.const 0))
      catch_all
        call $fork
        local.set $pid
        (call $who (local.get $pid))
        (call $out (i32.const 128) (i32.const 8))
        (call $num (i32.const 0))
        rethrow 0
      end
    catch $boom
      local.set $x
      (call $who (local.get $pid))
      (call $out (i32.const 136) (i32.const 6))
      (call $num (local.get $x))
    catch_all
      (call $who (local.get $pid))
      (call $out (i32.const 148) (i32.const 5))
      (call $num (i32.const 0))
    end)
