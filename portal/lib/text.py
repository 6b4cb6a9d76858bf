"""Normalisation of names for searching."""

import unicodedata


def clean(value: str) -> str:
    """Unicode-normalised (NFC), trimmed, inner runs of white space folded."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def search_key(value: str) -> str:
    """Accent- and case-free form: 'Muñoz-López ' -> 'munoz-lopez'."""
    decomposed = unicodedata.normalize("NFKD", clean(value))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
