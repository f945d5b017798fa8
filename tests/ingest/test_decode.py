"""Decoding bytes of unknown encoding; refusing binary junk."""

import random

import pytest

from pipeline.ingest.decode import DecodeError, decode

TEXT = "Grüße aus Köln: „Die Maßnahmen greifen“, sagte der Bürgermeister."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252", "latin-1"])
def test_decode_german_text_in_common_encodings(encoding):
    if encoding == "latin-1":
        data = TEXT.replace("„", '"').replace("“", '"').encode("latin-1")
        assert decode(data)[0] == TEXT.replace("„", '"').replace("“", '"')
    else:
        data = TEXT.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        assert decode(data)[0] == TEXT


def test_decode_normalises_to_nfc():
    decomposed = "Ko\u0308ln"  # o + combining diaeresis
    assert decode(decomposed.encode("utf-8"))[0] == "Köln"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decode_refuses_random_bytes(seed):
    rng = random.Random(seed)
    with pytest.raises(DecodeError):
        decode(bytes(rng.randrange(256) for _ in range(3000)))


def test_decode_refuses_control_characters():
    with pytest.raises(DecodeError):
        decode(b"Text \x01\x02\x03\x04 mit \x05\x06 Steuerzeichen" * 5)
