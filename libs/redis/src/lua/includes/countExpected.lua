--[[
  Parses the case hash's `expected` field (a comma list of modality names): returns how many there are
  and whether `modality` is one of them.
]]
local function countExpected(expectedList, modality)
  local count, found = 0, false
  for name in string.gmatch(expectedList, '[^,]+') do
    count = count + 1
    if name == modality then found = true end
  end
  return count, found
end
