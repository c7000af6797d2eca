"""Where the shipped templates and schemas live, installed or in a source checkout."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=None)
def _package_dir(package: str, fallback: str) -> Path:
    try:
        path = Path(str(resources.files(package)))
        if path.is_dir() and any(path.iterdir()):
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / fallback


def templates_dir() -> Path:
    """Folder of the shipped templates (``templates/`` in a checkout)."""
    return _package_dir("skpxl.templates", "templates")


def schemas_dir() -> Path:
    """Folder of the shipped JSON Schemas (``schemas/`` in a checkout)."""
    return _package_dir("skpxl.schemas", "schemas")


def samples_dir() -> Path:
    """Folder of the bundled fictional samples (``samples/`` in a checkout)."""
    return _package_dir("skpxl.samples", "samples")
