"""Formula neutralisation for spreadsheet outputs and escaping for pages (hand-written cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from chainplan_lib.files.cellsafety import is_formula_like, neutralise, neutralise_frame
from chainplan_lib.present.escape import html_text, md_text


@pytest.mark.parametrize("text, expected", [
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("＝HYPERLINK(1)", "'＝HYPERLINK(1)"),       # full-width: '=' once normalised (NFKC)
    ("  =1+1", "'  =1+1"),                       # leading spaces do not hide it
    ("\t=1", "'\t=1"), ("\rabc", "'\rabc"),
    ("-12.5", "-12.5"), ("+3", "+3"), ("-", "-"), ("--", "--"),   # numbers and dash placeholders stay
    ("江西豪驰实业有限公司", "江西豪驰实业有限公司"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected
    assert is_formula_like(text) == (expected != text)


def test_neutralise_frame_keeps_numbers_numeric():
    df = pd.DataFrame({"name": ["=1+1", "ok", None], "value": [-1.5, 2.0, 3.0], "flag": [True, False, True],
                       "area": pd.Categorical(["@x", "罗家镇", "@x"])})
    out = neutralise_frame(df)
    assert out["name"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["name"].iloc[2])
    assert out["value"].tolist() == [-1.5, 2.0, 3.0] and out["value"].dtype == float
    assert out["flag"].dtype == bool
    assert out["area"].tolist() == ["'@x", "罗家镇", "'@x"]
    assert df["name"].iloc[0] == "=1+1", "the input frame is not modified"


def test_html_text_escapes_markup():
    assert html_text('x <svg onload=alert(1)>.csv') == "x &lt;svg onload=alert(1)&gt;.csv"
    assert html_text("a\"b'c&") == "a&quot;b&#x27;c&amp;"
    assert html_text(None) == ""


def test_md_text_renders_as_plain_text():
    import mistune  # what nbconvert uses to render Markdown

    for hostile in ['x <svg onload=alert(1)>.csv', '<link rel=attachment href=..%2F..%2Fetc%2Fhostname>',
                    "[click](javascript:alert(1))", "*bold* _it_ `code` # h", "a\nb"]:
        rendered = mistune.html(md_text(hostile))
        assert "<svg" not in rendered and "<link" not in rendered and "<a " not in rendered
        assert "<em>" not in rendered and "<strong>" not in rendered and "<code>" not in rendered
        assert "<h1>" not in rendered
    assert "x &lt;svg" in mistune.html(md_text("x <svg>"))
