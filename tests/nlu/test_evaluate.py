"""Evaluation metrics, and the ``assistant eval / ask / nlu export-dict`` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import PROJECT_ROOT
from assistant.nlu.evaluate import Line, Prediction, evaluate, read_lines

KB = str(PROJECT_ROOT / "guides_kb")
OWN_QUESTIONS = Path(__file__).resolve().parent.parent / "data" / "nlu_questions.jsonl"


def test_metrics_count_only_what_each_kind_of_line_asks_for() -> None:
    lines = [
        Line("a", "甲", (), "short"),  # matched, right first: top-1 and top-3
        Line("b", "乙", (), "short"),  # right but only second: top-3, not top-1
        Line("c", "丙", (), "long"),  # rejected: a false rejection
        Line("d", None, ("甲", "乙"), "ambiguous"),  # asked back with both: clarified
        Line("e", None, (), "oos"),  # declined: out-of-scope recall
        Line("f", None, (), "oos"),  # answered: missed
    ]
    answers = {
        "a": Prediction("matched", ("甲", "乙"), 1.0),
        "b": Prediction("matched", ("甲", "乙"), 2.0),
        "c": Prediction("no_match", ("丙",), 3.0),
        "d": Prediction("ambiguous", ("乙", "甲"), 4.0),
        "e": Prediction("no_match", (), 5.0),
        "f": Prediction("matched", ("甲",), 6.0),
    }
    r = evaluate("test", lines, lambda q: answers[q])
    assert (r.top1, r.top3) == (round(1 / 3, 4), round(1.0, 4))
    assert (r.clarification, r.oos_recall, r.false_rejection) == (1.0, 0.5, round(1 / 3, 4))
    assert r.by_kind["short"] == {"n": 2, "accuracy": 0.5}
    assert [m["q"] for m in r.misses] == ["b", "c", "f"]
    assert r.latency_p50_ms == 3.5


def test_our_own_questions_meet_the_accuracy_we_promise() -> None:
    result = CliRunner().invoke(
        app, ["eval", "--questions", str(OWN_QUESTIONS), "--kb-dir", KB, "--json"]
    )
    assert result.exit_code == 0, result.output
    pipeline, fuzzy, lexical = json.loads(result.output)
    assert pipeline["top1"] >= 0.9 and pipeline["top3"] >= 0.97
    assert pipeline["false_rejection"] <= 0.03 and pipeline["oos_recall"] >= 0.7
    assert pipeline["clarification"] >= 0.66
    assert len(pipeline["predictions"]) == len(read_lines(OWN_QUESTIONS))
    assert fuzzy["name"].startswith("baseline") and "predictions" not in fuzzy
    assert pipeline["top1"] > fuzzy["top1"] and pipeline["top1"] > lexical["top1"]


def test_ask_prints_the_same_json_as_the_api() -> None:
    result = CliRunner().invoke(app, ["ask", "身份证丢了怎么补办", "--json", "--kb-dir", KB])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"status", "results", "entities", "clarify", "message", "elapsed_ms"}
    assert (body["status"], body["results"][0]["name"]) == ("matched", "居民身份证补领")


def test_export_dict_writes_the_kb_words_for_rasa(tmp_path: Path) -> None:
    out = tmp_path / "dict" / "kb.txt"
    result = CliRunner().invoke(app, ["nlu", "export-dict", "--out", str(out), "--kb-dir", KB])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    entries = {line.split(" ")[0]: line.split(" ") for line in lines}
    assert all(len(parts) == 3 and parts[1].isdigit() for parts in entries.values())
    assert entries["社会保障卡申领"][2] == "nz"
    assert {"居住证", "港澳通行证", "点样", "海丰县政务服务中心"} <= set(entries)
