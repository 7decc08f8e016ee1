"""closure-lens: shows what Python closures capture, exactly as CPython computes it.

The package is the ``closure-lens`` executable; ``python -m closure_lens ARGS`` runs it, and
``closure_lens.__main__.find_closure_lens_bin()`` says where it is.
"""
