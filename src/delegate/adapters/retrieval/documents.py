"""Plain text out of uploaded files: text, Markdown, HTML (stdlib parser) and PDF (``pypdf``,
extra ``delegate[kb]``). Anything else is refused by name, before anything is stored."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import PurePosixPath

from delegate.domain.errors import InvalidInput

TEXT_TYPES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_TYPES = {".html", ".htm"}
PDF_TYPES = {".pdf"}
SUPPORTED = "plain text (.txt), Markdown (.md), HTML (.html) or PDF (.pdf)"
_SKIPPED_TAGS = {"script", "style", "head", "noscript", "template"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"}


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag in ("h1", "h2", "h3") and not self._skipping:
            self.parts.append("# ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not UTF-8 text") from exc


def _html(data: bytes) -> str:
    parser = _HtmlText()
    parser.feed(_decoded(data))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InvalidInput(
            "reading PDF files needs the kb extra: pip install 'delegate[kb]'"
        ) from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("the file is not a readable PDF") from exc
    return "\n\n".join(pages)


class FileReader:
    def text_of(self, filename: str, content_type: str | None, data: bytes) -> str:
        """The file's text, by its extension (or, without one, its content type)."""
        suffix = PurePosixPath(filename).suffix.lower()
        kind = (content_type or "").split(";")[0].strip().lower()
        if suffix in TEXT_TYPES or (not suffix and kind in ("text/plain", "text/markdown")):
            text = _decoded(data)
        elif suffix in HTML_TYPES or (not suffix and kind == "text/html"):
            text = _html(data)
        elif suffix in PDF_TYPES or (not suffix and kind == "application/pdf"):
            text = _pdf(data)
        else:
            raise InvalidInput(f"unsupported file type {suffix or kind!r}: upload {SUPPORTED}")
        if "\x00" in text:
            raise InvalidInput("the file is not text")
        return text
