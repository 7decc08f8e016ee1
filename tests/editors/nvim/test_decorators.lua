-- Headless Neovim: the hover on a decorator imported from another module, and go to definition
-- into that module, through Neovim's own LSP client (issue 9).
--   nvim --headless -u NONE -i NONE -l tests/editors/nvim/test_decorators.lua
-- Env: CLOSURE_LENS_BIN (server binary), CLOSURE_LENS_REPO (repo root),
--      CLOSURE_LENS_TIMEOUT (seconds per wait, default 20).
-- Works on tests/workspaces/decorators/ (read only; its pyproject.toml makes it the root). What
-- the hover says about the bound cells is checked against CPython by tests/lsp_decorators.rs;
-- here, that an editor shows it.

local t = dofile(assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO") .. "/tests/editors/nvim/harness.lua")
local repo, bin, timeout_ms = t.repo, t.bin, t.timeout_ms
local check = t.check
local workspace = repo .. "/tests/workspaces/decorators"

local function hover_text(client, buf, line, character)
  local res = client:request_sync("textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = character },
  }, timeout_ms, buf)
  local c = res and res.result and res.result.contents
  if not c then
    return "", vim.inspect(res)
  end
  return type(c) == "string" and c or c.value or vim.inspect(c)
end

t.run("nvim decorators", function()
  vim.lsp.log.set_level(vim.log.levels.WARN)
  require("closure_lens").setup({ server_path = bin, open_quickfix = false })

  vim.cmd("edit " .. vim.fn.fnameescape(workspace .. "/app.py"))
  local buf = vim.api.nvim_get_current_buf()
  local clients
  local attached = vim.wait(timeout_ms, function()
    clients = vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })
    return #clients > 0 and clients[1].initialized
  end, 50)
  if not check("client attaches to app.py", attached, nil, "no closure_lens client (is " .. bin .. " a working server?)") then
    return
  end
  local client = clients[1]
  check("root is the fixture workspace", client.root_dir == workspace, client.root_dir, "root_dir = " .. tostring(client.root_dir))

  -- Line 5 (0-based 4): "@retry(3, delay=0.5)"; the cursor on "delay".
  local line = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1] or ""
  local hover = hover_text(client, buf, 4, (line:find("delay", 1, true) or 1) - 1)
  local wanted = {
    "**`fetch`** becomes function `retry.<locals>.decorator.<locals>.wrapper` (`decos`",
    "binds `times=3`, `delay=0.5`",
    "`fetch` (the original function)",
    "No `functools.wraps`",
  }
  for _, text in ipairs(wanted) do
    check("hover on the imported decorator: " .. text, hover:find(text, 1, true) ~= nil, nil, hover)
  end

  -- Go to definition on "retry" lands in decos.py on "def retry".
  local res = client:request_sync("textDocument/definition", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 4, character = 2 },
  }, timeout_ms, buf)
  local target = res and res.result and res.result[1]
  local uri = target and (target.uri or target.targetUri) or ""
  local start = target and (target.range or target.targetSelectionRange).start or {}
  local decos = vim.fn.readfile(workspace .. "/decos.py")
  local def_line
  for i, l in ipairs(decos) do
    if l:find("^def retry") then
      def_line = i - 1
      break
    end
  end
  check("definition of the imported decorator is in decos.py",
    uri == vim.uri_from_fname(workspace .. "/decos.py") and start.line == def_line,
    uri .. ":" .. tostring(start.line), vim.inspect(res))
end)
