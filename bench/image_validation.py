"""Cost of validating one large image upload (files/validation.py): time and peak memory.

Builds a PNG of 9400 x 9400 pixels (~0.3 MB compressed, 88 M pixels) in a temp dir, then
runs `validate_upload` on it in a fresh child process and reports wall time and the
child's peak resident memory. Bounded: one file, one process.

    .venv/bin/python bench/image_validation.py [--side 9400]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import io, json, resource, sys, time
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from arthomed.core.errors import ApplicationError
from files.validation import validate_upload
raw = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    validate_upload(SimpleUploadedFile("big.png", raw, content_type="image/png"))
    outcome = "accepted"
except ApplicationError as exc:
    outcome = f"refused: {exc.code} ({exc.details})"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "seconds": round(seconds, 3), "peak_rss_mb": round(peak / 1024, 1),
                  "rss_before_mb": round(before / 1024, 1)}))
"""


MAKE_PNG = """
import sys
from PIL import Image, ImageDraw
side = int(sys.argv[2])
image = Image.new("RGB", (side, side), "white")
ImageDraw.Draw(image).rectangle((side // 4, side // 4, side // 2, side // 2), fill="black")
image.save(sys.argv[1], "PNG", optimize=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--side", type=int, default=9400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arthomed-image-") as tmp:
        path = Path(tmp) / "big.png"
        # Made and measured in separate processes: Linux carries the peak RSS across exec.
        subprocess.run([sys.executable, "-c", MAKE_PNG, str(path), str(args.side)], check=True)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "arthomed.settings", "SECRET_KEY": "bench-only-" + "x" * 40}
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        report = {"side": args.side, "file_kb": round(path.stat().st_size / 1024), **json.loads(result.stdout)}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
