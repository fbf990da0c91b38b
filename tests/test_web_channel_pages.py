"""The pages of the citizen web chat and the greeter console, and the guide page's QR code."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from fastapi.testclient import TestClient
from qrcode.constants import ERROR_CORRECT_M

from assistant.config import Settings
from assistant.web.qr import guide_link, qr_svg

GUIDE = "juminshenfenzheng-buling"  # 居民身份证补领: situations lost, stolen


def test_guide_link_carries_the_situation_only_when_there_is_one() -> None:
    assert guide_link("http://a.example/", "x-y") == "http://a.example/g/x-y"
    assert guide_link("http://a.example", "x-y", "lost") == "http://a.example/g/x-y?s=lost"


def test_qr_svg_encodes_exactly_the_given_text() -> None:
    expected = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    expected.add_data("http://a.example/g/x-y?s=lost")
    expected.make(fit=True)
    image = expected.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    assert qr_svg("http://a.example/g/x-y?s=lost") == image.to_string(encoding="unicode")
    assert qr_svg("http://a.example/g/x-y?s=stolen") != qr_svg("http://a.example/g/x-y?s=lost")


def test_chat_page_is_served_with_its_modules_and_no_inline_script(client: TestClient) -> None:
    r = client.get("/chat")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="/static/chat/js/app.js"></script>' in r.text
    assert "script-src 'self'" in r.text  # the CSP refuses inline scripts
    for module in ("app", "api", "dom", "flows", "render", "store"):
        assert client.get(f"/static/chat/js/{module}.js").status_code == 200
    assert client.get("/chat/", follow_redirects=False).headers["location"] == "/chat"


def test_home_page_links_to_the_chat(client: TestClient) -> None:
    assert 'href="/chat"' in client.get("/").text


def test_greeter_page_is_served_and_loads_its_modules(client: TestClient) -> None:
    r = client.get("/greeter")
    assert r.status_code == 200
    assert '<script type="module" src="/static/greeter/js/app.js"></script>' in r.text
    for module in ("app", "guide", "tree"):
        assert client.get(f"/static/greeter/js/{module}.js").status_code == 200


def test_guide_qr_code_points_at_the_guide_page_with_the_situation(
    client: TestClient, settings: Settings
) -> None:
    r = client.get(f"/g/{GUIDE}/qr.svg", params={"s": "stolen"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.text == qr_svg(f"{settings.base_url}/g/{GUIDE}?s=stolen")


def test_guide_qr_code_for_an_unknown_situation_or_guide_is_a_404(client: TestClient) -> None:
    r = client.get(f"/g/{GUIDE}/qr.svg", params={"s": "drowned"})
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "“居民身份证补领”没有这种办理情形：drowned"
    r = client.get("/g/no-such-guide/qr.svg")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "没有找到办事指南：no-such-guide"


def test_guide_page_highlights_the_situation_from_a_qr_code(client: TestClient) -> None:
    page = client.get(f"/g/{GUIDE}", params={"s": "stolen"}).text
    assert '<section class="situation chosen" id="s-stolen">' in page
    assert '<section class="situation" id="s-lost">' in page
    assert '您的办理情形：<a href="#s-stolen">' in page


def test_guide_page_with_an_unknown_situation_shows_the_page_as_is(client: TestClient) -> None:
    r = client.get(f"/g/{GUIDE}", params={"s": "drowned"})
    assert r.status_code == 200
    assert "situation chosen" not in r.text
    assert "您的办理情形" not in r.text
