"""A small browser-like HTTP client for the deployment tests: urllib with a cookie jar, no
redirects followed (the tests read them), and the forms of a page read back as fields."""

from __future__ import annotations

import http.cookiejar
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return str(self.headers.get(name) or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


Fields = list[tuple[str, "str | Upload"]]


class Browser:
    """One person's cookies, sent to whichever server a request names (cookies do not depend
    on the port, so a session begun on one server is sent to the other)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(
        self, url: str, data: bytes | None = None, content_type: str = "", referer: str = ""
    ) -> Response:
        # Only the test's own http://127.0.0.1 servers are opened.
        request = urllib.request.Request(url, data=data, method="POST" if data else "GET")  # noqa: S310
        if content_type:
            request.add_header("Content-Type", content_type)
        if referer:
            request.add_header("Referer", referer)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, fields: Fields) -> Response:
        """POST ``fields`` as multipart/form-data (files and text alike), with the CSRF token."""
        boundary = secrets.token_hex(16)
        parts: list[bytes] = []
        for name, value in fields:
            if isinstance(value, Upload):
                head = (
                    f'Content-Disposition: form-data; name="{name}"; '
                    f'filename="{value.filename}"\r\nContent-Type: {value.content_type}\r\n\r\n'
                )
                parts.append(f"--{boundary}\r\n{head}".encode() + value.content + b"\r\n")
            else:
                head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
                parts.append(f"--{boundary}\r\n{head}{value}\r\n".encode())
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, f"multipart/form-data; boundary={boundary}", referer=url)


@dataclass
class Form:
    action: str
    fields: Fields = field(default_factory=list)

    def set(self, name: str, value: str | Upload) -> None:
        """Replace every value of ``name`` by ``value`` (or add it)."""
        self.fields = [(n, v) for n, v in self.fields if n != name] + [(name, value)]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", "")))
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            form.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value", ""), "selected" in a)
            self._options.append(self._option)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.forms[-1].fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self.forms[-1].fields.extend((self._select, value) for value in chosen)
            self._select = None


def forms(page: str) -> list[Form]:
    """Every form of ``page`` with the values a browser would send as it stands."""
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_with(page: str, field_name: str) -> Form:
    """The form of ``page`` that has a field ``field_name``."""
    for form in forms(page):
        if any(name == field_name for name, _value in form.fields):
            return form
    raise AssertionError(f"no form with a field {field_name!r}")


def join(base: str, url: str) -> str:
    return urllib.parse.urljoin(base, url)
