"""Normalisation of names for searching.

Imports run these on every name of files with millions of rows, so plain
ASCII (most names) takes a short path with the same result.
"""

import unicodedata


def clean(value: str) -> str:
    """Unicode-normalised (NFC), trimmed, inner runs of white space folded."""
    if value.isascii():
        return " ".join(value.split())
    return " ".join(unicodedata.normalize("NFC", value).split())


def search_key(value: str) -> str:
    """Accent- and case-free form: 'Muñoz-López ' -> 'munoz-lopez'."""
    cleaned = clean(value)
    if cleaned.isascii():
        return cleaned.lower()
    decomposed = unicodedata.normalize("NFKD", cleaned)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def last_word(key: str) -> str:
    """The last word of a search key ('grace testparent' -> 'testparent'), a surname in most names."""
    return key.rpartition(" ")[2]
