;; shared_types.wat - the rest of shared-everything threads as Binaryen 132
;; writes it: shared abstract heap types (0x65 before the abstract type)
;; in globals, a signature, locals, ref.null, a block type, casts and
;; br_on_cast; the waitqueue and nowaitqueue heap types (0x5C, 0x5B);
;; struct.wait, waitqueue.notify and waitqueue.new (0xFE 0x05..0x07)
;; (b132.sh proposals: forksize's counts against Binaryen 132's own).
;; Binaryen 132 has no shared globals or tables to write: a global's
;; mutability is 0 or 1 and it rejects a shared table.  $plain has no GC
;; instruction, but a shared reference local: forkinstr refuses it too
;; (its stack typing does not keep the shared prefix).
(module
  (type $s (shared (struct (field (mut i32)) (field (mut i64)))))
  (global $wq (mut (ref null (shared waitqueue))) (ref.null (shared waitqueue)))
  (global $nwq (ref null (shared nowaitqueue)) (ref.null (shared nowaitqueue)))
  (global $a (mut (ref null (shared any))) (ref.null (shared none)))
  (memory 1)
  (func $plain (export "plain") (param $x i32) (result i32)
    (local $r (ref null (shared any)))
    (local.set $r (global.get $a))
    (global.set $a (local.get $r))
    (i32.add (local.get $x) (i32.const 1)))
  (func $wait (export "wait") (param $x (ref null $s)) (param $e (ref null (shared eq))) (result i32)
    (local $f (ref null (shared func)))
    (local $q (ref null (shared waitqueue)))
    (local.set $q (waitqueue.new))
    (global.set $wq (local.get $q))
    (drop (struct.wait $s 0 (local.get $x) (local.get $q) (i32.const 0) (i64.const 0)))
    (drop (waitqueue.notify (local.get $q) (i32.const 1)))
    (drop (waitqueue.notify (global.get $wq) (i32.const 2)))
    (drop (ref.null (shared extern)))
    (drop (ref.test (ref (shared i31)) (local.get $e)))
    (drop (ref.cast (ref null (shared eq)) (global.get $a)))
    (drop (block $l (result (ref null (shared any)))
      (drop (br_on_cast $l (ref null (shared eq)) (ref (shared i31)) (local.get $e)))
      (ref.null (shared none))))
    (i32.const 0)))
