"""Turning a matplotlib Figure into files, the same for every kind's charts: rendered in memory, then written
atomically, byte-identical for the same replay."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from sim.output import write_file

__all__ = ["render_figure", "save_figure", "write_file"]


def render_figure(fig) -> dict[str, bytes]:
    """`fig` as PNG and SVG bytes, {".png": ..., ".svg": ...}, rendered in memory (nothing is written).

    No dates and a fixed SVG id salt, so that the same replay gives byte-identical files."""
    rendered = {}
    with matplotlib.rc_context({"svg.hashsalt": "race-replay"}):
        for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=suffix[1:], dpi=fig.dpi, metadata=metadata)
            rendered[suffix] = buffer.getvalue()
    return rendered


def save_figure(fig, path_without_suffix) -> list[Path]:
    """Write `fig` as PNG and SVG next to each other (parent folders created); returns the two paths.

    Both are rendered before either is written, and each is written atomically (a killed run leaves
    the old file or the new one, never half of one). Raises OSError naming the file that cannot be written."""
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    return [write_file(base.with_name(base.name + suffix), data) for suffix, data in render_figure(fig).items()]


