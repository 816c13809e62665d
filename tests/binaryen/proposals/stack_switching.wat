;; stack_switching.wat - stack switching: cont types in the type section,
;; the contref and nullcontref shorthands, and every instruction (cont.new,
;; cont.bind, suspend, resume with both handler kinds, resume_throw,
;; resume_throw_ref, switch) (b132.sh proposals: forksize's counts against
;; Binaryen 132's own).  None of them is a call-graph edge or an unwind
;; point for forksize, and forkinstr refuses the functions that use them
;; (docs/roots-and-policies.md).
(module
  (type $ft0 (func))
  (type $ct0 (cont $ft0))
  (type $ft1 (func (param i32) (result i32)))
  (type $ct1 (cont $ft1))
  (type $ft2 (func (param i64 i32) (result i32)))
  (type $ct2 (cont $ft2))
  (rec
    (type $fs (func (param i32 (ref null $cs)) (result i32)))
    (type $cs (cont $fs)))
  (memory 1)
  (tag $yield)
  (tag $ask (param i32) (result i32))
  (tag $sw (result i32))
  (tag $exn (param i64))
  (elem declare func $body $body2 $gen)

  (func $body (param i32) (result i32)
    (suspend $yield)
    (suspend $ask (local.get 0)))
  (func $body2 (param i64 i32) (result i32)
    (local.get 1))
  (func $gen
    (suspend $yield))

  (func (export "run") (param $x i32) (result i32)
    (local $k (ref null $ct1))
    (local $k0 (ref null $ct0))
    (local.set $k (cont.new $ct1 (ref.func $body)))
    (local.set $k0 (cont.new $ct0 (ref.func $gen)))
    (block $on_yield (result (ref $ct0))
      (resume $ct0 (on $yield $on_yield) (local.get $k0))
      (return (i32.const 0)))
    (drop)
    (tuple.drop 2
      (block $on_ask (result i32 (ref $ct1))
        (return
          (resume $ct1 (on $ask $on_ask) (on $sw switch)
            (local.get $x) (local.get $k)))))
    (i32.const 1))

  (func (export "bind") (param $v i64) (result i32)
    (resume $ct1 (i32.const 7)
      (cont.bind $ct2 $ct1 (local.get $v) (cont.new $ct2 (ref.func $body2)))))

  (func (export "throw_in") (param $k (ref $ct1)) (result i32)
    (resume_throw $ct1 $exn (on $sw switch) (i64.const 5) (local.get $k)))

  (func (export "throw_ref_in") (param $e exnref) (param $k contref) (param $n nullcontref)
        (param $k1 (ref $ct1)) (result i32)
    (resume_throw_ref $ct1 (local.get $e) (local.get $k1)))

  (func $swap (param $k (ref null $cs)) (result i32)
    (switch $cs $sw (i32.const 42) (local.get $k))
    (drop)))
