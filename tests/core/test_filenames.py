"""Stored file names lose paths, control characters and excess length, never the extension."""

import pytest

from meldpunt.core.filenames import safe_filename


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\y.txt", "y.txt"),
    ("/var/log/app.log", "app.log"),
    ("rapport\x00\x1b[31m.pdf", "rapport[31m.pdf"),
    ("factuur\u202egpj.exe", "factuurgpj.exe"),  # a right-to-left override may not hide the real extension
    ("  scherm  afdruk .png ", "scherm afdruk .png"),
    ("..", "attachment"),
    ("", "attachment"),
    ("dir/", "attachment"),
    ("tab\tnaam\r\n.txt", "tab naam .txt"),
])
def test_names_lose_paths_and_control_characters(sent, kept):
    assert safe_filename(sent) == kept


def test_long_names_keep_their_extension():
    name = "verslag-" + "x" * 500 + ".xlsx"
    kept = safe_filename(name)
    assert len(kept) == 200 and kept.endswith(".xlsx") and kept.startswith("verslag-xxx")


def test_a_long_name_without_a_real_extension_is_cut():
    assert safe_filename("a" * 300) == "a" * 200
    assert safe_filename("b" * 150 + "." + "c" * 150) == ("b" * 150 + "." + "c" * 150)[:200]
