#!/usr/bin/env python3
"""Materialises the benchmark's corpora (standard library only).

  corpus.py python DEST   pinned PyPI sdists, each checked against its SHA-256, extracted
                          into DEST/<name> (skipped when DEST is already complete)
  corpus.py smoke DEST    tiny generated kernel-like and Python trees for CI's smoke run
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tarfile
import urllib.parse
import urllib.request
from pathlib import Path

# Eleven real packages, ~450 MiB extracted (~190 MiB of it Python): libraries and
# applications old and new, pydantic 1.x among them so the Pydantic rules find real sites.
PYTHON = [
    ("botocore", "1.44.18", "c78f0a2346b4700d77702530d04c1fed525ef0bb9723218eb8a7cfeae07b6b28"),
    ("Django", "6.1.3", "b5d2d9e35295065d13b1927b3f19a59bd119f737aa6299def14ccca1ae3c8c0d"),
    ("fastapi", "0.165.0", "dd94d4128319c1e1d50535ab023ab698f850a4d2822f0e181747b46f4ff3c0ab"),
    ("networkx", "3.7", "fd77a511bd90f39f3d016351345b52cf5319b813bdca01de3f755d3cca62e96a"),
    ("pandas", "3.1.1", "05fed3e3b7c99b226f160e29d7d6cb7ef39638c758cbfe42b3f24ba34f04b859"),
    ("pydantic", "1.10.21", "64b48e2b609a6c22178a56c408ee1215a7206077ecb8a193e2fda31858b2362a"),
    ("salt", "3008.5", "0259deafd601d783721e5aa8ed10677d8c4d6cc12f5de17499af71590d593315"),
    ("sphinx", "9.2.0", "90470459f3cab15d9dfed146c71cf77694b0445df17b2e0e69059cb9f7fc9ee4"),
    ("SQLAlchemy", "2.1.9", "d700a8b2edfb26282a470333d6bc4a454c4acda4d201a3bea7b72fa76c217d28"),
    ("sympy", "1.14.0", "d3d3fe8df1e5a0b42f0e7bdf50541697dbe7d23746e894990c030e2b05e72517"),
    ("twisted", "26.10.0", "5f0355403e507fc23ceea85e9dbb4bc59335aabde41dd324e8b8cea180dd38de"),
]


def python(dest: Path) -> None:
    marker = dest / ".complete"
    pins = "".join(f"{n}=={v}\n" for n, v, _ in PYTHON)
    if marker.exists() and marker.read_text() == pins:
        return
    if dest.exists():
        shutil.rmtree(dest)
    downloads = dest.parent / "sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    for name, version, sha256 in PYTHON:
        index = f"https://pypi.org/pypi/{name}/json"
        release = json.load(urllib.request.urlopen(index))["releases"][version]
        sdist = next(f for f in release if f["packagetype"] == "sdist")
        target = downloads / sdist["filename"]
        if not target.exists() or digest(target) != sha256:
            print(f"downloading {sdist['filename']}", file=sys.stderr, flush=True)
            # A mirror may answer with relative links.
            urllib.request.urlretrieve(urllib.parse.urljoin(index, sdist["url"]), target)
        if digest(target) != sha256:
            sys.exit(f"corpus: {target.name} does not have the pinned SHA-256")
        out = dest / name.lower()
        out.mkdir(parents=True)
        with tarfile.open(target) as tar:
            for member in tar.getmembers():
                # Drop the sdist's top directory; keep regular files and directories only.
                parts = Path(member.name).parts[1:]
                if not parts or not (member.isfile() or member.isdir()):
                    continue
                member.name = str(Path(*parts))
                tar.extract(member, out, filter="data")
    marker.write_text(pins)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def smoke(dest: Path) -> None:
    """Small trees that exercise every code path of the bench: kernel-like C with exported
    symbols for the scaling rules, Python with sites of the presets' patterns."""
    if dest.exists():
        shutil.rmtree(dest)
    kernel = dest / "kernel" / "kernel"
    kernel.mkdir(parents=True)
    for f in range(12):
        lines = [f"#include <linux/module.h>\n"]
        for s in range(25):
            name = f"smoke_symbol_{f}_{s}"
            lines.append(f"int {name}(void) {{ char b[8]; strcpy(b, \"x\"); return simple_strtoul(b, NULL, 10); }}\n")
            lines.append(f"EXPORT_SYMBOL({name});\n")
            lines.append(f"static int use_{f}_{s}(void) {{ return {name}() + kmalloc(4 * 8, GFP_KERNEL) != 0; }}\n")
        (kernel / f"f{f}.c").write_text("".join(lines))
    python = dest / "python" / "app"
    python.mkdir(parents=True)
    for f in range(8):
        (python / f"m{f}.py").write_text(
            "from pydantic import BaseModel, validator\n"
            "from typing import Optional, List\n"
            "class M(BaseModel):\n"
            "    x: Optional[int]\n"
            "    class Config:\n"
            "        orm_mode = True\n"
            "    @validator('x')\n"
            "    def v(cls, x):\n"
            "        return x\n"
            "m = M.parse_obj({'x': 1}).dict()\n"
            "session.query(M).filter_by(x=1).all()\n"
        )


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("python", "smoke"):
        sys.exit(__doc__)
    {"python": python, "smoke": smoke}[sys.argv[1]](Path(sys.argv[2]))


if __name__ == "__main__":
    main()
