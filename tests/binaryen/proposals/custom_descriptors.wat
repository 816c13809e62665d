;; custom_descriptors.wat - custom descriptors as Binaryen 132 writes them:
;; describes/descriptor clauses in a rec group (0x4C, 0x4D before the
;; form, also inside a shared type), exact reference types (0x62 before a
;; type index) in a global, a table, a signature, a local, a block type,
;; a typed select and casts, a function imported at its exact type (kind
;; 0x20), and the 0xFB 0x20..0x26 instructions (b132.sh proposals:
;; forksize's counts against Binaryen 132's own).  ref.cast_desc_eq is
;; used only in its non-null form here: wasm-dis spells both forms alike,
;; so the null one (0xFB 0x24) is checked by a hex fixture in
;; tests/malformed/binary instead.
(module
  (rec
    (type $box (descriptor $meta) (struct (field (mut i32))))
    (type $meta (describes $box) (struct (field i64))))
  (rec
    (type $sbox (shared (descriptor $smeta) (struct (field (mut i32)))))
    (type $smeta (shared (describes $sbox) (struct))))
  (type $sig (func (param i32) (result i32)))
  (import "env" "exact" (func $imp (exact (type $sig))))
  (global $m (ref null (exact $meta)) (ref.null none))
  (table $t 2 (ref null (exact $box)))
  (memory 1)
  (func $make (export "make") (param $d (ref (exact $meta))) (result (ref (exact $box)))
    (struct.new_desc $box (i32.const 7) (local.get $d)))
  (func $ops (export "ops") (param $d (ref (exact $meta))) (param $any anyref) (result i32)
    (local $b (ref null (exact $box)))
    (local.set $b (struct.new_default_desc $box (local.get $d)))
    (drop (ref.get_desc $box (ref.as_non_null (local.get $b))))
    (drop (ref.cast_desc_eq (ref (exact $box)) (local.get $any) (local.get $d)))
    (drop (ref.test (ref (exact $box)) (local.get $any)))
    (drop (ref.cast (ref null (exact $box)) (local.get $any)))
    (drop (select (result (ref null (exact $box))) (local.get $b) (ref.null none) (i32.const 1)))
    (drop (block $l (result (ref (exact $box)))
      (drop (br_on_cast_desc_eq $l anyref (ref (exact $box)) (local.get $any) (local.get $d)))
      (unreachable)))
    (drop (block $f (result anyref)
      (drop (br_on_cast_desc_eq_fail $f anyref (ref $box) (local.get $any) (local.get $d)))
      (ref.null none)))
    (drop (struct.new_default_desc $sbox (struct.new_default $smeta)))
    (call $imp (struct.get $box 0 (ref.as_non_null (local.get $b))))))
