--- closure_lens: Neovim client for the closure-lens language server (Neovim 0.11+).
---
---   require("closure_lens").setup({ ... })   -- see :help closure_lens
local M = {}

M.name = "closure_lens"
M.command_show_captures = "closure-lens.showCaptures"

--- Defaults; `setup(opts)` merges `opts` over these.
M.defaults = {
  --- The server command. nil: the binary find_server() finds, with `serve --stdio`.
  cmd = nil,
  --- Path to the closure-lens binary (used when `cmd` is nil). nil: $CLOSURE_LENS_BIN, then the
  --- Python environment ($VIRTUAL_ENV, then .venv from the current directory up), then PATH.
  server_path = nil,
  filetypes = { "python" },
  root_markers = { "pyproject.toml", ".git" },
  --- Server settings, sent as initializationOptions and workspace/didChangeConfiguration.
  settings = {
    closureLens = {
      -- pythonVersion: "3.11" | "3.12" | "3.13" | "3.14"; unset (nil), the server reads
      -- [tool.closure-lens] python-version from the nearest pyproject.toml, else 3.14.
      pythonVersion = nil,
      inlayHints = { enable = true, passThrough = false },
      codeLens = { enable = true },
      diagnostics = { enable = true },
    },
  },
  --- Turn on vim.lsp.inlay_hint for attached buffers.
  inlay_hints = true,
  --- Refresh code lenses on attach and on these events (false: never refresh automatically).
  codelens = true,
  codelens_events = { "BufEnter", "CursorHold", "InsertLeave", "BufWritePost" },
  --- Open the quickfix window after closure-lens.showCaptures filled it.
  open_quickfix = true,
  --- Call vim.lsp.enable() in setup(); false to only define the config.
  enable = true,
  --- Extra fields merged into the vim.lsp.config (on_attach, capabilities, ...).
  lsp = {},
}

M.options = vim.deepcopy(M.defaults)

local windows = vim.fn.has("win32") == 1
local exe_name = windows and "closure-lens.exe" or "closure-lens"
local scripts_dir = windows and "Scripts" or "bin"

--- The `closure-lens` of the Python environment, as ruff's VS Code extension looks in the selected
--- interpreter's: the activated virtual environment ($VIRTUAL_ENV), then the nearest `.venv`
--- folder from `dir` upwards (where `uv` and `python -m venv .venv` put a project's environment).
---@param dir string
---@return string|nil path, string|nil how
function M.find_in_python_environment(dir)
  local envs = {}
  if vim.env.VIRTUAL_ENV and vim.env.VIRTUAL_ENV ~= "" then
    table.insert(envs, { vim.env.VIRTUAL_ENV, "$VIRTUAL_ENV" })
  end
  local venv = vim.fs.find(".venv", { upward = true, path = dir, type = "directory" })[1]
  if venv then
    table.insert(envs, { venv, ".venv" })
  end
  for _, env in ipairs(envs) do
    local candidate = vim.fs.joinpath(env[1], scripts_dir, exe_name)
    if vim.fn.executable(candidate) == 1 then
      return vim.fs.normalize(vim.fn.fnamemodify(candidate, ":p")), env[2]
    end
  end
  return nil, nil
end

--- The binary: opts.server_path, $CLOSURE_LENS_BIN, the Python environment ($VIRTUAL_ENV, then
--- `.venv` from the current directory upwards), then closure-lens on PATH (nil when none).
---@param opts? table
---@param dir? string where to look for `.venv` (default: the current directory)
---@return string|nil path, string how
function M.find_server(opts, dir)
  opts = opts or M.options
  local candidates = {
    { opts.server_path, "server_path" },
    { vim.env.CLOSURE_LENS_BIN, "$CLOSURE_LENS_BIN" },
  }
  for _, c in ipairs(candidates) do
    local p = c[1]
    if p and p ~= "" then
      p = vim.fs.normalize(p)
      if vim.fn.executable(p) == 1 then
        return vim.fn.fnamemodify(p, ":p"), c[2]
      end
      return nil, string.format("%s = %s is not an executable file", c[2], p)
    end
  end
  local in_env, how = M.find_in_python_environment(dir or vim.fn.getcwd())
  if in_env then
    return in_env, how
  end
  local exe = vim.fn.exepath("closure-lens")
  if exe ~= "" then
    return exe, "PATH"
  end
  return nil, "closure-lens was not found in $VIRTUAL_ENV, a .venv or on PATH"
end

M.install_hint = "Install it into the project's environment with `pip install closure-lens` (or `uv tool install "
  .. "closure-lens`, or `cargo install closure-lens`), or pass server_path to require('closure_lens').setup()."

--- The command the client starts.
---@param opts? table
---@return string[]|fun(...)
function M.cmd(opts)
  opts = opts or M.options
  if opts.cmd then
    return opts.cmd
  end
  local bin = M.find_server(opts)
  return { bin or "closure-lens", "serve", "--stdio" }
end

--- Fills the quickfix list with the locations of a `closure-lens.showCaptures` command.
--- Arguments: [uri, position, locations] (the shape of VS Code's editor.action.showReferences).
---@param command lsp.Command
---@param ctx table
function M.show_captures(command, ctx)
  local args = command.arguments or {}
  local locations = args[3] or {}
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  local title = command.title or "closure-lens captures"
  vim.fn.setqflist({}, " ", { title = title, items = items, context = { closure_lens = true } })
  if #items == 0 then
    vim.notify("closure-lens: " .. title .. ": no locations", vim.log.levels.INFO)
    return
  end
  if M.options.open_quickfix then
    vim.cmd("botright copen")
  end
end

--- The vim.lsp.config table for the server (also what lsp/closure_lens.lua returns).
---@param opts? table
---@return vim.lsp.Config
function M.config(opts)
  opts = opts or M.options
  local settings = vim.deepcopy(opts.settings)
  local config = {
    cmd = M.cmd(opts),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    settings = settings,
    init_options = settings,
    commands = { [M.command_show_captures] = M.show_captures },
    on_attach = function(client, bufnr)
      M.on_attach(client, bufnr, opts)
      if opts.lsp and opts.lsp.on_attach then
        opts.lsp.on_attach(client, bufnr)
      end
    end,
  }
  for k, v in pairs(opts.lsp or {}) do
    if k ~= "on_attach" then
      config[k] = v
    end
  end
  return config
end

local group = vim.api.nvim_create_augroup("closure_lens", { clear = true })

--- Default looks of the semantic-token modifiers. Linked with `default = true`, so a colorscheme's
--- or the user's own definition of the group wins. The groups are the language-independent ones
--- (Neovim looks up `@lsp.mod.captured.python`, then falls back to `@lsp.mod.captured`); only this
--- server sends these modifiers. `cell`, `nonlocalWrite`, `global` and `passThrough` link to
--- attribute-only groups (underline, bold, italic), which combine with the colour of the token's
--- type or of `captured`.
M.highlights = {
  ["@lsp.mod.captured"] = "Special",
  ["@lsp.mod.cell"] = "@markup.underline",
  ["@lsp.mod.nonlocalWrite"] = "@markup.strong",
  ["@lsp.mod.global"] = "@markup.italic",
  ["@lsp.mod.passThrough"] = "@markup.italic",
  ["@lsp.mod.classScope"] = "@variable.member",
}

--- Links the semantic-token groups of `M.highlights` unless they are already defined. Default links
--- survive `:colorscheme` (`:hi clear` keeps them), so once is enough.
function M.set_highlights()
  for name, target in pairs(M.highlights) do
    vim.api.nvim_set_hl(0, name, { link = target, default = true })
  end
end

---@param client vim.lsp.Client
---@param bufnr integer
---@param opts table
function M.on_attach(client, bufnr, opts)
  opts = opts or M.options
  M.set_highlights()
  if opts.inlay_hints and client:supports_method("textDocument/inlayHint", bufnr) then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end
  if opts.codelens and client:supports_method("textDocument/codeLens", bufnr) then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
    vim.api.nvim_clear_autocmds({ group = group, buffer = bufnr })
    vim.api.nvim_create_autocmd(opts.codelens_events, {
      group = group,
      buffer = bufnr,
      desc = "closure_lens: refresh code lenses",
      callback = function(ev)
        vim.lsp.codelens.refresh({ bufnr = ev.buf })
      end,
    })
  end
end

--- Sends new settings to running clients (workspace/didChangeConfiguration); no restart needed.
---@param settings table  e.g. { closureLens = { pythonVersion = "3.12" } }
function M.update_settings(settings)
  M.options.settings = vim.tbl_deep_extend("force", M.options.settings, settings)
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    client.settings = vim.tbl_deep_extend("force", client.settings or {}, M.options.settings)
    client:notify("workspace/didChangeConfiguration", { settings = client.settings })
  end
end

--- Defines (and by default enables) the closure_lens LSP config.
---@param opts? table
function M.setup(opts)
  if vim.fn.has("nvim-0.11") ~= 1 then
    vim.notify("closure_lens needs Neovim 0.11 or newer", vim.log.levels.ERROR)
    return
  end
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if not M.options.cmd and not M.find_server(M.options) then
    local _, why = M.find_server(M.options)
    vim.notify("closure_lens: " .. why .. ". " .. M.install_hint, vim.log.levels.WARN)
  end
  vim.lsp.config(M.name, M.config(M.options))
  if M.options.enable then
    vim.lsp.enable(M.name)
  end
  vim.api.nvim_create_user_command("ClosureLensRestart", function()
    for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
      client:stop()
    end
    vim.defer_fn(function()
      vim.lsp.enable(M.name, false)
      vim.lsp.enable(M.name)
    end, 500)
  end, { desc = "Restart the closure-lens language server" })
end

--- For nvim-lspconfig's legacy framework: require("closure_lens").lspconfig() then
--- require("lspconfig").closure_lens.setup({}).
function M.lspconfig(opts)
  local configs = require("lspconfig.configs")
  local config = M.config(vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {}))
  if not configs.closure_lens then
    configs.closure_lens = {
      default_config = {
        cmd = config.cmd,
        filetypes = config.filetypes,
        root_dir = function(fname)
          return vim.fs.root(fname, config.root_markers)
        end,
        settings = config.settings,
        init_options = config.init_options,
        commands = config.commands,
        on_attach = config.on_attach,
      },
      docs = { description = "closure-lens: shows what Python closures capture" },
    }
  end
  return configs.closure_lens
end

return M
