"""The viewer in a real browser (headless Chromium, network blocked): renders, filters, shows
evidence on click, makes no request, and never runs a payload hidden in a report quote."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from browser import ARTIFACTS, opened, require_browser, wait_until

from kg.outputs.viz import write_viewer

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "viewer_graph.ttl"
require_browser()


@pytest.fixture(scope="module")
def viewer(tmp_path_factory):
    """(page, requests, errors) with the fixture viewer loaded and every non-file request aborted."""
    path = write_viewer(rdflib.Graph().parse(FIXTURE, format="turtle"),
                        tmp_path_factory.mktemp("viewer") / "viewer.html", title="fixture <b>graph</b>")
    with opened(path, timeout_ms=15000) as session:
        yield session


def visible_labels(page) -> set[str]:
    return set(page.evaluate("""() => {
        const ids = window.__kg.visibleNodeIds();
        const net = window.__kg.network();
        return ids.map(id => net.body.data.nodes.get(id).label);
    }"""))


def click_node(page, label: str) -> None:
    """A real mouse click on the node's drawn position."""
    xy = page.evaluate("""(label) => {
        const id = window.__kg.findNode(label);
        const net = window.__kg.network();
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const r = document.querySelector('#network canvas').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", label)
    page.mouse.click(*xy)


def test_renders_all_nodes_without_errors(viewer):
    page, _, errors = viewer
    assert page.locator("#network canvas").count() == 1
    assert page.evaluate("window.__kg.view()") == "bureau"
    assert page.evaluate("window.__kg.nodeCount()") == 13  # 5 bureaus, 5 initiatives, 3 themes
    assert len(visible_labels(page)) == 13
    assert page.locator("#legend").inner_text().count("省") >= 3
    assert errors == []


def test_province_filter_and_hide_local(viewer):
    page, _, _ = viewer
    page.select_option("#f-province", "四川省")
    shown = visible_labels(page)
    assert shown == {"武侯区教育局", "绵阳市教育局", "集团化办学", "课后服务", "教师交流轮岗",
                     "均衡发展", "减轻学业负担"}
    page.select_option("#f-province", "")
    page.check("#f-hide-local")
    assert "海岛研学营" not in visible_labels(page)
    page.uncheck("#f-hide-local")
    page.select_option("#f-status", "planned")  # planned edges, and achieved+planned ones
    shown = visible_labels(page)
    assert "武侯区教育局" not in shown and {"绵阳市教育局", "青岛市教育局", "思明区教育局"} <= shown
    page.select_option("#f-status", "")
    assert len(visible_labels(page)) == 13


def test_click_shows_evidence_and_payload_stays_text(viewer):
    page, _, _ = viewer
    click_node(page, "思明区教育局")
    details = page.locator("#detail-body")
    details.get_by_text("课后延时服务全覆盖", exact=False).first.wait_for(timeout=5000)
    text = details.inner_text()
    assert "福建省 › 厦门市 › 思明区" in text
    assert "siming-2022.txt" in text
    assert '<script>window.__kgPwned=1</script><img src=x onerror="window.__kgPwned=2">' in text
    assert page.evaluate("typeof window.__kgPwned") == "undefined"
    assert page.locator("#detail-body img, #detail-body script").count() == 0
    # traditional-script evidence and a metric with its value and unit
    click_node(page, "武侯区教育局")
    page.locator("#detail-body").get_by_text("課後服務參與率達到百分之九十五", exact=False).first.wait_for(timeout=5000)
    assert "课后服务参与率: 95 %" in page.locator("#detail-body").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer.png"))


def test_theme_and_year_filters(viewer):
    page, _, _ = viewer
    page.select_option("#f-theme", label="均衡发展")
    assert visible_labels(page) == {"武侯区教育局", "绵阳市教育局", "青岛市教育局", "集团化办学",
                                    "教师交流轮岗", "均衡发展"}
    page.select_option("#f-theme", "")
    page.select_option("#f-year", "2024")
    assert visible_labels(page) == {"青岛市教育局", "教师交流轮岗", "均衡发展"}
    page.select_option("#f-year", "")


def test_click_on_edge_shows_metrics_and_evidence(viewer):
    page, _, _ = viewer
    xy = page.evaluate("""() => {
        const net = window.__kg.network();
        const a = window.__kg.findNode("青岛市教育局"), b = window.__kg.findNode("教师交流轮岗");
        const pos = net.getPositions([a, b]);
        const mid = net.canvasToDOM({x: (pos[a].x + pos[b].x) / 2, y: (pos[a].y + pos[b].y) / 2});
        const r = document.querySelector('#network canvas').getBoundingClientRect();
        return [r.left + mid.x, r.top + mid.y];
    }""")
    page.mouse.click(*xy)
    text = page.locator("#detail-body").inner_text()
    assert "青岛市教育局 — 教师交流轮岗" in text
    assert "交流轮岗教师: >= 300 人 (2024, planned)" in text
    assert "交流轮岗教师不少于三百人。" in text and "qingdao-2023.docx" in text


def test_search_either_script_and_region_view(viewer):
    page, _, _ = viewer
    page.fill("#search", "課後服務")  # traditional query, simplified label
    assert "课后服务 (initiative)" in page.locator("#search-results").inner_text()
    page.fill("#search", "")
    page.click("#view-region")
    assert page.evaluate("window.__kg.view()") == "region"
    assert page.evaluate("window.__kg.nodeCount()") == 5
    click_node(page, "思明区")
    assert "思明区教育局" in page.locator("#detail-body").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-regions.png"))
    page.click("#view-bureau")
    assert page.evaluate("window.__kg.nodeCount()") == 13


def test_no_request_left_the_page_and_title_is_text(viewer):
    page, requests, errors = viewer
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests
    assert page.locator("h1#title").inner_text() == "fixture <b>graph</b>"
    assert page.evaluate("typeof window.__kgPwned") == "undefined"
    assert errors == []


@pytest.fixture
def target_page(viewer, tmp_path):
    """(page, requests, errors): a viewer of the target graph in a second tab of the session's
    browser (one sync Playwright per process), with the same network block."""
    from target_fixtures import target_graph

    path = write_viewer(target_graph(), tmp_path / "viewer.html", title="targets")
    page, requests, errors = _new_tab(viewer[0], path.as_uri())
    try:
        yield page, requests, errors
    finally:
        page.close()


def _new_tab(page, url: str) -> tuple:
    """(page, requests, errors): ``url`` in a second tab of the session's browser (one sync
    Playwright per process), with the same network block."""
    tab = page.context.browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []

    def route(r):
        requests.append(r.request.url)
        r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()

    tab.route("**/*", route)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(url)
    wait_until(tab, "window.__kg && window.__kg.ready", 15000)
    return tab, requests, errors


def test_bureau_panel_shows_targets_with_verdict_badges(target_page):
    """A bureau's targets in its panel: the target, the outcome reported in another file, and a
    verdict badge per verdict (its own class, Chinese words, English title)."""
    page, requests, errors = target_page
    click_node(page, "青山区教育局")
    details = page.locator("#detail-body")
    details.get_by_text("Targets (2)").wait_for(timeout=5000)
    text = details.inner_text()
    assert "新增学位数 · 2023: target >= 540 个" in text and "→ outcome 560 个" in text
    assert "outcome: qingshan-2023.txt" in text
    badge = details.locator(".verdict.v-exceeded")
    assert badge.inner_text() == "超额" and badge.get_attribute("title").startswith("exceeded")
    missing = details.locator(".verdict.v-no-outcome")
    assert missing.inner_text() == "未报告" and "新建幼儿园数 · 2023: target >= 3 所" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-targets.png"))
    assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)


# --------------------------------------------------------------------------- labels, matrix, URL state
def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


def test_labels_most_shared_first_and_never_overlapping(viewer):
    """At the default zoom the most-shared initiative is labelled, larger than a one-region one,
    and no two drawn labels intersect (boxes in screen pixels, as drawn on the canvas)."""
    page, _, _ = viewer
    page.evaluate("window.__kg.setView('bureau')")
    page.evaluate("window.__kg.network().fit({animation: false}); window.__kg.network().redraw()")
    boxes = page.evaluate("window.__kg.labels()")
    by_text = {b["text"]: b for b in boxes}
    assert "课后服务" in by_text and by_text["课后服务"]["always"]  # 3 regions: the most shared
    assert by_text["课后服务"]["h"] > by_text["海岛研学营"]["h"]  # size follows the number of regions
    assert _overlaps(boxes) == []
    assert len({b["text"] for b in boxes if b["id"].startswith(("b", "c", "t"))}) == 13  # room for all here


def test_labels_stay_apart_when_crowded(viewer):
    """Zoomed far out every node sits on a few pixels: fewer labels, still none overlapping, and
    the most-shared initiative keeps its label."""
    page, _, _ = viewer
    page.evaluate("window.__kg.setView('bureau')")
    page.evaluate("window.__kg.network().moveTo({scale: 0.12, animation: false}); window.__kg.network().redraw()")
    boxes = page.evaluate("window.__kg.labels()")
    assert _overlaps(boxes) == []
    assert "课后服务" in {b["text"] for b in boxes}
    assert len([b for b in boxes if b["id"].startswith(("b", "c", "t"))]) < 13
    page.evaluate("window.__kg.network().fit({animation: false})")


def test_matrix_cells_and_evidence(viewer):
    page, _, errors = viewer
    page.click("#view-matrix")
    assert page.evaluate("window.__kg.view()") == "matrix"
    # provinces only at first? five bureaus fit, so the rows open on the provinces
    cells = {(r, c): (s, y) for r, c, s, y in page.evaluate("window.__kg.matrix()")}
    assert cells[("福建省", "课后服务")] == ("both", [2022, 2023])
    assert cells[("四川省", "课后服务")] == ("achieved", [2021])
    assert cells[("四川省", "教师交流轮岗")] == ("planned", [2022])
    assert ("福建省", "集团化办学") not in cells
    assert all(c != "海岛研学营" for _, c in cells)  # a local initiative is no column
    headers = page.locator("#matrix th.col button").all_inner_texts()
    assert headers[0] == "课后服务"  # sorted by the number of regions
    # expand 四川省: its cities appear with their own cells
    page.click('#matrix .tog[aria-label="expand 四川省"]')
    cells = {(r, c): (s, y) for r, c, s, y in page.evaluate("window.__kg.matrix()")}
    assert cells[("四川省 › 成都市", "集团化办学")] == ("achieved", [2021])
    assert cells[("四川省 › 绵阳市", "教师交流轮岗")] == ("planned", [2022])
    # a click on a cell opens its evidence, payload as text
    page.locator("#matrix td.cell.s-both").first.click()
    text = page.locator("#detail-body").inner_text()
    assert "福建省 — 课后服务" in text and "全区小学实现课后延时服务全覆盖。" in text and "siming-2022.txt" in text
    # the status filter narrows the cells
    page.select_option("#f-status", "planned")
    cells = {(r, c) for r, c, _, _ in page.evaluate("window.__kg.matrix()")}
    assert ("四川省 › 成都市", "集团化办学") not in cells and ("四川省 › 绵阳市", "教师交流轮岗") in cells
    page.select_option("#f-status", "")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-matrix.png"))
    assert errors == []


def test_url_hash_restores_the_view_and_back_works(viewer):
    page, _, errors = viewer
    page.click("#view-matrix")
    page.select_option("#f-province", "四川省")
    page.evaluate("window.__kg.openCell('四川省 › 成都市', window.__kg.findNode('集团化办学'))")
    url = page.url
    assert "view=matrix" in url and "province=" in url and "sel=cell" in url
    other, requests, other_errors = _new_tab(page, url)
    try:
        assert other.evaluate("window.__kg.view()") == "matrix"
        assert other.input_value("#f-province") == "四川省"
        assert "成都市 — 集团化办学" in other.locator("#detail-body").inner_text()
        assert other.locator("#matrix td.sel").count() == 1
        assert other_errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    finally:
        other.close()
    page.click("#view-bureau")
    assert page.evaluate("window.__kg.view()") == "bureau"
    page.go_back()
    wait_until(page, "window.__kg.view() === 'matrix'", 5000)
    assert "成都市 — 集团化办学" in page.locator("#detail-body").inner_text()
    page.evaluate("window.__kg.setView('bureau')")
    page.evaluate("window.__kg.setFilter('province', '')")
    assert errors == []


def test_keyboard_moves_through_matrix_cells(viewer):
    page, _, _ = viewer
    page.evaluate("window.__kg.setView('matrix')")
    first = page.locator("#matrix td.cell[tabindex='0']")
    first.focus()
    start = (first.get_attribute("data-row"), first.get_attribute("data-col"))
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("[document.activeElement.dataset.row, document.activeElement.dataset.col]")
    assert moved == [start[0], str(int(start[1]) + 1)]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert " — " in page.locator("#detail-body h2").inner_text()
    page.evaluate("window.__kg.setView('bureau')")


# --------------------------------------------------------------------------- big graphs: aggregated, details on demand
@pytest.fixture
def big_page(viewer, tmp_path, monkeypatch):
    """The fixture written as a big graph (level of detail, details in viewer-data/ beside it)."""
    import kg.outputs.viz as viz

    monkeypatch.setattr(viz, "BIG_GRAPH_NODES", 5)
    path = write_viewer(rdflib.Graph().parse(FIXTURE, format="turtle"), tmp_path / "viewer.html", title="big")
    assert (tmp_path / viz.DETAILS_DIR).is_dir()
    page, requests, errors = _new_tab(viewer[0], path.as_uri() + "#view=bureau")
    try:
        yield page, requests, errors
    finally:
        page.close()


def _drawn(page) -> set[str]:
    return set(page.evaluate("window.__kg.visibleNodeIds()"))


def test_big_graph_aggregates_regions_and_expands(big_page):
    page, requests, errors = big_page
    shown = _drawn(page)
    assert {"g:福建省", "g:四川省", "g:山东省"} <= shown  # provinces, not bureaus
    assert not any(page.evaluate("(ids) => ids.map(id => window.__kg.network().body.data.nodes.get(id).label)", sorted(shown))
                   .count(x) for x in ("思明区教育局", "武侯区教育局"))
    page.evaluate("window.__kg.redraw()")
    boxes = page.evaluate("window.__kg.labels()")
    assert "课后服务" in {b["text"] for b in boxes} and _overlaps(boxes) == []
    page.evaluate("window.__kg.toggle('四川省')")
    labels = page.evaluate("window.__kg.visibleNodeIds().map(id => window.__kg.network().body.data.nodes.get(id).label)")
    assert "四川省" not in labels and {"成都市", "绵阳市教育局"} & set(labels)
    page.evaluate("window.__kg.toggle('山东省')")  # the anonymized bureau: its province's group
    labels = page.evaluate("window.__kg.visibleNodeIds().map(id => window.__kg.network().body.data.nodes.get(id).label)")
    assert "某县教育局" in labels or any(x.startswith("未具名/匿名") for x in labels)
    assert "open=" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer-big-aggregated.png"))
    assert errors == []


def test_big_graph_panels_load_details_offline(big_page):
    page, requests, errors = big_page
    page.evaluate("window.__kg.showPanel(window.__kg.findNode('思明区教育局'))")
    body = page.locator("#detail-body")
    body.get_by_text("siming-2022.txt", exact=False).first.wait_for(timeout=5000)
    text = body.inner_text()
    assert "全区小学实现课后延时服务全覆盖。" in text and "海岛研学营" in text  # a local initiative, from details
    assert '<script>window.__kgPwned=1</script><img src=x onerror="window.__kgPwned=2">' in text
    assert page.evaluate("typeof window.__kgPwned") == "undefined"
    assert page.locator("#detail-body img, #detail-body script").count() == 0
    page.evaluate("window.__kg.showPanel(window.__kg.findNode('课后服务'))")
    body.get_by_text("課後服務參與率達到百分之九十五", exact=False).first.wait_for(timeout=5000)
    page.click("#view-region")
    wait_until(page, "window.__kg.view() === 'region'", 5000)
    assert page.evaluate("window.__kg.nodeCount()") == 5
    page.click("#view-matrix")
    assert page.evaluate("window.__kg.openCell('福建省', window.__kg.findNode('课后服务'))")
    body.get_by_text("明年将课后服务延伸到初中。", exact=False).first.wait_for(timeout=5000)
    assert any("/viewer-data/" in u for u in requests)  # details came from the files beside the page
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert errors == []


def test_bureau_panel_marks_a_target_and_outcome_written_as_changes(viewer, tmp_path):
    """A planned change against an earlier figure (比上年增加600个) answered by an achieved change: both
    sides shown with their sign and the change's words, never as levels."""
    from dataclasses import replace

    from graph_fixtures import concepts, small_indicators
    from target_fixtures import target_facts

    from kg.pipeline.targets import check_targets
    from kg.rdf.graph import build_graph

    facts = []
    for f in target_facts():
        metrics = tuple(replace(m, change="increase", quote=m.quote.replace("新增学位", "学位比上年增加"))
                        if m.indicator == "新增学位" else m for m in f.metrics)
        facts.append(replace(f, metrics=metrics))
    graph = build_graph(facts, taxonomy=concepts(), indicators=small_indicators(), targets=check_targets(facts))
    path = write_viewer(graph, tmp_path / "viewer.html", title="changes")
    page, requests, errors = _new_tab(viewer[0], path.as_uri())
    try:
        click_node(page, "青山区教育局")
        details = page.locator("#detail-body")
        details.get_by_text("Targets (2)").wait_for(timeout=5000)
        text = details.inner_text()
        assert "新增学位数 · 2023: target >= +540 个 (比前期增加 · change: increase)" in text, text
        assert "→ outcome +560 个" in text
        assert details.locator(".verdict.v-exceeded").inner_text() == "超额"
        assert errors == [] and all(u.startswith(("file:", "data:")) for u in requests)
    finally:
        page.close()
