"""The package's version, read from its installed metadata (a source tree never installed says so)."""

from __future__ import annotations

from importlib import metadata

try:
    VERSION = metadata.version("race-replay")
except metadata.PackageNotFoundError:  # a source tree that was never installed
    VERSION = "0+unknown"
