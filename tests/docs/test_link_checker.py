"""tools/check_site_links.py, which scripts/docs runs on the built site: it reports a link to a
missing page and to a missing anchor, and accepts good ones and external links."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tools" / "check_site_links.py"


def _site(tmp_path: Path, links: str) -> Path:
    (tmp_path / "guides").mkdir()
    (tmp_path / "index.html").write_text(f'<html><body><h1 id="top">x</h1>{links}</body></html>')
    (tmp_path / "guides" / "a.html").write_text(
        '<html><body><dt id="approw.X.list">list</dt><a href="../index.html#top">up</a>'
        '<img src="../missing.png"></body></html>')
    return tmp_path


def _run(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), str(site)], capture_output=True, text=True)


def test_good_links_pass(tmp_path: Path) -> None:
    site = _site(tmp_path, '<a href="guides/a.html#approw.X.list">m</a><a href="https://x.example/">e</a>'
                           '<a href="#top">t</a><a href="guides/">dir</a>')
    (site / "guides" / "a.html").write_text('<dt id="approw.X.list">list</dt>')
    (site / "guides" / "index.html").write_text("<p>x</p>")
    run = _run(site)
    assert run.returncode == 0, run.stdout
    assert "0 broken" in run.stdout


def test_broken_page_and_anchor_fail(tmp_path: Path) -> None:
    site = _site(tmp_path, '<a href="guides/nope.html">p</a><a href="guides/a.html#approw.X.lst">m</a>')
    run = _run(site)
    assert run.returncode == 1
    assert "index.html: guides/nope.html: no such file" in run.stdout
    assert "no id 'approw.X.lst' in a.html" in run.stdout
    assert "guides/a.html: ../missing.png: no such file" in run.stdout
    assert "3 broken" in run.stdout
