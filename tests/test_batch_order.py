"""The order the batch hands notebooks to its workers: longest first, from the last report's own timings."""

import json

from chainplan_lib.publish.run_order import previous_seconds, run_order

NAMES = ["01_targets", "02_growth", "06_progress", "briefing"]
PDF = [False, False, False, True]


def _manifest(folder, seconds: dict[str, tuple[float, float, float]], failed=()):
    folder.mkdir(parents=True, exist_ok=True)
    runs = [{"name": n, "ok": n not in failed, "seconds_execute": e, "seconds_render": r, "seconds_pdf": p}
            for n, (e, r, p) in seconds.items()]
    (folder / "manifest.json").write_text(json.dumps({"notebooks": runs}), encoding="utf-8")


def test_without_a_last_report_the_briefing_goes_first_then_as_listed(tmp_path):
    assert previous_seconds(tmp_path / "2024") == {}
    assert run_order(NAMES, PDF, tmp_path / "2024") == [3, 0, 1, 2]


def test_longest_first_from_the_report_being_replaced(tmp_path):
    _manifest(tmp_path / "2024", {"01_targets": (5.0, 0.8, 0), "02_growth": (6.0, 0.1, 0),
                                  "06_progress": (8.1, 0.1, 0), "briefing": (7.0, 0.9, 2.3)})
    assert previous_seconds(tmp_path / "2024")["briefing"] == 7.0 + 0.9 + 2.3
    assert run_order(NAMES, PDF, tmp_path / "2024") == [3, 2, 1, 0]  # 10.2, 8.2, 6.1, 5.8 s


def test_a_failed_or_new_notebook_counts_as_the_slowest_timed(tmp_path):
    # 06_progress failed last time (its seconds say nothing), 02_growth was not in it: both as slow as the briefing
    _manifest(tmp_path / "2024", {"01_targets": (5.0, 0.8, 0), "06_progress": (1.0, 0, 0), "briefing": (7.0, 0.9, 2.3)},
              failed={"06_progress"})
    # ties: the PDF renderer first, then as listed
    assert run_order(NAMES, PDF, tmp_path / "2024") == [3, 1, 2, 0]


def test_another_years_report_serves_when_this_year_has_none(tmp_path):
    _manifest(tmp_path / "2023", {"01_targets": (9.0, 0, 0), "02_growth": (1.0, 0, 0), "06_progress": (2.0, 0, 0),
                                  "briefing": (3.0, 0, 0)})
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "manifest.json").write_text("{not json", encoding="utf-8")  # unreadable: skipped
    assert run_order(NAMES, PDF, tmp_path / "2024") == [0, 3, 2, 1]
