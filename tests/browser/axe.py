"""axe-core in Chromium: the WCAG 2.0, 2.1 and 2.2 A and AA rules over the page as it stands.

axe-core is not a Python package: `npm install --prefix ~/.cache/axe axe-core@4.14.1` (.ci/run
does it), or AXE_JS names another axe.min.js."""

import os
from pathlib import Path

AXE_JS = Path(
    os.environ.get("AXE_JS", "~/.cache/axe/node_modules/axe-core/axe.min.js")
).expanduser()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (rules) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: rules},
        resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
        rule: v.id,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
}"""


def violations(page):
    """What axe finds wrong with the page: [{"rule": "label", "nodes": [selectors]}, ...]."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_RUN, RULES)
