"""htmx and Chart.js ship inside the package (committed copies in meldpunt/web/static/vendor/,
refreshed by `make assets`) and are served under hashed names from the manifest."""

import json
import re
from pathlib import Path

from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "src" / "meldpunt" / "web" / "static" / "vendor"
# committed file -> (npm package, file in it, how the file names its version)
ASSETS = {
    "htmx/htmx.min.js": ("htmx.org", "dist/htmx.min.js", r'version:"([\d.]+)"'),
    "htmx/LICENSE": ("htmx.org", "LICENSE", None),
    "chartjs/chart.umd.min.js": ("chart.js", "dist/chart.umd.min.js", r"Chart\.js v([\d.]+)"),
    "chartjs/chart.umd.min.js.map": ("chart.js", "dist/chart.umd.min.js.map", None),
    "chartjs/LICENSE.md": ("chart.js", "LICENSE.md", None),
}


def test_committed_vendor_files_are_the_pinned_npm_versions():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
    committed = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file()}
    assert committed == set(ASSETS), "make assets copies exactly these files"
    for name, (package, source, version_pattern) in ASSETS.items():
        data = (VENDOR / name).read_bytes()
        if version_pattern:
            assert re.search(version_pattern, data.decode()).group(1) == pinned[package], name
        installed = ROOT / "node_modules" / package / source
        if installed.exists():  # after `npm ci`: the copy is byte for byte npm's file
            assert installed.read_bytes() == data, f"{name} differs from node_modules; run make assets"


def test_vendor_files_are_served_under_hashed_names_for_ever():
    url = staticfiles_storage.url("vendor/htmx/htmx.min.js")
    assert re.fullmatch(r"/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js", url)
    response = Client().get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\x1f\x8b"
    assert Client().get("/static/vendor/chartjs/" + Path(staticfiles_storage.url(
        "vendor/chartjs/chart.umd.min.js.map")).name).status_code == 200


def test_favicon_is_served_at_the_address_browsers_ask_for():
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == staticfiles_storage.url("web/favicon.ico")
    assert re.search(r"favicon\.[0-9a-f]{12}\.ico$", response["Location"])
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
    page = client.get("/").content.decode()
    assert f'rel="icon" href="{staticfiles_storage.url("web/favicon.svg")}"' in page
