;; shared_everything.wat - shared-everything threads as far as forksize
;; decodes it: shared composite types (0x65 before the form), pause,
;; ref.i31_shared, and the atomic struct and array accesses with each
;; memory order (b132.sh proposals: forksize's counts against Binaryen
;; 132's own).  Not here: shared abstract heap types such as
;; (ref null (shared any)), waitqueues and struct.wait, which forksize
;; does not decode yet.
(module
  (rec
    (type $s (shared (struct (field (mut i32)) (field (mut i8)) (field (mut i64)))))
    (type $a (shared (array (mut i32))))
    (type $b (shared (array (mut i8)))))
  (type $u (struct (field (mut i32))))
  (memory 1)
  (func $structs (export "structs") (param $s (ref $s)) (param $u (ref $u)) (result i32)
    (pause)
    (drop (ref.i31_shared (i32.const 5)))
    (drop (struct.atomic.get $s 0 (local.get $s)))
    (drop (struct.atomic.get acqrel $s 0 (local.get $s)))
    (drop (struct.atomic.get_s relaxed $s 1 (local.get $s)))
    (drop (struct.atomic.get_u $s 1 (local.get $s)))
    (struct.atomic.set acqrel $s 0 (local.get $s) (i32.const 1))
    (struct.atomic.set relaxed $u 0 (local.get $u) (i32.const 2))
    (drop (struct.atomic.rmw.add acqrel acqrel $s 0 (local.get $s) (i32.const 1)))
    (drop (struct.atomic.rmw.sub relaxed relaxed $s 2 (local.get $s) (i64.const 1)))
    (drop (struct.atomic.rmw.and $s 0 (local.get $s) (i32.const 1)))
    (drop (struct.atomic.rmw.or $s 0 (local.get $s) (i32.const 1)))
    (drop (struct.atomic.rmw.xor $s 0 (local.get $s) (i32.const 1)))
    (drop (struct.atomic.rmw.xchg acqrel acqrel $s 0 (local.get $s) (i32.const 1)))
    (struct.atomic.rmw.cmpxchg relaxed relaxed $s 0 (local.get $s) (i32.const 1) (i32.const 2)))
  (func $arrays (export "arrays") (param $a (ref $a)) (param $b (ref $b)) (result i32)
    (drop (array.atomic.get $a (local.get $a) (i32.const 0)))
    (drop (array.atomic.get_s acqrel $b (local.get $b) (i32.const 0)))
    (drop (array.atomic.get_u relaxed $b (local.get $b) (i32.const 0)))
    (array.atomic.set acqrel $a (local.get $a) (i32.const 0) (i32.const 1))
    (drop (array.atomic.rmw.add $a (local.get $a) (i32.const 0) (i32.const 1)))
    (drop (array.atomic.rmw.sub acqrel acqrel $a (local.get $a) (i32.const 0) (i32.const 1)))
    (drop (array.atomic.rmw.and relaxed relaxed $a (local.get $a) (i32.const 0) (i32.const 1)))
    (drop (array.atomic.rmw.or $a (local.get $a) (i32.const 0) (i32.const 1)))
    (drop (array.atomic.rmw.xor $a (local.get $a) (i32.const 0) (i32.const 1)))
    (drop (array.atomic.rmw.xchg $a (local.get $a) (i32.const 0) (i32.const 1)))
    (array.atomic.rmw.cmpxchg acqrel acqrel $a (local.get $a) (i32.const 0) (i32.const 1) (i32.const 2))))
