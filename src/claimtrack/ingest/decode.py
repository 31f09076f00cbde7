"""Decoding: the bytes of one input -> text and the encoding used, or why they are not text.

A byte-order mark decides; else UTF-8; else the encoding the caller passed; else
Latin-1 (recorded as "cp1252" when its 0x80-0x9F punctuation occurs) if the
bytes look like Western text. See the ``claimtrack.ingest`` docstring.
"""

from __future__ import annotations

import codecs
import re

from claimtrack.errors import DecodeError, EmptyInputError

# utf-32 before utf-16: the UTF-32-LE mark begins with the UTF-16-LE one.
BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
# C0 controls that text files do not contain (tab, LF, CR, FF and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b") + b"\x7f"
_CONTROL_RE = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_C1_BYTES = bytes(range(0x80, 0xA0))
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
HAS_TEXT = re.compile(r"[^\s\x00]")


def text_codec(name: str) -> codecs.CodecInfo | None:
    """The codec called ``name`` if it decodes bytes to text ("base64" does not)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info if getattr(info, "_is_text_encoding", True) else None


def decode_input(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """Bytes of one input -> (text, encoding used); EmptyInputError when there is no text."""
    if not data:
        raise EmptyInputError(source, "empty file (0 bytes)")
    text, used = _decode(data, encoding, source)
    if not HAS_TEXT.search(text):  # checked here too: a JSON reader would yield nothing
        raise EmptyInputError(source, "no text, only whitespace")
    return text, used


def _decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """Bytes -> (text, encoding used), or DecodeError saying why they are not text.

    b"\\xff\\xfeh\\x00i\\x00"  -> ("hi", "utf-16-le")     a byte-order mark decides
    b"caf\\xc3\\xa9"         -> ("café", "utf-8")
    b"caf\\xe9"             -> ("café", "latin-1")        unless ``encoding`` is given
    b"PK\\x03\\x04\\x00..."   -> DecodeError "binary file (NUL bytes at offset 4); not text ..."
    """
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return _decode_strict(data, len(bom), codec, source), label
            except DecodeError:
                if encoding is None:
                    raise
                return _decode_strict(data, 0, encoding, source), encoding
    binary = _binary_reason(data)
    utf8_error: UnicodeDecodeError | None = None
    if binary is None:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc
    if encoding is not None:
        return _decode_strict(data, 0, encoding, source), encoding
    if binary is not None:
        raise DecodeError(source, binary)
    assert utf8_error is not None
    return _decode_legacy(data, utf8_error, source)


def _decode_strict(data: bytes, start: int, codec: str, source: str) -> str:
    """``data[start:]`` decoded with ``codec``; DecodeError with the bad byte's offset."""
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise DecodeError(
            source, f"not valid {codec} ({exc.reason} at byte {offset}); pass --encoding"
        ) from None
    except UnicodeError as exc:  # some codecs (idna) raise without a position
        raise DecodeError(source, f"not valid {codec} ({exc}); pass --encoding") from None


def _binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary (a NUL byte, over 2% control bytes), or None."""
    nul = data.find(b"\x00")
    if nul != -1:
        return f"binary file (NUL bytes at offset {nul}); not text{_nul_hint(data)}"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls * 50 > len(data):
        found = _CONTROL_RE.search(data)
        first = found.start() if found else 0
        return (
            f"binary file ({controls} control bytes, first at offset {first}); not text"
            " (if it is text, pass --encoding)"
        )
    return None


def _nul_hint(data: bytes) -> str:
    """A hint for the NUL message: UTF-16 without a byte-order mark, or --encoding."""
    sample = data[:4096]
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls * 10 >= half * 4 and others * 20 < half:
            return f" (UTF-16 without a byte-order mark? pass --encoding {codec})"
    return " (if it is text, pass --encoding)"


def _decode_legacy(data: bytes, utf8_error: UnicodeDecodeError, source: str) -> tuple[str, str]:
    """Non-UTF-8 bytes as Latin-1 / cp1252 when they look like Western text.

    Broken UTF-8 (valid multi-byte sequences plus a bad byte) and mostly-high-byte
    text (Cyrillic, Greek... in a legacy code page) are refused, not turned into mojibake.
    """
    where = f"{utf8_error.reason} at byte {utf8_error.start}"
    if _UTF8_MULTIBYTE.search(data):
        raise DecodeError(source, f"not valid UTF-8 ({where}); pass --encoding")
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    visible = len(data) - sum(data.count(space) for space in (b" ", b"\t", b"\n", b"\r"))
    if high * 10 > visible * 3:
        raise DecodeError(
            source, f"not UTF-8 ({where}) and does not look like Latin-1 text; pass --encoding"
        )
    if len(data.translate(None, _C1_BYTES)) == len(data):
        return data.decode("latin-1"), "latin-1"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
