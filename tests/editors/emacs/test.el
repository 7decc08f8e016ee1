;;; test.el --- Batch test of editors/emacs/closure-lens.el with Eglot  -*- lexical-binding: t; -*-
;; emacs --batch -Q -l tests/editors/emacs/test.el   (env CLOSURE_LENS_BIN, CLOSURE_LENS_REPO)
;; Not part of run.sh (Emacs is not installed there); see editors/README.md.

(require 'package)
(package-initialize)
(let ((debian "/usr/share/emacs/site-lisp/elpa"))
  (when (file-directory-p debian)
    (dolist (dir (directory-files debian t "^[a-z]"))
      (add-to-list 'load-path dir))))

(defvar repo (getenv "CLOSURE_LENS_REPO"))
(defvar passed 0)
(defvar failed 0)
(defun check (name ok detail)
  (if ok (setq passed (1+ passed)) (setq failed (1+ failed)))
  (princ (format "%s %s%s\n" (if ok "ok    " "FAIL  ") name (if detail (format ": %s" detail) ""))))

(defun wait-until (seconds pred)
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    value))

(setq closure-lens-program (getenv "CLOSURE_LENS_BIN"))
(load (expand-file-name "editors/emacs/closure-lens.el" repo))
(setq eglot-sync-connect 10)

(find-file (expand-file-name "tests/editors/fixtures/nonlocal_error.py" repo))
;; `eglot-ensure' defers to the next command, which never comes in --batch: connect directly.
(condition-case err
    (apply #'eglot (eglot--guess-contact))
  (error (princ (format "eglot: %S\n" err))))
(let ((server (wait-until 20 (lambda () (eglot-current-server)))))
  (check "eglot connects" server (and server (format "%s" (plist-get (eglot--server-info server) :name))))
  (when server
    (flymake-start)
    (let ((diags (wait-until 20 (lambda () (flymake-diagnostics)))))
      (check "diagnostic: no binding for nonlocal 'zz' found"
             (seq-some (lambda (d) (string-match-p "no binding for nonlocal 'zz' found" (flymake-diagnostic-text d))) diags)
             (mapconcat #'flymake-diagnostic-text diags " | ")))
    (find-file (expand-file-name "tests/editors/fixtures/counter.py" repo))
    (unless (eglot-managed-p) (eglot--maybe-activate-editing-mode))
    (wait-until 5 (lambda () (eglot-managed-p)))
    (goto-char (point-min))
    (forward-line 2)
    (search-forward "increment")
    (backward-char 3)
    (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (plist-get contents :value))))
      (check "hover on increment mentions count" (and text (string-match-p "count" text))
             (and text (replace-regexp-in-string "\n" " " (substring text 0 (min 100 (length text)))))))
    (let* ((hints (jsonrpc-request server :textDocument/inlayHint
                                   (list :textDocument (eglot--TextDocumentIdentifier)
                                         :range (list :start (list :line 0 :character 0)
                                                      :end (list :line 8 :character 0)))))
           (labels (mapconcat (lambda (h)
                                (let ((l (plist-get h :label)))
                                  (if (stringp l) l (mapconcat (lambda (p) (plist-get p :value)) l ""))))
                              hints " | ")))
      (check "inlay hints answered for the Eglot session" (string-match-p "count" labels) labels))))

(princ (format "emacs: %d passed, %d failed\n" passed failed))
(kill-emacs (if (= failed 0) 0 1))
