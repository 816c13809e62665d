  ;; ref_callref.wat - fork through call_ref, with typed function references
  ;; live across it: $h (nullable) is the reference call_ref forks through,
  ;; $k (non-nullable, (ref $fi)) is used after the fork, and $mid gets it
  ;; as a non-nullable parameter.  After the fork $g is 100 in the parent,
  ;; 200 in the child; $addg returns n + $g, so the parent prints 107 and
  ;; 108, the child 207 and 208 (the child calls its own $addg).  Node 20
  ;; reads typed function references only in a pre-standard encoding, so
  ;; this one runs in chromium (chromium-host.sh: host.mjs in a page).
  (type $fi (func (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $dofork (export "dofork") (type $fi) (i32.add (local.get 0) (call $fork)))
  (func $addg (export "addg") (type $fi) (i32.add (local.get 0) (global.get $g)))
  (elem declare func $dofork $addg)
  (func $mid (param $k (ref $fi)) (param $h (ref null $fi)) (result i32) (local $pid i32)
    (local.set $pid (call_ref $fi (i32.const 0) (local.get $h)))
    (global.set $g (select (i32.const 100) (i32.const 200) (local.get $pid)))
    (call $who (local.get $pid))
    (call $num (call_ref $fi (i32.const 7) (local.get $k)))
    (local.get $pid))
  (func (export "_start") (local $k (ref $fi)) (local $pid i32)
    (local.set $k (ref.func $addg))
    (local.set $pid (call $mid (local.get $k) (ref.func $dofork)))
    (call $who (local.get $pid))
    (call $num (call_ref $fi (i32.const 8) (local.get $k))))
