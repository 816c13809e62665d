  ;; eh_table.wat - fork inside try_table bodies (exnref exception handling).
  ;; Three try_tables, each re-entered by the rewind (the fork happens in
  ;; $dofork, one frame below each body), and each throwing after the fork,
  ;; so only a rewind that went back into the try_table gets the throw to
  ;; the right handler.  pid is 0 in the child: k = 10 in the parent, 100 in
  ;; the child.
  ;;   1. catch $boom -> $got1: the payload 1 * k.  A call that could fork
  ;;      ($maybe, never reached) follows the try_table in $got1, so
  ;;      forkinstr wraps the try_table for a rewind to that call, and the
  ;;      clause's label must be renumbered past the wrap.
  ;;   2. catch_ref $boom -> $got2: the exnref is rethrown by throw_ref from
  ;;      an outer try_table's catch $boom -> $got2o: 2 * k.
  ;;   3. catch_all -> $got3, after a throw of another tag: 3 * k + 7 (the
  ;;      body's own value; the handler adds 7).
  ;; Parent: "parent caught 10", "20", "37"; child: 100, 200, 307.
  (tag $boom (param i32))
  (tag $other)
  (global $calm (mut i32) (i32.const 0))
  (data (i32.const 128) "caught ")
  (func $dofork (result i32) (call $fork))
  (func $maybe (param $n i32) (if (local.get $n) (then (drop (call $fork)))))
  (func $k (param $pid i32) (result i32)
    (select (i32.const 10) (i32.const 100) (local.get $pid)))
  (func $print (param $pid i32) (param $v i32)
    (call $who (local.get $pid))
    (call $out (i32.const 128) (i32.const 7))
    (call $num (local.get $v)))
  (func (export "_start") (local $pid i32) (local $v i32) (local $x exnref)
    ;; 1. catch
    (block $got1 (result i32)
      (try_table (catch $boom $got1)
        (local.set $pid (call $dofork))
        (if (i32.eqz (global.get $calm))   ;; always: the end stays reachable
          (then (throw $boom (call $k (local.get $pid))))))
      (call $maybe (i32.const 0))
      (i32.const -1))
    (local.set $v)
    (call $print (local.get $pid) (local.get $v))
    ;; 2. catch_ref, then throw_ref into an outer try_table
    (block $got2o (result i32)
      (try_table (catch $boom $got2o)
        (block $got2 (result i32 exnref)
          (try_table (catch_ref $boom $got2)
            (drop (call $dofork))
            (throw $boom (i32.mul (i32.const 2) (call $k (local.get $pid)))))
          (unreachable))
        (local.set $x)
        (drop)
        (throw_ref (local.get $x)))
      (unreachable))
    (local.set $v)
    (call $print (local.get $pid) (local.get $v))
    ;; 3. catch_all, with a value of the body's own kept across the fork
    (local.set $v (i32.mul (i32.const 3) (call $k (local.get $pid))))
    (block $got3
      (try_table (catch_all $got3)
        (drop (call $dofork))
        (throw $other)))
    (call $print (local.get $pid) (i32.add (local.get $v) (i32.const 7))))
