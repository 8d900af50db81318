#!/usr/bin/env python3
"""Draws Sluice's app icons (public/icons/) with the standard library only: PNG written by
hand (zlib + CRC chunks), shapes anti-aliased by supersampling. The design: three water waves
passing under a sluice gate, white on the accent blue. Run from the repository root:
    python3 tools/make-icons.py
It rewrites icon-192.png, icon-512.png (rounded corners, transparent outside),
maskable-512.png and apple-touch-icon.png (full-bleed, content in the safe zone) and icon.svg.
"""
import math
import struct
import zlib

BLUE = (0x25, 0x63, 0xEB)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = "public/icons"


def inside_rounded(x, y, radius):
    """Whether (x, y) in the unit square lies inside a square with corner radius `radius`."""
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def foreground(x, y):
    """Whether (x, y) in the unit square is white: the gate (a bar on two posts) and waves."""
    # Gate: two posts and the lintel across the top.
    if 0.18 <= y <= 0.70 and (0.20 <= x <= 0.28 or 0.72 <= x <= 0.80):
        return True
    if 0.18 <= y <= 0.27 and 0.20 <= x <= 0.80:
        return True
    # The lowered gate leaf, leaving a gap below it.
    if 0.33 <= y <= 0.44 and 0.32 <= x <= 0.68:
        return True
    # Three waves.
    for centre in (0.56, 0.68, 0.80):
        wave = centre + 0.025 * math.sin((x - 0.12) * 2 * math.pi / 0.19)
        if 0.12 <= x <= 0.88 and abs(y - wave) <= 0.028:
            return True
    return False


def draw(size, rounded, scale):
    """RGBA rows of an icon `size` px wide: content shrunk by `scale` around the centre."""
    samples = 4
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            bg = fg = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) / size
                    y = (py + (sy + 0.5) / samples) / size
                    if rounded and not inside_rounded(x, y, 0.22):
                        continue
                    bg += 1
                    if foreground(0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale):
                        fg += 1
            total = samples * samples
            alpha = bg / total
            if bg == 0:
                row += bytes((0, 0, 0, 0))
                continue
            mix = fg / bg
            colour = [round(b + (w - b) * mix) for b, w in zip(BLUE, WHITE)]
            row += bytes(colour + [round(alpha * 255)])
        rows.append(bytes(row))
    return rows


def write_png(path, size, rows):
    """Writes 8-bit RGBA `rows` as a PNG file."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", header))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def wave_path(centre):
    """An SVG path approximating one wave of `foreground` (in a 100-unit box)."""
    points = []
    for i in range(0, 77):
        x = 12 + i
        y = centre + 2.5 * math.sin((x - 12) * 2 * math.pi / 19)
        points.append(f"{x:.1f} {y:.2f}")
    return "M" + " L".join(points)


def write_svg(path):
    """The same design as a scalable icon."""
    waves = "".join(
        f'<path d="{wave_path(c)}" fill="none" stroke="#fff" stroke-width="5.6" stroke-linecap="butt"/>'
        for c in (56, 68, 80)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<rect width="100" height="100" rx="22" fill="#2563eb"/>'
        '<path d="M20 18h60v9h-52v43h-8zM72 27h8v43h-8zM32 33h36v11h-36z" fill="#fff"/>'
        f"{waves}</svg>\n"
    )
    with open(path, "w") as f:
        f.write(svg)


if __name__ == "__main__":
    for name, size, rounded, scale in [
        ("icon-192.png", 192, True, 1.0),
        ("icon-512.png", 512, True, 1.0),
        ("maskable-512.png", 512, False, 0.72),
        ("apple-touch-icon.png", 180, False, 0.86),
    ]:
        write_png(f"{OUT}/{name}", size, draw(size, rounded, scale))
    write_svg(f"{OUT}/icon.svg")
