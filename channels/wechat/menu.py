"""The Official Account's custom menu: ``menu.json`` beside this module, checked, then pushed.

``{base_url}`` in a VIEW button's URL becomes ``Settings.base_url``. ``check_menu`` applies
WeChat's rules (1-3 buttons, 1-5 sub-buttons each, names up to 16 bytes at the top and 60
below, click keys up to 128 bytes, URLs up to 1024 bytes) so that a mistake is explained
here rather than by an errcode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MENU_FILE = Path(__file__).resolve().parent / "menu.json"
_TYPES_WITH_KEY = {
    "click",
    "location_select",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
}


def load_menu(path: Path = MENU_FILE, *, base_url: str) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8").replace("{base_url}", base_url.rstrip("/"))
    menu: dict[str, Any] = json.loads(text)
    return menu


def _bytes(s: object) -> int:
    return len(str(s).encode("utf-8"))


def _check_leaf(b: dict[str, Any], where: str) -> list[str]:
    kind = b.get("type")
    if kind in _TYPES_WITH_KEY:
        key = b.get("key")
        return [] if key and _bytes(key) <= 128 else [f"{where}：需要 key（不超过128字节）"]
    if kind == "view":
        url = str(b.get("url", ""))
        ok = url.startswith(("http://", "https://")) and _bytes(url) <= 1024
        return [] if ok else [f"{where}：需要 http(s) 链接 url（不超过1024字节）"]
    return [f"{where}：不支持的按钮类型 {kind!r}"]


def check_menu(menu: dict[str, Any]) -> list[str]:
    """Every problem of the menu, in words (an empty list: WeChat will accept it)."""
    buttons = menu.get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return ["菜单需要1到3个一级按钮（button）"]
    problems: list[str] = []
    for i, b in enumerate(buttons, start=1):
        name, subs = b.get("name", ""), b.get("sub_button")
        if not name or _bytes(name) > 16:
            problems.append(f"第{i}个一级按钮：名称需为1-16个字节（最多4个汉字）")
        if subs is None:
            problems += _check_leaf(b, f"一级按钮“{name}”")
            continue
        if not isinstance(subs, list) or not 1 <= len(subs) <= 5:
            problems.append(f"一级按钮“{name}”：二级按钮需为1到5个")
            continue
        for s in subs:
            sub_name = s.get("name", "")
            if not sub_name or _bytes(sub_name) > 60:
                problems.append(f"“{name}”下的二级按钮：名称需为1-60个字节")
            problems += _check_leaf(s, f"二级按钮“{sub_name}”")
    return problems


def click_keys(menu: dict[str, Any]) -> set[str]:
    leaves = [s for b in menu["button"] for s in b.get("sub_button", [b])]
    return {b["key"] for b in leaves if b.get("type") == "click"}
