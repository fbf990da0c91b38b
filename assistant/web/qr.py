"""Links to a guide's page for one situation, and their QR codes (SVG, no image library).

A greeter shows the QR code of the checklist on a screen or prints it; the citizen scans it and
gets the guide's page with their situation highlighted (``/g/{slug}?s={situation}``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def guide_link(base_url: str, slug: str, situation: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/g/{slug}"
    return f"{url}?{urlencode({'s': situation})}" if situation else url


def qr_svg(data: str) -> str:
    """An SVG QR code of ``data`` (medium error correction: survives a smudged printout)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")  # type: ignore[no-any-return]
