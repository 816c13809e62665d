-- Tables and strings: build, sort, concatenate, pattern-match, format.
local t = {}
local x = 12345
for i = 1, 20000 do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x % 100000 end
table.sort(t)
local sum = 0
for i = 1, #t, 97 do sum = sum + t[i] end
local parts = {}
for i = 1, 3000 do parts[#parts + 1] = string.format("%05d:%s", i, string.rep("ab", i % 7)) end
local s = table.concat(parts, ",")
local count = 0
for w in s:gmatch("(%d+):abab") do count = count + tonumber(w) % 13 end
local words = {}
for i = 1, 2000 do words["k" .. (i * 7919 % 2003)] = i end
local n = 0
for _, v in pairs(words) do n = n + v end
return string.format("min=%d max=%d sum=%d len=%d count=%d n=%d up=%s",
  t[1], t[#t], sum, #s, count, n, s:sub(1, 20):upper())
