"""Colours told apart by eye: CIELAB, the CIEDE2000 colour difference, colour-blind vision, a Glasbey-style palette.

A make's colour must differ from every other make's in the same chart. "Differ" is measured as a reader sees it: the
CIEDE2000 difference (ΔE00; about 2 is just noticeable, 10 plainly different) between the colours, as seen with
normal vision and as simulated for the two common colour-vision deficiencies (protanopia and deuteranopia, Machado,
Oliveira and Fernandes 2009, severity 1). :func:`glasbey` picks colours one at a time, each the candidate furthest
from those already picked (Glasbey, Heijden, Toh and Gray 2007), so any set of its colours is as spread as can be.
"""

from __future__ import annotations

import numpy as np

# linear-RGB matrices simulating full protanopia and deuteranopia (Machado et al. 2009, severity 1.0)
CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])  # linear sRGB -> XYZ, D65
_WHITE = _XYZ.sum(axis=1)


def rgb(colour: str) -> np.ndarray:
    """"#rrggbb" -> sRGB in [0, 1]."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"colour(={colour!r}) is not #rrggbb")
    return np.array([int(text[k:k + 2], 16) for k in (0, 2, 4)], dtype=float) / 255


def hex_colour(values: np.ndarray) -> str:
    return "#" + "".join(f"{round(float(v) * 255):02x}" for v in np.clip(values, 0, 1))


def _linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(srgb: np.ndarray, vision: str | None = None) -> np.ndarray:
    """sRGB (..., 3) in [0, 1] -> CIELAB (..., 3), D65; seen with normal vision or, with `vision`, as simulated for
    a colour-vision deficiency (a key of :data:`CVD`)."""
    linear = _linear(np.asarray(srgb, dtype=float))
    if vision is not None:
        linear = np.clip(linear @ CVD[vision].T, 0, 1)
    xyz = linear @ _XYZ.T / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """The CIEDE2000 difference between CIELAB colours (broadcast over the leading axes; Sharma, Wu and Dalal 2005)."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(np.abs(h1p - h2p) > 180, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_mean = np.where(c1p * c2p == 0, h_sum, h_mean)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = (-2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
           * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))))
    return np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dhh / s_h) ** 2 + r_t * (dc / s_c) * (dhh / s_h))


VISIONS = (None, *CVD)  # normal vision, then each simulated deficiency
# the least difference (:func:`separation`) between two makes of one chart: a pair this far apart is told apart side
# by side with each vision (about 2 is just noticeable); 27 makes (the Mille Miglia's) cannot all be much further
MIN_SEPARATION = 7.0


def distances(colours) -> dict[str | None, np.ndarray]:
    """{vision: the (n, n) CIEDE2000 differences between the colours, as that vision sees them}."""
    srgb = np.array([rgb(c) for c in colours])
    out = {}
    for vision in VISIONS:
        seen = lab(srgb, vision)
        out[vision] = ciede2000(seen[:, None, :], seen[None, :, :])
    return out


def separation(a: str, b: str) -> float:
    """The least CIEDE2000 difference between two "#rrggbb" colours over every vision of :data:`VISIONS`."""
    x, y = rgb(a), rgb(b)
    return float(min(ciede2000(lab(x, vision), lab(y, vision)) for vision in VISIONS))


def glasbey(count: int, fixed=(), levels: int = 12, lightness=(25.0, 80.0), cvd_weight: float = 2.0) -> list[str]:
    """`count` colours after the `fixed` ones: each the candidate (an sRGB grid of `levels` steps a channel, CIELAB
    lightness within `lightness`, so a line reads on white) whose least difference to those already chosen is the
    greatest; the difference is the smaller of normal vision's ΔE00 and `cvd_weight` times the least a simulated
    colour-vision deficiency gives (a colour-blind reader still needs them apart, though less far)."""
    steps = np.linspace(0, 1, levels)
    grid = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(-1, 3)
    seen = {vision: lab(grid, vision) for vision in VISIONS}
    keep = (seen[None][:, 0] >= lightness[0]) & (seen[None][:, 0] <= lightness[1])
    grid, seen = grid[keep], {vision: values[keep] for vision, values in seen.items()}
    nearest = np.full(len(grid), np.inf)
    chosen = list(fixed)

    def add(srgb: np.ndarray) -> None:
        normal = ciede2000(seen[None], lab(srgb, None))
        deficient = np.min([ciede2000(seen[v], lab(srgb, v)) for v in CVD], axis=0)
        np.minimum(nearest, np.minimum(normal, cvd_weight * deficient), out=nearest)

    for colour in fixed:
        add(rgb(colour))
    for _ in range(count):
        best = int(np.argmax(nearest))
        chosen.append(hex_colour(grid[best]))
        add(grid[best])
    return chosen[len(fixed):]
