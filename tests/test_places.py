"""The place gazetteer (kg/extract/places.py): jionlp's table loaded once, one code per place."""

from __future__ import annotations

import pytest

from kg.extract.places import gazetteer


def test_gazetteer_loads_once_with_codes():
    g = gazetteer()
    assert g is gazetteer()
    (p,) = g.by_name["萧山区"]
    assert p.region.county_code == "330109" and p.level == "county"


@pytest.mark.parametrize("name, codes", [
    ("萧山区", ("330000", "330100", "330109")),  # a code names one place: kept at every level
    ("东城区", ("110000", "110000", "110101")),  # a municipality is its own city (one place)
    ("南区", ("810000", None, None)),  # Hong Kong districts all carry their region's code
    ("平顶山高新技术产业开发区", ("410000", "410400", None)),  # two zones, one code in jionlp
])
def test_gazetteer_gives_a_code_only_to_the_one_place_it_names(name, codes):
    (p,) = [p for p in gazetteer().by_name[name] if p.level == "county"]
    r = p.region
    assert (r.province_code, r.city_code, r.county_code) == codes


def test_every_gazetteer_code_names_one_place():
    """The graph mints region IRIs from codes: two places with one code would become one node."""
    owner: dict[tuple[str, str], tuple] = {}
    for places in gazetteer().by_name.values():
        for p in places:
            r = p.region
            for level, name, code in (("province", r.province, r.province_code),
                                      ("city", r.city, r.city_code), ("county", r.county, r.county_code)):
                if code and name:
                    path = (r.province, r.city, r.county)[: ("province", "city", "county").index(level) + 1]
                    if level == "city" and r.city == r.province:
                        path = path[:1]  # municipality: the province itself
                    assert owner.setdefault(code, path) == path, (code, path, owner[code])


def test_location_table_is_jionlps_loader_table():
    """The gazetteer reads jionlp's file itself (no jionlp import): the same table, order included."""
    import contextlib
    import io
    import json

    from kg.extract.places import location_table

    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    expected = jionlp.china_location_loader()
    got = location_table()
    assert got == expected and len(got) >= 30
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


# an invented table in jionlp's layout: province, city (aliases split on /), county; towns and
# villages (three and four tabs) skipped, as are lines without three fields
_TABLE = ("东海省\t990000\t东海\n\t青山市\t990100\t青山/青城\n\t\t白沙县\t990101\t白沙\n"
          "\t\t\t白沙镇\n\t\t\t\t白沙村\n\t\t坏行\n\t\t黑水区\t990102\t黑水\n")
_EXPECTED = {"东海省": {"_full_name": "东海省", "_alias": "东海", "_admin_code": "990000",
                      "青山市": {"_full_name": "青山市", "_alias": ["青山", "青城"], "_admin_code": "990100",
                              "白沙县": {"_full_name": "白沙县", "_alias": "白沙", "_admin_code": "990101"},
                              "黑水区": {"_full_name": "黑水区", "_alias": "黑水", "_admin_code": "990102"}}}}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_location_table_reads_the_layout_with_any_newline(tmp_path, newline):
    path = tmp_path / "china_location.txt"
    path.write_bytes(_TABLE.replace("\n", newline).encode("utf-8"))
    from kg.extract.places import location_table

    assert location_table(path) == _EXPECTED


def test_location_table_reads_the_zip_of_an_install_that_never_imported_jionlp(tmp_path):
    """jionlp unpacks its dictionaries when first imported; before that only the zip is there (a
    fresh `pip install` whose first build failed on this)."""
    import zipfile

    from kg.extract.places import location_table

    with zipfile.ZipFile(tmp_path / "china_location.zip", "w") as z:
        z.writestr("china_location.txt", _TABLE)
    assert location_table(tmp_path / "china_location.txt") == _EXPECTED


def test_location_table_names_an_unreadable_file(tmp_path):
    from kg.core.errors import DataFileError
    from kg.extract.places import location_table

    with pytest.raises(DataFileError, match="jionlp"):
        location_table(tmp_path / "missing.txt")


def test_location_changes_are_jionlps_loader_changes():
    """The renames read from jionlp's file are those ``parse_location(change2new=True)`` applies."""
    import contextlib
    import io

    from kg.extract.places import location_changes

    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp
    expected = [(tuple(n for n, _ in c["old_loc"] if n), tuple(n for n in c["new_loc"] if n))
                for c in jionlp.china_location_change_loader()]
    got = location_changes()
    assert got == expected and len(got) >= 100


@pytest.mark.parametrize("old, level, region", [
    ("上饶县", "county", ("江西省", "上饶市", "广信区")),  # 撤县设区, 2019
    ("江干区", "county", ("浙江省", "杭州市", "上城区")),  # merged into another district, 2021
    ("襄樊市", "city", ("湖北省", "襄阳市", None)),  # a city renamed, 2010
])
def test_an_old_name_finds_todays_unit_under_the_name_written(old, level, region):
    (p,) = gazetteer().by_name[old]
    assert (p.name, p.level, (p.region.province, p.region.city, p.region.county)) == (old, level, region)
    assert p.region.code  # today's unit, with its code: one region node for both names


def test_an_old_name_another_place_still_bears_is_not_taken():
    # 城区 of 大同市 became 平城区 in 2018; other places are still called 城区
    assert all(p.region.county != "平城区" for p in gazetteer().by_name["城区"])


@pytest.mark.parametrize("line", [
    "2019-06-27\t国批\t江西省\t江西\t上饶市\t上饶\t上饶县\t上饶县\t江西省\t上饶市\t广信区",  # no =>
    "2019-06-27\t国批\t江西省\t江西\t上饶市\t上饶\t上饶县=>江西省\t上饶市\t广信区",  # a field short
    "2019-06-27\t国批\t江西省\t江西\t上饶市\t上饶\t上饶县\t上饶县=>江西省\t上饶市",  # a new name short
])
def test_a_malformed_change_line_fails_naming_the_file_and_line(tmp_path, line):
    from kg.core.errors import DataFileError
    from kg.extract.places import location_changes

    path = tmp_path / "china_location_change.txt"
    path.write_text("2010-12-09\t国批\t湖北省\t湖北\t襄樊市\t襄樊=>湖北省\t襄阳市\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 2") as e:
        location_changes(path)
    assert str(path) in str(e.value) or e.value.path == str(path)
