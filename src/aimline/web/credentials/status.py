"""W3C Bitstring Status List v1.0: one bit per credential, 1 = revoked.

`encodedList` is the GZIP-compressed bitstring, base64url without padding, with the
multibase prefix "u"; at least 131,072 bits (16 KB) so a list does not reveal which
credential a verifier asks about. Bit 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

MIN_BITS = 131_072


def encode(revoked: Iterable[int], *, size: int = MIN_BITS) -> str:
    indexes = list(revoked)
    bits = max(size, ((max(indexes, default=0) // MIN_BITS) + 1) * MIN_BITS)
    raw = bytearray(bits // 8)
    for i in indexes:
        raw[i // 8] |= 0x80 >> (i % 8)
    packed = gzip.compress(bytes(raw), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    """What a verifier does with the list: the bit at `index`."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(raw[index // 8] & (0x80 >> (index % 8)))
