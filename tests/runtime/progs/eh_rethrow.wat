  ;; eh_rethrow.wat - fork inside a catch handler that then rethrows.
  ;; $thrower throws $boom 7; the inner try's handler keeps 7 in x, forks,
  ;; prints "handler 7" and rethrows.  A rewind must re-enter the handler
  ;; with the exception it caught, so the rethrow carries 7 again and the
  ;; outer handler prints "outer 7", in both processes.  (A rewind that threw
  ;; a made-up payload would print "outer 0".)
  (tag $boom (param i32))
  (data (i32.const 128) "handler outer ")
  (func $thrower (param i32) (throw $boom (local.get 0)))
  (func (export "_start") (local $pid i32) (local $x i32)
    try
      try
        (call $thrower (i32.const 7))
      catch $boom
        local.set $x
        call $fork
        local.set $pid
        (call $who (local.get $pid))
        (call $out (i32.const 128) (i32.const 8))
        (call $num (local.get $x))
        rethrow 0
      end
    catch $boom
      local.set $x
      (call $who (local.get $pid))
      (call $out (i32.const 136) (i32.const 6))
      (call $num (local.get $x))
    end)
