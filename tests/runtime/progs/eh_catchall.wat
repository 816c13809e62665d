  ;; eh_catchall.wat - fork inside a catch_all arm, behind a catch clause
  ;; for another tag.  $thrower throws $boom, which catch $other does not
  ;; take; catch_all does: n = 40 + 2, fork, print "catch_all 42".  A rewind
  ;; must land in catch_all again and never in catch $other (which would
  ;; print "other 0").
  (tag $boom (param i32))
  (tag $other (param i64))
  (data (i32.const 128) "catch_all other ")
  (func $thrower (param i32) (throw $boom (local.get 0)))
  (func (export "_start") (local $pid i32) (local $n i32)
    (local.set $n (i32.const 40))
    try
      (call $thrower (i32.const 7))
    catch $other
      drop
      (call $out (i32.const 138) (i32.const 6))
      (call $num (i32.const 0))
    catch_all
      (local.set $n (i32.add (local.get $n) (i32.const 2)))
      call $fork
      local.set $pid
      (call $who (local.get $pid))
      (call $out (i32.const 128) (i32.const 10))
      (call $num (local.get $n))
    end)
