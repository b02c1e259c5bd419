"""File downloads of training: a Content-Disposition any browser reads whatever the batch code holds (an ASCII
`filename` for old clients, the real name in RFC 5987/6266 `filename*`), so a code with quotes, a semicolon or
non-Latin letters can neither break the header nor inject a parameter."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from fastapi import Response

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(filename: str) -> str:
    """"Laporan “Ṣāliḥ”/2023.pdf" -> "Laporan-Salih-2023.pdf": letters folded, the rest dashes, never empty."""
    stem, dot, suffix = filename.rpartition(".") if "." in filename else (filename, "", "")
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = UNSAFE.sub("-", folded).strip("-.")[:120] or "berkas"
    suffix = UNSAFE.sub("", suffix)[:10]
    return f"{stem}.{suffix}" if dot and suffix else stem


def content_disposition(filename: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(content: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": content_disposition(filename, inline=inline),
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
