"""Reference codes printed on letters and read out by callers over the phone.

12 characters from a 30-symbol alphabet (about 59 bits from `secrets`),
shown in three groups of four. The alphabet leaves out 0/O, 1/I/L and U,
which are misheard or misread.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
GROUP = 4
_NOT_CODE = re.compile(r"[^0-9A-Z]")


_SPACE = len(ALPHABET) ** LENGTH
_FAIR = (2**64 // _SPACE) * _SPACE  # draws at or above this would favour some codes


def _encode(number: int) -> str:
    digits = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def generate() -> str:
    """A new code in stored form (no separators)."""
    return _encode(secrets.randbelow(_SPACE))


def generate_many(count: int) -> list[str]:
    """`count` new codes from one read of the system's random source (for imports of millions)."""
    pool = secrets.token_bytes(8 * count + 64)
    numbers = (int.from_bytes(pool[i : i + 8], "little") for i in range(0, len(pool), 8))
    codes = [_encode(n % _SPACE) for n in numbers if n < _FAIR]
    return codes[:count] if len(codes) >= count else codes + generate_many(count - len(codes))


def normalise(typed: str) -> str:
    """What a person typed or read out, in stored form: case, spaces and dashes ignored."""
    return _NOT_CODE.sub("", typed.upper())


def display(code: str) -> str:
    """Grouped for reading aloud: K7QX-M4TP-9RWD."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
