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


_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def last_word(key: str) -> str:
    """The surname in most names: the last word of a search key, after any suffix.

    'grace testparent' -> 'testparent'; 'robert jones jr.' -> 'jones'.
    """
    words = key.split()
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""
