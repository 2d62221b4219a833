"""Sphinx extension: ``.. bench-chart::`` renders the README's benchmark table (between
``<!-- bench-table -->`` and ``<!-- /bench-table -->``, written by ``tools/bench_table.py``
from a full ``bench/run.py`` run) as a bar chart (inline SVG, log scale: microseconds per call,
this SDK next to each baseline) followed by the table itself.  The figures are read at build
time, so the page always shows the README's latest run."""
import html
import math
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

from docutils import nodes
from docutils.parsers.rst import Directive

ROOT = Path(__file__).resolve().parents[1]
#: The rows drawn (per-call timings in microseconds) and the baselines shown for them.
CHART_ROWS = ("users.list", "users.detail", "login_by_username", "transport", "jwt.verify",
              "rsa.encrypt")
BASELINES = ("reference", "requests", "http.client", "libcurl-c", "pyjwt", "rsa", "cryptography")
COLOURS = {"ours": "#2a7ae2", "reference": "#b33", "requests": "#d98c1f", "http.client": "#7a5",
           "libcurl-c": "#777", "pyjwt": "#a5a", "rsa": "#c77", "cryptography": "#5aa"}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def read_table(readme: Path) -> List[List[str]]:
    text = readme.read_text(encoding="utf-8")
    m = re.search(r"<!-- bench-table -->\n(.*?)<!-- /bench-table -->", text, re.S)
    if not m:
        raise ValueError(f"{readme}: no <!-- bench-table --> section")
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in m.group(1).strip().splitlines()]
    return [r for r in rows[2:] if len(r) == 5]          # (header and separator dropped)


def series(rows: List[List[str]]) -> List[Tuple[str, List[Tuple[str, float]]]]:
    """``[(benchmark, [(who, microseconds), ...]), ...]`` for the charted rows."""
    out = []
    for name, unit, ours, baselines, _targets in rows:
        name = name.strip("`")
        if name not in CHART_ROWS or unit != "us":
            continue
        bars = [("ours", _number(ours))]
        for part in baselines.split(", "):
            who, _, value = part.strip().rpartition(" ")
            if who in BASELINES:
                bars.append((who, _number(value)))
        out.append((name, bars))
    return out


def svg(data: List[Tuple[str, List[Tuple[str, float]]]]) -> str:
    bar, gap, left, width = 16, 14, 150, 560
    values = [v for _, bars in data for _, v in bars]
    lo, hi = math.log10(min(values) / 2), math.log10(max(values) * 2)
    scale = lambda v: (math.log10(v) - lo) / (hi - lo) * width  # noqa: E731
    y, parts = 10, []
    for name, bars in data:
        parts.append(f'<text x="0" y="{y + 12}" font-weight="bold">{html.escape(name)}</text>')
        for who, value in bars:
            w = max(2.0, scale(value))
            parts.append(f'<text x="{left - 8}" y="{y + 12}" text-anchor="end">{html.escape(who)}</text>'
                         f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 3}" '
                         f'fill="{COLOURS.get(who, "#999")}"><title>{html.escape(who)}: {value:,} us</title></rect>'
                         f'<text x="{left + w + 6:.1f}" y="{y + 11}">{value:,} us</text>')
            y += bar
        y += gap
    return (f'<svg class="bench-chart" role="img" aria-label="microseconds per call, log scale" '
            f'xmlns="http://www.w3.org/2000/svg" width="{left + width + 110}" height="{y}" '
            f'font-family="sans-serif" font-size="12" fill="currentColor">{"".join(parts)}</svg>')


def table(rows: List[List[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("benchmark", "unit", "ours", "baselines (median)",
                                              "targets (measured ratio)"))
    body = ""
    for row in rows:
        cells = [html.escape(c.strip("`")).replace("&lt;br&gt;", "<br>")
                 .replace("\u2705", "met:").replace("\u274c", "<b>missed:</b>") for c in row]
        body += "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    return f'<table class="docutils bench-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class BenchChart(Directive):
    has_content = False

    def run(self) -> List[Any]:
        readme = ROOT / "README.md"
        self.state.document.settings.record_dependencies.add(str(readme))
        rows = read_table(readme)
        return [nodes.raw("", svg(series(rows)) + table(rows), format="html")]


def setup(app: Any) -> Dict[str, Any]:
    app.add_directive("bench-chart", BenchChart)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
