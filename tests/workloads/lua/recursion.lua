-- Recursion: naive fib and Ackermann, deep enough to stack many frames.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
return string.format("fib(24)=%d ack(2,300)=%d depth=%d", fib(24), ack(2, 300), depth(150))
