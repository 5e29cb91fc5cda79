-- A fingerprint of a Redis database, independent of the client that wrote it: every key (sorted), its
-- type, its value (hash fields sorted) and whether it expires within a day. Returns {keys, sha1}.
local keys = redis.call('KEYS', '*')
table.sort(keys)
local lines = {}
for _, k in ipairs(keys) do
  local t = redis.call('TYPE', k).ok
  local v
  if t == 'string' then
    v = redis.call('GET', k)
  else
    local h = redis.call('HGETALL', k)
    local fields = {}
    for i = 1, #h, 2 do table.insert(fields, h[i] .. '=' .. h[i + 1]) end
    table.sort(fields)
    v = table.concat(fields, '&')
  end
  local ttl = redis.call('TTL', k)
  local life = 'persistent'
  if ttl > 0 and ttl <= 86400 then life = 'day' end
  table.insert(lines, k .. '|' .. t .. '|' .. v .. '|' .. life)
end
return {#keys, redis.sha1hex(table.concat(lines, '\n'))}
