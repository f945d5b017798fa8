"""Render HTML pages in headless Chromium and check that something was drawn.

    python scripts/screenshot.py page.html [more.html ...] [--out-dir shots/]

For each page: a PNG screenshot (1200x1600) next to it or in --out-dir, and a check
that the picture is not blank (more than a few distinct pixel values). Exits 1 if
a page fails, 2 if no Chromium is installed (Debian: apt-get install chromium).
Used by tests/render/test_browser.py and by hand to look at `meldung show` /
`meldung report` output.
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1200,1600"]


def find_browser() -> str | None:
    return next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)


def distinct_pixels(png: bytes) -> int:
    """How many distinct pixel rows a PNG has (a blank page has one)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, channels = 8, b"", 0, 4
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", data[:4])[0]
            channels = {2: 3, 6: 4, 0: 1, 4: 2}.get(data[9], 4)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    return len({raw[i + 1:i + stride] for i in range(0, len(raw), stride)})


def screenshot(page: Path, png: Path, browser: str) -> int:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                        page.resolve().as_uri()], capture_output=True, timeout=120, check=False)
    if not png.exists():
        raise RuntimeError(f"Chromium wrote no screenshot for {page}")
    return distinct_pixels(png.read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args()
    browser = find_browser()
    if browser is None:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    failed = 0
    for page in args.pages:
        out = (args.out_dir or page.parent) / (page.stem + ".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        rows = screenshot(page, out, browser)
        ok = rows > 20
        failed += not ok
        print(f"{'ok' if ok else 'BLANK'} {page} -> {out} ({rows} distinct pixel rows)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
