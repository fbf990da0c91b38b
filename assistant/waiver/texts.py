"""The sentences a citizen reads about each material, in one place.

A reason is built from a fact (``Why``: "您的电子身份证已于2025年6月1日过期") and what follows
from it for the outcome ("请携带有效证件" / "可签署告知承诺书代替" / "可容缺后补").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.kb.schema import LicenceHolder, Material, MaterialForm, SharedDataItem

WHOSE = {
    LicenceHolder.applicant: "您的",
    LicenceHolder.spouse: "您配偶的",
    LicenceHolder.child: "孩子的",
    LicenceHolder.parent: "您父（母）亲的",
    LicenceHolder.deceased: "逝者的",
    LicenceHolder.business: "您经营主体的",
}

RELATIVE = {
    LicenceHolder.spouse: "配偶",
    LicenceHolder.child: "子女",
    LicenceHolder.parent: "父母",
    LicenceHolder.deceased: "已故亲属",
}

SHARED_ITEM_NAMES = {
    SharedDataItem.hukou_record: "户籍登记信息",
    SharedDataItem.marriage_record: "婚姻登记信息",
    SharedDataItem.social_insurance_record: "社会保险参保缴费信息",
    SharedDataItem.housing_fund_record: "住房公积金缴存信息",
    SharedDataItem.property_record: "不动产登记信息",
    SharedDataItem.low_income_record: "最低生活保障信息",
    SharedDataItem.disability_record: "残疾人信息",
    SharedDataItem.death_record: "死亡登记信息",
    SharedDataItem.business_record: "市场主体登记信息",
    SharedDataItem.tax_record: "纳税信息",
}

_BRING = {
    MaterialForm.original: "请携带原件",
    MaterialForm.copy: "请携带复印件",
    MaterialForm.original_and_copy: "请携带原件和复印件",
    MaterialForm.electronic: "请按要求准备电子件",
    MaterialForm.form: "请在窗口填写",
}

NOTICE_UNAVAILABLE = (
    "共享数据平台暂时无法访问，本次未能核验电子证照和共享信息，相关材料请先按原件准备；"
    "您也可以稍后再查询一次。"
)
NOTICE_NOT_FOUND = (
    "共享数据中没有查到该身份证号码的登记信息（可能户籍或证照不在本省），所列材料请按要求携带。"
)


@dataclass(frozen=True)
class Why:
    """Why the data could not stand in, and what to bring instead (None: the material itself)."""

    fact: str
    bring: str | None = None


UNAVAILABLE = Why("暂时无法连接共享数据平台，未能核验此项")
NOT_FOUND = Why("共享数据中没有查到您的登记信息，无法核验此项")


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def short(name: str) -> str:
    """居民身份证 → 身份证, 中华人民共和国残疾人证 → 残疾人证."""
    return name.removeprefix("中华人民共和国").removeprefix("居民")


def licence_expired(holder: LicenceHolder, name: str, until: date) -> Why:
    return Why(f"{WHOSE[holder]}电子{short(name)}已于{cn_date(until)}过期", "请携带有效证件")


def licence_revoked(holder: LicenceHolder, name: str) -> Why:
    return Why(f"{WHOSE[holder]}电子{short(name)}已注销，不能用于免提交", "请携带有效证件")


def licence_out_of_region(holder: LicenceHolder, name: str, region: str, province: str) -> Why:
    return Why(f"{WHOSE[holder]}{short(name)}由{region}签发，不在{province}的共享数据中")


def hukou_elsewhere(holder: LicenceHolder, place: str, what: str, province: str) -> Why:
    return Why(f"{WHOSE[holder]}户籍在{place}，{short(what)}不在{province}的共享数据中，无法免提交")


def licence_not_found(holder: LicenceHolder, name: str) -> Why:
    return Why(f"共享数据中没有查到{WHOSE[holder]}电子{short(name)}")


def record_not_found(holder: LicenceHolder, item: SharedDataItem) -> Why:
    return Why(f"共享数据中没有查到{WHOSE[holder]}{SHARED_ITEM_NAMES[item]}")


def no_relative(holder: LicenceHolder) -> Why:
    return Why(f"共享数据中没有与您登记了关系的{RELATIVE[holder]}信息，无法代为核验")


def ambiguous_relative(holder: LicenceHolder, count: int) -> Why:
    return Why(f"共享数据中与您登记了关系的{RELATIVE[holder]}有{count}位，无法确定是哪一位的材料")


def waived_by_licence(holder: LicenceHolder, name: str, valid_until: date | None) -> str:
    until = f"（有效期至{cn_date(valid_until)}）" if valid_until else ""
    return f"已通过电子证照核验{WHOSE[holder]}{name}{until}，无需提交。"


def waived_by_record(holder: LicenceHolder, item: SharedDataItem, keeper: str) -> str:
    return f"已通过共享数据核验{WHOSE[holder]}{SHARED_ITEM_NAMES[item]}（{keeper}），无需提交。"


def must_bring(material: Material, why: Why | None) -> str:
    bring = (why.bring if why else None) or _BRING[material.form]
    if why is None:
        return f"此项材料不在共享数据范围内，{bring}。"
    return f"{why.fact}，{bring}。"


def commitment(why: Why | None) -> str:
    lead = f"{why.fact}；" if why else ""
    return f"{lead}此项可由您签署告知承诺书代替，无需提交原件（承诺须真实，窗口会依法核查）。"


def deferrable(why: Why | None) -> str:
    lead = f"{why.fact}；" if why else ""
    return f"{lead}此项可容缺受理：先受理办理，之后在窗口告知的期限内补交即可。"


def form_reason(prefilled: int) -> str:
    if prefilled:
        return (
            f"申请表需本人签名确认，不能免提交；已根据共享数据预填 {prefilled} 项信息，"
            "到窗口核对后签名即可。"
        )
    return "申请表需本人签名确认，不能免提交，可在窗口领取并现场填写。"


def conditional(condition: str, reason: str) -> str:
    return f"此项视情况提交（{condition}）。{reason}"
