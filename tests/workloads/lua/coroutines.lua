-- Coroutines: generators, a producer/consumer pipeline, yields across pcall.
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i * i) end end)
end
local total = 0
for v in gen(3000) do total = total + v % 1000 end
local producer = coroutine.create(function()
  for i = 1, 2000 do coroutine.yield(string.char(65 + i % 26)) end
  return "done"
end)
local acc, last = {}, nil
while true do
  local ok, v = coroutine.resume(producer)
  if coroutine.status(producer) == "dead" then last = v break end
  acc[#acc + 1] = v
end
local co = coroutine.wrap(function()
  local ok, err = pcall(function() coroutine.yield(1); error("inside") end)
  coroutine.yield(ok and "ok" or err:match("inside"))
  return "end"
end)
local r = { co(), co(), co() }
return string.format("total=%d n=%d last=%s head=%s r=%s,%s,%s", total, #acc, last,
  table.concat(acc, "", 1, 10), tostring(r[1]), r[2], r[3])
