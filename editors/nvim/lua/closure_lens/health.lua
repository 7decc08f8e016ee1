--- :checkhealth closure_lens
local M = {}

function M.check()
  local health = vim.health
  local cl = require("closure_lens")

  health.start("Neovim")
  local v = vim.version()
  local vs = string.format("%d.%d.%d%s", v.major, v.minor, v.patch, v.prerelease and ("-" .. tostring(v.prerelease)) or "")
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. vs)
  else
    health.error("Neovim " .. vs .. ": closure_lens needs 0.11 or newer (vim.lsp.config / vim.lsp.enable)")
  end

  health.start("closure-lens binary")
  local bin, how
  local opts = cl.options
  if opts.cmd and type(opts.cmd) == "table" then
    bin, how = vim.fn.exepath(opts.cmd[1]), "cmd"
    if bin == "" then
      bin = nil
      how = "cmd[1] = " .. tostring(opts.cmd[1]) .. " is not executable"
    end
  else
    bin, how = cl.find_server(opts)
  end
  if not bin then
    health.error("closure-lens not found: " .. how, { cl.install_hint })
  else
    health.ok(string.format("binary: %s (found via %s)", bin, how))
    local ok, res = pcall(function()
      return vim.system({ bin, "--version" }, { text = true }):wait(5000)
    end)
    if ok and res and res.code == 0 then
      health.ok("version: " .. vim.trim(res.stdout or ""))
    else
      health.error("`" .. bin .. " --version` failed: " .. vim.trim((ok and res and (res.stderr or "")) or tostring(res)))
    end
  end

  health.start("closure_lens client")
  local clients = vim.lsp.get_clients({ name = cl.name })
  if #clients == 0 then
    health.info("no closure_lens client running (open a Python file)")
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    health.ok(string.format("client %d running: %s %s, root %s", client.id, info.name or "?", info.version or "", client.root_dir or "(none)"))
  end
  health.info("settings: " .. vim.inspect(opts.settings, { newline = " ", indent = "" }))
end

return M
