"""Apps import one way, like floors of a house: alerts, api and devdata, then releases, then
people, then core; the configuration knows nothing of the benchmark; and no modules import
each other in a circle. The contracts are written in pyproject.toml ([tool.importlinter]);
this runs them."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_apps_import_one_way_and_no_modules_import_each_other_in_a_circle(capsys):
    result = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert result == 0, capsys.readouterr().out
