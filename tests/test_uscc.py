"""统一社会信用代码 (GB 32100-2015): the check character, normalisation and the vectorised validator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.cleaning.register.uscc import (
    CHARSET,
    WEIGHTS,
    check_character,
    is_valid_uscc,
    make_uscc,
    make_usccs,
    normalise_uscc,
    validate_uscc,
)

# The example code printed in GB 32100-2015 and quoted everywhere since.
STANDARD_EXAMPLE = "91350100M000100Y43"


def test_charset_and_weights_are_the_standards():
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(CHARSET) == 31 and not set("IOSVZ") & set(CHARSET)
    # weights are 3^(i-1) mod 31
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]


def test_check_character_of_the_standard_example_by_hand():
    # 9 1 3 5 0 1 0 0 M(21) 0 0 0 1 0 0 Y(30) 4, weighted:
    # 9*1 + 1*3 + 3*9 + 5*27 + 0 + 1*26 + 0 + 0 + 21*20 + 0 + 0 + 0 + 1*8 + 0 + 0 + 30*30 + 4*28
    total = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112
    assert total == 1640 and total % 31 == 28  # 31 - 28 = 3
    assert check_character("91350100M000100Y4") == "3"
    assert is_valid_uscc(STANDARD_EXAMPLE)


def test_check_character_of_a_constructed_nanchang_code_by_hand():
    # 9 1 3 6 0 1 0 0 M(21) A(10) 3 5 G(16) 3 J(18) K(19) 2 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    products = [9, 3, 27, 162, 0, 26, 0, 0, 420, 290, 75, 65, 128, 72, 180, 570, 56]
    assert sum(products) == 2083 and 2083 % 31 == 6  # 31 - 6 = 25 -> R
    assert CHARSET[25] == "R"
    assert make_uscc("91360100MA35G3JK2") == "91360100MA35G3JK2R"


def test_check_character_maps_31_to_0():
    # find a body whose weighted sum is a multiple of 31: its check character must be '0', not '31'
    body = "00000000000000000"
    assert check_character(body) == "0"
    assert is_valid_uscc(body + "0")


def test_check_character_rejects_bad_bodies():
    with pytest.raises(ValueError):
        check_character("91350100M000100Y")  # 16 characters
    with pytest.raises(ValueError):
        check_character("91350100O000100Y4")  # letter O


def test_validate_statuses_and_normalisation():
    raw = pd.Series([
        STANDARD_EXAMPLE,                    # valid
        " 91350100m000100y43\u3000",         # lower case, spaces, ideographic space -> valid after normalising
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width -> valid
        "9135 0100 M000 100Y 43",            # spaces inside
        None, "", "—", "无",                 # missing
        "91350100M000100Y44",                # wrong check character
        "91350100M000I00Y43",                # I is not allowed
        "91350100M000100Y4",                 # 17 characters
        "9.13501E+17",                       # an all-digit code Excel turned into a float
    ], dtype=object)
    out = validate_uscc(raw)
    assert out["uscc_status"].tolist() == ["valid", "valid", "valid", "valid", "missing", "missing", "missing",
                                           "missing", "bad_check", "bad_charset", "bad_length", "numeric"]
    assert out["uscc"].tolist()[:4] == [STANDARD_EXAMPLE] * 4
    assert out["uscc"].tolist()[4:8] == ["", "", "", ""]
    assert out["uscc_expected"].iloc[8] == "3"  # the first 17 call for 3, not 4
    assert out["uscc_expected"].isna().sum() == 11
    assert out.index.equals(raw.index)


def test_validate_keeps_the_index_and_keys_repeat():
    raw = pd.Series([STANDARD_EXAMPLE, "x", STANDARD_EXAMPLE.lower()], index=[10, 20, 30])
    out = validate_uscc(raw)
    assert out.index.tolist() == [10, 20, 30]
    keys = out["uscc_key"].to_numpy()
    assert keys[0] == keys[2] != 0 and keys[1] == 0


def test_normalise_uscc():
    s = pd.Series(["ab c", "９１Ａ", None])
    assert normalise_uscc(s).tolist() == ["ABC", "91A", ""]


def test_make_usccs_are_valid_distinct_and_reproducible():
    a = make_usccs(np.random.default_rng(7), 500)
    b = make_usccs(np.random.default_rng(7), 500)
    assert list(a) == list(b)
    assert len(set(a)) == 500
    assert all(is_valid_uscc(c) and c.startswith("91360111") for c in a)
    assert (validate_uscc(pd.Series(a))["uscc_status"] == "valid").all()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=CHARSET, min_size=17, max_size=17), st.sampled_from(CHARSET))
def test_vectorised_agrees_with_the_scalar_rule(body, last):
    code = body + last
    status = validate_uscc(pd.Series([code, body + check_character(body)]))["uscc_status"].tolist()
    assert status[1] == "valid"
    assert status[0] == ("valid" if last == check_character(body) else "bad_check")
    assert is_valid_uscc(code) == (status[0] == "valid")


def test_every_single_character_change_is_caught():
    # a one-character error anywhere in the first 17 always changes the check character (31 is prime)
    codes = []
    for pos in range(17):
        for ch in CHARSET:
            if ch != STANDARD_EXAMPLE[pos]:
                codes.append(STANDARD_EXAMPLE[:pos] + ch + STANDARD_EXAMPLE[pos + 1:])
    out = validate_uscc(pd.Series(codes))
    assert len(codes) == 17 * 30
    assert (out["uscc_status"] == "bad_check").all()
