"""General Chinese word lists: what carries no meaning for finding a service.

These are properties of the language and of how people ask about public services, not of
our KB: function words and question words (``STOP``), and words that fit every service
(``GENERIC``: 办理, 材料, 多久…; people and dates, which are the question's context), which
may rank candidates but never show what a question is about. Bundle cues say the citizen
wants several items handled together (a "一件事" theme).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP = _words(
    """
    的 了 吗 呢 啊 呀 吧 嘛 哦 哈 呗 啦 么 着 过 地 得 嗯 喔 哇 咯 噢 诶 哎 唉 嘞 哟 咧
    嘅 咗 喺 佢 哋 嘢 啲
    我 你 您 他 她 它 我们 你们 他们 她们 咱 咱们 自己 本人 人家 大家 俺
    这 那 这个 那个 这些 那些 这样 那样 这种 那种 这里 那里 这边 那边 此 该 其
    请问 你好 您好 麻烦 谢谢 多谢 劳驾 同志 老师 请 问 问一下 想问 想问下 咨询一下
    一下 一个 一些 是 在 有 没 没有 没了 无 不 别 也 都 就 还 又 再 才 很 太 最 更 挺
    比较 非常 特别 把 被 给 让 对 从 向 为 和 跟 与 及 以及 或 或者 还是 而 并 并且
    如果 要是 假如 因为 所以 但 但是 可是 而且 然后 然而 于是 只是 不过 就是 而已
    现在 已经 一直 马上 刚刚 刚才 目前
    想 要 想要 能 能否 可以 可否 会 应该 需要 必须 是否 不用 不知道
    能不能 可不可以 会不会 需不需要 是不是 要不要 可以吗 行不行 好不好 对不对
    有没有 用不用 什么时候 为什么 为啥
    怎么 怎样 怎么样 如何 咋 咋办 咋整 咋弄 怎么办 怎么弄 怎么搞 怎么整 怎么做
    怎么申请 怎么办理 哪里 哪儿 哪 哪个 哪些 哪家 什么 啥 啥子 么子 咩 乜 多少 几 几个
    去 来 到 个 些 点 上 下 里 中 内 外 前 后 时 时候 的话 之类 等 等等 之 所 以 于 及其
    了解 知道 告诉 问问 看看 说 听说 请教 一样 一般 一定 可能 应当 得到 其他 其它 另外
    """
)

# People a question mentions are its context, not the service asked for.
PEOPLE = _words(
    """
    爷爷 奶奶 外公 外婆 爸爸 妈妈 我妈 我爸 老爸 老妈 父亲 母亲 儿子 女儿
    朋友 男朋友 女朋友 同事 邻居 亲戚 家人 长辈 阿伯 阿姨 叔叔 伯伯
    兄弟 姐妹 哥哥 姐姐 弟弟 妹妹 老板 同学 师傅
    """
)

WHEN = _words(
    """
    今天 明天 后天 昨天 前天 上周 下周 本周 这周 上个月 下个月 这个月
    今年 明年 去年 最近 以前 之前 以后
    """
)

GENERIC = (
    PEOPLE
    | WHEN
    | _words(
        """
        办 办理 办事 申请 申报 申领 手续 材料 资料 证件 证明 流程 程序 步骤
        多久 多长 多长时间 时间 几天 多少天 多少钱 钱 费用 收费 免费
        地方 地址 地点 窗口 大厅 网上 线上 网上办 预约 排队 带 准备 提交 递交
        条件 要求 政策 政府 部门 相关 情况 问题 事情 事 业务 服务 帮忙 帮
        搞 弄 整 处理 进度 结果 通知 拿 拿到 领 领取 交 缴 办下来 下来 完 跑
        一次 现场 本地 汕尾 汕尾市 市 区 县 镇 电话 登记
        一站 一站式 一条龙 一件事 一件 一揽子 打包 全套 联办 一起 一齐 一并 一次性
        一网通办 所有 全部
        """
    )
)

_BUNDLE_RE = re.compile(
    r"一站式|一条龙|一件事|一揽子|打包|全套|联办|一网通办|所有.{0,4}手续|全部.{0,4}手续"
    r"|(?<!第)(?:一次|一起|一齐|一并|同时|统一|一块|一趟)(?!性)"
    r".{0,5}?(?:办|跑|提交|申请|弄|搞|完成|处理|递交|交)"
)
_CONTENT = re.compile(r"[^\W_]")


def is_stop(word: str) -> bool:
    if word.isalnum():  # the common case (canonical text has only letters, digits and spaces)
        return word in STOP
    return word in STOP or not has_content(word)


def has_content(word: str) -> bool:
    """Has the word a letter or digit at all?"""
    return _CONTENT.search(word) is not None


def wants_bundle(text: str) -> bool:
    """Does the (canonical) question ask for several items handled together?"""
    return _BUNDLE_RE.search(text) is not None
