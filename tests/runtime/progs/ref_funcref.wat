  ;; ref_funcref.wat - a funcref in a local across the fork (read from the
  ;; table's slot 1), stored in slot 0 and called through it afterwards.  After the fork each process sets $g (100 in the
  ;; parent, 200 in the child) and calls $f, which adds $g to 7: the
  ;; child's $f must be its own instance's $addg (the host maps the function
  ;; when it copies the reference save area), or it would read the parent's
  ;; $g and print 107.
  (type $v2i (func (result i32)))
  (global $g (mut i32) (i32.const 0))
  (table $t 2 funcref)
  (func $addg (result i32) (i32.add (global.get $g) (i32.const 7)))
  (elem (table $t) (i32.const 1) func $addg)
  (func (export "_start") (local $pid i32) (local $f funcref)
    (local.set $f (table.get $t (i32.const 1)))
    (local.set $pid (call $fork))
    (global.set $g (select (i32.const 100) (i32.const 200) (local.get $pid)))
    (table.set $t (i32.const 0) (local.get $f))
    (call $who (local.get $pid))
    (call $num (call_indirect $t (type $v2i) (i32.const 0))))
