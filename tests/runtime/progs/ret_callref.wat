  ;; ret_callref.wat - fork below a return_call_ref.  $tail tail-calls the
  ;; non-nullable (ref $fi) it is given, $dofork, which forks; forkinstr
  ;; turns a tail call that can unwind into call_ref and return, so $tail
  ;; has a frame (its reference among what it saves) and the rewind goes
  ;; through it.  $mid holds the nullable reference and doubles the result;
  ;; _start has 1000 on the stack across the fork.  $dofork returns
  ;; n + 100 in the parent and n + 200 in the child, so with n = 4 + 3 the
  ;; parent prints 1000 + 2 * 107 = 1214 and the child 1000 + 2 * 207 = 1414.
  ;; Typed function references in the standard encoding: chromium runs it
  ;; (run_chromium.sh), as ref_callref.wat.
  (type $fi (func (param i32) (result i32)))
  (func $dofork (type $fi) (local $pid i32)
    (local.set $pid (call $fork))
    (call $who (local.get $pid))
    (i32.add (local.get 0) (select (i32.const 100) (i32.const 200) (local.get $pid))))
  (elem declare func $dofork)
  (func $tail (param $n i32) (param $h (ref $fi)) (result i32)
    (return_call_ref $fi (i32.add (local.get $n) (i32.const 3)) (local.get $h)))
  (func $mid (param $n i32) (param $h (ref null $fi)) (result i32)
    (i32.mul (call $tail (local.get $n) (ref.as_non_null (local.get $h))) (i32.const 2)))
  (func (export "_start")
    (call $num (i32.add (i32.const 1000) (call $mid (i32.const 4) (ref.func $dofork)))))
