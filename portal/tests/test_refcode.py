import math

from portal.lib import refcode


def test_codes_carry_at_least_40_bits_and_no_ambiguous_characters():
    assert refcode.LENGTH * math.log2(len(refcode.ALPHABET)) >= 40
    assert not set("01OILU") & set(refcode.ALPHABET)
    codes = {refcode.generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(refcode.is_well_formed(code) for code in codes)


def test_display_groups_for_reading_aloud_and_normalise_undoes_it():
    code = "K7QXM4TP9RWD"
    assert refcode.display(code) == "K7QX-M4TP-9RWD"
    assert refcode.normalise(" k7qx-m4tp 9rwd ") == code
