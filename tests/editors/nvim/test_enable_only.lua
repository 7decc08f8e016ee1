-- The plugin without setup(): `vim.lsp.enable("closure_lens")` picks up lsp/closure_lens.lua from
-- 'runtimepath' (the way nvim-lspconfig 2.x users and plain vim.lsp.config users work).
-- The binary comes from $CLOSURE_LENS_BIN. Prints "nvim (enable only): N passed, N failed".
local t = dofile(assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO") .. "/tests/editors/nvim/harness.lua")
local repo, timeout_ms = t.repo, t.timeout_ms
local function check(name, cond, detail)
  return t.check(name, cond, detail, detail)
end

t.run("nvim (enable only)", function()
  vim.lsp.config("closure_lens", { settings = { closureLens = { pythonVersion = "3.12" } } })
  vim.lsp.enable("closure_lens")
  vim.cmd("edit " .. vim.fn.fnameescape(repo .. "/tests/editors/fixtures/counter.py"))
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(timeout_ms, function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })[1]
    return c ~= nil and c.initialized
  end, 50)
  check("vim.lsp.enable('closure_lens') attaches without setup()", attached,
    not attached and ("timed out after " .. timeout_ms / 1000 .. " s") or nil)
  if not attached then
    return
  end
  local client = vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })[1]
  check("cmd from $CLOSURE_LENS_BIN", client.config.cmd[1] == vim.fn.fnamemodify(vim.env.CLOSURE_LENS_BIN, ":p"), vim.inspect(client.config.cmd))
  check("vim.lsp.config() settings merge over the plugin's", client.settings.closureLens.pythonVersion == "3.12"
    and client.settings.closureLens.inlayHints.enable == true, vim.inspect(client.settings, { newline = " ", indent = "" }))
  local hints = vim.wait(timeout_ms, function()
    return #vim.lsp.inlay_hint.get({ bufnr = buf }) > 0
  end, 50)
  check("inlay hints on (the plugin's on_attach)", hints, not hints and "timed out waiting for inlay hints" or nil)
  local lens
  vim.wait(timeout_ms, function()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if l.command and l.command.title:find("closes over", 1, true) then
        lens = l
      end
    end
    return lens ~= nil
  end, 50)
  check("code lenses refreshed", lens ~= nil, lens and lens.command.title or "timed out waiting for a lens")
  if lens then
    vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
    vim.lsp.codelens.run()
    local filled = vim.wait(timeout_ms, function()
      return #vim.fn.getqflist() > 0
    end, 50)
    check("lens command fills the quickfix list", filled, filled and (#vim.fn.getqflist() .. " item(s)") or "timed out")
  end
end)
