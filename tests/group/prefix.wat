;; --group-by prefix: C names whose groups are known by hand (see group.sh).
;; Root: import:env.fork.  Closure: every function that calls $fork, directly
;; or through another member: zend_execute, zend_call, php_request, main,
;; lua_pcall, luaV_execute.  Outside it: the rest.
(module
  (import "env" "fork" (func $fork (result i32)))
  (memory 1)
  (func $zend_execute (param i32) (result i32) (call $fork))
  (func $zend_call (result i32) (call $zend_execute (i32.const 1)))
  (func $zend_hash_find (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $ZEND_ASSIGN_SPEC_HANDLER (result i32) (i32.const 7))
  (func $php_request (result i32) (call $zend_call))
  (func $php_var_dump (param i32) (nop))
  (func $PHPWasmRun (result i32) (i32.const 3))
  (func $sqlite3VdbeExec (param i32) (result i32) (local i64) (local.get 0))
  (func $sqlite3_open (result i32) (i32.const 0))
  (func $luaV_execute (result i32) (call $fork))
  (func $lua_pcall (result i32) (call $luaV_execute))
  (func $RelinquishMemory (nop))
  (func $XXH64_digest (result i64) (i64.const 64))
  (func $__wasm_call_ctors (nop))
  (func $main (export "main") (result i32) (i32.add (call $php_request) (call $lua_pcall)))
  (func (result i32) (i32.const 9))   ;; no name: the (no name) group
)
