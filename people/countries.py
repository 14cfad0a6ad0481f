"""The world's countries from maintained sources, not typed by hand.

Codes come from ISO 3166-1 (pycountry), names in Japanese and English from the Unicode CLDR
(Babel), and sub-regions from the UN M49 standard (people/data/un_m49_subregions.csv). Their
shapes on a world map come from Natural Earth (public domain), drawn once as SVG paths into
people/data/world-110m.json by devdata's `make_world_map` command.
"""

import csv
import functools
import json
from pathlib import Path

import pycountry
from babel import Locale

M49_FILE = Path(__file__).parent / "data" / "un_m49_subregions.csv"
MAP_FILE = Path(__file__).parent / "data" / "world-110m.json"


def m49_subregions():
    with M49_FILE.open(encoding="utf-8") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        next(rows)
        return dict(rows)


def world_countries():
    """Yield dicts of code, name_ja, name_en and region_code for every ISO 3166-1 country."""
    ja, en = Locale("ja").territories, Locale("en").territories
    regions = m49_subregions()
    for country in pycountry.countries:
        code = country.alpha_2
        name_en = en.get(code) or getattr(country, "common_name", None) or country.name
        yield {
            "code": code,
            "name_ja": ja.get(code) or name_en,
            "name_en": name_en,
            "region_code": regions.get(code, ""),
        }


@functools.cache
def world_map():
    """{"width", "height", "shapes": [{"code": ISO alpha-2 or "", "d": SVG path}]}: the
    countries at Natural Earth's 1:110m scale (too small ones, such as Singapore, are absent),
    in the Equal Earth projection. Read once per process."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))
