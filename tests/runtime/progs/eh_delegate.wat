  ;; eh_delegate.wat - fork, then a try that delegates past another try.
  ;; The inner try delegates to label 1 (0 is the middle try, 1 the outer
  ;; one), so its exception skips the middle handler.  The call to $dofork
  ;; after it never runs (the throw leaves first), but it is a site, and the
  ;; wrap forkinstr opens for it encloses the inner try: the delegate's label
  ;; must be renumbered past that wrap.  Left as it was, it would name the
  ;; middle try and its handler would print "middle".  The parent throws 11,
  ;; the child 22: "parent delegated 11", "child delegated 22".
  (tag $boom (param i32))
  (data (i32.const 128) "delegated middle ")
  (func $dofork (result i32) (call $fork))
  (func (export "_start") (local $pid i32)
    try
      try
        call $fork
        local.set $pid
        try
          (select (i32.const 11) (i32.const 22) (local.get $pid))
          throw $boom
        delegate 1
        call $dofork
        drop
      catch $boom
        (call $who (local.get $pid))
        (call $out (i32.const 138) (i32.const 7))
        call $num
      end
    catch $boom
      (call $who (local.get $pid))
      (call $out (i32.const 128) (i32.const 10))
      call $num
    end)
