-- Where the Neovim plugin finds closure-lens: server_path, $CLOSURE_LENS_BIN, the Python
-- environment ($VIRTUAL_ENV, then .venv from the current directory up), then PATH; and setup()
-- starts the one it found. Env: CLOSURE_LENS_REPO, CLOSURE_LENS_BIN (the real server, which the
-- fake installs below run). Prints "nvim (discovery): N passed, N failed".
local t = dofile(assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO") .. "/tests/editors/nvim/harness.lua")
local repo, timeout_ms = t.repo, t.timeout_ms
local real = vim.fn.fnamemodify(t.bin, ":p")
local function check(name, cond, detail)
  return t.check(name, cond, detail, detail)
end

--- An executable `closure-lens` in `dir` that runs the real server.
local function install(dir)
  vim.fn.mkdir(dir, "p")
  local path = dir .. "/closure-lens"
  vim.fn.writefile({ "#!/bin/sh", "exec '" .. real .. "' \"$@\"" }, path)
  vim.fn.setfperm(path, "rwxr-xr-x")
  return path
end

t.run("nvim (discovery)", function()
  local cl = require("closure_lens")
  local tmp = vim.fn.tempname()
  local project = tmp .. "/project"
  local on_path = install(tmp .. "/path-bin")
  local in_venv = install(project .. "/.venv/bin")
  local activated = install(tmp .. "/activated-env/bin")
  vim.fn.mkdir(project .. "/pkg/sub", "p")
  vim.fn.writefile(vim.fn.readfile(repo .. "/tests/editors/fixtures/counter.py"), project .. "/pkg/counter.py")
  vim.env.CLOSURE_LENS_BIN = nil
  vim.env.VIRTUAL_ENV = nil
  vim.env.PATH = tmp .. "/path-bin:" .. vim.env.PATH
  local function found(opts, dir)
    local path, how = cl.find_server(opts or {}, dir)
    return string.format("%s (%s)", tostring(path), how)
  end
  local want = function(path, how) return string.format("%s (%s)", path, how) end

  local got = found({}, project .. "/pkg/sub")
  check(".venv/bin/closure-lens of an enclosing folder comes before PATH", got == want(in_venv, ".venv"), got)
  got = found({}, tmp)
  check("without a .venv, PATH", got == want(on_path, "PATH"), got)
  vim.env.VIRTUAL_ENV = tmp .. "/activated-env"
  got = found({}, project)
  check("the activated $VIRTUAL_ENV comes before .venv", got == want(activated, "$VIRTUAL_ENV"), got)
  vim.env.VIRTUAL_ENV = nil
  got = found({ server_path = on_path }, project)
  check("server_path comes first", got:find("path-bin/closure-lens (server_path)", 1, true) ~= nil, got)
  vim.env.CLOSURE_LENS_BIN = on_path
  got = found({}, project)
  check("$CLOSURE_LENS_BIN before the environment", got:find("($CLOSURE_LENS_BIN)", 1, true) ~= nil, got)
  vim.env.CLOSURE_LENS_BIN = nil

  -- setup() in the project starts the .venv's server, which answers.
  vim.cmd("cd " .. vim.fn.fnameescape(project))
  cl.setup({ open_quickfix = false })
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/pkg/counter.py"))
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(timeout_ms, function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })[1]
    return c ~= nil and c.initialized
  end, 50)
  check("setup() in the project attaches", attached, not attached and "timed out" or nil)
  if attached then
    local client = vim.lsp.get_clients({ bufnr = buf, name = "closure_lens" })[1]
    check("with the .venv's closure-lens", client.config.cmd[1] == in_venv, vim.inspect(client.config.cmd))
    local hints = vim.wait(timeout_ms, function()
      return #vim.lsp.inlay_hint.get({ bufnr = buf }) > 0
    end, 50)
    check("which answers with inlay hints", hints, not hints and "timed out" or nil)
  end
end)
