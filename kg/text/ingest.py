"""Bytes → :class:`kg.core.records.Source`: find input files, sniff their format, decode, extract text.

Format is decided by content (magic bytes, markup), the extension only breaks ties (``.md``).
Encodings: BOMs first, then strict UTF-8, BOM-less UTF-16, then GB18030 vs Big5 by which
decoding reads as common Chinese, then charset-normalizer for anything else.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from kg.core.chars import HAN_CHAR, converter
from kg.core.errors import EncodingError, FormatError, InputError, OverBudgetError
from kg.core.records import Source

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"})

_HINT_CONVERT = "convert it to .txt, .html, .docx or a PDF with a text layer"


# --------------------------------------------------------------------------- discovery


def discover(inputs: Iterable[str | Path]) -> list[Path]:
    """Supported files under ``inputs`` (files or folders, recursive), sorted and unique.

    Hidden files and folders (``.name``) are skipped inside folders; symlinked folders are
    followed once (a loop cannot recur). A file named explicitly is kept whatever its extension,
    so an unsupported one is reported by :func:`read_source` instead of vanishing silently.
    """
    found: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if not p.exists():
            raise InputError("no such file or folder", path=str(p),
                             hint="check the path (globs are expanded by the shell)")
        if p.is_dir():
            found.update(_walk(p))
        else:
            found.add(p)
    return sorted(found, key=lambda x: str(x))


def _walk(root: Path) -> Iterable[Path]:
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:  # a symlink loop or a second link to the same folder
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if _is_supported_file(path):
                yield path


def _is_supported_file(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return True
    if suffix:  # some other extension (.png, .zip, .py ...)
        return False
    try:  # extension-less: sniff the first bytes
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return _sniff(head) is not None


# --------------------------------------------------------------------------- reading


MAX_BYTES = 32 * 2**20  # a report is kilobytes; tens of megabytes is a dump to split first
# what a .docx's parts may expand to: its text is kilobytes, so more is a zip bomb (checked while
# inflating, not from the sizes the archive declares, which a bomb can fake)
MAX_EXPANDED_BYTES = 64 * 2**20


def read_source(path: str | Path, max_bytes: int = MAX_BYTES, max_chars: int = 0) -> Source:
    """Read one input file into a :class:`Source` (original text, decoded/extracted); a text of
    more than ``max_chars`` characters (0: any) is refused before anyone spends time on it."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.0f} MiB limit",
                             path=str(p), hint="split it into reports, or raise the limit with --max-file-mb")
        raw = p.read_bytes()
    except IsADirectoryError as e:
        raise InputError("is a folder, not a file", path=str(p),
                         hint="pass folders to discover()/kg build") from e
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}", path=str(p),
                         hint="check that it exists and is readable") from e
    if not raw.strip():
        raise InputError("file is empty", path=str(p), hint="remove it or give a non-empty report")

    kind = _sniff(raw)
    if kind is None:
        raise FormatError("not a supported document (binary content)", path=str(p), hint=_HINT_CONVERT)
    if kind == "pdf":
        text, enc = _pdf_text(raw, p), "pdf"
    elif kind == "docx":
        text, enc = _docx_text(raw, p), "docx"
    else:
        decoded, enc = decode_bytes(raw, str(p))
        if kind == "html" or _looks_like_html(decoded):
            kind, text = "html", html_text(decoded)
        else:
            kind = "md" if p.suffix.lower() == ".md" else "txt"
            text = decoded
    if not text.strip():
        raise FormatError(f"no text found in this {kind} file", path=str(p),
                          hint="a scanned PDF needs OCR first" if kind == "pdf" else _HINT_CONVERT)
    if max_chars and len(text) > max_chars:
        raise OverBudgetError(f"{len(text):,} characters of text, over the {max_chars:,} a file may hold "
                              "(the per-file budget)", path=str(p),
                              hint="split it into reports, or raise --file-max-chars")
    return Source(path=str(p), name=p.name, sha256=hashlib.sha256(raw).hexdigest(), text=text,
                  encoding=enc, format=kind)


# bytes that do not occur in text: C0 controls except tab, newlines, form feed and escape
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)


def _sniff(head: bytes) -> str | None:
    """'pdf' | 'docx' | 'html' | 'text' from content; None for binary we cannot read."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # checked properly when opened (could be any zip)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"{\\rtf")):
        return None  # legacy OLE .doc/.xls, RTF: ask for a conversion
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_guess(head[:4096]):
        return "text"
    sample = head[:4096]
    if b"\x00" in sample:
        return None
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and ctrl / len(sample) > 0.05:
        return None
    return "text"


def _utf16_guess(sample: bytes) -> str | None:
    """BOM-less UTF-16: ASCII and CJK text leave NULs in one byte lane."""
    if len(sample) < 4:
        return None
    n = len(sample) // 2 * 2
    even = sample[0:n:2].count(0)
    odd = sample[1:n:2].count(0)
    half = n // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None  # CJK-only UTF-16 has no NULs: _best_chinese tries it


# --------------------------------------------------------------------------- encodings



def decode_bytes(raw: bytes, path: str = "") -> tuple[str, str]:
    """(text, encoding name). Raises EncodingError when nothing reads as text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", path), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", path), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(raw) - 3:
            # a download cut inside the last character: keep everything before it
            return raw[:e.start].decode("utf-8"), "utf-8-truncated"
    mixed = _mixed_lines(raw)
    if mixed is not None:
        return mixed, "mixed:utf-8+gb18030"
    guess = _utf16_guess(raw[:4096])
    if guess:
        try:
            return raw.decode(guess), guess
        except UnicodeDecodeError:
            pass
    best = _best_chinese(raw)
    if best:
        return best
    import charset_normalizer

    match = charset_normalizer.from_bytes(raw).best()
    if match is not None and match.encoding:
        enc = _canonical_encoding(match.encoding)
        try:
            return raw.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            return str(match), match.encoding
    raise EncodingError("cannot detect the text encoding", path=path,
                        hint="save the file as UTF-8")


def _mixed_lines(raw: bytes) -> str | None:
    """Pages pasted together from UTF-8 and GBK sources: some non-ASCII lines are valid UTF-8,
    others are not. GBK text is almost never valid UTF-8, so decode such files line by line."""
    lines = raw.split(b"\n")
    utf8_cjk = bad = 0
    for ln in lines:
        if ln.isascii():
            continue
        try:
            ln.decode("utf-8")
            utf8_cjk += 1
        except UnicodeDecodeError:
            bad += 1
    if not (utf8_cjk and bad):
        return None
    out = []
    for ln in lines:
        try:
            out.append(ln.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(ln.decode("gb18030"))
            except UnicodeDecodeError:
                return None  # neither reading: not the mixed case
    return "\n".join(out)


def _strict(raw: bytes, enc: str, path: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        raise EncodingError(f"invalid {enc} at byte {e.start}", path=path,
                            hint="the file is damaged or mislabelled; re-save it as UTF-8") from e


def _canonical_encoding(enc: str) -> str:
    enc = enc.lower().replace("_", "-")
    if enc in {"gbk", "gb2312", "cp936", "gb18030", "hz"}:
        return "gb18030"  # superset: never loses characters GBK/GB2312 could encode
    if enc in {"big5", "cp950", "big5hkscs", "big5-hkscs"}:
        return "big5hkscs"
    return enc


def _best_chinese(raw: bytes) -> tuple[str, str] | None:
    """Decode as GB18030 and as Big5; keep the reading that looks most like common Chinese.

    Both decoders accept much of the other's byte space, so a clean decode proves little. The
    score is the share of characters that are common simplified characters (GB2312 level 1)
    after traditional→simplified conversion: the right reading is full of them, the wrong one
    is full of rare characters.
    """
    readings: list[tuple[float, str, str]] = []
    candidates = [("gb18030", "gb18030"), ("big5hkscs", "big5")]
    if len(raw) % 2 == 0:
        candidates += [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
    for enc, label in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        readings.append((_common_score(text), text, label))
    if not readings:
        return None
    score, text, label = max(readings, key=lambda r: r[0])
    if score < 0.3 and not (len(readings) == 1 and HAN_CHAR.search(text)):
        return None
    return text, label


def _common_score(text: str) -> float:
    sample = text[:20000]
    hans = [c for c in converter("t2s").convert(sample) if ord(c) > 0x2E80]
    if not hans:
        return 0.0
    common = 0
    for c in hans:
        try:
            b = c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and (0xB0 <= b[0] <= 0xD7 or 0xA1 <= b[0] <= 0xA3):
            common += 1  # level-1 hanzi or full-width punctuation
    return common / len(hans)




# --------------------------------------------------------------------------- html

_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
                         re.I | re.S)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "template", "svg", "button", "select", "input", "menu")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article",
                         "main", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd",
                         "dt", "dl", "hr", "title", "td", "th", "center", "body"})
_NOISE_ATTR = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|footer|foot|sidebar|"
                         r"side|share|comment|comments|related|recommend|advert|ads?|banner|"
                         r"copyright|login|toolbar|pager|pagination)([\s_-]|$)", re.I)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].encode("utf-8", "ignore")
    if _HTML_START.search(head):
        return True
    tags = len(re.findall(r"</?(p|div|br|span|table|td|a|h[1-6])\b[^>]*>", text[:8192], re.I))
    return tags >= 5


def html_text(markup: str) -> str:
    """Main text of an HTML page with one line per block; scripts, styles, navigation dropped."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(markup, "lxml")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        attrs = " ".join([tag.get("id") or "", " ".join(tag.get("class") or [])])
        if attrs.strip() and _NOISE_ATTR.search(attrs) and tag.name not in ("body", "html"):
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    parts: list[str] = []
    _walk_html(root, parts)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in "".join(parts).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    # the page <title> stands in for a missing heading (sites often put the report title there)
    title = soup.title.get_text().strip() if soup.title else ""
    if title and root.find(["h1", "h2"]) is None and title not in text[:500]:
        text = f"{title}\n{text}"
    return text


def _walk_html(node, out: list[str]) -> None:
    """The text of ``node``'s descendants into ``out``, a newline around each block. A loop over a
    stack, not recursion: a page nested thousands of levels deep must not exhaust Python's stack."""
    from bs4 import NavigableString, Tag

    stack = [iter(node.children)]
    closes = [False]  # whether the element at each level is a block (a newline after it)
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if closes.pop():
                out.append("\n")
        elif isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
        elif isinstance(child, Tag):
            block = child.name in _BLOCK_TAGS
            if block:
                out.append("\n")
            stack.append(iter(child.children))
            closes.append(block)


# --------------------------------------------------------------------------- docx / pdf


def _docx_text(raw: bytes, path: Path) -> str:
    """Paragraphs and table rows of a .docx in document order, one per line."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if "word/document.xml" not in z.namelist():
                raise FormatError("a zip archive, not a Word document", path=str(path),
                                  hint=_HINT_CONVERT)
            _check_expansion(z, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, OSError,
            EOFError) as e:  # RuntimeError: an encrypted member; NotImplementedError: an unknown method
        raise FormatError("corrupt .docx (bad zip)", path=str(path),
                          hint="re-save it from Word or LibreOffice") from e
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(io.BytesIO(raw))
    except Exception as e:  # python-docx raises many types (KeyError, XMLSyntaxError, ...)
        raise FormatError(f"corrupt .docx ({type(e).__name__}: {e})", path=str(path),
                          hint="re-save it from Word or LibreOffice") from e
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = cell.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                lines.append(" ".join(cells))
    return "\n".join(lines)


def _check_expansion(z: zipfile.ZipFile, path: Path) -> None:
    """Inflate every part once, in chunks, and refuse the archive when the parts together would
    exceed MAX_EXPANDED_BYTES (python-docx would inflate and parse them whole)."""
    total = 0
    for info in z.infolist():
        with z.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > MAX_EXPANDED_BYTES:
                    raise OverBudgetError(f"its parts expand to more than {MAX_EXPANDED_BYTES / 2**20:.0f} MiB "
                                          "(a zip bomb?)", path=str(path),
                                          hint="re-save it from Word or LibreOffice; a report is kilobytes")


def _pdf_text(raw: bytes, path: Path) -> str:
    """The text layer of a PDF (pdfminer.six); pages separated by form feeds.

    pdfminer logs a warning for every font without a bounding box or page without a CropBox
    (most PDFs printed by browsers): harmless for the text, so kept off the user's terminal.
    """
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return extract_text(io.BytesIO(raw))
    except PDFSyntaxError as e:
        raise FormatError(f"corrupt PDF ({e})", path=str(path),
                          hint="re-export the PDF or save the report as text") from e
    except Exception as e:  # pdfminer raises assorted errors on damaged files
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise FormatError("encrypted PDF", path=str(path),
                              hint="remove the password and try again") from e
        raise FormatError(f"unreadable PDF ({type(e).__name__}: {e})", path=str(path),
                          hint="re-export the PDF or save the report as text") from e
