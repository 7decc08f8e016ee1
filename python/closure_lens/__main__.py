"""``python -m closure_lens ARGS``: runs the ``closure-lens`` executable installed with this package."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

_EXE = "closure-lens" + (sysconfig.get_config_var("EXE") or "")


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def _prefix_of_package(package: Path) -> Path | None:
    """``<prefix>`` when the package sits in ``<prefix>/lib/python3.X/site-packages`` (or
    ``<prefix>/Lib/site-packages`` on Windows): ``pip install --prefix``, ``uv run --with``."""
    site_packages = package.parent
    if site_packages.name != "site-packages":
        return None
    lib = site_packages.parent if os.name == "nt" else site_packages.parent.parent
    return lib.parent if lib.name.lower() == "lib" else None


def _candidate_dirs() -> list[Path]:
    """Where an installer puts the executable, most specific first."""
    package = Path(__file__).resolve().parent
    scripts = "Scripts" if os.name == "nt" else "bin"
    dirs = [
        Path(sysconfig.get_path("scripts")),
        Path(sysconfig.get_path("scripts", vars={"base": sys.base_prefix})),
    ]
    prefix = _prefix_of_package(package)
    if prefix is not None:
        dirs.append(prefix / scripts)
    dirs.append(package.parent / "bin")  # pip install --target DIR: DIR/bin next to the package
    try:
        dirs.append(Path(sysconfig.get_path("scripts", scheme=_user_scheme())))
    except KeyError:
        pass
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def find_closure_lens_bin() -> str:
    """The path of the ``closure-lens`` executable installed with this package."""
    dirs = _candidate_dirs()
    for d in dirs:
        exe = d / _EXE
        if exe.is_file():
            return os.fsdecode(exe)
    searched = "\n".join(f"  - {d}" for d in dirs)
    raise FileNotFoundError(f"closure-lens: the {_EXE} executable is not in any of:\n{searched}")


def main() -> None:
    try:
        exe = find_closure_lens_bin()
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        sys.exit(2)
    if sys.platform == "win32":
        import subprocess

        sys.exit(subprocess.run([exe, *sys.argv[1:]]).returncode)
    os.execv(exe, [exe, *sys.argv[1:]])


if __name__ == "__main__":
    main()
