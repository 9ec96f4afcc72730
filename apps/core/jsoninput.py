"""One way to read JSON input, whoever sends it: API bodies, learner documents (`import_user`) and plan
files (`import_plan` of a .json plan).

A `Field` says what one value must be: its kind, whether it may be left out or null, and its bounds
(choices, length, range, link scheme, list size). `Field.clean` checks a value and raises `Invalid`
with a message; every string it passes is storable (no NUL, no lone UTF-16 surrogate) and bounded.

- API views call `read(data, FIELDS)`: the cleaned fields the body holds (a field left out is left out,
  so an update keeps what it does not name) and the problems by field name, for a 400.
- Documents use a `Reader`, which collects every problem with its JSON path (`checkins[3].minutes: ...`)
  so a file is refused whole, naming each bad part, and nothing is written.

What a value means (a slot that exists on that date, a topic of the learner's plan) is the forms' and
services' business, after this layer has made sure of its shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from apps.core.validators import FIRST_DATE, LAST_DATE

MAX_TEXT = 100_000


class Invalid(Exception):
    pass


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)[:40]


def storable(text: str) -> bool:
    """Text a database takes: no NUL, no lone surrogate such as "\\ud800"."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Field:
    kind: str  # text, int, number, bool, date, datetime, time, list, object
    required: bool = True
    null: bool = False
    choices: tuple | None = None
    max_length: int = MAX_TEXT
    link: bool = False
    low: int | None = None
    high: int | None = None
    of: Field | None = None  # a list's items
    max_items: int = 100_000

    def clean(self, value):
        if value is None:
            if self.null:
                return None
            raise Invalid(_("expected %(kind)s, got null") % {"kind": self._kind_name()})
        cleaner = getattr(self, f"_{self.kind}")
        value = cleaner(value)
        if self.choices is not None and value not in self.choices:
            raise Invalid(_("must be one of %(choices)s, got %(value)s") % {
                "choices": ", ".join(str(c) for c in self.choices if c is not None), "value": _shown(value)})
        return value

    def _kind_name(self) -> str:
        return {
            "text": _("text"), "int": _("a whole number"), "number": _("a number"), "bool": _("true or false"),
            "date": _("a date YYYY-MM-DD"), "datetime": _("a date and time with its UTC offset"),
            "time": _("a time HH:MM"), "list": _("a list"), "object": _("an object"),
        }[self.kind]

    def _wrong(self, value):
        return Invalid(_("expected %(kind)s, got %(value)s") % {"kind": self._kind_name(), "value": _shown(value)})

    def _text(self, value):
        if not isinstance(value, str):
            raise self._wrong(value)
        if len(value) > self.max_length:
            raise Invalid(_("at most %(count)s characters") % {"count": f"{self.max_length:,}"})
        if not storable(value):
            raise Invalid(_("a NUL or an invalid character"))
        if self.link and value and not value.lower().startswith(("http://", "https://")):
            raise Invalid(_("a link must start with http:// or https://"))
        return value

    def _int(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(value)
        if self.low is not None and self.high is not None and not self.low <= value <= self.high:
            raise Invalid(_("a whole number from %(low)s to %(high)s") % {"low": self.low, "high": self.high})
        if self.low is not None and value < self.low:
            raise Invalid(_("must be at least %(low)s") % {"low": self.low})
        if self.high is not None and value > self.high:
            raise Invalid(_("must be at most %(high)s") % {"high": self.high})
        return value

    def _number(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value in (float("inf"), float("-inf")):
            raise self._wrong(value)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise Invalid(_("a number from %(low)s to %(high)s") % {"low": self.low, "high": self.high})
        return float(value)

    def _datetime(self, value):
        try:
            found = datetime.fromisoformat(value) if isinstance(value, str) and 19 <= len(value) <= 40 else None
        except ValueError:
            found = None
        if found is None or found.tzinfo is None:
            raise self._wrong(value)
        if not FIRST_DATE <= found.date() <= LAST_DATE:
            raise Invalid(_("a date between %(first)s and %(last)s") % {"first": FIRST_DATE, "last": LAST_DATE})
        return found

    def _bool(self, value):
        if not isinstance(value, bool):
            raise self._wrong(value)
        return value

    def _date(self, value):
        try:
            found = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            found = None
        if found is None:
            raise self._wrong(value)
        if not FIRST_DATE <= found <= LAST_DATE:
            raise Invalid(_("a date between %(first)s and %(last)s") % {"first": FIRST_DATE, "last": LAST_DATE})
        return found

    def _time(self, value):
        try:
            found = time.fromisoformat(value) if isinstance(value, str) and len(value) in (5, 8) else None
        except ValueError:
            found = None
        if found is None:
            raise self._wrong(value)
        return found

    def _list(self, value):
        if not isinstance(value, list):
            raise self._wrong(value)
        if len(value) > self.max_items:
            raise Invalid(_("at most %(count)s items") % {"count": f"{self.max_items:,}"})
        if self.of is None:
            return value
        cleaned = []
        for index, item in enumerate(value):
            try:
                cleaned.append(self.of.clean(item))
            except Invalid as invalid:
                raise Invalid(f"[{index}]: {invalid}") from None
        return cleaned

    def _object(self, value):
        if not isinstance(value, dict):
            raise self._wrong(value)
        return value


def every_field_required(fields: dict[str, Field]) -> dict[str, Field]:
    return {name: replace(field, required=True) for name, field in fields.items()}


def read(data: dict, fields: dict[str, Field]) -> tuple[dict, dict[str, list[str]]]:
    """An API body's fields, cleaned: (the values it holds, {field: [problem]}). A field the body leaves
    out is absent from the values (an update keeps it as stored), or a problem when it is required.
    Fields the body holds that are not in `fields` are ignored, so a GET answer can be sent back."""
    values, problems = {}, {}
    for name, field in fields.items():
        if name not in data:
            if field.required:
                problems[name] = [_("missing")]
            continue
        try:
            values[name] = field.clean(data[name])
        except Invalid as invalid:
            problems[name] = [str(invalid)]
    return values, problems


class Reader:
    """Reads a document, collecting each problem with its JSON path rather than stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def note(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.note(path, _("expected an object"))
            return None
        return value

    def get(self, obj: dict, key: str, path: str, field: Field | str, default=None, **options):
        """obj[key] cleaned by `field` (or a Field of that kind with `options`); `default` when it is
        left out (or null) and may be, or when it is bad (its problem noted)."""
        if isinstance(field, str):
            field = Field(field, **options)
        at = f"{path}.{key}" if path else key
        value = obj.get(key)
        if value is None and (not field.required or field.null):
            return default
        if key not in obj:
            self.note(at, _("missing"))
            return default
        try:
            return field.clean(value)
        except Invalid as invalid:
            text = str(invalid)
            self.problems.append(f"{at}{text}" if text.startswith("[") else f"{at}: {text}")
            return default

    def record(self, obj: dict, path: str, fields: dict[str, Field]) -> dict:
        """Each of `fields` read from obj (None for a bad one, its problem noted)."""
        return {name: self.get(obj, name, path, field) for name, field in fields.items()}

    def items(self, obj: dict, key: str, path: str = "", *, required: bool = False, max_items: int = 100_000) -> list[tuple[str, dict]]:
        """The objects of the list at obj[key], each with its path; anything else in it is noted and skipped."""
        values = self.get(obj, key, path, Field("list", required=required, max_items=max_items), default=[])
        at = f"{path}.{key}" if path else key
        found = []
        for index, value in enumerate(values):
            item = self.obj(value, f"{at}[{index}]")
            if item is not None:
                found.append((f"{at}[{index}]", item))
        return found
