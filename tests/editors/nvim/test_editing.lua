-- Headless Neovim: the closure-bug diagnostics, their quick fixes, fix-all, semantic tokens,
-- references and rename, through Neovim's own LSP client and its default keys (gra, grr, grn).
--   nvim --headless -u NONE -i NONE -l tests/editors/nvim/test_editing.lua
-- Env: CLOSURE_LENS_BIN (server binary), CLOSURE_LENS_REPO (repo root),
--      CLOSURE_LENS_TIMEOUT (seconds per wait, default 20).
-- Works on a copy of tests/editors/fixtures/late_binding.py. What the fixes must produce is the
-- server's behaviour, judged against CPython by the closure-bug corpus (tests/closure_bugs/); here
-- the edits are checked by their structure, and the saved file is run with python3.

local t = dofile(assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO") .. "/tests/editors/nvim/harness.lua")
local repo, bin, timeout_ms = t.repo, t.bin, t.timeout_ms
local check, wait_for = t.check, t.wait_for

--- Every whole-word occurrence of `word` in `lines`, as { lnum (0-based), col (0-based) }.
local function occurrences(lines, word)
  local found = {}
  for lnum, line in ipairs(lines) do
    local init = 1
    while true do
      local s, e = line:find(word, init, true)
      if not s then
        break
      end
      local before, after = line:sub(s - 1, s - 1), line:sub(e + 1, e + 1)
      if not before:match("[%w_]") and not after:match("[%w_]") then
        found[#found + 1] = { lnum - 1, s - 1 }
      end
      init = e + 1
    end
  end
  return found
end

local function replace_word(lines, word, new)
  return vim.tbl_map(function(line)
    return (line:gsub("%f[%w_]" .. word .. "%f[^%w_]", new))
  end, lines)
end

local function late_binding(buf)
  return vim.tbl_filter(function(d)
    return d.code == "late-binding" and d.source == "closure-lens"
  end, vim.diagnostic.get(buf))
end

local function run_python(path)
  local out = vim.system({ "python3", path }, { text = true }):wait()
  local okj, value = pcall(vim.json.decode, out.stdout or "")
  return okj and value or nil, (out.stdout or "") .. (out.stderr or "")
end

t.run("nvim editing", function()
  vim.lsp.log.set_level(vim.env.CLOSURE_LENS_LSP_LOG or vim.log.levels.WARN)
  -- A project of its own: the fixes edit and save the file.
  local project = vim.fn.tempname()
  vim.fn.mkdir(project, "p")
  vim.fn.writefile({ "[project]", 'name = "editing"' }, project .. "/pyproject.toml")
  local file = project .. "/late_binding.py"
  local original = vim.fn.readfile(repo .. "/tests/editors/fixtures/late_binding.py")
  vim.fn.writefile(original, file)

  local before = run_python(file)
  check("python3: the fixture has the bug (every handler sees the last i)",
    before and vim.deep_equal(before.handlers, { 2, 2, 2 }), nil, vim.inspect(before))

  require("closure_lens").setup({ server_path = bin, open_quickfix = false, codelens = false })
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local attached, clients, why = wait_for("the client to attach", function()
    return vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })
  end, function(c)
    return #c > 0 and c[1].initialized
  end)
  if not check("client attaches", attached, nil, why) then
    return
  end
  local client = clients[1]

  -- 1. The late-binding diagnostics: code, source, range = the `lambda` keyword of the capturing
  --    lambda (the server points at a scope by its focus range: def name, `lambda`, bracket).
  local got, diags
  got, diags, why = wait_for("two late-binding diagnostics", function()
    return late_binding(buf)
  end, function(d)
    return #d == 2
  end)
  if not check("two late-binding diagnostics", got, nil, (why or "") .. ": " .. vim.inspect(vim.diagnostic.get(buf))) then
    return
  end
  table.sort(diags, function(a, b)
    return a.lnum < b.lnum
  end)
  local first = diags[1]
  local range_text = table.concat(
    vim.api.nvim_buf_get_text(buf, first.lnum, first.col, first.end_lnum, first.end_col, {}), "\n")
  local first_line = vim.api.nvim_buf_get_lines(buf, first.lnum, first.lnum + 1, false)[1]
  check("the first diagnostic is on the `lambda` of `lambda: i` in the loop",
    range_text == "lambda" and first_line:sub(first.col + 1, first.col + #"lambda: i") == "lambda: i",
    string.format("%d:%d-%d:%d %q, severity %d", first.lnum + 1, first.col + 1, first.end_lnum + 1, first.end_col + 1,
      range_text, first.severity),
    string.format("range text %q", range_text))
  local href = vim.tbl_get(first, "user_data", "lsp", "codeDescription", "href") or ""
  check("late-binding is a warning with its docs link", first.severity == vim.diagnostic.severity.WARN
    and href:find("diagnostics.md#late%-binding") ~= nil, href, vim.inspect(first.user_data))

  -- 2. The preferred quick fix, with the default key gra (vim.lsp.buf.code_action): the menu is
  --    vim.ui.select; pick the action the server marked preferred, as a user would pick the first.
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    local choice
    for i, item in ipairs(items) do
      local action = item.action or item
      offered[#offered + 1] = (action.isPreferred and "* " or "  ") .. (action.title or "?")
      if action.isPreferred and not choice then
        choice = i
      end
    end
    on_choice(choice and items[choice] or nil, choice)
  end
  local fix_line = first.lnum
  local line_before = vim.api.nvim_buf_get_lines(buf, fix_line, fix_line + 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  vim.api.nvim_feedkeys("gra", "mx", false)
  local expected = vim.deepcopy(original)
  local s, e = line_before:find("lambda: i", 1, true)
  expected[fix_line + 1] = line_before:sub(1, s - 1) .. "lambda i=i: i" .. line_before:sub(e + 1)
  local fixed
  got, fixed, why = wait_for("the quick fix to edit the buffer", function()
    return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  end, function(lines)
    return not vim.deep_equal(lines, original)
  end)
  check("gra offers the quick fixes, one preferred", #offered > 0 and #vim.tbl_filter(function(t)
    return t:sub(1, 1) == "*"
  end, offered) == 1, table.concat(offered, " | "), "offered: " .. vim.inspect(offered))
  check("gra applies the preferred fix: lambda: i becomes lambda i=i: i, nothing else changes",
    got and vim.deep_equal(fixed, expected), vim.trim(fixed and fixed[fix_line + 1] or ""),
    why or vim.inspect(vim.diff(table.concat(expected, "\n"), table.concat(fixed, "\n"))))
  got, diags, why = wait_for("one late-binding diagnostic left", function()
    return late_binding(buf)
  end, function(d)
    return #d == 1
  end)
  check("its diagnostic is gone, the other stays", got and diags[1].lnum ~= fix_line, nil, why or vim.inspect(diags))

  -- 3. Fix-all: the source action every safe fix is in.
  vim.lsp.buf.code_action({ context = { only = { "source.fixAll.closure-lens" }, diagnostics = {} }, apply = true })
  got, diags, why = wait_for("no late-binding diagnostic after fix-all", function()
    return late_binding(buf)
  end, function(d)
    return #d == 0
  end)
  local all_fixed = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local squares = vim.iter(all_fixed):find(function(l)
    return l:find("for n in range", 1, true) ~= nil
  end)
  check("source.fixAll.closure-lens fixes the comprehension too", got and squares and squares:find("lambda n=n: n * n", 1, true) ~= nil,
    vim.trim(squares or ""), why or squares)
  vim.cmd("silent write")
  local after, output = run_python(file)
  check("python3 on the saved file: each closure sees its own value",
    after and vim.deep_equal(after.handlers, { 0, 1, 2 }) and vim.deep_equal(after.squares, { 0, 1, 4 }),
    vim.json.encode(after or {}), output)

  -- 4. Semantic tokens: captured, cell and nonlocal write on count; the plugin's highlight links.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local uses = occurrences(lines, "count")
  local function token_at(pos)
    for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, pos[1], pos[2]) or {}) do
      if t.client_id == client.id then
        return t
      end
    end
  end
  local binding, nonlocal_write, read = uses[1], uses[3], uses[#uses]
  local token
  got, token, why = wait_for("a semantic token on the last count", function()
    return token_at(read)
  end, function(t)
    return t ~= nil
  end)
  local function mods(t)
    return t and table.concat(vim.tbl_keys(vim.tbl_filter(function(v)
      return v
    end, t.modifiers or {})), ",") or "none"
  end
  check("semantic token: `return count` in increment is variable.captured",
    got and token.type == "variable" and token.modifiers.captured == true, mods(token), why or vim.inspect(token))
  token = token_at(binding)
  check("semantic token: `count = 0` is a cell", token and token.modifiers.cell == true, mods(token), vim.inspect(token))
  token = token_at(nonlocal_write)
  check("semantic token: `count += 1` is a nonlocal write", token and token.modifiers.nonlocalWrite == true, mods(token),
    vim.inspect(token))
  local inspected = vim.inspect_pos(buf, read[1], read[2])
  local groups = vim.tbl_map(function(t)
    return t.opts.hl_group
  end, inspected.semantic_tokens)
  check("vim.inspect_pos shows @lsp.mod.captured.python", vim.tbl_contains(groups, "@lsp.mod.captured.python"),
    table.concat(groups, " "), vim.inspect(groups))
  local link = vim.api.nvim_get_hl(0, { name = "@lsp.mod.captured" }).link
  check("@lsp.mod.captured links to Special by default", link == "Special", link, tostring(link))
  vim.api.nvim_set_hl(0, "@lsp.mod.cell", { fg = "#ff0000" })
  require("closure_lens").set_highlights()
  check("a user's own definition wins (default = true)",
    vim.api.nvim_get_hl(0, { name = "@lsp.mod.cell" }).fg == 0xff0000, nil,
    vim.inspect(vim.api.nvim_get_hl(0, { name = "@lsp.mod.cell" })))
  vim.cmd.colorscheme("default") -- :hi clear, which keeps default links
  link = vim.api.nvim_get_hl(0, { name = "@lsp.mod.nonlocalWrite" }).link
  check("the links stay after :colorscheme", link == "@markup.strong", link, tostring(link))

  -- 5. References with grr (vim.lsp.buf.references): the quickfix list holds every count.
  vim.fn.setqflist({}, "r")
  vim.api.nvim_win_set_cursor(0, { read[1] + 1, read[2] })
  vim.api.nvim_feedkeys("grr", "mx", false)
  local qf
  got, qf, why = wait_for("the references in the quickfix list", function()
    return vim.fn.getqflist()
  end, function(q)
    return #q > 0
  end)
  local function key(lnum, col)
    return string.format("%d:%d", lnum, col)
  end
  local want = vim.tbl_map(function(p)
    return key(p[1] + 1, p[2] + 1)
  end, uses)
  local have = vim.tbl_map(function(item)
    return key(item.lnum, item.col)
  end, qf or {})
  table.sort(want)
  table.sort(have)
  check("grr lists every occurrence of count, declaration included", got and vim.deep_equal(have, want),
    table.concat(have, " "), why or ("want " .. vim.inspect(want) .. ", have " .. vim.inspect(have)))
  vim.cmd("cclose")

  -- 6. Rename with grn (vim.lsp.buf.rename): prepareRename, then vim.ui.input for the new name.
  local prompt_default
  vim.ui.input = function(opts, on_confirm)
    prompt_default = opts.default
    on_confirm("total")
  end
  vim.api.nvim_win_set_cursor(0, { read[1] + 1, read[2] })
  local before_rename = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  vim.api.nvim_feedkeys("grn", "mx", false)
  local renamed
  got, renamed, why = wait_for("the rename to edit the buffer", function()
    return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  end, function(l)
    return not vim.deep_equal(l, before_rename)
  end)
  check("grn asks for the new name with count as the default", prompt_default == "count", nil, tostring(prompt_default))
  check("grn renames every occurrence of count (and nothing else) to total",
    got and vim.deep_equal(renamed, replace_word(before_rename, "count", "total")),
    string.format("%d occurrences", #uses), why or table.concat(renamed or {}, "\n"))
  vim.cmd("silent write")
  local final = run_python(file)
  check("python3 on the renamed file: the counter still counts", final and vim.deep_equal(final.counter, { 1, 2 }),
    vim.json.encode(final or {}), vim.inspect(final))
  wait_for("diagnostics after the rename", function()
    return vim.diagnostic.get(buf)
  end, function(d)
    return #d == 0
  end)
  check("no closure-lens diagnostics left", #vim.diagnostic.get(buf) == 0, nil, vim.inspect(vim.diagnostic.get(buf)))
end)
