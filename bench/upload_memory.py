"""Peak memory of checking an upload (a script that prints figures, not a test).

    .venv/bin/python bench/upload_memory.py

The files are built first, into a temporary folder. Then each is checked in a fresh Python process:
import the validator, read the file, note the process's peak resident set size (``VmHWM``), run
``documents.validation.inspect``, note the peak again. The difference is what checking the file cost,
C allocations included (Pillow's and zlib's buffers are invisible to ``tracemalloc``). Cases: the
7700×7700 PNG of issue 11 (230 MB to check before; refused from its header now) and the costliest
images still accepted at the 40-Mpx bound.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from documents.validation import FileRejected, inspect

def peak_mb():  # VmHWM: this process's peak resident set (ru_maxrss would include the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

data = open(sys.argv[2], "rb").read()
before = peak_mb()
started = time.monotonic()
try:
    verdict = "accepted, %s page(s)" % inspect(data).pages
except FileRejected as exc:
    verdict = "refused: %s" % exc.code
print(json.dumps({"before": before, "after": peak_mb(), "seconds": time.monotonic() - started,
                  "verdict": verdict}))
"""


def image(mode: str, size: tuple[int, int], fmt: str, **options: object) -> bytes:
    picture = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(picture)
    for y in range(0, size[1], 40):  # some structure, so that the file is not trivially small
        draw.line([(0, y), (size[0], y)], fill="black", width=2)
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


CASES: dict[str, Callable[[], bytes]] = {
    "png-7700x7700-rgb": lambda: image("RGB", (7700, 7700), "PNG", optimize=True),
    "png-40mpx-rgba": lambda: image("RGBA", (5000, 8000), "PNG"),
    "jpeg-40mpx-rgb": lambda: image("RGB", (5000, 8000), "JPEG", quality=90),
    "jpeg-40mpx-cmyk-progressive": lambda: image("CMYK", (5000, 8000), "JPEG", progressive=True),
    "tiff-40mpx-rgb-deflate": lambda: image("RGB", (5000, 8000), "TIFF", compression="tiff_adobe_deflate"),
}


def main() -> None:
    print(f"{'case':30} {'file':>9} {'RSS before':>11} {'RSS peak':>9} {'cost':>7} {'time':>6}  verdict")
    with tempfile.TemporaryDirectory() as folder:
        for case, build in CASES.items():
            path = Path(folder) / case
            path.write_bytes(build())
            result = json.loads(
                subprocess.run(
                    [sys.executable, "-c", CHILD, str(ROOT), str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            cost = result["after"] - result["before"]
            print(
                f"{case:30} {path.stat().st_size / 1024:>7.0f}KB {result['before']:>9.0f}MB"
                f" {result['after']:>7.0f}MB {cost:>5.0f}MB {result['seconds']:>5.2f}s  {result['verdict']}"
            )


if __name__ == "__main__":
    main()
