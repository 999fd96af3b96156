-- Quarto's markup that plain pandoc does not know: callouts and folded code.
-- `::: {.callout-note}` (also tip, warning, important, caution) gets a title bar (its `title` attribute, its first
-- heading, or the kind); `::: {.code-fold summary="..."}` becomes <details>. For GitHub markdown, callouts become
-- alerts (`> [!NOTE]`) and other divs are unwrapped.
local kinds = {note='Note', tip='Tip', warning='Warning', important='Important', caution='Caution'}
-- The class names this filter writes come from the page contract (tools/sitebuild/contract.py `LUA`), which pandoc.py
-- passes as metadata `contract-<name>`; a first pass over the metadata reads them (see the end of the file).
local names = {}
local function read_names(meta)
  for k, v in pairs(meta) do
    local name = k:match('^contract%-(.+)$')
    if name then names[name] = pandoc.utils.stringify(v) end
  end
end

local function callout(el, kind)
  local title = el.attributes.title and pandoc.read(el.attributes.title, 'markdown').blocks[1].content or nil
  if not title and el.content[1] and el.content[1].t == 'Header' then
    title = el.content[1].content
    el.content:remove(1)
  end
  title = title or {pandoc.Str(kinds[kind])}
  if FORMAT:match('gfm') or FORMAT:match('commonmark') then
    local body = pandoc.List{pandoc.Para{pandoc.RawInline('markdown', '[!' .. kind:upper() .. ']')}}
    if el.attributes.title then body:insert(pandoc.Para{pandoc.Strong(title)}) end
    body:extend(el.content)
    return pandoc.BlockQuote(body)
  end
  el.attributes.title = nil
  el.classes:insert(1, names['callout'])
  el.content:insert(1, pandoc.Div(pandoc.Plain(title), {class=names['callout-title']}))
  return el
end

-- nbdev's doc links point at `#name` in lower case; pandoc drops a leading underscore from ids (`_helper` → `helper`)
local function Header(el)
  local s = pandoc.utils.stringify(el.content)
  if s:match('^_[%w_.]+$') then el.identifier = s:lower() end
  return el
end

local function Div(el)
  for _, cls in ipairs(el.classes) do
    local kind = cls:match('^callout%-(%a+)$')
    if kind and kinds[kind] then return callout(el, kind) end
  end
  if el.classes:includes(names['code-fold']) then
    local summary = (el.attributes.summary or 'Code'):gsub('&', '&amp;'):gsub('<', '&lt;')
    local open = el.attributes.open and ' open' or ''
    local blocks = pandoc.List{pandoc.RawBlock('html', '<details class="' .. names['code-fold'] .. '"' .. open .. '><summary>' .. summary .. '</summary>')}
    blocks:extend(el.content)
    blocks:insert(pandoc.RawBlock('html', '</details>'))
    return blocks
  end
  if FORMAT:match('gfm') then return el.content end
end

return {{Meta = read_names}, {Header = Header, Div = Div}}
