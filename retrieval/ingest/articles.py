"""Turn command-line inputs (files, folders, URLs) into cleaned `Article`s.

Every way an input can be unusable becomes an `ArticleError` with one line a person can act
on, so the caller reports it and goes on with the other inputs. Text files keep `spans` back
to the file's text as read, so quote offsets can be given in the file; HTML goes through
trafilatura (a real extractor) and has no spans.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from retrieval.errors import ArticleError, FetchError
from retrieval.ingest.cleaning import clean_text, is_heading
from retrieval.ingest.fetch import Fetcher
from retrieval.types import Article

__all__ = ["clean_text", "expand_sources", "load_source", "read_text_file"]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
INDEXABLE = TEXT_SUFFIXES | HTML_SUFFIXES
SIDECAR = ".meta.json"
# One article file's size limit: ingest time grows linearly with length, and 1 MB is the
# largest size measured end to end (8.5x the CPU time of 100 KB, peak 906 MB;
# benchmarks/longdocs.py, whose --full run also tries 5 MB). It was 10 MB, which nothing
# measured. A news article is 5-50 KB.
MAX_FILE_BYTES = 1_000_000
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SIDECAR_KEYS = ("title", "source", "url", "published")


def is_url(source: str) -> bool:
    return "://" in source and not Path(source).exists()


def expand_sources(inputs: list[str]) -> list[tuple[str, ArticleError | None]]:
    """Expand inputs into single sources, in order: absolute file paths, folder contents
    (sorted, recursive, indexable suffixes only, sidecars skipped) and http(s) URLs.

    An input that yields nothing carries an error instead, so one bad input never hides
    the others.
    """
    out: list[tuple[str, ArticleError | None]] = []
    for item in inputs:
        if is_url(item):
            scheme = urlsplit(item).scheme.lower()
            if scheme in ("http", "https") and urlsplit(item).hostname:
                out.append((item, None))
            elif scheme in ("http", "https"):
                out.append((item, ArticleError("URL has no host")))
            else:
                out.append(
                    (
                        item,
                        ArticleError(f"unsupported URL scheme {scheme}:// (only http and https)"),
                    )
                )
            continue
        path = Path(item).expanduser()
        if path.is_dir():
            found = _walk(path)
            if found:
                out.extend((str(p), None) for p in found)
            else:
                out.append(
                    (
                        item,
                        ArticleError(
                            "folder has nothing to index (no .txt, .md, .html or .htm files)"
                        ),
                    )
                )
        elif path.is_file():
            out.append((os.path.abspath(path), None))
        elif path.exists():
            out.append((item, ArticleError("not a regular file or folder")))
        else:
            out.append((item, ArticleError("no such file or folder")))
    return out


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    # Symlinked folders are not followed: a link cycle must not hang an index run.
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith(SIDECAR):
                continue
            if Path(name).suffix.lower() in INDEXABLE:
                found.append(Path(os.path.abspath(Path(root) / name)))
    return sorted(found, key=lambda p: p.relative_to(os.path.abspath(folder)).parts)


def load_source(source: str, fetcher: Fetcher) -> Article:
    """Load one file or URL into a cleaned Article; raise ArticleError/FetchError (one line)."""
    if is_url(source):
        return _load_url(source, fetcher)
    return load_file(Path(source))


def load_file(path: Path) -> Article:
    """Load a .txt/.md/.html file (and its sidecar) into a cleaned Article."""
    key = os.path.abspath(path)
    if not path.exists():
        raise ArticleError("no such file")
    if not path.is_file():
        raise ArticleError("not a regular file")
    if path.name.endswith(SIDECAR):
        raise ArticleError("is a metadata sidecar, not an article")
    suffix = path.suffix.lower()
    if suffix and suffix not in INDEXABLE:
        raise ArticleError(f"unsupported file type {suffix} (index .txt, .md, .html or .htm files)")
    meta = read_sidecar(path)
    if suffix in HTML_SUFFIXES:
        data = _read_bytes(path)
        if not data.strip():
            raise ArticleError("file is empty" if not data else "file has only whitespace")
        article = article_from_html(data, source_key=key)
    else:
        raw = read_text_file(path)
        article = article_from_text(raw, source_key=key)
    for name, value in meta.items():
        if value is not None:  # null in a sidecar means unknown, not "erase"
            setattr(article, name, value)
    return article


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ArticleError(
            f"file is {_mb(size)}, larger than the {_mb(MAX_FILE_BYTES)} limit for one article "
            "(split it into smaller files)"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read ({exc.strerror or exc})") from None


def read_text_file(path: Path) -> str:
    """The file's text as Python reads it (UTF-8, universal newlines), checked for sanity."""
    return decode_text(_read_bytes(path))


def decode_text(data: bytes, encoding: str = "utf-8") -> str:
    """Decode strictly; empty or binary data and invalid UTF-8 are errors that say where."""
    if not data.strip():
        raise ArticleError("file is empty" if not data else "file has only whitespace")
    if b"\x00" in data:
        raise ArticleError("binary file (contains NUL bytes), not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise ArticleError("binary file, not text") from None
        line = data.count(b"\n", 0, exc.start) + 1
        raise ArticleError(
            f"not valid {exc.encoding.upper().replace('_', '-')} "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start}, line {line})"
        ) from None
    except LookupError:
        raise ArticleError(f"unknown text encoding {encoding!r}") from None
    if _control_share(text[:65536]) > 0.1:
        raise ArticleError("binary file, not text")
    # The same newline handling as Path.read_text, so offsets match the file as read.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    bad = sum(1 for b in sample if (b < 0x20 and b not in b"\t\n\r\f\b") or b == 0x7F)
    return bad > len(sample) * 0.1 or _high_bytes_invalid(sample) > 0.3


def _high_bytes_invalid(sample: bytes) -> float:
    decoded = sample.decode("utf-8", errors="replace")
    return decoded.count("\ufffd") / max(1, len(decoded))


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f\b") or ch == "\x7f")
    return bad / len(text)


def article_from_text(raw: str, *, source_key: str) -> Article:
    """Clean plain text (or Markdown) into an Article with spans into `raw`."""
    if not raw.strip("\ufeff \t\n\r\f\v"):
        raise ArticleError("no text (only whitespace)")
    text, spans = clean_text(raw)
    if not text:
        raise ArticleError("no article text left after removing page furniture")
    return Article(text=text, source_key=source_key, title=guess_title(text), spans=spans)


def guess_title(text: str) -> str | None:
    """The first line when it reads like a headline (short, not ending like a sentence)."""
    first = text.split("\n", 1)[0].strip()
    rest = text[len(first) :].strip()
    if rest and is_heading(first) and len(first.lstrip("#").split()) >= 2:
        return first.lstrip("#").strip()
    return None


# trafilatura's extraction time grows faster than linearly with the number of elements
# (20k elements take ~2 s here, 120k take minutes), so a page that is small in bytes can
# still stall an ingest. Real article pages hold a few thousand.
MAX_HTML_ELEMENTS = 20_000
_TAG = re.compile(rb"<[A-Za-z]")


def article_from_html(data: bytes | str, *, source_key: str, url: str | None = None) -> Article:
    """Extract the article from HTML with trafilatura, then drop furniture lines."""
    import trafilatura

    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    elements = sum(1 for _ in _TAG.finditer(raw))
    if elements > MAX_HTML_ELEMENTS:
        raise ArticleError(
            f"the HTML has {elements:,} elements, more than the {MAX_HTML_ELEMENTS:,} an "
            "article page holds; save the article text as .txt and index that"
        )

    try:
        doc = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
        )
    except (ValueError, TypeError, RecursionError, MemoryError) as exc:
        raise ArticleError(f"HTML could not be parsed ({type(exc).__name__})") from None
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise ArticleError("no article text found in the HTML")
    text, _ = clean_text(body)
    if not text:
        raise ArticleError("no article text left after removing page furniture")
    return Article(
        text=text,
        source_key=source_key,
        title=_clean(getattr(doc, "title", None)),
        url=url,
        source=_clean(getattr(doc, "sitename", None)) or _clean(getattr(doc, "hostname", None)),
        published=_iso_date(getattr(doc, "date", None)),
        spans=None,
    )


def _load_url(url: str, fetcher: Fetcher) -> Article:
    page = fetcher.fetch(url)
    if page.content_type in HTML_TYPES:
        data: bytes | str = page.body
        if page.charset:
            try:
                data = page.body.decode(page.charset, errors="replace")
            except LookupError:
                data = page.body  # let the extractor read the page's own declaration
        article = article_from_html(data, source_key=url, url=page.final_url)
    else:
        if not page.body.strip():
            raise FetchError("the page is empty")
        raw = decode_text(page.body, page.charset or "utf-8")
        article = article_from_text(raw, source_key=url)
        article.url = page.final_url
        article.source = urlsplit(page.final_url).hostname
    return article


def read_sidecar(path: Path) -> dict[str, str | None]:
    """Metadata from `NAME.meta.json` beside `NAME.ext`; {} when there is none."""
    meta_path = path.with_name(path.stem + SIDECAR)
    if not meta_path.is_file():
        return {}
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        detail = _first_line(exc)
        raise ArticleError(f"broken metadata sidecar {meta_path.name} ({detail})") from None
    if not isinstance(data, dict):
        raise ArticleError(f"broken metadata sidecar {meta_path.name} (expected a JSON object)")
    meta: dict[str, str | None] = {}
    for key in _SIDECAR_KEYS:
        if key not in data:
            continue
        value = data[key]
        if value is not None and not isinstance(value, str):
            raise ArticleError(
                f"broken metadata sidecar {meta_path.name} ({key} must be a string or null)"
            )
        value = _clean(value)
        if key == "published" and value is not None:
            iso = _iso_date(value)
            if iso is None:
                raise ArticleError(
                    f"broken metadata sidecar {meta_path.name} (published {value!r} is not "
                    "a date like 2017-03-02)"
                )
            value = iso
        if key == "url" and value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ArticleError(f"broken metadata sidecar {meta_path.name} (url must be http(s))")
        meta[key] = value
    return meta


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size % 1_000_000 else f"{size // 1_000_000} MB"
