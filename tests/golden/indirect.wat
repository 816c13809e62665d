;; indirect: the four --indirect policies on one module.
;;
;; Types: $A = (func) [type 0], $B = (func (result i32)) [type 1].
;; One table, holding a_forks (type A), a_quiet (type A), b_quiet (type B)
;; at slots 0..2: these three are address-taken, nothing else is.
;;
;;   index name     type calls                     table?
;;   0     env_fork B    (import env.fork)
;;   1     a_forks  A    env_fork                  yes
;;   2     a_quiet  A    -                         yes
;;   3     b_quiet  B    -                         yes
;;   4     b_forks  B    env_fork                  no
;;   5     call_a   A    call_indirect (type $A)
;;   6     call_b   B    call_indirect (type $B)
;;   7     main     A    call_a, call_b, b_forks
;;
;; How the policies read the two indirect sites:
;;   asyncify: every function holding an indirect call can unwind, whatever
;;             the table holds (Binaryen's rule): call_a and call_b, always.
;;   table:    an indirect site is live as soon as ANY address-taken
;;             function can unwind.  forksize's table policy does not look
;;             at which table or type a site uses ("may reach any
;;             address-taken function", see --help).
;;   typed:    a site of type T is live when an address-taken function of
;;             type T (or a subtype) can unwind.  b_forks is of type B and
;;             reaches the root, but it is in no table, so it does not make
;;             call_b live; b_quiet is in the table but cannot unwind.
;;   none:     indirect sites never unwind.
;;
;; EXPECTED with the default root (import:*fork = env.fork):
;;   asyncify {a_forks, b_forks, call_a, call_b, main}  5 of 7 (71.4%)
;;   table    {a_forks, b_forks, call_a, call_b, main}  5 of 7: a_forks is
;;            address-taken and unwinds, so both sites are live
;;   typed    {a_forks, b_forks, call_a, main}          4 of 7 (57.1%)
;;   none     {a_forks, b_forks, main}                  3 of 7 (42.9%)
;;   sites: a_forks 1, b_forks 1, call_a 1, call_b 1 (when a member);
;;          main 3 (asyncify, table), 2 (typed: call_a, b_forks),
;;          1 (none: b_forks).
;;
;; EXPECTED with --root func:b_forks (no address-taken function unwinds):
;;   asyncify {b_forks, call_a, call_b, main}  4 of 7 (57.1%); main 3 sites
;;   table = typed = none {b_forks, main}       2 of 7 (28.6%); main 1 site
;;   (b_forks' own call to env.fork is its unwind point: 1 site.)
;;   So asyncify is a strict superset of table here, while with the
;;   default root table is a strict superset of typed.  No single root can
;;   separate all four: table is either asyncify's closure (some
;;   address-taken function unwinds, every site is live) or none's.
;;
;; EXPECTED cost (seed): no function has params or locals; every member
;; has >= 1 site and a body < 128 bytes, so fixed 111 each; total
;; 111 + 27*sites: 138 for one site, 165 for two, 192 for three.
;;   default asyncify/table: 4*138 + 192 = 744 (fixed 555, call-site 189)
;;   default typed:          3*138 + 165 = 579 (fixed 444, call-site 135)
;;   default none:           3*138       = 414 (fixed 333, call-site 81)
;;   b asyncify:             3*138 + 192 = 606 (fixed 444, call-site 162)
;;   b table/typed/none:     2*138       = 276 (fixed 222, call-site 54)
;; Bodies: a_forks 5, a_quiet 2, b_quiet 4, b_forks 4, call_a 7 (locals 1,
;; i32.const 2, call_indirect 3, end 1), call_b 7, main 10.
;;
;; WAT2WASM: --debug-names
;; RUN asyncify: --top 0 --indirect asyncify --apply model
;; RUN asyncify-csv: --format csv --indirect asyncify --apply model
;; RUN table-csv: --format csv --indirect table --apply model
;; RUN typed: --top 0 --apply model
;; RUN typed-json: --format json --indirect typed --apply model
;; RUN typed-csv: --format csv --indirect typed --apply model
;; RUN none-csv: --format csv --indirect none --apply model
;; RUN b-asyncify-csv: --format csv --indirect asyncify --root func:b_forks --apply model
;; RUN b-table-csv: --format csv --indirect table --root func:b_forks --apply model
;; RUN b-typed-csv: --format csv --indirect typed --root func:b_forks --apply model
;; RUN b-none-csv: --format csv --indirect none --root func:b_forks --apply model
(module
  (type $A (func))
  (type $B (func (result i32)))
  (import "env" "fork" (func $env_fork (type $B)))
  (table $t 3 funcref)
  (elem (table $t) (i32.const 0) func $a_forks $a_quiet $b_quiet)
  (func $a_forks (type $A)
    (drop (call $env_fork)))
  (func $a_quiet (type $A))
  (func $b_quiet (type $B)
    (i32.const 7))
  (func $b_forks (type $B)
    (call $env_fork))
  (func $call_a (type $A)
    (call_indirect (type $A) (i32.const 0)))
  (func $call_b (type $B)
    (call_indirect (type $B) (i32.const 2)))
  (func $main (type $A)
    (call $call_a)
    (drop (call $call_b))
    (drop (call $b_forks))))
