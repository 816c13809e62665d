;; default_import: the default roots, matched through the import.
;;
;; No --root is given, so forksize uses its defaults: import:*fork plus
;; func:fork, func:vfork, func:_Fork, func:__fork, func:__syscall_fork.
;; Only import:*fork matches (env.fork, function 0).  The function names
;; come from the name section (wat2wasm --debug-names); none of them is a
;; default func: name ("env_fork" is not "fork": globs match whole names).
;;
;;   index name      calls                      in closure?
;;   0     env_fork  (import env.fork)          root (import, not a row)
;;   1     env_log   (import env.log)           -
;;   2     do_fork   env_fork                   yes: calls the root
;;   3     main      do_fork, env_log           yes: calls do_fork
;;   4     helper    env_log                    no: env.log never unwinds
;;
;; EXPECTED closure: {do_fork, main}, 2 of 3 defined functions (66.7%).
;;   roots line: import:*fork=1, every func: default =0.
;;   call sites that can unwind: do_fork 1 (env_fork); main 1 (do_fork;
;;   its call to env_log cannot unwind and main is not a root).
;;   locals: do_fork 0; main 1 i32 (index 0, frame offset 4: narrow, 14).
;; EXPECTED cost (seed model A=110, B=27, C=14):
;;   do_fork: body 4 bytes (locals vec 1, call 2, end 1).
;;            110 + 27 + 0 = 137; 4+137 >= 128 so the body-size LEB grows
;;            from 1 to 2 bytes: fixed 111, call-site 27, local 0, total 138
;;   main:    body 12 bytes (locals 3, call 2, local.set 2, local.get 2,
;;            call 2, end 1); fixed 111, call-site 27, local 14, total 152
;;   terms: fixed 222, call-site 54, local 14, total 290.
;;   code section: 26 bytes = 1 (function count) + per body its size LEB
;;   (1) plus the body: 1+4 + 1+12 + 1+6.  After: 26 + 290 = 316 (+1115.4%).
;;
;; WAT2WASM: --debug-names
;; RUN text: --top 0 --apply model
;; RUN json: --format json --apply model
;; RUN csv: --format csv --apply model
;; RUN md: --format md --apply model
(module
  (import "env" "fork" (func $env_fork (result i32)))
  (import "env" "log" (func $env_log (param i32)))
  (func $do_fork (result i32)
    (call $env_fork))
  (func $main (export "main")
    (local i32)
    (local.set 0 (call $do_fork))
    (call $env_log (local.get 0)))
  (func $helper (param i32)
    (call $env_log (local.get 0))))
