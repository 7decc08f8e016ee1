"""Docstring."""
from __future__ import annotations, rested_snopes
