"""Evidence files as they are kept (Pillow): the type read from the first bytes, never from the name; photographs and
scanned images decoded and written anew, so what was in the file besides the pixels (EXIF with the phone's GPS
position, comments, a payload appended after the image) is gone; a thumbnail for the pages. Pure functions."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
# What a file's name may claim for each content type (a scan named .jpeg is a JPEG too).
NAME_SAYS = {"jpg": JPEG, "jpeg": JPEG, "png": PNG, "pdf": PDF}
LONGEST_SIDE = 3000  # px: a phone's 48-megapixel photo is shrunk to what a report and a print need
THUMBNAIL_SIDE = 320


class UnreadableFile(Exception):
    """Not a JPEG, PNG or PDF, or one that cannot be read as what it starts as."""


class TooManyPixels(Exception):
    """A decompression bomb: a small file claiming an enormous picture."""


@dataclass(frozen=True)
class Cleaned:
    content: bytes
    media_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None  # JPEG


def sniff(content: bytes) -> str | None:
    """The type the bytes themselves say."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"%PDF-"):
        return PDF
    return None


def clean(content: bytes) -> Cleaned:
    media_type = sniff(content)
    if media_type is None:
        raise UnreadableFile("bukan JPEG, PNG atau PDF")
    if media_type == PDF:
        # A PDF is kept as it came (a signed scan is evidence as is); it must at least end as a PDF does.
        if b"%%EOF" not in content[-2048:]:
            raise UnreadableFile("PDF tidak utuh")
        return Cleaned(content, PDF)
    return _image(content, media_type)


def _image(content: bytes, media_type: str) -> Cleaned:
    # Pillow refuses images over twice MAX_IMAGE_PIXELS (about 179 million pixels) and warns above it; the warning
    # is raised as an error here, so a small file that would unpack into a huge bitmap never reaches memory.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as opened:
                if opened.format not in ("JPEG", "PNG"):
                    raise UnreadableFile("isi berkas bukan gambar JPEG atau PNG")
                opened.load()
                picture = ImageOps.exif_transpose(opened)  # upright as it was taken, before EXIF is dropped
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise TooManyPixels(str(exc)) from None
        except UnreadableFile:
            raise
        except Exception as exc:  # truncated, corrupt: Pillow says OSError, SyntaxError, ValueError…
            raise UnreadableFile(f"gambar tidak terbaca ({type(exc).__name__})") from None
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    # Only the pixels go on: a new image made from them carries no info (EXIF, XMP, text chunks, ICC) to write.
    mode = "RGB" if media_type == JPEG else ("RGBA" if picture.mode in ("RGBA", "LA", "P", "PA") else "RGB")
    pixels = picture.convert(mode)
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if media_type == JPEG:
        bare.save(out, "JPEG", quality=85, optimize=True)
    else:
        bare.save(out, "PNG", optimize=True)
    return Cleaned(out.getvalue(), media_type, picture.width, picture.height, thumbnail(picture))


def thumbnail(picture: Image.Image) -> bytes:
    small = picture.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    if small.mode in ("RGBA", "LA", "P"):
        backdrop = Image.new("RGB", small.size, "white")
        rgba = small.convert("RGBA")
        backdrop.paste(rgba, mask=rgba.getchannel("A"))
        small = backdrop
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def scaled_for_print(content: bytes, longest: int = 1200) -> bytes:
    """A smaller JPEG of a kept image for the report (twenty full photographs would make a heavy PDF)."""
    with Image.open(io.BytesIO(content)) as opened:
        picture = opened.convert("RGB")
    picture.thumbnail((longest, longest))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()
