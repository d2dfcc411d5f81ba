"""The API's JSON parser: DRF's, refusing bodies that would crash further in (400 `parse_error`).
Its own module: DRF imports it while loading its settings, so it imports nothing of ours that
imports DRF's views."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def unsafe(text: str) -> bool:
    """A NUL byte (PostgreSQL refuses it in text) or a lone surrogate (not encodable)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_text(value) -> None:
    """Walk parsed JSON: every string must be encodable and free of NUL bytes."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if unsafe(item):
                raise ParseError(_("The body contains characters that are not allowed."))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing what would crash further in (400 `parse_error`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("The JSON body is nested too deeply.")) from error
        _check_text(data)
        return data
