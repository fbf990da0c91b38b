"""The pipeline on the bundled KB: one ``nlp(text)`` → guide, situation, entities, decision.

Questions here are our own (never the development set's): they specify behaviour.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jieba
import pytest

from assistant.kb.snapshot import KbSnapshot
from assistant.nlu import bench
from assistant.nlu.corpus import AttachedQuestion
from assistant.nlu.decide import EMPTY_MESSAGE, NO_MATCH_MESSAGE
from assistant.nlu.engine import Resources, build_engine
from assistant.nlu.lexicon import build_lexicon
from assistant.nlu.runtime import Nlu, NluPipeline, to_public
from assistant.nlu.segment import (
    BatchCut,
    FastCut,
    WordTable,
    han_runs,
    make_word_table,
)
from tests.conftest import SHARED_DIR


def ask(pipeline: NluPipeline, text: str) -> dict[str, Any]:
    return to_public(pipeline(text), 5, 0.0).model_dump()


def first(answer: dict[str, Any]) -> str:
    return answer["results"][0]["name"]


def test_wife_gave_birth_and_the_childs_hukou_is_birth_registration(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "我老婆上周生了，孩子户口怎么弄")
    assert answer["status"] == "matched"
    assert first(answer) == "出生登记"
    assert answer["results"][0]["kind"] == "guide"


def test_a_lost_id_card_finds_reissue_with_the_lost_situation(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "我的身份证丢了怎么办")
    assert (answer["status"], first(answer)) == ("matched", "居民身份证补领")
    assert answer["results"][0]["situation"] == {"key": "lost", "name": "身份证遗失补领"}
    assert answer["message"] == "为您找到办事指南：居民身份证补领（身份证遗失补领）。"


def test_a_stolen_id_card_implies_the_stolen_situation(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "身份证被偷了")
    assert answer["results"][0]["situation"]["key"] == "stolen"


def test_a_generic_question_is_answered_with_a_question_back(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "提取公积金")
    assert answer["status"] == "ambiguous"
    clarify = answer["clarify"]
    assert {o["label"] for o in clarify["options"]} == {"租房", "购房", "退休"}
    assert {o["name"] for o in clarify["options"]} == {
        "租房提取住房公积金",
        "购房提取住房公积金",
        "退休提取住房公积金",
    }
    assert clarify["question"].startswith("关于“提取住房公积金”，请问您要办理的是：")
    assert answer["message"] == clarify["question"]


@pytest.mark.parametrize("question", ["去泰国旅游要签证吗", "交通违章罚款怎么交", "水费怎么缴费"])
def test_questions_about_services_we_do_not_handle_are_declined_politely(
    pipeline: NluPipeline, question: str
) -> None:
    answer = ask(pipeline, question)
    assert answer["status"] == "no_match"
    assert answer["message"] == NO_MATCH_MESSAGE
    assert answer["clarify"] is None


def test_asking_to_do_several_things_at_once_finds_the_theme(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "生完孩子上户口、办医保能一次办好吗")
    assert answer["status"] == "matched"
    assert (first(answer), answer["results"][0]["kind"]) == ("出生一件事", "theme")
    assert answer["message"] == "为您找到“一件事”主题服务：出生一件事。"


def test_one_item_of_a_theme_without_bundle_words_finds_the_item(pipeline: NluPipeline) -> None:
    assert first(ask(pipeline, "孩子刚出生怎么上户口")) == "出生登记"


@pytest.mark.parametrize(
    ("question", "guide"),
    [
        ("臨時身分正怎麼辦", "临时居民身份证申领"),  # traditional characters and a homophone typo
        ("社保咔丢了", "社会保障卡挂失与补换"),  # homophone typo
        ("驾驶证点样换", "机动车驾驶证期满换证"),  # Cantonese
        ("社保卡唔见咗点算", "社会保障卡挂失与补换"),  # Cantonese
        ("ＨＥＬＬＯ，我想办护照！！！😊", "普通护照申领"),  # full width, emoji
    ],
)
def test_typos_dialect_and_scripts_reach_the_right_guide(
    pipeline: NluPipeline, question: str, guide: str
) -> None:
    answer = ask(pipeline, question)
    assert (answer["status"], first(answer)) == ("matched", guide)


def test_cantonese_mou_zo_a_job_is_unemployment_not_a_lost_document(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "上个月冇咗工作，想申请失业金")  # 冇咗: gone, not 丢了
    assert (answer["status"], first(answer)) == ("matched", "失业保险金申领")
    assert all((r["situation"] or {}).get("key") != "lost" for r in answer["results"])


def test_a_vehicle_plate_is_not_a_business_licence(pipeline: NluPipeline) -> None:
    for question in ("车牌照唔见咗点算", "摩托车牌照丢了"):
        _aligned, words = pipeline.engine.analyzer.canonical(question)
        assert "营业执照" not in words and "机动车号牌" in words
        answer = ask(pipeline, question)  # plates are not a service of ours
        assert answer["status"] == "no_match" and "营业执照" not in first(answer)
    assert first(ask(pipeline, "想开士多，牌照点办")) == "个体工商户设立登记"  # 牌照 still is one


@pytest.mark.parametrize(
    ("question", "guide"),
    [
        ("生完孩子，孩子户口在哪里报", "出生登记"),
        ("老婆生孩子了，要给孩子落户", "出生登记"),
        ("驾驶证快到期，想换新", "机动车驾驶证期满换证"),  # 换新 is 换领
        ("两公婆想离婚要带咩", "内地居民离婚登记"),
    ],
)
def test_everyday_words_for_birth_renewal_and_divorce_find_the_guide(
    pipeline: NluPipeline, question: str, guide: str
) -> None:
    answer = ask(pipeline, question)
    assert (answer["status"], first(answer)) == ("matched", guide)


def test_entities_are_reported_where_the_citizen_typed_them(pipeline: NluPipeline) -> None:
    text = "明天上午去海丰县政务服务中心补办身份證"
    answer = ask(pipeline, text)
    ents = {e["label"]: e for e in answer["entities"]}
    assert ents["date"]["text"] == "明天" and (ents["date"]["start"], ents["date"]["end"]) == (0, 2)
    assert ents["time"]["text"] == "上午"
    assert ents["hall"]["text"] == "海丰县政务服务中心"
    assert (
        ents["service"]["text"]
        == text[ents["service"]["start"] : ents["service"]["end"]]
        == "补办身份證"
    )
    assert ents["service"]["value"] == "补领居民身份证"
    assert first(answer) == "居民身份证补领"  # the date and the hall do not get in the way


def test_no_entity_is_reported_for_part_of_a_rewritten_word(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "公积金怎么取")  # 公积金 is read as 住房公积金; 住房 was not said
    assert all(e["label"] != "life_event" for e in answer["entities"])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "！？。，……",
        "\x00\x01\x1b[31m",
        "a" * 5000,
        "办" * 5000,
        "' OR 1=1; DROP TABLE guide; --",
        "<script>alert('x')</script>",
        "Ｓｏｃｉａｌ ｓｅｃｕｒｉｔｙ",
    ],
)
def test_bad_input_gets_a_valid_answer(pipeline: NluPipeline, text: str) -> None:
    answer = ask(pipeline, text)
    assert answer["status"] in ("no_match", "matched", "ambiguous")
    assert answer["message"]


def test_nothing_to_go_on_gets_a_prompt(pipeline: NluPipeline) -> None:
    answer = ask(pipeline, "😀！！")
    assert (answer["status"], answer["message"], answer["results"]) == (
        "no_match",
        EMPTY_MESSAGE,
        [],
    )


def test_a_publish_is_seen_by_the_next_question(nlu: Nlu, kb_snapshot: KbSnapshot) -> None:
    question = "星光卡怎么办理"
    before, _ = nlu.parse(kb_snapshot, question)
    assert before.status == "no_match"
    guides = [g.guide for g in kb_snapshot.guides]
    i = next(i for i, g in enumerate(guides) if g.name == "社会保障卡申领")
    guides[i] = guides[i].model_copy(update={"aliases": [*guides[i].aliases, "星光卡"]})
    published = KbSnapshot(
        kb_snapshot.revision + 1,
        tuple(
            g.__class__(g.id, g.version + (g.guide.name == "社会保障卡申领"), guides[k])
            for k, g in enumerate(kb_snapshot.guides)
        ),
        kb_snapshot.themes,
        kb_snapshot.halls,
        kb_snapshot.groups,
        kb_snapshot.licence_types,
        kb_snapshot.synonyms,
    )
    after, _ = nlu.parse(published, question)
    assert (after.status, after.results[0].name) == ("matched", "社会保障卡申领")


def test_each_index_has_its_own_word_table_and_leaves_the_main_dictionary_alone(
    pipeline: NluPipeline, nlu_resources: Resources
) -> None:
    table = pipeline.engine.analyzer.segmenter.table
    assert table.freq is not nlu_resources.base.freq
    assert table.freq.get("社会保障卡申领", 0) > 0
    assert "社会保障卡申领" not in nlu_resources.base.freq


def test_the_pipeline_does_not_import_jieba_and_its_hmm_model() -> None:
    code = "import sys, assistant.nlu.runtime; print('jieba' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我的社保卡丢了", "社保卡"),
        ("公积金怎么提取", "公积金"),
        ("港澳通行证续签", "港澳通行证"),
        ("居住证要多久", "居住证"),
        ("办营业执照", "营业执照"),
        ("想领结婚证", "领结婚证"),
    ],
)
def test_kb_words_are_kept_whole_by_the_segmenter(
    pipeline: NluPipeline, text: str, word: str
) -> None:
    assert word in pipeline.engine.analyzer.segmenter.words(text)


def test_fast_cut_agrees_with_jieba(pipeline: NluPipeline, kb_snapshot: KbSnapshot) -> None:
    segmenter = pipeline.engine.analyzer.segmenter
    tokenizer = jieba.Tokenizer()  # jieba itself, with the very same word table
    tokenizer.FREQ, tokenizer.total = segmenter.table.freq, segmenter.table.total
    tokenizer.initialized = True
    texts = ["abc 123 身份证ABC12.5%的", "a1b2 c3", "\r\n 你好\t世界", "2024年3月5号办社保IC卡"]
    for g in kb_snapshot.guides:
        x = g.guide
        texts += [x.name, x.summary, *x.aliases, *x.examples, *x.acceptance_conditions]
    for text in texts:
        assert segmenter.cut(text) == list(tokenizer.cut(text, HMM=False)), text


def kb_texts(snapshot: KbSnapshot) -> list[str]:
    """Every text of the KB's guides (names, prose, materials, notes…), and the texts it makes."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for g in snapshot.guides:
        walk(g.guide.model_dump())
    return texts


EDGE_TEXTS = [
    "abc 123 身份证ABC12.5%的",  # ASCII and digit runs, joined as jieba joins them
    "a1b2 c3",
    "\r\n 你好\t世界",
    "2024年3月5号办社保IC卡",
    "鱻鱻办理䶮乂",  # characters the dictionary does not know, and one outside jieba's runs
    "办",
    "1",
    "-+#&._%",
]


def cuts_agree(table: WordTable, texts: list[str]) -> None:
    fast = FastCut(table)
    runs = han_runs(texts)
    cuts, where = BatchCut(table)(runs)
    assert where.keys() == runs
    for run in runs:
        assert cuts[where[run] >> 32 : where[run] & 0xFFFFFFFF].split(" ") == fast._cut_block(run)


def test_batch_cut_agrees_with_fast_cut(pipeline: NluPipeline, kb_snapshot: KbSnapshot) -> None:
    table = pipeline.engine.analyzer.segmenter.table
    texts = kb_texts(kb_snapshot) + EDGE_TEXTS
    long_run = "".join(g.guide.name for g in kb_snapshot.guides) * 4  # 2,000 characters
    assert han_runs([long_run]) == {long_run} and len(long_run) > 1_500
    cuts_agree(table, [*texts, long_run])


def test_batch_cut_agrees_with_fast_cut_on_a_scaled_kb(
    kb_snapshot: KbSnapshot, nlu_resources: Resources
) -> None:
    names = bench.read_item_names(SHARED_DIR / "kb" / "scale_item_names.txt")
    snapshot = bench.scaled_snapshot(kb_snapshot, names, 800)
    lexicon = build_lexicon(snapshot, nlu_resources.normal)
    table = make_word_table(nlu_resources.base, lexicon.user_words())
    given = sum(f for f in table.freq.values() if f)
    assert table.total > given  # KB words replace jieba's: the batch must make up the total
    cuts_agree(table, kb_texts(snapshot) + EDGE_TEXTS)


@pytest.mark.parametrize(
    ("total", "words"),
    [(21, ["甲", "乙"]), (100, ["甲乙"]), (150, ["甲乙"])],
    ids=["sum-of-words", "tie-goes-to-the-longer-word", "replaced-frequencies-counted"],
)
def test_batch_cut_weighs_words_against_the_tables_total(total: int, words: list[str]) -> None:
    """甲乙 beats 甲 + 乙 when 1 / total ≥ (10 / total)²: the total decides, the very total jieba
    keeps (frequencies a KB word replaced still count in it)."""
    table = WordTable({"甲": 10, "乙": 10, "甲乙": 1}, total)
    assert FastCut(table)("甲乙") == words
    cuts = " ".join(words)
    assert BatchCut(table)(["甲乙"]) == (cuts, {"甲乙": len(cuts)})


def test_a_batch_of_nothing_cuts_nothing(pipeline: NluPipeline) -> None:
    table = pipeline.engine.analyzer.segmenter.table
    assert han_runs(["", "  ", "，。！"]) == set() and BatchCut(table)([]) == ("", {})


@pytest.mark.parametrize("guides", [None, 300], ids=["bundled-kb", "scaled-kb"])
def test_an_index_build_cuts_every_kb_text_in_its_batch_none_run_by_run(
    kb_snapshot: KbSnapshot,
    nlu_resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
    guides: int | None,
) -> None:
    """The texts an index build segments are read ahead (``canonical_texts``) and cut by
    jieba-rs in one batch; a text that list missed would be cut run by run, 5× slower."""
    snapshot = kb_snapshot
    if guides:
        names = bench.read_item_names(SHARED_DIR / "kb" / "scale_item_names.txt")
        snapshot = bench.scaled_snapshot(kb_snapshot, names, guides)
    one_by_one: list[str] = []
    cut_block = FastCut._cut_block

    def spy(self: FastCut, run: str) -> list[str]:
        if self._blocks is not None:  # remembering: an index is being built
            one_by_one.append(run)
        return cut_block(self, run)

    monkeypatch.setattr(FastCut, "_cut_block", spy)
    first = snapshot.guides[0]
    attached = [AttachedQuestion("guide", first.id, "我家宝宝刚满月想给他落户")]  # an editor's
    engine = build_engine(snapshot, nlu_resources, attached)
    assert one_by_one == []
    assert len(engine.index.entries) >= len(snapshot.guides)  # the build did happen
