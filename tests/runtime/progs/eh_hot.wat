  ;; eh_hot.wat - a normal path that runs long through exception handling
  ;; inside the fork closure, and never forks: the cost of a try around a
  ;; site, and of a throw caught there, on the path nobody forks (the
  ;; workload c-eh_hot times it, as c-hot times hot.c).  $step(i) can reach
  ;; fork (only when i equals $never, which is -1), throws $seven with 100
  ;; when i is a multiple of 7000 (rarely: a throw costs V8 about a
  ;; microsecond, which would hide the rest), and returns i % 7 otherwise.
  ;; _start runs i = 1..7000000, each call in a try whose catch takes the
  ;; payload, and sums: 1000000 weeks of 1+2+3+4+5+6+0 = 21, plus 100 for
  ;; each of the 1000 throws (i % 7 is 0 there), so 21100000; then the
  ;; number of throws caught, 1000.
  (tag $seven (param i32))
  (global $never (mut i32) (i32.const -1))
  (func $step (param $i i32) (result i32)
    (if (i32.eq (local.get $i) (global.get $never))
      (then (drop (call $fork))))
    (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 7000)))
      (then (throw $seven (i32.const 100))))
    (i32.rem_u (local.get $i) (i32.const 7)))
  (func (export "_start") (local $i i32) (local $acc i32) (local $t i32) (local $caught i32)
    (loop $next
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      try
        (local.set $t (call $step (local.get $i)))
      catch $seven
        local.set $t
        (local.set $caught (i32.add (local.get $caught) (i32.const 1)))
      end
      (local.set $acc (i32.add (local.get $acc) (local.get $t)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 7000000))))
    (call $num (local.get $acc))
    (call $num (local.get $caught)))
