"""Identifiers encrypted at rest, and keyed hashes that find them by exact value.

A value is sealed with AES-256-GCM (the `cryptography` package) under the
newest key of `FIELD_ENCRYPTION_KEYS` and stored as text, `<key id>$<base64 of
nonce, ciphertext and tag>`. The kind of value (date of birth, phone...) is
the associated data, so a sealed phone number pasted into the date-of-birth
column does not open. Older keys stay listed until `rotate_field_keys` has
sealed everything again under the newest one.

Exact-match lookups (an external ID during an import, a date of birth or a
phone number in the call center) use an HMAC-SHA256 of the normalised value
under `FIELD_LOOKUP_KEY`, again with the kind mixed in, so equal values in
different columns hash apart and a stolen table cannot be hashed by guessing
dates without the key.

Written here on top of `cryptography` rather than taken from a Django field
package: those seal with Fernet (six times slower per value here, which a
million-row import feels), keep no key id (rotation tries every key on every
read) and offer no keyed lookup hash; and the import seals values on its own
path, COPY into a staging table, where no model field runs.

Opening a value never falls back to the stored bytes: a wrong key, an unknown
key id or a damaged value raises `SealError`.

A well-formed key that is not the one the data was sealed with would only show
at the first read of a sealed value. So a fixed text sealed under each key (and
hashed under the lookup key) is stored once, the check values; `wrong_keys`
names every configured key that does not open its own, which start-up and
/healthz refuse (accounts/keycheck.py).
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
CHECK_KIND = "field-key-check"
_CHECK_TEXT = "opens only under the key that sealed it"
LOOKUP_CHECK_ID = "~lookup"  # cannot be a key id, which has no "~"
_NONCE = 12
_SEPARATOR = "$"


class SealError(Exception):
    """A stored value could not be opened. Its message never quotes the value."""


@dataclass(frozen=True)
class Keys:
    current: str  # the id that seals
    ciphers: dict[str, AESGCM]
    lookup: bytes


def parse_keys(spec: str) -> dict[str, bytes]:
    """`FIELD_ENCRYPTION_KEYS`: comma-separated `id:base64 key` pairs, the newest first; 32-byte keys."""
    found: dict[str, bytes] = {}
    for position, item in enumerate(part.strip() for part in spec.split(",") if part.strip()):
        key_id, colon, encoded = item.partition(":")
        if not colon or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position + 1} must read <id>:<base64 key>, "
                "with an id of up to 16 letters, digits, - or _"
            )
        if key_id in found:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: the id {key_id!r} is listed twice")
        found[key_id] = decode_key(f"FIELD_ENCRYPTION_KEYS (key {key_id!r})", encoded)
    if not found:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS lists no key")
    return found


def decode_key(name: str, encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{name} is not base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (44 base64 characters), got {len(key)} bytes")
    return key


def plain_text(value: object) -> str:
    """The text a value is sealed and hashed as: a date in ISO form, nothing as ""."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


@cache
def keys() -> Keys:
    sealing = parse_keys(settings.FIELD_ENCRYPTION_KEYS)
    return Keys(
        current=next(iter(sealing)),
        ciphers={key_id: AESGCM(key) for key_id, key in sealing.items()},
        lookup=decode_key("FIELD_LOOKUP_KEY", settings.FIELD_LOOKUP_KEY),
    )


def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in ("FIELD_ENCRYPTION_KEYS", "FIELD_LOOKUP_KEY"):
        keys.cache_clear()  # _lookup_start is cached by key, so a new lookup key gets its own


setting_changed.connect(_forget_keys)


def seal(value: str, kind: str) -> str:
    """The value sealed under the newest key; "" stays "" (an empty field says nothing)."""
    if value == "":
        return ""
    return _seal_with(keys().current, value, kind)


def open_sealed(stored: str, kind: str) -> str:
    if stored == "":
        return ""
    key_id, separator, encoded = stored.partition(_SEPARATOR)
    if not separator or not _KEY_ID.match(key_id):
        # Perhaps a plain value written around the portal: never quoted, it may be the identifier itself.
        raise SealError(f"a stored {kind} is not in sealed form")
    cipher = keys().ciphers.get(key_id)
    if cipher is None:
        raise SealError(f"a stored {kind} names key {key_id!r}, which FIELD_ENCRYPTION_KEYS does not list")
    try:
        raw = base64.b64decode(encoded, validate=True)
        return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], kind.encode()).decode()
    except (binascii.Error, InvalidTag, ValueError):
        raise SealError(f"a stored {kind} does not open with key {key_id!r}: wrong key or damaged value") from None


def key_id(stored: str) -> str:
    """The id of the key a stored value was sealed with ("" for an empty value)."""
    return stored.partition(_SEPARATOR)[0] if stored else ""


@cache
def _lookup_start(kind: str, key: bytes) -> "hmac.HMAC":
    """An HMAC that has taken the key and the kind: each value's hash continues a copy (a third faster than
    hashing from scratch, which a million-row import notices)."""
    return hmac.new(key, kind.encode() + b"\0", hashlib.sha256)


def lookup(value: str, kind: str) -> str:
    """The keyed hash (HMAC-SHA256 of kind and value) that finds `value` by exact match ("" for ""): 128 bits,
    as 22 characters of URL-safe base64."""
    if value == "":
        return ""
    mac = _lookup_start(kind, keys().lookup).copy()
    mac.update(value.encode())
    return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


def _seal_with(key_id: str, value: str, kind: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = keys().ciphers[key_id].encrypt(nonce, value.encode(), kind.encode())
    return key_id + _SEPARATOR + base64.b64encode(nonce + sealed).decode()


def check_values() -> dict[str, str]:
    """The check values of the configured keys, by key id (the lookup key's under LOOKUP_CHECK_ID)."""
    values = {key_id: _seal_with(key_id, _CHECK_TEXT, CHECK_KIND) for key_id in keys().ciphers}
    values[LOOKUP_CHECK_ID] = lookup(_CHECK_TEXT, CHECK_KIND)
    return values


def _opens(stored: str) -> bool:
    try:
        return hmac.compare_digest(open_sealed(stored, CHECK_KIND), _CHECK_TEXT)
    except SealError:
        return False


def wrong_keys(stored: dict[str, str]) -> list[str]:
    """The configured keys that do not open (or hash to) the check value stored for them, by name; a key
    with nothing stored yet is not judged."""
    wrong = [f"FIELD_ENCRYPTION_KEYS key {key_id!r}" for key_id in keys().ciphers
             if key_id in stored and not _opens(stored[key_id])]  # fmt: skip
    lookup_check = stored.get(LOOKUP_CHECK_ID)
    if lookup_check is not None and not hmac.compare_digest(lookup_check, lookup(_CHECK_TEXT, CHECK_KIND)):
        wrong.append("FIELD_LOOKUP_KEY")
    return wrong
