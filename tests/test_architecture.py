"""Apps import one way, like floors of a house: api and devdata, then releases, then people,
then core. The contract is written in pyproject.toml ([tool.importlinter]); this runs it."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_only_from_the_floors_below_them(capsys):
    result = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert result == 0, capsys.readouterr().out
