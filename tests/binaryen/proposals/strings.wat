;; strings.wat - stringref: the string literal section, the stringref type
;; and every string instruction Binaryen 132 writes (b132.sh proposals:
;; forksize's counts against Binaryen 132's own).  Binaryen writes
;; string.as_wtf16 before each stringview_wtf16 instruction and drops it
;; when it reads it back (it has no IR for views), so its disassembly never
;; shows it: the test leaves it out of the comparison.  The 0xFB prefix
;; makes forkinstr refuse the functions that use them, as it does for GC.
(module
  (type $i8s (array (mut i8)))
  (type $i16s (array (mut i16)))
  (memory 1)
  (global $hello stringref (string.const "hello"))
  (func $measure (export "measure") (param $s stringref) (result i32)
    (i32.add
      (string.measure_utf8 (local.get $s))
      (string.measure_wtf16 (string.const "w\u{1F600}"))))
  (func $ops (export "ops") (param $a stringref) (param $b externref) (result i32)
    (local $c stringref)
    (local.set $c (string.concat (local.get $a) (global.get $hello)))
    (drop (string.eq (local.get $a) (local.get $c)))
    (drop (string.test (local.get $b)))
    (drop (string.compare (local.get $a) (local.get $c)))
    (drop (string.from_code_point (i32.const 65)))
    (drop (stringview_wtf16.get_codeunit (local.get $c) (i32.const 0)))
    (drop (stringview_wtf16.slice (local.get $c) (i32.const 0) (i32.const 2)))
    (i32.const 0))
  (func $arrays (export "arrays") (param $s stringref) (param $u (ref $i8s)) (param $w (ref $i16s))
        (result stringref)
    (drop (string.encode_lossy_utf8_array (local.get $s) (local.get $u) (i32.const 0)))
    (drop (string.encode_wtf16_array (local.get $s) (local.get $w) (i32.const 0)))
    (drop (string.new_lossy_utf8_array (local.get $u) (i32.const 0) (i32.const 3)))
    (string.new_wtf16_array (local.get $w) (i32.const 0) (i32.const 3))))
