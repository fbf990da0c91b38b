"""The shared-data store: the demo file, its import, lookups from the database, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from assistant.cli import app as cli_app
from assistant.db import session_scope
from assistant.waiver.demo import DemoFile, load_demo
from assistant.waiver.models import (
    SharedItem,
    SharedLicence,
    SharedPerson,
    SharedRelation,
    WaiverConsent,
)
from assistant.waiver.providers import LocalProvider
from assistant.waiver.rules import plan_lookup
from assistant.waiver.store import import_demo
from tests.conftest import SHARED_DIR
from tests.waiver_support import (
    HUANG_WEI,
    LIN_JING,
    LIU_FANG,
    NOBODY,
    bundled_guide,
    demo_directory,
    demo_file,
    use_demo_shared_data,
)

use_demo_shared_data()

TABLES = (SharedPerson, SharedRelation, SharedLicence, SharedItem)


def _counts(session: Session) -> dict[str, int]:
    return {
        t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES
    }


# ------------------------------------------------------------------ the demo file


def test_the_demo_file_holds_every_fact_of_the_demo_city() -> None:
    city = yaml.safe_load((SHARED_DIR / "kb" / "demo_city.yml").read_text(encoding="utf-8"))
    people = {p.name: p for p in demo_file().persons}
    spouses = {tuple(sorted(r.spouses)) for r in demo_file().relations if r.spouses}
    for citizen in city["citizens"]:
        p = people[citizen["name"]]
        assert (p.id_number, p.sex, p.born) == (
            citizen["id_number"],
            citizen["sex"],
            citizen["born"],
        )
        assert p.hukou is not None
        assert f"{p.hukou.province}{p.hukou.city}{p.hukou.district}".endswith(citizen["hukou"])
        mine = {lic.type: lic for lic in p.licences}
        for lic in citizen["licences"]:
            assert lic["type"] in mine, (p.name, lic["type"])
            until = lic.get("valid_until")
            if until is not None:
                assert mine[lic["type"]].valid_until == until, (p.name, lic["type"])
            if "issued" in lic:
                assert mine[lic["type"]].issued == lic["issued"], (p.name, lic["type"])
        if "spouse" in citizen:
            assert tuple(sorted((p.name, citizen["spouse"]))) in spouses
        for child in citizen.get("children", []):
            assert people[child["name"]].born == child["born"]


def test_the_demo_file_refuses_an_id_number_with_a_wrong_check_digit() -> None:
    raw = yaml.safe_load((Path("guides_kb") / "demo" / "shared_data.yml").read_text("utf-8"))
    raw["persons"][0]["id_number"] = "441502199003151238"
    with pytest.raises(ValidationError, match="校验位不正确"):
        DemoFile.model_validate(raw)


def test_the_demo_file_refuses_a_relation_to_someone_not_in_it() -> None:
    raw = yaml.safe_load((Path("guides_kb") / "demo" / "shared_data.yml").read_text("utf-8"))
    raw["relations"].append({"spouses": ["黄伟", "王某"]})
    with pytest.raises(ValidationError, match="王某"):
        DemoFile.model_validate(raw)


# ------------------------------------------------------------------ import and lookups


def test_importing_the_demo_twice_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        before = _counts(session)
        stamps = {p.key: p.updated_at for p in session.exec(select(SharedPerson))}
    with session_scope(engine) as session:
        report = import_demo(session, demo_file())
    with session_scope(engine) as session:
        assert _counts(session) == before
        assert {p.key: p.updated_at for p in session.exec(select(SharedPerson))} == stamps
    assert before == {
        "shared_person": 9,
        "shared_relation": 8,
        "shared_licence": 30,
        "shared_record": 19,
    }
    assert report.summary() == "shared data: 9 persons, 30 licences, 19 records, 8 relations"


def test_the_newborn_is_kept_by_the_number_of_the_birth_certificate(engine: Engine) -> None:
    with session_scope(engine) as session:
        baby = session.exec(select(SharedPerson).where(SharedPerson.name == "陈小宝")).one()
    assert (baby.key, baby.id_number, baby.birth_date) == (
        "birth:Q441502387",
        None,
        date(2026, 11, 2),
    )


def test_a_changed_demo_file_updates_the_store_in_place(engine: Engine) -> None:
    changed = demo_file().model_copy(deep=True)
    huang = next(p for p in changed.persons if p.name == "黄伟")
    huang.licences = [lic for lic in huang.licences if lic.type != "social_security_card"]
    with session_scope(engine) as session:
        import_demo(session, changed)
    with session_scope(engine) as session:
        row = session.exec(select(SharedPerson).where(SharedPerson.id_number == HUANG_WEI)).one()
        types = session.exec(
            select(SharedLicence.type_code).where(SharedLicence.person_id == row.id)
        )
        assert sorted(types) == ["hukou_booklet", "id_card"]


@pytest.mark.parametrize("id_number", [LIN_JING, HUANG_WEI, LIU_FANG, NOBODY, "441502195001010039"])
@pytest.mark.parametrize("guide", ["出生登记", "死亡注销户口", "居住证申领", "食品经营许可证核发"])
def test_the_store_answers_a_lookup_exactly_like_the_demo_file(
    engine: Engine, id_number: str, guide: str
) -> None:
    request = plan_lookup(id_number, [(bundled_guide(guide), None)])
    with Session(engine) as session:
        stored = LocalProvider(session).lookup(request)
    assert stored == demo_directory().lookup(request)


# ------------------------------------------------------------------ command line


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", database_url)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_ENVIRONMENT", "test")
    return CliRunner()


def test_cli_import_demo_reports_what_the_store_holds(cli: CliRunner) -> None:
    result = cli.invoke(cli_app, ["waiver", "import-demo"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "shared data: 9 persons, 30 licences, 19 records, 8 relations"


def test_cli_checks_a_guide_and_prints_the_apis_json(cli: CliRunner) -> None:
    args = ["waiver", "--guide", "出生登记", "--id", LIN_JING, "--consent", "--json"]
    result = cli.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["applicant"] == "4415**********2345"
    assert body["summary"]["waived"] == 5
    assert {m["id"]: m["status"] for m in body["materials"]}["birth_cert"] == "waived_licence"
    assert LIN_JING not in result.output


def test_cli_check_reads_as_a_list_for_people(cli: CliRunner) -> None:
    args = ["waiver", "--guide", "出生登记", "--id", HUANG_WEI, "--consent"]
    result = cli.invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert "您的电子身份证已于2025年6月1日过期，请携带有效证件。" in result.output
    assert result.output.startswith("出生登记 · 婚生子女随父或母落户 · 申请人 4415**********0017")


def test_cli_asks_for_consent_and_looks_nothing_up_without_it(
    cli: CliRunner, engine: Engine
) -> None:
    result = cli.invoke(cli_app, ["waiver", "--guide", "出生登记", "--id", LIN_JING], input="n\n")
    assert result.exit_code == 1
    assert "请先阅读并同意授权" in result.output
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(WaiverConsent)).one() == 0


def test_cli_refuses_a_wrong_id_number(cli: CliRunner) -> None:
    args = ["waiver", "--guide", "出生登记", "--id", "441502199208082346", "--consent"]
    result = cli.invoke(cli_app, args)
    assert result.exit_code == 1
    assert "身份证号码校验位不正确" in result.output


def test_setup_imports_the_demo_shared_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = CliRunner().invoke(cli_app, ["setup"])
    assert result.exit_code == 0, result.output
    assert "shared data: 9 persons, 30 licences, 19 records, 8 relations" in result.output
    assert load_demo(Path("guides_kb/demo/shared_data.yml")).province == "广东省"
