;;; closure-lens.el --- Eglot setup for the closure-lens language server  -*- lexical-binding: t; -*-

;; Load this file (or copy its forms into your init file).  Needs Eglot: built into Emacs 29+,
;; from GNU ELPA (M-x package-install RET eglot) or Debian's elpa-eglot on Emacs 28.
;; Eglot runs one server per major mode: this replaces other Python servers (pyright, pylsp)
;; in the buffers where it is used.

(require 'eglot)

(defvar closure-lens-program "closure-lens"
  "The closure-lens executable (a name on `exec-path' or an absolute path).")

(defvar closure-lens-settings
  '(:closureLens (:pythonVersion "3.14"
                  :inlayHints (:enable t :passThrough :json-false)
                  :codeLens (:enable t)
                  :diagnostics (:enable t)))
  "Settings sent as initializationOptions and workspace configuration.")

(add-to-list 'eglot-server-programs
             `((python-mode python-ts-mode)
               . (,closure-lens-program "serve" "--stdio"
                  :initializationOptions ,closure-lens-settings)))

;; Answers workspace/configuration and is sent with workspace/didChangeConfiguration
;; (change it, then M-x eglot-signal-didChangeConfiguration: no restart needed).
(setq-default eglot-workspace-configuration closure-lens-settings)

(add-hook 'python-mode-hook #'eglot-ensure)
(when (fboundp 'python-ts-mode)
  (add-hook 'python-ts-mode-hook #'eglot-ensure))

;; Quick fixes and fix-all: M-x eglot-code-actions (the `source.fixAll.closure-lens' action fixes
;; every safe finding); rename: M-x eglot-rename; references: M-? (xref-find-references).

;; Inlay hints (`captures(nonlocal count)'): Eglot 1.10+ / Emacs 29+ only.
(when (fboundp 'eglot-inlay-hints-mode)
  (add-hook 'eglot-managed-mode-hook #'eglot-inlay-hints-mode))

(provide 'closure-lens)
;;; closure-lens.el ends here
