"""The backup archive's manifest: what each part is, its size and SHA-256, the versions that wrote it; and the
check a restore makes before it touches anything. No I/O beyond reading the parts it hashes."""
from __future__ import annotations

import hashlib
import json
import platform
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FORMAT = "sipelkop-backup/1"
MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str | None:
        try:
            return version(package)
        except PackageNotFoundError:
            return None

    return {"sipelkop": of("sipelkop"), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "aiokafka": of("aiokafka"), "sqlalchemy": of("sqlalchemy"), "cryptography": of("cryptography")}


@dataclass
class Manifest:
    root: Path
    doc: dict

    @classmethod
    def new(cls, root: Path, *, topic_prefix: str) -> "Manifest":
        return cls(root, {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "finished_at": None,
                          "topic_prefix": topic_prefix, "versions": versions(), "parts": []})

    def add(self, relative: str, kind: str, **about) -> dict:
        """Record a part already written under the archive's root (a file)."""
        path = self.root / relative
        part = {"path": relative, "kind": kind, "bytes": path.stat().st_size, "sha256": sha256(path), **about}
        self.doc["parts"].append(part)
        return part

    def parts(self, kind: str) -> list[dict]:
        return [p for p in self.doc["parts"] if p["kind"] == kind]

    def write(self) -> None:
        self.doc["finished_at"] = datetime.now(UTC).isoformat()
        self.doc["total_bytes"] = sum(p["bytes"] for p in self.doc["parts"])
        (self.root / MANIFEST).write_text(json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, root: Path) -> "Manifest":
        doc = json.loads((root / MANIFEST).read_text())
        if doc.get("format") != FORMAT:
            raise ValueError(f"bukan arsip cadangan SIPELKOP yang dikenal (format {doc.get('format')!r}, "
                             f"diharapkan {FORMAT})")
        if not doc.get("finished_at"):
            raise ValueError("arsip tidak lengkap: pencadangannya tidak selesai")
        return cls(root, doc)

    def problems(self) -> list[str]:
        """Every part missing, of the wrong size or with another SHA-256 (empty: the archive is whole)."""
        found = []
        for part in self.doc["parts"]:
            path = self.root / part["path"]
            if not path.is_file():
                found.append(f"{part['path']}: tidak ada")
            elif path.stat().st_size != part["bytes"]:
                found.append(f"{part['path']}: ukuran {path.stat().st_size} byte, tercatat {part['bytes']}")
            elif sha256(path) != part["sha256"]:
                found.append(f"{part['path']}: SHA-256 tidak cocok")
        return found
