-- vim.lsp.config("closure_lens") picks this file up from 'runtimepath' (Neovim 0.11+), so
-- `vim.lsp.enable("closure_lens")` works without setup(), alongside nvim-lspconfig too.
return require("closure_lens").config()
