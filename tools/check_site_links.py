"""Check every internal link of a built HTML site: each relative ``href``/``src`` must name a
file of the site, and each ``#fragment`` an ``id`` in that file.  External links (with a
scheme) are not fetched.  Exit status 1 and one line per broken link when any is broken.

    python tools/check_site_links.py site/
"""
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Set[str] = set()
        self.links: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif (name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script")):
                self.links.append(value)


def check(site: Path) -> List[str]:
    pages: Dict[Path, _Page] = {}
    for path in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = page
    broken: List[str] = []
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            where = f"{path.relative_to(site.resolve())}: {link}"
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: no id {parts.fragment!r} in {target.name}")
    if not pages:
        broken.append(f"{site}: no HTML pages")
    print(f"check_site_links: {len(pages)} pages, {checked} internal links, {len(broken)} broken")
    return broken


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    broken = check(site)
    for line in broken:
        print("broken link:", line)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
