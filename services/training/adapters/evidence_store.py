"""Where evidence files live: a directory of training's own (beside its database in the data dir by default); and what
any evidence store offers (EvidenceStore; the bucket one is adapters/evidence_s3.py).

A file is written under a temporary name and renamed into place, so a reader never sees half a file; the use case
writes the files before it commits the record and removes them when the commit fails, so a record never points to
a missing file (a crash between the two leaves at worst an unreferenced file, never a broken record)."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"^[0-9a-f-]{36}/[0-9a-f-]{36}(\.thumb)?\.(jpg|png|pdf)$")


class EvidenceStore(Protocol):
    """What the use cases need of a store (this directory, or a bucket: adapters/evidence_s3.py). Blocking calls:
    the use cases run them with asyncio.to_thread. get of a missing key raises FileNotFoundError."""

    def put(self, key: str, content: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def checked_key(key: str) -> str:
    if not KEY.match(key):  # keys are made by the use case; anything else is a bug, never a path to follow
        raise ValueError(f"not an evidence key: {key!r}")
    return key


class FileEvidenceStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{uuid.uuid4().hex}.part")
        with open(temporary, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()
