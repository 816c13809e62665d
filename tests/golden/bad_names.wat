;; bad_names: a bad "name" section entry is a warning, never an error.
;;
;; Assembled WITHOUT --debug-names; the build then appends (APPEND-HEX
;; below) a custom section "name" whose function-name map has two entries:
;; function 1 -> "main", then function 9 -> "ghost".  The module has only
;; functions 0..2, so the second entry is invalid.
;;
;;   00 15                 custom section, 21 bytes
;;   04 6e 61 6d 65        "name"
;;   01 0e                 subsection 1 (function names), 14 bytes
;;   02                    2 entries
;;   01 04 6d 61 69 6e     1 -> "main"
;;   09 05 67 68 6f 73 74  9 -> "ghost"   <- offset 51 + 16 = 67 = 0x43
;;
;; wat2wasm writes 51 bytes: header 8, type section 2+8 ((func (result
;; i32)) and (func)), import section 2+12 (env.fork), function section
;; 2+3, code section 2+12.  The file is 51 + 23 = 74 bytes.
;;
;;   index name  calls
;;   0     -     (import env.fork)
;;   1     -     env.fork
;;   2     -     function 1
;;
;; EXPECTED: stderr "warning: name section: offset 0x43: entry for
;; function 9, which does not exist, skipped"; the JSON "warnings" array
;; holds the same text.  As in Binaryen, the valid entry is kept: rows read
;; main (function 1) and func[2].
;; The analysis continues: default root import:*fork matches env.fork,
;; closure {main, func[2]} = 2 of 2 (100.0%), 1 site each, no locals,
;; bodies 4 and 5 bytes: fixed 111, call-site 27, total 138 each;
;; terms fixed 222, call-site 54, local 0, total 276; exit 0.
;; funcroot (--root func:main): main is a defined root whose own call to
;; env.fork is its unwind point (1 site), and func[2] calls main (1 site):
;; the same closure and costs, the warning, exit 0.
;;
;; WAT2WASM:
;; APPEND-HEX: 00 15 04 6e 61 6d 65 01 0e 02 01 04 6d 61 69 6e 09 05 67 68 6f 73 74
;; RUN text: --top 0 --apply model
;; RUN json: --format json --apply model
;; RUN funcroot: --top 0 --root func:main --apply model
(module
  (import "env" "fork" (func (result i32)))
  (func (result i32)
    (call 0))
  (func
    (drop (call 1))))
