-- Closures, upvalues, metatables, pcall and error with tables as errors.
local function counter()
  local c = 0
  return function(k) c = c + (k or 1); return c end
end
local cs = {}
for i = 1, 200 do cs[i] = counter() end
local s = 0
for r = 1, 50 do for i = 1, 200 do s = s + cs[i](i % 3) end end
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, V) end
local v = setmetatable({ x = 0, y = 0 }, V)
for i = 1, 5000 do v = v + setmetatable({ x = i, y = -i % 7 }, V) end
local caught, msgs = 0, {}
for i = 1, 3000 do
  local ok, e = pcall(function()
    if i % 3 == 0 then error({ code = i }) end
    if i % 5 == 0 then error("five:" .. i, 0) end
    return i
  end)
  if not ok then
    caught = caught + 1
    if type(e) == "table" then msgs[#msgs + 1] = e.code % 10 else msgs[#msgs + 1] = #e end
  end
end
local ok2, e2 = pcall(error)
local x = 0
for _, m in ipairs(msgs) do x = x + m end
return string.format("s=%d v=%d,%d caught=%d x=%d nilerr=%s", s, v.x, v.y, caught, x, tostring(e2))
