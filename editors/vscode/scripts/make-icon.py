#!/usr/bin/env python3
"""Draws media/icon.png (128x128): a lens over a captured variable. Pure stdlib; run once, commit the PNG."""
import math, struct, zlib, pathlib

N = 128
SS = 4  # supersampling

def shade(x, y):
    # rounded square background
    r = 22
    cx, cy = min(max(x, r), N - r), min(max(y, r), N - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    col = (30, 41, 59)
    # lens ring
    lx, ly, R = 56, 54, 32
    d = math.hypot(x - lx, y - ly)
    # handle
    ux, uy = (1 / math.sqrt(2), 1 / math.sqrt(2))
    t = (x - lx) * ux + (y - ly) * uy
    perp = abs(-(x - lx) * uy + (y - ly) * ux)
    if R + 2 < t < R + 36 and perp < 7:
        return (226, 232, 240)
    if R - 6 <= d <= R + 2:
        return (226, 232, 240)
    if d < R - 6:
        col = (51, 65, 85)
        # captured variable: a yellow cell with a pointer line
        if math.hypot(x - 56, y - 54) < 11:
            return (250, 204, 21)
        if abs(y - 54) < 2.5 and 28 < x < 46:
            return (125, 211, 252)
        if math.hypot(x - 30, y - 54) < 5:
            return (125, 211, 252)
    return col

rows = []
for y in range(N):
    row = bytearray([0])
    for x in range(N):
        acc = [0, 0, 0, 0]
        for sy in range(SS):
            for sx in range(SS):
                c = shade(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)
                if c is not None:
                    acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
        n = SS * SS
        a = acc[3] // n
        if a:
            k = acc[3] / 255
            row += bytes([int(acc[0] / k), int(acc[1] / k), int(acc[2] / k), a])
        else:
            row += bytes(4)
    rows.append(bytes(row))

def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
out = pathlib.Path(__file__).resolve().parent.parent / "media" / "icon.png"
out.write_bytes(png)
print(out, len(png))
