-- What every headless Neovim test here shares: the environment, a clean editor with the plugin
-- on 'runtimepath', one line per check, polling with a deadline, and the closing summary.
--   local t = dofile(vim.env.CLOSURE_LENS_REPO .. "/tests/editors/nvim/harness.lua")
-- Env: CLOSURE_LENS_REPO (repo root), CLOSURE_LENS_BIN (server binary),
--      CLOSURE_LENS_TIMEOUT (seconds per wait, default 20).

local t = {}
t.repo = assert(vim.env.CLOSURE_LENS_REPO, "set CLOSURE_LENS_REPO")
t.bin = assert(vim.env.CLOSURE_LENS_BIN, "set CLOSURE_LENS_BIN")
t.timeout_ms = tonumber(vim.env.CLOSURE_LENS_TIMEOUT or "20") * 1000
t.fixtures = t.repo .. "/tests/editors/fixtures"
t.passed, t.failed = 0, 0

vim.opt.rtp:prepend(t.repo .. "/editors/nvim")
vim.cmd("filetype on")
vim.opt.swapfile = false
vim.opt.shortmess:append("A")

--- Records one check: `detail_ok` is printed when it holds, `detail_fail` when it does not.
function t.check(name, cond, detail_ok, detail_fail)
  if cond then
    t.passed = t.passed + 1
    io.stdout:write(string.format("ok     %s%s\n", name, detail_ok and (": " .. detail_ok) or ""))
  else
    t.failed = t.failed + 1
    io.stdout:write(string.format("FAIL   %s: %s\n", name, tostring(detail_fail)))
  end
  return cond
end

--- Polls `get` (cheap, no synchronous requests) until `pred(value)` or the deadline; returns
--- ok, value, why.
function t.wait_for(what, get, pred)
  local value
  local done = vim.wait(t.timeout_ms, function()
    value = get()
    return pred(value)
  end, 50)
  if not done then
    return false, value, string.format("timed out after %d s waiting for %s", t.timeout_ms / 1000, what)
  end
  return true, value
end

--- Runs `body`, reports an error in it as a failed check, prints "`label`: N passed, N failed"
--- (with the tail of the LSP log after a failure), stops the clients and exits.
function t.run(label, body)
  local ok_run, err = xpcall(body, debug.traceback)
  if not ok_run then
    t.check("test script", false, nil, err)
  end
  if t.failed > 0 then
    local log = vim.lsp.log.get_filename()
    io.stdout:write("LSP log: " .. log .. "\n")
    local lines = vim.fn.filereadable(log) == 1 and vim.fn.readfile(log) or {}
    for i = math.max(1, #lines - 15), #lines do
      io.stdout:write("  | " .. lines[i] .. "\n")
    end
  end
  io.stdout:write(string.format("%s: %d passed, %d failed\n", label, t.passed, t.failed))
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop(true)
  end
  os.exit(t.failed == 0 and 0 or 1)
end

return t
