import pytest
import time_machine
from django.core.management import call_command

from broadsheet.testing.factories import make_publication

# Every import test runs on this day: the scheduled post lies after it.
IMPORT_DAY = "2026-06-01 12:00Z"


@pytest.fixture
def frozen_day():
    with time_machine.travel(IMPORT_DAY, tick=False):
        yield


@pytest.fixture
def publication(frozen_day):
    return make_publication(1, with_images=False)


@pytest.fixture
def run_import(tmp_path, capsys):
    """Call `broadsheet import …`; returns (stdout, report text)."""

    def run(*args):
        report = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.txt"
        call_command("import", *map(str, args), "--report", str(report))
        return capsys.readouterr().out, report.read_text(encoding="utf-8")

    return run
