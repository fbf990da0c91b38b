"""The waiver rules on plain data: the demo citizens (in memory) and guides, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.kb.schema import Guide, LicenceHolder, MaterialForm, Theme
from assistant.kb.snapshot import KbSnapshot, PublishedGuide, PublishedTheme
from assistant.waiver import texts
from assistant.waiver.outcomes import GuideCheck, MaterialResult, Status, combine_theme, summarize
from assistant.waiver.records import (
    Licence,
    LicenceStatus,
    Person,
    PersonRecords,
    Relation,
    Relative,
)
from assistant.waiver.rules import check_guide, plan_lookup
from assistant.waiver.service import resolve_target
from tests.waiver_support import (
    CHEN_XIAOMING,
    HUANG_WEI,
    LIN_JING,
    LIU_FANG,
    NOBODY,
    TODAY,
    WU_MEILING,
    ZHANG_JIANGUO,
    bundled_guide,
    demo_directory,
    make_guide,
    rule_context,
)

ID_CARD = {
    "id": "id_card",
    "name": "申请人居民身份证",
    "licence": "id_card",
    "licence_holder": "applicant",
}


def check(
    guide: Guide, id_number: str, situation: str | None = None, today: date = TODAY
) -> GuideCheck:
    records = demo_directory().lookup(plan_lookup(id_number, [(guide, situation)]))
    return check_guide(guide, situation, records, rule_context(today))


def by_id(result: GuideCheck) -> dict[str, MaterialResult]:
    return {m.material_id: m for m in result.materials}


def statuses(result: GuideCheck) -> dict[str, Status]:
    return {m.material_id: m.status for m in result.materials}


@pytest.fixture(scope="module")
def birth() -> Guide:
    return bundled_guide("出生登记")


# ------------------------------------------------------------------ the demo citizens


def test_lin_jing_birth_registration_waives_birth_certificate_marriage_hukou_and_ids(
    birth: Guide,
) -> None:
    result = check(birth, LIN_JING)
    assert statuses(result) == {
        "birth_cert": Status.waived_licence,
        "applicant_id": Status.waived_licence,
        "spouse_id": Status.waived_licence,
        "hukou_booklet": Status.waived_licence,
        "marriage_cert": Status.waived_licence,
        "application_form": Status.must_bring,
    }
    m = by_id(result)
    assert (m["birth_cert"].source.name, m["birth_cert"].source.number) == (
        "出生医学证明",
        "Q441502387",
    )
    assert m["birth_cert"].source.issuer == "汕尾市妇幼保健院"
    assert m["birth_cert"].source.holder == LicenceHolder.child
    assert m["birth_cert"].reason == "已通过电子证照核验孩子的出生医学证明，无需提交。"
    assert (
        m["applicant_id"].reason
        == "已通过电子证照核验您的居民身份证（有效期至2032年8月8日），无需提交。"
    )
    assert m["spouse_id"].source.number == CHEN_XIAOMING
    assert m["marriage_cert"].source.number == "J441502-2024-000587"
    assert m["hukou_booklet"].source.issuer == "汕尾市公安局城区分局"
    assert (
        result.summary.text
        == "需携带 1 项（其中申请表 1 份，已预填 9 项，可在窗口现场填写），免提交 5 项"
    )
    assert result.notices == ()


def test_birth_registration_prefills_the_parents_and_the_child(birth: Guide) -> None:
    prefill = {p.field.value: p.value for p in check(birth, LIN_JING).prefill}
    assert prefill == {
        "name": "林静",
        "sex": "女",
        "id_number": LIN_JING,
        "hukou_address": "广东省汕尾市城区新港街道海滨大道东128号",
        "marital_status": "已婚",
        "spouse_name": "陈晓明",
        "spouse_id_number": CHEN_XIAOMING,
        "child_name": "陈小宝",
        "child_birth_date": "2026-11-02",
    }
    form = by_id(check(birth, LIN_JING))["application_form"]
    assert (
        form.reason
        == "申请表需本人签名确认，不能免提交；已根据共享数据预填 9 项信息，到窗口核对后签名即可。"
    )


def test_expired_id_card_waives_nothing_and_says_why(birth: Guide) -> None:
    applicant_id = by_id(check(birth, HUANG_WEI))["applicant_id"]
    assert applicant_id.status == Status.must_bring
    assert applicant_id.reason == "您的电子身份证已于2025年6月1日过期，请携带有效证件。"
    assert applicant_id.source is None


def test_an_id_card_is_valid_through_the_last_day_of_its_validity() -> None:
    guide = make_guide("测试事项", [ID_CARD])
    assert (
        statuses(check(guide, HUANG_WEI, today=date(2025, 6, 1)))["id_card"]
        == Status.waived_licence
    )
    assert statuses(check(guide, HUANG_WEI, today=date(2025, 6, 2)))["id_card"] == Status.must_bring


def test_hukou_booklet_of_another_province_is_not_waived_while_the_residence_permit_is() -> None:
    guide = make_guide(
        "居住证申领",
        [
            {
                "id": "hukou_booklet",
                "name": "居民户口簿",
                "licence": "hukou_booklet",
                "licence_holder": "applicant",
                "shared_data": "hukou_record",
            },
            {
                "id": "permit",
                "name": "原居住证",
                "licence": "residence_permit",
                "licence_holder": "applicant",
            },
        ],
    )
    m = by_id(check(guide, LIU_FANG))
    assert m["hukou_booklet"].status == Status.must_bring
    assert m["hukou_booklet"].reason == (
        "您的户籍在湖南省长沙市，户口簿不在广东省的共享数据中，无法免提交，请携带原件。"
    )
    assert m["permit"].status == Status.waived_licence
    assert m["permit"].reason == "已通过电子证照核验您的居住证（有效期至2027年1月10日），无需提交。"
    assert (m["permit"].source.number, m["permit"].source.issuer) == (
        "4415022025004317",
        "汕尾市公安局城区分局",
    )


def test_local_hukou_without_an_e_booklet_is_waived_by_the_hukou_record(birth: Guide) -> None:
    hukou = by_id(check(birth, WU_MEILING))["hukou_booklet"]
    assert hukou.status == Status.waived_shared_data
    assert hukou.reason == "已通过共享数据核验您的户籍登记信息（汕尾市公安局），无需提交。"
    assert (hukou.source.kind, hukou.source.number) == ("shared_data", "441581020517")


def test_person_not_in_the_shared_data_must_bring_everything_and_is_told_why(birth: Guide) -> None:
    result = check(birth, NOBODY)
    assert set(statuses(result).values()) == {Status.must_bring}
    assert (
        by_id(result)["marriage_cert"].reason
        == "共享数据中没有查到您的登记信息，无法核验此项，请携带原件。"
    )
    assert result.notices == (texts.NOTICE_NOT_FOUND,)
    assert result.prefill == ()
    assert result.summary.text == "需携带 6 项（其中申请表 1 份，可在窗口现场填写），免提交 0 项"


def test_unreachable_provider_waives_nothing_and_says_the_check_could_not_be_made(
    birth: Guide,
) -> None:
    result = check_guide(birth, None, None, rule_context())
    assert set(statuses(result).values()) == {Status.must_bring}
    assert (
        by_id(result)["birth_cert"].reason == "暂时无法连接共享数据平台，未能核验此项，请携带原件。"
    )
    assert result.notices == (texts.NOTICE_UNAVAILABLE,)


# ------------------------------------------------------------------ precedence


def test_a_valid_licence_beats_a_written_commitment() -> None:
    guide = make_guide("测试事项", [{**ID_CARD, "commitment_allowed": True}])
    assert statuses(check(guide, LIN_JING))["id_card"] == Status.waived_licence


def test_without_a_usable_licence_a_commitment_is_offered_with_the_reason() -> None:
    guide = make_guide("测试事项", [{**ID_CARD, "commitment_allowed": True}])
    result = by_id(check(guide, HUANG_WEI))["id_card"]
    assert result.status == Status.commitment
    assert result.reason == (
        "您的电子身份证已于2025年6月1日过期；此项可由您签署告知承诺书代替，无需提交原件"
        "（承诺须真实，窗口会依法核查）。"
    )


def test_unmarried_applicant_may_commit_instead_of_the_spouse_id(birth: Guide) -> None:
    spouse_id = by_id(check(birth, HUANG_WEI))["spouse_id"]
    assert spouse_id.status == Status.commitment
    assert spouse_id.reason.startswith("共享数据中没有与您登记了关系的配偶信息，无法代为核验；")


def test_a_material_that_may_be_handed_in_later_is_deferrable(birth: Guide) -> None:
    late = by_id(check(birth, LIN_JING, "late_registration"))["late_statement"]
    assert late.status == Status.deferrable
    assert late.reason == "此项可容缺受理：先受理办理，之后在窗口告知的期限内补交即可。"


def test_a_conditional_material_is_listed_with_its_condition(birth: Guide) -> None:
    result = check(birth, LIN_JING, "unmarried_parents")
    paternity = by_id(result)["paternity_test"]
    assert (paternity.status, paternity.required) == (Status.must_bring, False)
    assert paternity.condition == "非婚生育随父落户的"
    assert (
        paternity.reason
        == "此项视情况提交（非婚生育随父落户的）。此项材料不在共享数据范围内，请携带原件。"
    )
    assert result.summary.text.endswith("；另有 1 项视情况提交")
    assert result.summary.conditional == 1


def test_an_application_form_is_never_waived_even_without_data() -> None:
    guide = make_guide("测试事项", [{"id": "form", "name": "申请表", "form": "申请表"}])
    form = by_id(check(guide, NOBODY))["form"]
    assert (form.status, form.form) == (Status.must_bring, MaterialForm.form)
    assert form.reason == "申请表需本人签名确认，不能免提交，可在窗口领取并现场填写。"


# ------------------------------------------------------------------ licences, one by one


def _records_with(*licences: Licence) -> PersonRecords:
    person = Person(
        name="测试", sex="女", birth_date=date(1990, 1, 1), id_number=NOBODY, licences=licences
    )
    return PersonRecords(applicant=person)


def _id_card(number: str = NOBODY, **changes: object) -> Licence:
    lic = Licence(
        "id_card", number, "测试", "汕尾市公安局城区分局", "广东省", valid_until=date(2030, 1, 1)
    )
    return replace(lic, **changes)  # type: ignore[arg-type]


def test_a_revoked_licence_waives_nothing() -> None:
    guide = make_guide("测试事项", [ID_CARD])
    records = _records_with(_id_card(status=LicenceStatus.revoked))
    result = by_id(check_guide(guide, None, records, rule_context()))["id_card"]
    assert result.status == Status.must_bring
    assert result.reason == "您的电子身份证已注销，不能用于免提交，请携带有效证件。"


def test_a_region_scoped_licence_issued_in_another_province_is_not_used() -> None:
    guide = make_guide(
        "测试事项",
        [
            {
                "id": "permit",
                "name": "居住证",
                "licence": "residence_permit",
                "licence_holder": "applicant",
            }
        ],
    )
    permit = Licence("residence_permit", "430100201900001", "测试", "长沙市公安局", "湖南省")
    result = by_id(check_guide(guide, None, _records_with(permit), rule_context()))["permit"]
    assert result.status == Status.must_bring
    assert result.reason == "您的居住证由湖南省签发，不在广东省的共享数据中，请携带原件。"


def test_the_newest_valid_licence_stands_in_when_an_older_one_expired() -> None:
    guide = make_guide("测试事项", [ID_CARD])
    old = _id_card(number="OLD", issued_on=date(2010, 1, 1), valid_until=date(2020, 1, 1))
    new = _id_card(number="NEW", issued_on=date(2020, 1, 1), valid_until=date(2040, 1, 1))
    result = by_id(check_guide(guide, None, _records_with(old, new), rule_context()))["id_card"]
    assert (result.status, result.source.number) == (Status.waived_licence, "NEW")


def test_a_childs_material_is_not_waived_when_two_children_could_be_meant() -> None:
    guide = make_guide(
        "测试事项",
        [
            {
                "id": "bc",
                "name": "出生医学证明",
                "licence": "birth_medical_cert",
                "licence_holder": "child",
            }
        ],
    )

    def child(n: str) -> Relative:
        cert = Licence("birth_medical_cert", n, "孩子", "汕尾市妇幼保健院", "广东省")
        return Relative(Relation.child, Person("孩子", "男", date(2020, 1, 1), licences=(cert,)))

    records = PersonRecords(
        applicant=_records_with().applicant, relatives=(child("Q1"), child("Q2"))
    )
    result = by_id(check_guide(guide, None, records, rule_context()))["bc"]
    assert result.status == Status.must_bring
    assert (
        result.reason == "共享数据中与您登记了关系的子女有2位，无法确定是哪一位的材料，请携带原件。"
    )


def test_a_deceased_relatives_certificates_are_waived_but_not_as_a_spouse() -> None:
    guide = make_guide(
        "死亡注销户口",
        [
            {
                "id": "death",
                "name": "居民死亡医学证明（推断）书",
                "licence": "death_medical_cert",
                "licence_holder": "deceased",
                "shared_data": "death_record",
            },
            {
                "id": "dead_id",
                "name": "死者居民身份证",
                "licence": "id_card",
                "licence_holder": "deceased",
            },
            {
                "id": "spouse_id",
                "name": "配偶居民身份证",
                "licence": "id_card",
                "licence_holder": "spouse",
            },
        ],
    )
    m = by_id(check(guide, ZHANG_JIANGUO))
    assert (m["death"].status, m["death"].source.number) == (Status.waived_licence, "SW2026110307")
    assert m["death"].reason == "已通过电子证照核验逝者的居民死亡医学证明（推断）书，无需提交。"
    assert m["dead_id"].status == Status.waived_licence
    assert m["spouse_id"].status == Status.must_bring


def test_a_business_licence_is_waived_for_the_person_who_runs_the_business() -> None:
    guide = make_guide(
        "食品经营许可证核发",
        [
            {
                "id": "bl",
                "name": "营业执照",
                "licence": "business_license",
                "licence_holder": "business",
            }
        ],
        form_fields=["business_name", "credit_code"],
    )
    result = check(guide, WU_MEILING)
    bl = by_id(result)["bl"]
    assert (bl.status, bl.source.number, bl.source.holder) == (
        Status.waived_licence,
        "92441581MA53XKR7PC",
        LicenceHolder.business,
    )
    assert {p.field.value: p.value for p in result.prefill} == {
        "business_name": "陆丰市碣石镇美玲海味干货店",
        "credit_code": "92441581MA53XKR7PC",
    }


# ------------------------------------------------------------------ what is looked up


def test_a_lookup_hands_over_only_what_the_guide_attributes_to_each_relative(birth: Guide) -> None:
    records = demo_directory().lookup(plan_lookup(LIN_JING, [(birth, None)]))
    relatives = {r.relation: r.person for r in records.relatives}
    assert set(relatives) == {Relation.spouse, Relation.child}
    spouse = relatives[Relation.spouse]
    assert [lic.type_code for lic in spouse.licences] == ["id_card"]  # not his driving licence
    assert spouse.records == () and spouse.phone is None and spouse.marital_status is None
    assert [lic.type_code for lic in relatives[Relation.child].licences] == ["birth_medical_cert"]
    assert {lic.type_code for lic in records.applicant.licences} == {
        "id_card",
        "hukou_booklet",
        "marriage_cert",
    }


def test_a_guide_about_the_applicant_alone_looks_up_no_relative() -> None:
    records = demo_directory().lookup(
        plan_lookup(LIN_JING, [(make_guide("测试事项", [ID_CARD]), None)])
    )
    assert records.relatives == ()
    assert [lic.type_code for lic in records.applicant.licences] == ["id_card"]


# ------------------------------------------------------------------ summary and themes


def _result(material_id: str, status: Status, **kw: object) -> MaterialResult:
    return MaterialResult(material_id, material_id, status, "理由", MaterialForm.original, **kw)  # type: ignore[arg-type]


def test_the_summary_counts_what_to_bring_and_what_is_waived() -> None:
    results = [
        _result("a", Status.must_bring),
        _result("b", Status.must_bring),
        _result("c", Status.waived_licence),
        _result("d", Status.waived_licence),
        _result("e", Status.waived_shared_data),
        _result("f", Status.waived_licence),
    ]
    assert summarize(results, 0).text == "需携带 2 项，免提交 4 项"
    more = [*results, _result("g", Status.commitment), _result("h", Status.deferrable)]
    assert summarize(more, 0).text == "需携带 2 项，免提交 4 项，可告知承诺 1 项，可容缺后补 1 项"


def test_a_theme_lists_a_shared_material_once_with_the_strictest_outcome() -> None:
    lenient = make_guide(
        "事项甲", [{**ID_CARD, "commitment_allowed": True}, {"id": "photo", "name": "照片"}]
    )
    strict = make_guide(
        "事项乙", [{**ID_CARD, "name": "本人居民身份证"}, {"id": "photo", "name": "照片"}]
    )
    theme = combine_theme("测试一件事", [check(lenient, HUANG_WEI), check(strict, HUANG_WEI)])
    ids = [(m.material_id, m.guides) for m in theme.materials]
    assert ids == [
        ("id_card", ("事项甲", "事项乙")),
        ("photo", ("事项甲",)),
        ("photo", ("事项乙",)),
    ]
    id_card = theme.materials[0]
    assert (id_card.status, id_card.name) == (Status.must_bring, "申请人居民身份证")
    assert theme.summary.text == "需携带 3 项，免提交 0 项"


def test_a_theme_merges_prefill_and_notices_once() -> None:
    a = make_guide("事项甲", [ID_CARD], form_fields=["name", "sex"])
    b = make_guide("事项乙", [ID_CARD], form_fields=["name", "id_number"])
    theme = combine_theme("测试一件事", [check(a, NOBODY), check(b, NOBODY)], notices=["前言"])
    assert theme.notices == (texts.NOTICE_NOT_FOUND, "前言")
    ok = combine_theme("测试一件事", [check(a, LIN_JING), check(b, LIN_JING)])
    assert [p.field.value for p in ok.prefill] == ["name", "sex", "id_number"]
    assert ok.summary.text == "需携带 0 项，免提交 1 项"


def test_a_theme_item_without_a_published_guide_is_named_in_a_notice() -> None:
    guide = make_guide("事项甲", [ID_CARD])
    theme = Theme.model_validate(
        {
            "name": "测试一件事",
            "slug": "test-theme",
            "life_event": "测试",
            "summary": "测试。",
            "items": ["事项甲", "事项乙"],
            "lead_department": "测试局",
            "levels": ["district"],
            "steps": [{"name": "受理", "description": "窗口受理。"}],
            "visits": 1,
            "online": {"level": "仅限窗口"},
        }
    )
    kb = KbSnapshot(1, (PublishedGuide(7, 1, guide),), (PublishedTheme(3, theme),), (), (), (), ())
    target = resolve_target(kb, "测试一件事", None)
    assert [g.name for g, _ in target.guides] == ["事项甲"]
    assert target.notices == ("“事项乙”的办事指南暂未发布，本次未核验该事项。",)
