"""kg.text.ingest: discovery, format sniffing, encodings, text extraction, errors."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import opencc
import pytest
from fixtures.makers import write_docx, write_html, write_pdf, write_txt
from fixtures.reports import SINGLE

from kg.core.errors import EncodingError, FormatError, InputError
from kg.text.clean import clean
from kg.text.ingest import decode_bytes, discover, html_text, read_source
from kg.text.segment import segment

TEXT = "\n".join(SINGLE)


# --------------------------------------------------------------------------- discover


def test_discover_recurses_sorts_and_filters(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    write_txt(tmp_path / "b" / "2.txt", SINGLE)
    write_txt(tmp_path / "1.md", SINGLE)
    write_txt(tmp_path / ".secret.txt", SINGLE)
    write_txt(tmp_path / ".hidden" / "x.txt", SINGLE)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    write_txt(tmp_path / "noext", SINGLE)  # extension-less text: sniffed in
    (tmp_path / "blob").write_bytes(bytes(range(256)) * 4)  # extension-less binary: out
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["1.md", "b/2.txt", "noext"]


def test_discover_symlink_loop_is_safe(tmp_path: Path):
    (tmp_path / "a").mkdir()
    write_txt(tmp_path / "a" / "r.txt", SINGLE)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    found = discover([tmp_path])
    assert len(found) == 1 and found[0].name == "r.txt"


def test_discover_keeps_named_files_and_dedupes(tmp_path: Path):
    f = write_txt(tmp_path / "r.txt", SINGLE)
    odd = tmp_path / "notes.rtf"
    odd.write_text("x")
    assert discover([f, f, odd, tmp_path]) == sorted([f, odd], key=str)


def test_discover_missing_path_raises(tmp_path: Path):
    with pytest.raises(InputError) as e:
        discover([tmp_path / "nope"])
    assert "nope" in str(e.value)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_decode_detects_encoding(encoding: str, expected: str):
    text, enc = decode_bytes(TEXT.encode(encoding))
    assert text == TEXT
    assert enc == expected


def test_decode_big5_traditional():
    trad = opencc.OpenCC("s2t").convert(TEXT)
    text, enc = decode_bytes(trad.encode("big5"))
    assert text == trad
    assert enc == "big5"


def test_decode_gb18030_only_character():
    s = "新建㐀字学校三所，" * 3 + "工作总结。"  # 㐀 is outside GBK
    text, enc = decode_bytes(s.encode("gb18030"))
    assert text == s and enc == "gb18030"


def test_decode_short_gbk_line():
    s = "今年新建学校三所。"
    assert decode_bytes(s.encode("gbk")) == (s, "gb18030")


def test_bad_utf8_after_bom_raises():
    with pytest.raises(EncodingError):
        decode_bytes(b"\xef\xbb\xbf" + "学校".encode() + b"\xff\xfe\xfd")


# --------------------------------------------------------------------------- formats


def test_read_txt_source_fields(tmp_path: Path):
    f = write_txt(tmp_path / "r.txt", SINGLE, "gbk")
    s = read_source(f)
    assert (s.format, s.encoding, s.name, s.text) == ("txt", "gb18030", "r.txt", TEXT)
    assert s.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_read_html_main_text_only(tmp_path: Path):
    s = read_source(write_html(tmp_path / "r.htm", SINGLE))
    assert s.format == "html"
    assert s.text.splitlines() == SINGLE
    for junk in ("不要这段脚本", "导航菜单", "版权所有", "color"):
        assert junk not in s.text


def test_html_sniffed_without_extension(tmp_path: Path):
    f = tmp_path / "page"
    write_html(f, SINGLE)
    assert read_source(f).format == "html"


def test_html_title_used_when_no_heading():
    page = "<html><head><title>某镇中心校工作计划</title></head><body><p>一、指导思想</p></body></html>"
    assert html_text(page).splitlines() == ["某镇中心校工作计划", "一、指导思想"]


def test_read_docx_paragraphs_and_tables(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("某区教育局工作要点")
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text = "学位"
    t.rows[0].cells[1].text = "500个"
    d.add_paragraph("一、总体思路")
    d.save(str(tmp_path / "r.docx"))
    s = read_source(tmp_path / "r.docx")
    assert s.format == "docx"
    assert s.text.splitlines() == ["某区教育局工作要点", "学位 500个", "一、总体思路"]


def test_read_pdf_text_layer(tmp_path: Path):
    s = read_source(write_pdf(tmp_path / "r.pdf", SINGLE[:3]))
    assert s.format == "pdf"
    assert [ln for ln in s.text.split("\n") if ln.strip()] == SINGLE[:3]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.txt", b"", InputError),
        ("blank.txt", b"  \n\n ", InputError),
        ("bin.txt", bytes(range(256)) * 8, FormatError),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, FormatError),
        ("bad.docx", b"PK\x03\x04garbage", FormatError),
        ("notes.rtf", b"{\\rtf1\\ansi hello}", FormatError),
        ("bad.pdf", b"%PDF-1.4\n garbage", FormatError),
    ],
)
def test_unreadable_files_raise_with_path_and_hint(tmp_path: Path, name, content, error):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(error) as e:
        read_source(f)
    assert e.value.path == str(f)
    assert e.value.hint


def test_zip_that_is_not_docx(tmp_path: Path):
    import zipfile

    f = tmp_path / "a.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(FormatError, match="not a Word document"):
        read_source(f)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read"):
        read_source(tmp_path / "none.txt")


# --------------------------------------------------------------------------- same report, every form


def _writers():
    trad = opencc.OpenCC("s2t").convert(TEXT).split("\n")
    return {
        "utf8.txt": lambda p: write_txt(p, SINGLE, "utf-8"),
        "bom.txt": lambda p: write_txt(p, SINGLE, "utf-8-sig"),
        "gbk.txt": lambda p: write_txt(p, SINGLE, "gbk"),
        "big5.txt": lambda p: write_txt(p, trad, "big5"),
        "utf16.txt": lambda p: write_txt(p, SINGLE, "utf-16"),
        "page.html": lambda p: write_html(p, SINGLE),
        "doc.docx": lambda p: write_docx(p, SINGLE),
        "doc.pdf": lambda p: write_pdf(p, SINGLE),
    }


def _summary(path: Path):
    reports = segment(clean(read_source(path)))
    return [
        (r.title, r.summary_year, r.plan_year, r.text,
         tuple((s.kind, s.year, s.heading) for s in r.sections))
        for r in reports
    ]


def test_same_report_in_every_format_and_encoding(tmp_path: Path):
    results = {}
    for name, write in _writers().items():
        p = tmp_path / name
        write(p)
        results[name] = _summary(p)
    reference = results["utf8.txt"]
    assert len(reference) == 1
    title, sy, py, body, sections = reference[0]
    assert (title, sy, py) == (SINGLE[0], 2021, 2022)
    assert body.startswith("一、2021年工作总结")
    for name, got in results.items():
        assert got == reference, name


NOISE_HEAD = ["上传者:小编 | 发布时间:2023-01-05 | 浏览:1024次"]
NOISE_TAIL = ["展开阅读全文", "相关搜索:教育局工作总结 工作计划范文 年度总结", "版权所有 某某文库 京ICP备12345678号-1"]


def _noisy_writers():
    noisy = [*NOISE_HEAD, *SINGLE, *NOISE_TAIL]
    return {
        "noisy-utf8.txt": lambda p: write_txt(p, noisy, "utf-8"),
        "noisy-gbk.txt": lambda p: write_txt(p, noisy, "gbk"),
        "noisy-page.html": lambda p: write_html(p, noisy),
        "noisy-doc.docx": lambda p: write_docx(p, noisy),
    }


def test_same_report_with_site_noise(tmp_path: Path):
    write_txt(tmp_path / "clean.txt", SINGLE, "utf-8")
    reference = _summary(tmp_path / "clean.txt")
    for name, write in _noisy_writers().items():
        p = tmp_path / name
        write(p)
        assert _summary(p) == reference, name
