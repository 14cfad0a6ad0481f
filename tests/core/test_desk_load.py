"""The staff's desk under load, for real: the server as `make run` starts it (runserver,
DEBUG on) with the task worker, on a site of its own (a fresh SQLite file, or a fresh
PostgreSQL database beside the tests'), four staff clients saving releases with inline rows and
officials beside autocomplete requests and a visitor's reads. No save may fail, no request may
answer 5xx, no `database is locked` may reach the logs, no row may be written twice.
`make bench-desk` runs the same with 1,000 saves, and with gunicorn and DEBUG off."""

import os

from django.conf import settings

from bench.desk import desk_round


def test_a_hundred_staff_saves_beside_autocomplete_and_readers_all_succeed():
    engine = settings.DATABASES["default"]["ENGINE"]
    database_url = os.environ["DATABASE_URL"] if engine.endswith("postgresql") else None
    result = desk_round(
        "make run", production=False, saves=100, clients=4, workers=1, database_url=database_url
    )
    report = "\n".join(result.lines())
    assert result.tally.succeeded == 100, report
    assert not result.tally.failures, report
    assert not result.tally.server_errors, report
    assert not result.locked_lines, report
    assert not result.duplicates, report
    assert not result.missing, report
    assert result.tally.requests["autocomplete"] > 100, report
    assert result.tally.requests["public"] > 10, report
