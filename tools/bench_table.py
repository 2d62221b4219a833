"""Render bench/run.py --json output as the Markdown table in README.md.

    python tools/bench_table.py out.json          # prints the table
    python tools/bench_table.py out.json --readme # replaces the table in README.md
"""
import json
import re
import sys
from pathlib import Path

ORDER = ["reference", "requests", "http.client", "libcurl-c", "orjson-answer", "floor", "json",
         "orjson", "rsa", "cryptography", "pyjwt", "sync", "httpx", "aiohttp", "alone"]


def fmt(v):
    if v is None:
        return "–"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def render(data):
    targets = {}
    for t in data.get("targets", []):
        mark = {"PASS": "✅", "MISS": "❌"}.get(t["status"], t["status"])
        value = "n/a" if t["value"] is None else f"{t['value']:.2f}"   # a baseline failed
        targets.setdefault(t["benchmark"], []).append(f"{mark} {t['target']} ({value})")
    rows = ["| benchmark | unit | ours | baselines (median) | targets (measured ratio) |",
            "| --- | --- | ---: | --- | --- |"]
    threads = [b for b in data["benchmarks"] if b["name"].startswith("threads.")]
    for b in data["benchmarks"]:
        if b["name"].startswith("threads."):
            continue
        others = ", ".join(f"{k} {fmt(b['others'][k])}" for k in ORDER if k in b["others"])
        rows.append(f"| `{b['name']}` | {b['unit']} | {fmt(b['ours'])} | {others or '–'} | "
                    f"{'<br>'.join(targets.get(b['name'], [])) or '–'} |")
    if threads:
        ours = " / ".join(fmt(b["ours"]) for b in threads)
        req = " / ".join(fmt(b["others"].get("requests")) for b in threads)
        names = "/".join(b["name"].split(".")[1] for b in threads)
        t = [x for b in threads for x in targets.get(b["name"], [])] + targets.get("threads", [])
        rows.append(f"| `threads.{{{names}}}` | calls/s | {ours} | requests {req} | "
                    f"{'<br>'.join(t) or '–'} |")
    return "\n".join(rows)


def main():
    data = json.load(open(sys.argv[1]))
    table = render(data)
    if "--readme" in sys.argv:
        readme = Path(__file__).resolve().parent.parent / "README.md"
        text = readme.read_text()
        start = text.index("<!-- bench-table -->")
        end = text.index("<!-- /bench-table -->")
        readme.write_text(text[:start] + "<!-- bench-table -->\n" + table + "\n" + text[end:])
    else:
        print(table)


if __name__ == "__main__":
    main()
