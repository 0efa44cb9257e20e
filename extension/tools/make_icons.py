#!/usr/bin/env python3
"""Draws the Sealpost icons (a blue shield with a white check mark) as PNGs.

Standard library only (zlib + struct): run `python3 extension/tools/make_icons.py`
after changing the drawing; the PNGs in extension/addon/icons/ are committed.
"""

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "addon" / "icons"
BLUE = (11, 87, 208)
WHITE = (255, 255, 255)
SS = 4  # supersampling per axis


def inside_shield(x, y):
    """The shield in a 24x24 box: a flat top, straight sides, a curved point."""
    if y < 2.0 or y > 22.0:
        return False
    top_w = 8.0  # half-width of the straight sides
    if y <= 5.0:
        # The top edges slope from the peak (12, 2) out to (4, 5) and (20, 5).
        half = 8.0 * (y - 2.0) / 3.0
        return abs(x - 12.0) <= half
    if y <= 11.0:
        return abs(x - 12.0) <= top_w
    # Below y=11 the sides curve in to the point at (12, 22).
    t = (y - 11.0) / 11.0
    half = top_w * (1.0 - t * t) ** 0.5 if t < 1.0 else 0.0
    return abs(x - 12.0) <= half


def dist_to_segment(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def on_check(x, y, width):
    pts = [(8.3, 12.2), (11.0, 14.9), (15.9, 9.4)]
    return any(dist_to_segment(x, y, *pts[i], *pts[i + 1]) <= width / 2 for i in range(2))


def render(size):
    rows = []
    check_w = 2.6 if size <= 16 else 2.2
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(SS):
                for sx in range(SS):
                    x = (px + (sx + 0.5) / SS) * 24.0 / size
                    y = (py + (sy + 0.5) / SS) * 24.0 / size
                    if inside_shield(x, y):
                        c = WHITE if on_check(x, y, check_w) else BLUE
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = SS * SS
            a = acc[3] / n
            if a:
                row += bytes([round(acc[0] / (acc[3] / 255)), round(acc[1] / (acc[3] / 255)), round(acc[2] / (acc[3] / 255)), round(a)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(w, h, raw):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 48, 128):
        (OUT / f"icon-{size}.png").write_bytes(render(size))


if __name__ == "__main__":
    main()
