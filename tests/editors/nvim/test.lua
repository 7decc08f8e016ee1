-- Headless Neovim test of editors/nvim against a real closure-lens server.
--   nvim --headless -u NONE -i NONE -l tests/editors/nvim/test.lua
-- Env: CLOSURE_LENS_BIN (server binary, required), CLOSURE_LENS_REPO (repo root),
--      CLOSURE_LENS_TIMEOUT (seconds per wait, default 20).
-- Prints one line per check and a closing "N passed, N failed"; exits 1 on any failure.

local t = dofile(assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO") .. "/tests/editors/nvim/harness.lua")
local repo, bin, timeout_ms, fixtures = t.repo, t.bin, t.timeout_ms, t.fixtures
local check, wait_for = t.check, t.wait_for
local function ok(name, detail)
  check(name, true, detail)
end
local function fail(name, detail)
  check(name, false, nil, detail)
end

t.run("nvim", function()
  vim.lsp.log.set_level(vim.log.levels.WARN)
  check("Neovim is 0.11+", vim.fn.has("nvim-0.11") == 1, tostring(vim.version()), "this is " .. tostring(vim.version()))

  local cl = require("closure_lens")
  cl.setup({ server_path = bin, open_quickfix = false })

  -- counter.py: hints, lenses, hover, lens command → quickfix.
  vim.cmd("edit " .. vim.fn.fnameescape(fixtures .. "/counter.py"))
  local buf = vim.api.nvim_get_current_buf()
  check("filetype is python", vim.bo[buf].filetype == "python", nil, "filetype = " .. vim.bo[buf].filetype)

  local attached, clients, why = wait_for("the closure_lens client to attach to counter.py", function()
    return vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })
  end, function(c)
    return #c > 0 and c[1].initialized
  end)
  if not check("client attaches", attached, nil, (why or "") .. " (is " .. bin .. " a working server?)") then
    return
  end
  local client = clients[1]
  check("root from pyproject.toml", client.root_dir == fixtures, client.root_dir, "root_dir = " .. tostring(client.root_dir))
  local sinfo = client.server_info or {}
  ok("server info", (sinfo.name or "?") .. " " .. (sinfo.version or ""))
  check("inlay hints enabled by setup()", vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), nil, "inlay hints are not enabled")

  local function label_text(hint)
    local label = hint.inlay_hint.label
    if type(label) == "string" then
      return label
    end
    local parts = {}
    for _, p in ipairs(label) do
      parts[#parts + 1] = p.value
    end
    return table.concat(parts)
  end
  local got, hints
  got, hints, why = wait_for("inlay hints on counter.py", function()
    return vim.lsp.inlay_hint.get({ bufnr = buf })
  end, function(h)
    return #h > 0
  end)
  local labels = vim.tbl_map(label_text, hints or {})
  local hint_ok = got and vim.iter(labels):any(function(l)
    return l:find("count", 1, true) ~= nil
  end)
  check("inlay hint label mentions count", hint_ok, table.concat(labels, " | "), why or ("labels: " .. vim.inspect(labels)))

  local lenses
  got, lenses, why = wait_for("code lenses on counter.py", function()
    return vim.lsp.codelens.get(buf)
  end, function(l)
    return #l > 0 and vim.iter(l):any(function(x)
      return x.command ~= nil
    end)
  end)
  local titles, lens_for_count = {}, nil
  for _, l in ipairs(lenses or {}) do
    if l.command then
      titles[#titles + 1] = l.command.title
      if l.command.title:find("count", 1, true) and l.command.command == "closure-lens.showCaptures" then
        -- Prefer the lens on the closure (increment), line 2.
        if not lens_for_count or l.range.start.line == 2 then
          lens_for_count = l
        end
      end
    end
  end
  check("code lens title mentions count", got and lens_for_count ~= nil, table.concat(titles, " | "), why or ("titles: " .. vim.inspect(titles)))

  -- Hover on the nested function's name (line 3, "    def increment():").
  local res = client:request_sync("textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 2, character = 9 },
  }, timeout_ms, buf)
  local hover = ""
  if res and res.result and res.result.contents then
    local c = res.result.contents
    hover = type(c) == "string" and c or c.value or vim.inspect(c)
  end
  check("hover on increment mentions count", hover:find("count", 1, true) ~= nil, hover:gsub("\n", " "):sub(1, 160),
    res == nil and "no hover answer within the timeout" or ("hover: " .. vim.inspect(res.result or res.err)))

  -- Run the lens the way a user does (:lua vim.lsp.codelens.run() on its line) → quickfix list.
  if lens_for_count then
    vim.fn.setqflist({}, "r")
    vim.api.nvim_win_set_cursor(0, { lens_for_count.range.start.line + 1, 0 })
    vim.lsp.codelens.run()
    local qf
    got, qf, why = wait_for("the quickfix list after running the lens", function()
      return vim.fn.getqflist()
    end, function(q)
      return #q > 0
    end)
    local first = (qf or {})[1]
    check("lens command fills the quickfix list", got,
      first and string.format("%d item(s), first %s:%d: %s", #qf, vim.fn.fnamemodify(vim.fn.bufname(first.bufnr), ":t"), first.lnum, vim.trim(first.text)),
      why)
    if got then
      local title = vim.fn.getqflist({ title = 1 }).title
      check("quickfix title is the lens title", title == lens_for_count.command.title, title, "title = " .. title)
      check("quickfix points at the binding of count (line 2)", first.lnum == 2, nil, "first item at line " .. first.lnum)
    end
  else
    fail("lens command fills the quickfix list", "no lens to run")
  end

  -- Settings reach the running server without a restart (workspace/didChangeConfiguration, then
  -- the server's inlayHint/codeLens refresh requests).
  local client_id = client.id
  cl.update_settings({ closureLens = { inlayHints = { enable = false }, codeLens = { enable = false } } })
  got, hints, why = wait_for("the inlay hints to go away after inlayHints.enable = false", function()
    return vim.lsp.inlay_hint.get({ bufnr = buf })
  end, function(h)
    return #h == 0
  end)
  check("update_settings: inlayHints.enable = false hides the hints", got, nil, why)
  vim.lsp.codelens.refresh({ bufnr = buf })
  got, lenses, why = wait_for("the code lenses to go away after codeLens.enable = false", function()
    return vim.lsp.codelens.get(buf)
  end, function(l)
    return #l == 0
  end)
  check("update_settings: codeLens.enable = false hides the lenses", got, nil, why)
  cl.update_settings({ closureLens = { inlayHints = { enable = true }, codeLens = { enable = true } } })
  got, hints, why = wait_for("the inlay hints to come back", function()
    return vim.lsp.inlay_hint.get({ bufnr = buf })
  end, function(h)
    return #h > 0
  end)
  vim.lsp.codelens.refresh({ bufnr = buf })
  local got2
  got2, lenses = wait_for("the code lenses to come back", function()
    return vim.lsp.codelens.get(buf)
  end, function(l)
    return #l > 0
  end)
  check("update_settings: enabling them again brings both back", got and got2, nil, why or "lenses did not come back")
  check("no restart: the same client", vim.lsp.get_client_by_id(client_id) ~= nil and not vim.lsp.get_client_by_id(client_id):is_stopped(), nil, "the client was stopped")

  -- nonlocal_error.py: the diagnostic.
  vim.cmd("edit " .. vim.fn.fnameescape(fixtures .. "/nonlocal_error.py"))
  local ebuf = vim.api.nvim_get_current_buf()
  local diags
  got, diags, why = wait_for("a diagnostic on nonlocal_error.py", function()
    return vim.diagnostic.get(ebuf)
  end, function(d)
    return #d > 0
  end)
  local msgs = vim.tbl_map(function(d)
    return string.format("%d:%d [%s] %s", d.lnum + 1, d.col + 1, d.source or "?", d.message)
  end, diags or {})
  local want = "no binding for nonlocal 'zz' found"
  local diag_ok = got and vim.iter(diags):any(function(d)
    return d.message:find(want, 1, true) ~= nil and d.source == "closure-lens" and d.lnum == 2
  end)
  check("diagnostic: " .. want, diag_ok, table.concat(msgs, " | "), why or ("diagnostics: " .. vim.inspect(msgs)))

  -- The bundled examples (if present): each opens and gets at least one code lens.
  local examples = vim.fn.glob(repo .. "/examples/*.py", false, true)
  for _, file in ipairs(examples) do
    vim.cmd("edit " .. vim.fn.fnameescape(file))
    local b = vim.api.nvim_get_current_buf()
    local g, l, w = wait_for("code lenses on " .. vim.fn.fnamemodify(file, ":t"), function()
      return vim.lsp.codelens.get(b)
    end, function(x)
      return #x > 0
    end)
    local t = vim.tbl_map(function(x)
      return x.command and x.command.title or "?"
    end, l or {})
    check("example " .. vim.fn.fnamemodify(file, ":t") .. " has code lenses", g, table.concat(t, " | "), w)
  end

  -- The help file has valid tags.
  local help_ok, help_err = pcall(function()
    vim.cmd("helptags " .. vim.fn.fnameescape(repo .. "/editors/nvim/doc"))
    vim.cmd("help closure_lens-setup")
    vim.cmd("close")
  end)
  check("help file: :help closure_lens-setup", help_ok, nil, tostring(help_err))

  -- The bundled mistakes (if present): each gets a closure-lens error diagnostic.
  for _, file in ipairs(vim.fn.glob(repo .. "/examples/mistakes/*.py", false, true)) do
    vim.cmd("edit " .. vim.fn.fnameescape(file))
    local b = vim.api.nvim_get_current_buf()
    local g, d, w = wait_for("diagnostics on " .. vim.fn.fnamemodify(file, ":t"), function()
      return vim.diagnostic.get(b, { severity = vim.diagnostic.severity.ERROR })
    end, function(x)
      return #x > 0
    end)
    local m = vim.tbl_map(function(x)
      return string.format("%d: %s", x.lnum + 1, x.message)
    end, d or {})
    check("example mistakes/" .. vim.fn.fnamemodify(file, ":t") .. " has an error diagnostic",
      g and vim.iter(d):all(function(x) return x.source == "closure-lens" end), table.concat(m, " | "), w or vim.inspect(d))
  end

  -- :checkhealth closure_lens reports the binary, its version and Neovim's.
  vim.cmd("silent checkhealth closure_lens")
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  check("checkhealth: Neovim version", health:find("OK Neovim %d+%.%d+") ~= nil, nil, health)
  check("checkhealth: binary", health:find("binary: " .. bin, 1, true) ~= nil, nil, health)
  local version = vim.trim(vim.system({ bin, "--version" }, { text = true }):wait().stdout or "")
  check("checkhealth: version", version ~= "" and health:find("version: " .. version, 1, true) ~= nil, version, health)
end)
