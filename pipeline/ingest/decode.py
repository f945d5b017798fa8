"""Bytes to text: detect the encoding, refuse binary junk, normalise to NFC.

Agency feeds arrive as UTF-8, UTF-8 with BOM, UTF-16 (Windows exports) or
cp1252/latin-1 (older systems). charset-normalizer does the guessing; this module
only adds the checks a news pipeline needs before it trusts a guess.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Share of control characters (other than tab/newline/CR) above which a text is junk.
MAX_CONTROL_SHARE = 0.002


#: Non-ASCII characters that German news text in cp1252 plausibly contains.
_GERMAN_EXTRA = set("äöüÄÖÜßéèêáàâíìóòôúùçñÉÈÁÀÇÑëïÿ„“”‚‘’»«–—…€°§²³½¼¾×·")


def _plausible_cp1252(data: bytes) -> bool:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    odd = sum(1 for ch in text if ord(ch) > 127 and ch not in _GERMAN_EXTRA)
    odd += sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return odd <= len(text) * 0.001


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``: a BOM, else strict UTF-8, else charset-normalizer's guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes) without a UTF-16/32 byte order mark")
    if _plausible_cp1252(data):
        # charset-normalizer cannot tell the single-byte code pages apart on short
        # German text: "Grüße aus Köln: „Die Maßnahmen greifen“" in cp1252 comes back
        # as a Mac code page ("Gr¸þe aus Kˆln"). German feeds that are not UTF-8 are
        # cp1252/latin-1, so take cp1252 whenever it yields plausible German text.
        return "cp1252"
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable bytes: no text encoding fits")
    return best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to NFC text; return ``(text, encoding)``.

    Raises :class:`DecodeError` for binary junk. The text is otherwise kept exactly
    as read (line breaks included) so that offsets into it stay honest.
    """
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise DecodeError(f"cannot decode as {encoding}: {err}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_text(text)
    return unicodedata.normalize("NFC", text), encoding


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise DecodeError("binary content (NUL characters)")
    if not text:
        return
    controls = len(_CONTROL.findall(text))
    if controls / len(text) > MAX_CONTROL_SHARE:
        raise DecodeError(f"binary content ({controls} control characters in {len(text)})")
    if text.count("\ufffd") / len(text) > MAX_CONTROL_SHARE:
        raise DecodeError("undecodable bytes (replacement characters)")
