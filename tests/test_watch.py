"""Watch mode calls back when, and only when, a data file changes."""

from __future__ import annotations

import threading
import time

from ics_evidence.assemble import pipeline


def test_watch_rebuilds_when_a_data_file_changes(tmp_path):
    (tmp_path / "systems.csv").write_text("system_id\na\n", encoding="utf-8")
    calls = []

    def edit_later():
        time.sleep(0.3)
        (tmp_path / "systems.csv").write_text("system_id\na\nb\n", encoding="utf-8")

    threading.Thread(target=edit_later).start()
    pipeline.watch(lambda: calls.append(time.monotonic()) or 0, tmp_path, interval=0.1, rounds=10)
    assert len(calls) == 1


def test_watch_is_quiet_when_nothing_changes(tmp_path):
    (tmp_path / "systems.csv").write_text("system_id\na\n", encoding="utf-8")
    calls = []
    pipeline.watch(lambda: calls.append(1) or 0, tmp_path, interval=0.05, rounds=5)
    assert calls == []
