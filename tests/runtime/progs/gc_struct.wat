  ;; gc_struct.wat - fork with GC references live across it: a struct
  ;; parameter below the site (struct.set's first operand), a fresh struct
  ;; as a call's non-nullable argument (struct.new is no safe run: saved),
  ;; an i8 array and an i31 in locals, an anyref parameter cast back with
  ;; br_on_cast after the fork.  $which returns 1 in the parent and 2 in
  ;; the child; $mid then computes a * 1000 + arr[0] + arr[1] + i31 +
  ;; x.a * 100 with arr = [7, 10a, 7], i31 = 40, x.a = 5: the parent prints
  ;; 1000 + 7 + 10 + 40 + 500 = 1557, the child 2000 + 7 + 20 + 40 + 500 =
  ;; 2567.  GC in the standard encoding: chromium runs it (run_chromium.sh).
  (type $pair (struct (field $a (mut i32)) (field $b (ref null $pair))))
  (type $bytes (array (mut i8)))
  (func $which (result i32) (local $pid i32)
    (local.set $pid (call $fork))
    (call $who (local.get $pid))
    (select (i32.const 1) (i32.const 2) (local.get $pid)))
  (func $mid (param $p (ref $pair)) (param $x anyref) (result i32)
    (local $arr (ref null $bytes)) (local $small (ref null i31))
    (local.set $arr (array.new $bytes (i32.const 7) (i32.const 3)))
    (local.set $small (ref.i31 (i32.const 40)))
    (struct.set $pair $a (local.get $p) (call $which))
    (array.set $bytes (local.get $arr) (i32.const 1)
      (i32.mul (struct.get $pair $a (local.get $p)) (i32.const 10)))
    (i32.add
      (i32.add (i32.mul (struct.get $pair $a (local.get $p)) (i32.const 1000))
               (i32.add (array.get_u $bytes (local.get $arr) (i32.const 0))
                        (array.get_u $bytes (local.get $arr) (i32.const 1))))
      (i32.add (i31.get_s (ref.as_non_null (local.get $small)))
               (i32.mul (struct.get $pair $a
                          (block $is (result (ref $pair))
                            (br_on_cast $is anyref (ref $pair) (local.get $x))
                            (unreachable)))
                        (i32.const 100)))))
  (func (export "_start") (local $q (ref null $pair))
    (local.set $q (struct.new $pair (i32.const 5) (ref.null $pair)))
    (call $num (call $mid (struct.new $pair (i32.const 0) (local.get $q)) (local.get $q))))
