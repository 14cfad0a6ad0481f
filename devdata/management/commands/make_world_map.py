"""Write people/data/world-110m.json, the countries page's map, from Natural Earth's 1:110m
countries as the npm package world-atlas 2 ships them (countries-110m.json, TopoJSON).

Run once, when the data changes; the output is committed:

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python manage.py make_world_map /tmp/package/countries-110m.json

Each country becomes one SVG path in the Equal Earth projection (Šavrič, Patterson and
Jenny, 2018), Antarctica left out, keyed by its ISO 3166-1 alpha-2 code (from the ISO numeric
id, through pycountry); the few shapes without an ISO id keep theirs empty.
"""

import json
import math
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand

OUTPUT = Path(__file__).resolve().parents[3] / "people" / "data" / "world-110m.json"
WIDTH = 1000
NORTH, SOUTH = 84, -57  # latitudes kept: Antarctica and the empty far south are cut off
ANTARCTICA = "010"
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude, latitude):
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology):
    """The arcs as lists of (longitude, latitude): TopoJSON quantizes and delta-encodes them."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def across_the_antimeridian(points):
    """The ring as one or two rings: one that crosses ±180° (Russia's Chukotka, Fiji) is made
    continuous past the edge and drawn again a turn to the other side; the map cuts off both
    overhangs."""
    out, offset = [points[0]], 0
    for (previous, _), (longitude, latitude) in zip(points, points[1:], strict=False):
        if longitude - previous > 180:
            offset -= 360
        elif previous - longitude > 180:
            offset += 360
        out.append((longitude + offset, latitude))
    longitudes = [longitude for longitude, _ in out]
    if max(longitudes) > 180:
        return [out, [(longitude - 360, latitude) for longitude, latitude in out]]
    if min(longitudes) < -180:
        return [out, [(longitude + 360, latitude) for longitude, latitude in out]]
    return [out]


class Command(BaseCommand):
    help = "Write people/data/world-110m.json from world-atlas's countries-110m.json."

    def add_arguments(self, parser):
        parser.add_argument("topojson", type=Path)

    def handle(self, *args, topojson, **options):
        topology = json.loads(topojson.read_text(encoding="utf-8"))
        arcs = decode_arcs(topology)
        scale = WIDTH / (2 * equal_earth(180, 0)[0])
        top, bottom = equal_earth(0, NORTH)[1], equal_earth(0, SOUTH)[1]
        height = round((top - bottom) * scale)

        def project(longitude, latitude):
            x, y = equal_earth(longitude, latitude)
            return round((x * scale + WIDTH / 2) * 10), round((top - y) * scale * 10)

        shapes = []
        for geometry in topology["objects"]["countries"]["geometries"]:
            iso = geometry.get("id")
            if iso == ANTARCTICA or geometry["type"] not in ("Polygon", "MultiPolygon"):
                continue
            polygons = geometry["arcs"]
            if geometry["type"] == "Polygon":
                polygons = [polygons]
            path = []
            for polygon in polygons:
                for indexes in polygon:
                    for points in across_the_antimeridian(ring(arcs, indexes)):
                        path.append(self.svg_ring([project(*p) for p in points]))
            country = pycountry.countries.get(numeric=iso) if iso else None
            shapes.append({"code": country.alpha_2 if country else "", "d": "".join(path)})
        shapes.sort(key=lambda shape: shape["code"])
        data = {
            "source": "Natural Earth 1:110m countries (public domain), via world-atlas 2.0.2",
            "width": WIDTH,
            "height": height,
            "shapes": shapes,
        }
        OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(shapes)} shapes, {OUTPUT.stat().st_size} bytes: {OUTPUT}")

    @staticmethod
    def svg_ring(points):
        """A closed ring in relative coordinates, in tenths of a unit, repeats dropped."""
        out, last = [], None
        for point in points:
            if point == last:
                continue
            if last is None:
                out.append(f"M{point[0] / 10:g} {point[1] / 10:g}")
            else:
                out.append(f"{(point[0] - last[0]) / 10:g} {(point[1] - last[1]) / 10:g}")
            last = point
        return out[0] + "l" + " ".join(out[1:]) + "z"
