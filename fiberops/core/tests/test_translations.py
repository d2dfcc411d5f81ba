"""The zh_Hans translation is complete (STYLE habit 11): every message has a Chinese text."""

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "fiberops" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    """(msgid, msgstr) of every live entry; continuation lines are joined."""
    for block in text.split("\n\n")[1:]:  # the first block is the header
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:
            continue
        head, _, tail = "\n".join(lines).partition("\nmsgstr")
        yield "".join(re.findall(r'"(.*)"', head)), "".join(re.findall(r'"(.*)"', tail))


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    untranslated = [msgid for msgid, msgstr in entries(text) if not msgstr.strip()]
    assert untranslated == []


def test_compiled_catalogue_is_shipped():
    assert PO.with_suffix(".mo").stat().st_size > 1000


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not read inside f-strings: a gettext call in an f-string's braces is never
    extracted, so the text stays English (it happened to the dispatch picker's "borrowed" note)."""
    marked_inside = re.compile(r"""\bf(["']).*?\{\s*_\(""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in (Path(settings.BASE_DIR) / "fiberops").rglob("*.py")
        if path.name != "test_translations.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if marked_inside.search(line)
    ]
    assert found == []
