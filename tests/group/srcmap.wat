;; srcmap.wat - --group-by file|dir from a source map (group.sh srcmap):
;; no DWARF, so each function's file is the source of its first mapped
;; instruction (the segment with a source at the lowest byte of its body).
;; Binaryen 132 writes the map; group.sh adds "sourceRoot": "/src".
;;   $a1, $a2   lib/a.c                 (2 functions, $a2 reaches fork)
;;   $mixed     lib/b.c: the add is annotated a.c, but its operands come
;;              first in the binary, and they are b.c
;;   $io        sys/io/c.c
;;   $main      main.c (reaches fork)
;;   $bare      no annotation: the no-source group
(module
  (import "env" "fork" (func $fork (result i32)))
  (memory 1)
  (export "main" (func $main))
  (export "bare" (func $bare))
  (func $a1 (param $x i32) (result i32)
    ;;@ lib/a.c:3:5
    (i32.mul
      ;;@ lib/a.c:3:7
      (local.get $x)
      ;;@ lib/a.c:3:9
      (i32.const 3)))
  (func $a2 (result i32)
    ;;@ lib/a.c:8:3
    (i32.add
      ;;@ lib/a.c:8:10
      (call $fork)
      ;;@ lib/a.c:8:20
      (call $a1 (i32.const 2))))
  (func $mixed (param $x i32) (result i32)
    ;;@ lib/a.c:12:3
    (i32.add
      ;;@ lib/b.c:4:4
      (local.get $x)
      ;;@ lib/b.c:4:8
      (i32.const 9)))
  (func $io (param $x i32)
    ;;@ sys/io/c.c:7:3
    (i32.store
      ;;@ sys/io/c.c:7:5
      (i32.const 16)
      ;;@ sys/io/c.c:7:9
      (local.get $x)))
  (func $main (result i32)
    ;;@ main.c:2:3
    (call $io
      ;;@ main.c:2:6
      (call $mixed (call $a2)))
    ;;@ main.c:3:3
    (i32.const 0))
  (func $bare (result i32)
    (i32.const 1))
)
