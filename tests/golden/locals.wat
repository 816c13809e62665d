;; locals: the per-local term, LEB-aware, for every value type.
;;
;; Each closure member calls env.fork once (1 site: 27 bytes).  The model
;; (analyzer/cost.h) charges each numeric local one save and one restore:
;;   local.get $fp; local.get $x; T.store align off   and
;;   local.get $fp; T.load align off; local.set $x
;; = 2*(1+fp) + 2*(1+idx) + 2*op + 2 + 2*off bytes, where fp, idx and off
;; are the LEB widths of $fp's index (= number of locals), the local's
;; index and its frame offset, and op is 1 (2 for v128, 0xFD-prefixed).
;; Narrow i32/i64/f32/f64 = 14 = C, narrow v128 = 16; every extra LEB byte
;; adds 2.  Params are locals and come first.  Frame offsets start at 4
;; (the saved call index) and grow by the slot size: 4 for i32/f32, 8 for
;; i64/f64, 16 for v128.  Reference-typed locals cost 0 and are counted.
;;
;;   index name       locals (params first)                   body bytes
;;   0     env_fork   (import env.fork)
;;   1     mixed      p:i32 p:i64 f32 f64 v128 i32            13
;;   2     many       130 x i32                               8
;;   3     huge       1100 x f64                              8
;;   4     with_ref   p:externref funcref i32                 9
;;   5     long_body  none; 125 nops before the call          130
;;   6     idle       p:f32 i64 v128; calls nothing           6
;;
;; EXPECTED closure (default root env.fork, any policy): every function
;; but idle: 5 of 6 (83.3%), 1 site each.
;;
;; EXPECTED local term, seed model (C=14):
;;   mixed: idx 0..5, fp 1 byte, offsets 4, 8, 16, 20, 28, 44 (< 128):
;;          14+14+14+14+16+14 = 86
;;   many:  fp index 130 -> 2 bytes; local i at offset 4+4i, which needs
;;          2 bytes from i=31 (offset 128); index needs 2 bytes from 128:
;;          130*16 + 2*99 + 2*2 = 2282
;;   huge:  fp index 1100 -> 2 bytes; offset 4+8i needs 2 bytes from i=16
;;          (offset 132) and stays < 16384; index 2 bytes from 128:
;;          1100*16 + 2*1084 + 2*972 = 21712
;;   with_ref: the two references are unpriced; the i32 (index 2,
;;          offset 4) costs 14.  stderr warns "1 closure function has
;;          reference-typed locals"; locals_ref = 2.
;;   long_body: 0.
;; EXPECTED fixed term: 110 plus the growth of the body-size LEB:
;;   mixed 13+110+27+86 = 236: 1 -> 2 bytes, fixed 111, total 224
;;   many  8+110+27+2282 = 2427: 1 -> 2, fixed 111, total 2420
;;   huge  8+110+27+21712 = 21857 >= 16384: 1 -> 3, fixed 112, total 21851
;;   with_ref 9+110+27+14 = 160: 1 -> 2, fixed 111, total 152
;;   long_body 130+110+27 = 267: 2 -> 2, fixed 110, total 137
;;   terms: fixed 555, call-site 135, local 24094, total 24784.
;;   code section 1 + (1+13) + (1+8) + (1+8) + (1+9) + (2+130) + (1+6) = 182
;;
;; EXPECTED with --model 100,20,10 (C=10 replaces the narrow 14; the LEB
;; and type structure stays, so every priced local is 4 bytes cheaper:
;; i64/f32/f64 10, v128 12):
;;   mixed     local 86-6*4 = 62;      13+100+20+62 = 195: fixed 101, total 183
;;   many      local 2282-130*4 = 1762; 1890: fixed 101, total 1883
;;   huge      local 21712-1100*4 = 17312; 17440 >= 16384: fixed 102, total 17434
;;   with_ref  local 10;               139: fixed 101, total 131
;;   long_body local 0;                250, body LEB stays 2: fixed 100, total 120
;;   terms: fixed 505, call-site 100, local 19146, total 19751.
;;
;; WAT2WASM: --debug-names
;; RUN text: --top 0 --apply model
;; RUN json: --format json --apply model
;; RUN csv: --format csv --apply model
;; RUN md: --format md --apply model
;; RUN model: --top 0 --model 100,20,10 --apply model
;; RUN model-csv: --format csv --model 100,20,10 --apply model
;; RUN model-json: --format json --model 100,20,10 --apply model
(module
  (import "env" "fork" (func $env_fork (result i32)))
  (func $mixed (param i32 i64)
    (local f32 f64 v128)
    (local i32)
    (drop (call $env_fork)))
  ;; 130 i32 locals: 13 lines of 10.
  (func $many
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (drop (call $env_fork)))
  ;; 1100 f64 locals: 55 lines of 20.
  (func $huge
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (drop (call $env_fork)))
  (func $with_ref (param externref)
    (local funcref)
    (local i32)
    (drop (call $env_fork)))
  ;; 125 nops: 5 lines of 25.
  (func $long_body
    nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop
    nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop
    nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop
    nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop
    nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop nop
    (drop (call $env_fork)))
  (func $idle (param f32)
    (local i64 v128)))
