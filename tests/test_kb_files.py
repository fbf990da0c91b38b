"""The KB files: what `assistant kb check` accepts and refuses, and lossless round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.kb import files, importer

from .conftest import KB_DIR, SHARED_DIR

CATALOG = yaml.safe_load((SHARED_DIR / "kb/catalog.yml").read_text(encoding="utf-8"))
DEMO_CITY = yaml.safe_load((SHARED_DIR / "kb/demo_city.yml").read_text(encoding="utf-8"))


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    return target


def _messages(problems: list[files.Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_bundled_kb_has_no_problems(kb_bundle: files.Bundle) -> None:
    _, problems = files.load_bundle(KB_DIR)
    assert problems == []


def test_bundled_kb_covers_every_catalog_item_and_theme_by_exact_name(
    kb_bundle: files.Bundle,
) -> None:
    names = {g.name for g in kb_bundle.guides.values()}
    assert {i["name"] for i in CATALOG["items"]} <= names
    themes = {t.name: t for t in kb_bundle.themes}
    for t in CATALOG["themes"]:
        assert themes[t["name"]].items == t["items"]


def test_bundled_guides_keep_catalog_department_levels_and_aliases(kb_bundle: files.Bundle) -> None:
    by_name = {g.name: g for g in kb_bundle.guides.values()}
    for item in CATALOG["items"]:
        g = by_name[item["name"]]
        assert sorted(lv.value for lv in g.levels) == sorted(item["levels"]), g.name
        assert set(item["aliases"]) <= set(g.aliases), g.name
        assert item["life_event"] in g.life_events, g.name


def test_bundled_licence_types_are_the_catalogs(kb_bundle: files.Bundle) -> None:
    assert {t.code: t.name for t in kb_bundle.licence_types} == CATALOG["licence_types"]


def test_bundled_halls_include_the_demo_city_halls(kb_bundle: files.Bundle) -> None:
    demo = DEMO_CITY
    halls = {h.name: h for h in kb_bundle.halls}
    for h in demo["halls"]:
        assert halls[h["name"]].level.value == h["level"]
        assert halls[h["name"]].windows == h["windows"]
        assert (halls[h["name"]].lat, halls[h["name"]].lon) == (h["lat"], h["lon"])


def test_malformed_yaml_is_reported_with_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "guides/gongan/chusheng-dengji.yml"
    path.write_text("name: 出生登记\nsituations: [unclosed\n", encoding="utf-8")
    _, problems = files.load_bundle(kb_copy)
    assert any(
        p.file == "guides/gongan/chusheng-dengji.yml" and "malformed YAML: line" in p.message
        for p in problems
    )


def _edit_guide(kb_copy: Path, change) -> Path:  # type: ignore[no-untyped-def]
    path = kb_copy / "guides/gongan/chusheng-dengji.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_unknown_field_is_reported_with_guide_and_field(kb_copy: Path) -> None:
    _edit_guide(kb_copy, lambda d: d["materials"][0].update(colour="red"))
    _, problems = files.load_bundle(kb_copy)
    assert (
        "guides/gongan/chusheng-dengji.yml [出生登记] materials.0.colour: unknown field"
        in _messages(problems)
    )


def test_wrong_type_and_missing_required_field_are_reported(kb_copy: Path) -> None:
    def change(d: dict) -> None:
        d["visits"] = "twice"
        del d["summary"]

    _edit_guide(kb_copy, change)
    msgs = _messages(files.load_bundle(kb_copy)[1])
    assert any("[出生登记] visits:" in m for m in msgs)
    assert "guides/gongan/chusheng-dengji.yml [出生登记] summary: Field required" in msgs


def test_over_long_text_is_refused(kb_copy: Path) -> None:
    _edit_guide(kb_copy, lambda d: d.update(name="出" * 81))
    msgs = _messages(files.load_bundle(kb_copy)[1])
    assert any(" name: String should have at most 80 characters" in m for m in msgs)


def test_situation_naming_unknown_material_is_reported(kb_copy: Path) -> None:
    _edit_guide(kb_copy, lambda d: d["situations"][0]["materials"].append("no_such_material"))
    msgs = _messages(files.load_bundle(kb_copy)[1])
    assert any("unknown material 'no_such_material'" in m and "[出生登记]" in m for m in msgs)


def test_unknown_licence_code_and_hall_are_reported(kb_copy: Path) -> None:
    def change(d: dict) -> None:
        d["materials"][0]["licence"] = "flying_licence"
        d["halls"] = ["不存在的大厅"]

    _edit_guide(kb_copy, change)
    msgs = _messages(files.load_bundle(kb_copy)[1])
    assert (
        "guides/gongan/chusheng-dengji.yml [出生登记] materials[0].licence: "
        "unknown licence type 'flying_licence'" in msgs
    )
    assert "guides/gongan/chusheng-dengji.yml [出生登记] halls: unknown hall '不存在的大厅'" in msgs


def test_duplicate_guide_names_are_reported(kb_copy: Path) -> None:
    src = kb_copy / "guides/gongan/chusheng-dengji.yml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data["slug"], data["code"] = "chusheng-dengji-copy", "11441500007250081M4440117009999"
    (kb_copy / "guides/gongan/chusheng-dengji-copy.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    msgs = _messages(files.load_bundle(kb_copy)[1])
    assert sum("duplicate name '出生登记'" in m for m in msgs) == 2


def test_import_writes_nothing_when_any_file_is_wrong(kb_copy: Path, engine: Engine) -> None:
    _edit_guide(kb_copy, lambda d: d.update(summary="新的摘要", visits=-1))
    with session_scope(engine) as session:
        report, problems = importer.import_dir(session, kb_copy)
    assert report is None and problems
    with session_scope(engine) as session:
        bundle = importer.export_bundle(session)
    guide = next(g for g in bundle.guides.values() if g.name == "出生登记")
    assert guide.summary != "新的摘要"


def test_export_after_import_gives_back_the_same_files(
    engine: Engine, tmp_path: Path, kb_bundle: files.Bundle
) -> None:
    with session_scope(engine) as session:
        bundle = importer.export_bundle(session, headers=kb_bundle.headers)
    files.write_bundle(bundle, tmp_path)
    for original in sorted(KB_DIR.rglob("*.yml")):
        rel = original.relative_to(KB_DIR)
        if rel.parts[0] == "demo":
            continue
        assert (tmp_path / rel).read_text(encoding="utf-8") == original.read_text(
            encoding="utf-8"
        ), rel


def test_reimporting_unchanged_files_adds_no_version(
    engine: Engine, kb_bundle: files.Bundle
) -> None:
    with session_scope(engine) as session:
        report = importer.import_bundle(session, kb_bundle)
    assert report.added == [] and report.updated == []
    assert len(report.unchanged) == len(kb_bundle.guides)


def test_changed_file_is_imported_as_a_new_published_version(engine: Engine, kb_copy: Path) -> None:
    _edit_guide(kb_copy, lambda d: d.update(phone="0660-3380000"))
    with session_scope(engine) as session:
        report, _ = importer.import_dir(session, kb_copy)
    assert report is not None and report.updated == ["出生登记"]
    with session_scope(engine) as session:
        guide = next(
            g for g in importer.export_bundle(session).guides.values() if g.name == "出生登记"
        )
    assert guide.phone == "0660-3380000"
