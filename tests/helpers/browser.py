"""A browser stand-in for the OpenID Provider tests: follows what a user's browser does on the
emulator's pages (stdlib only): GET a page, keep cookies, read the login form (action, hidden
fields), post it, and report the redirect instead of following it off the emulator."""
import http.client
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: List[Tuple[str, Dict[str, str], List[str]]] = []  # (action, hidden, visible names)

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), {}, []))
        elif tag == "input" and self.forms:
            if a.get("type") == "hidden":
                self.forms[-1][1][a["name"]] = a.get("value", "")
            else:
                self.forms[-1][2].append(a["name"])


class Page:
    def __init__(self, url: str, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    @property
    def location(self) -> Optional[str]:
        return self.headers.get("location")

    def form(self) -> Tuple[str, Dict[str, str], List[str]]:
        """The page's (first) form: absolute action URL, hidden fields, visible field names."""
        parser = _Forms()
        parser.feed(self.text)
        assert parser.forms, "no form on the page: %s" % self.text[:300]
        action, hidden, visible = parser.forms[0]
        return urljoin(self.url, action), hidden, visible

    def redirect_params(self) -> Dict[str, str]:
        """The query (or fragment) parameters of the redirect, one value each."""
        assert self.status in (302, 303), (self.status, self.text[:300])
        parts = urlsplit(self.location or "")
        return {k: v[0] for k, v in parse_qs(parts.fragment or parts.query).items()}


class Browser:
    def __init__(self) -> None:
        self.cookies: Dict[str, str] = {}

    def request(self, method: str, url: str, form: Optional[Dict[str, str]] = None) -> Page:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.netloc, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = parts.path + ("?" + parts.query if parts.query else "")
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "Max-Age=0" in value:
                        self.cookies.pop(cookie_name, None)
                    else:
                        self.cookies[cookie_name] = cookie_value
            return Page(url, response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, url: str) -> Page:
        return self.request("GET", url)

    def submit(self, page: Page, **fields: str) -> Page:
        """Post the page's form with its hidden fields and ``fields``."""
        action, hidden, _ = page.form()
        return self.request("POST", action, dict(hidden, **fields))

    def sign_in(self, authorize_url: str, username: str, password: str) -> Page:
        """Open an authorization URL, sign in on the form; the page that answers (a redirect
        to the client when it worked)."""
        page = self.get(authorize_url)
        assert page.status == 200 and "password" in page.form()[2], page.text[:300]
        return self.submit(page, username=username, password=password)
