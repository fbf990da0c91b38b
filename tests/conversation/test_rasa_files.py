"""Rasa's generated files (lookups, synonyms, dictionary, endpoints) and the project's parts
agreeing with each other: intents, responses and actions (no Rasa needed)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions.registry import ACTIONS
from assistant.config import PROJECT_ROOT, Settings
from assistant.conversation.endpoints import endpoints
from assistant.conversation.rasa_export import build_export, write_export
from assistant.kb import files

NLU_DIR = PROJECT_ROOT / "nlu_data"
INTENTS = [
    "greet",
    "goodbye",
    "thank",
    "ask_guide",
    "ask_materials",
    "ask_fee",
    "ask_duration",
    "ask_location",
    "ask_hours",
    "ask_online",
    "check_waiver",
    "book_appointment",
    "cancel_appointment",
    "my_appointments",
    "ask_queue",
    "nearest_hall",
    "inform",
    "affirm",
    "deny",
    "human_handoff",
    "rate_service",
    "out_of_scope",
    "chitchat",
]
ENTITIES = ["service", "situation", "hall", "district", "date", "time"]


def domain() -> dict:
    merged: dict = {"intents": [], "entities": [], "actions": [], "responses": {}, "slots": {}}
    for path in sorted((NLU_DIR / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("intents", "entities", "actions"):
            merged[key] += part.get(key, [])
        merged["responses"] |= part.get("responses", {})
        merged["slots"] |= part.get("slots", {})
    return merged


def test_the_intents_and_entities_are_exactly_the_issues() -> None:
    d = domain()
    assert sorted(d["intents"]) == sorted(INTENTS)
    assert sorted(d["entities"]) == sorted(ENTITIES)


def test_every_intent_has_many_examples() -> None:
    counts: dict[str, int] = {}
    for path in (NLU_DIR / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                counts[block["intent"]] = block["examples"].count("\n- ") + 1
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 15, counts


def test_every_custom_action_is_registered_and_every_registered_one_declared() -> None:
    declared = {a for a in domain()["actions"] if not a.startswith("utter_")}
    registered = {cls.name(None) for cls in ACTIONS}  # type: ignore[arg-type]
    assert declared == registered


def test_every_response_an_action_sends_is_in_the_domain() -> None:
    sent = set()
    for path in (PROJECT_ROOT / "actions").glob("*.py"):
        sent |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert sent - set(domain()["responses"]) == set()


def test_the_export_holds_the_kbs_names_and_their_variants(kb_bundle: files.Bundle) -> None:
    export = build_export(kb_bundle, ["出生登记 5 nz", "社保卡 3 l"])
    assert "出生登记" in export.lookups["service"] and "新生儿入户" in export.lookups["service"]
    assert "新生儿入户" in export.synonyms["出生登记"]
    assert {"海丰县", "海丰", "城区"} <= set(export.lookups["district"])
    assert export.synonyms["海丰县"] == ["海丰"]
    assert "汕尾市民服务中心" in export.lookups["hall"]
    assert export.userdict == ["出生登记 5 nz", "社保卡 3 l"]  # the app NLU's, as given


def test_an_unchanged_kb_rewrites_nothing(kb_bundle: files.Bundle, tmp_path: Path) -> None:
    export = build_export(kb_bundle, ["出生登记 5 nz"])
    assert len(write_export(export, tmp_path)) == 3
    assert write_export(build_export(kb_bundle, ["出生登记 5 nz"]), tmp_path) == []
    text = (tmp_path / "data/generated/lookups.yml").read_text(encoding="utf-8")
    assert text.startswith("# GENERATED") and "  - lookup: service\n" in text


def test_endpoints_default_to_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    e = endpoints(Settings(data_dir=tmp_path, port=8123))
    assert e["action_endpoint"] == {"url": "http://127.0.0.1:8123/webhook"}
    assert e["tracker_store"] == {
        "type": "zhidao_rasa.tracker_store.CachingSQLTrackerStore",
        "dialect": "sqlite",
        "db": str((tmp_path / "rasa" / "trackers.db").resolve()),
        "cache_size": 500,
    }
    assert "lock_store" not in e


def test_the_tracker_store_class_is_where_rasa_will_import_it_from() -> None:
    """Rasa falls back to an in-memory store (conversations lost on restart) with only a warning
    when it cannot import the configured class; Rasa runs in nlu_data/, so the module is there."""
    module, _, cls = endpoints(Settings())["tracker_store"]["type"].rpartition(".")
    source = NLU_DIR / (module.replace(".", "/") + ".py")
    assert f"class {cls}(SQLTrackerStore)" in source.read_text(encoding="utf-8")


def test_endpoints_for_postgresql_and_redis(tmp_path: Path) -> None:
    e = endpoints(
        Settings(
            data_dir=tmp_path,
            rasa_tracker_store_url="postgresql://zd:pw@db.local:5433/rasa",
            rasa_lock_store_url="redis://:secret@cache.local:6380/2",
        )
    )
    assert e["tracker_store"] == {
        "type": "zhidao_rasa.tracker_store.CachingSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db.local",
        "db": "rasa",
        "username": "zd",
        "password": "pw",
        "port": 5433,
        "cache_size": 0,  # several Rasa instances (Redis locks): no instance may trust its memory
    }
    assert e["lock_store"] == {
        "type": "redis",
        "url": "cache.local",
        "port": 6380,
        "db": 2,
        "password": "secret",
    }


def test_the_default_tracker_store_is_created_in_wal_mode(tmp_path: Path) -> None:
    import sqlite3

    from assistant.conversation.endpoints import prepare_tracker_db

    path = prepare_tracker_db(Settings(data_dir=tmp_path))
    assert path == (tmp_path / "rasa" / "trackers.db").resolve()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_no_form_takes_a_request_to_stop_or_a_courtesy_as_its_answer() -> None:
    """A form fills its question's slot from whatever is typed, unless the intent says the
    citizen did something else: "取消预约" or "不约了" must reach the rules that stop the form
    (Rasa runs the active form first and applies rules only when the form finds no answer)."""
    never_an_answer = {
        "deny", "affirm", "goodbye", "thank", "greet", "chitchat", "out_of_scope",
        "human_handoff", "rate_service", "cancel_appointment", "my_appointments", "check_waiver",
    }  # fmt: skip
    free_text = {
        name: set(m.get("not_intent", []))
        for name, slot in domain()["slots"].items()
        for m in slot["mappings"]
        if m["type"] == "from_text"
    }
    assert set(free_text) == {"service", "hall", "date", "slot", "name", "phone", "id_number"}
    assert {name: never_an_answer - excluded for name, excluded in free_text.items()} == {
        name: set() for name in free_text
    }


def test_the_model_is_retrained_when_what_shapes_it_changes_and_only_then(tmp_path: Path) -> None:
    """The fingerprint covers the training data and the code that builds the prediction graph
    (launch.py, the rule-first policies), not Python's byte-code caches or the tracker store."""
    from assistant.conversation.cli import TRAINING_INPUTS, training_hash

    for name in TRAINING_INPUTS:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith((".yml", ".py")):
            target.write_text("# v1\n", encoding="utf-8")
        else:
            target.mkdir()
            (target / "a.yml").write_text("v1\n", encoding="utf-8")
    (tmp_path / "zhidao_rasa" / "tracker_store.py").write_text("# v1\n", encoding="utf-8")
    before = training_hash(tmp_path)
    (tmp_path / "zhidao_rasa" / "__pycache__").mkdir()
    (tmp_path / "zhidao_rasa" / "__pycache__" / "policies.pyc").write_bytes(b"\0")
    (tmp_path / "zhidao_rasa" / "tracker_store.py").write_text("# v2\n", encoding="utf-8")
    assert training_hash(tmp_path) == before
    (tmp_path / "zhidao_rasa" / "policies.py").write_text("# v2\n", encoding="utf-8")
    assert training_hash(tmp_path) != before
