;; atomic_orders.wat - acquire/release atomics (the memory orders of the
;; shared-everything-threads proposal): every kind of atomic access with
;; each explicit order Binaryen 132 writes (b132.sh proposals: forksize's
;; counts against Binaryen 132's own).  seqcst is written without an order
;; byte; acqrel and relaxed set bit 4 of the alignment field and add the
;; order byte (doubled for a read-modify-write), and atomic.fence's
;; reserved byte becomes its order.  The second memory makes Binaryen
;; write a memory index before the order byte.  Rooted at $rmw, forkinstr
;; instruments it, copying the order bytes as they are.
(module
  (memory $m 1 1 shared)
  (memory $n 1 1 shared)
  (func (export "loads") (param i32) (result i64)
    (drop (i32.atomic.load acqrel (local.get 0)))
    (drop (i32.atomic.load relaxed (local.get 0)))
    (drop (i32.atomic.load8_u $n acqrel offset=7 (local.get 0)))
    (drop (i32.atomic.load16_u relaxed (local.get 0)))
    (drop (i64.atomic.load8_u acqrel (local.get 0)))
    (drop (i64.atomic.load16_u $n relaxed (local.get 0)))
    (drop (i64.atomic.load32_u acqrel (local.get 0)))
    (i64.atomic.load relaxed (local.get 0)))
  (func (export "stores") (param i32)
    (i32.atomic.store acqrel (local.get 0) (i32.const 1))
    (i32.atomic.store8 $n relaxed offset=3 (local.get 0) (i32.const 2))
    (i32.atomic.store16 acqrel (local.get 0) (i32.const 3))
    (i64.atomic.store relaxed (local.get 0) (i64.const 4))
    (i64.atomic.store8 acqrel (local.get 0) (i64.const 5))
    (i64.atomic.store16 relaxed (local.get 0) (i64.const 6))
    (i64.atomic.store32 $n acqrel (local.get 0) (i64.const 7)))
  (func $rmw (export "rmw") (param i32) (result i32)
    (drop (i32.atomic.rmw.add acqrel (local.get 0) (i32.const 1)))
    (drop (i32.atomic.rmw.sub relaxed (local.get 0) (i32.const 1)))
    (drop (i32.atomic.rmw8.and_u $n acqrel offset=1 (local.get 0) (i32.const 1)))
    (drop (i64.atomic.rmw16.or_u relaxed (local.get 0) (i64.const 1)))
    (drop (i64.atomic.rmw32.xor_u acqrel (local.get 0) (i64.const 1)))
    (drop (i64.atomic.rmw.xchg relaxed (local.get 0) (i64.const 1)))
    (drop (i64.atomic.rmw.cmpxchg acqrel (local.get 0) (i64.const 1) (i64.const 2)))
    (drop (i32.atomic.rmw16.cmpxchg_u $n relaxed (local.get 0) (i32.const 1) (i32.const 2)))
    (i32.atomic.rmw.add (local.get 0) (i32.const 9)))
  (func (export "fences")
    (atomic.fence)
    (atomic.fence acqrel)
    (atomic.fence relaxed)))
