"""The one due computation: when a clock with a target on a calendar is due, alone or in bulk.

DESIGN.md: one core function computes a due time, in single and batch form. :func:`due_at`
is that function; :func:`due_at_many` gives the same answers for many clocks at once (a
recompute after a closed-day edit, the 1M-ticket benchmark's generator). Everything that
decides a due moment goes through one of the two: ``sla.compute_deadline`` (the per-ticket
clocks and their explanation) takes :func:`due_at`, the bulk recompute in
``meldpunt.tickets.recompute`` takes :func:`due_at_many`. A property test holds them equal.

Moments are UTC epoch seconds (``businesstime.epoch``). A result is ``(start, due)``: the
clock starts at receipt, or at the next opening when received outside service hours; the
due moment is the earliest instant at which the target's business time has passed, not
counting business time inside the (closed) pauses. A ``planning`` target has no automatic
due (``None``). An open pause stops the clock altogether; callers that see one say so
themselves (``compute_deadline`` keeps the would-be due for its explanation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from meldpunt.core.businesstime import Calendar, add_with_pauses

UNITS = ("m", "h", "bd")
#: A target's amount has at most this many digits (a million business days is 4000 years);
#: a longer one is refused before it is read as a number.
MAX_DIGITS = 7
_TARGET_RE = re.compile(r"^\s*(\d+)\s*(m|h|bd)\s*$")


class TargetError(ValueError):
    """A text that is no target: ``code`` (``not_a_target``, ``too_long``) and ``params``
    (``text``, ``digits``), worded for a reader by ``tickets.sla_words.target_error_words``;
    ``str()`` is the English, for logs and the catalog loader's field reasons."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params
        english = {"too_long": "{text!r} is longer than any target can be (at most {digits} digits)",
                   "not_a_target": "{text!r} is not a target like 90m, 2h, 3bd or planning"}[code]
        super().__init__(english.format(**params))


@dataclass(frozen=True)
class Target:
    """A response or resolution target: ``90m``, ``2h``, ``3bd`` or ``planning``; worded for a
    reader by ``tickets.sla_words.target_words`` (the core has no gettext)."""

    amount: int
    unit: str  # "m", "h", "bd" or "planning"

    @classmethod
    def parse(cls, text: str) -> Target:
        value = str(text).strip().lower()
        if value in ("planning", "by planning"):
            return cls(0, "planning")
        match = _TARGET_RE.match(value)
        if match and len(match.group(1).lstrip("0")) > MAX_DIGITS:
            raise TargetError("too_long", text=text, digits=MAX_DIGITS)
        if not match or int(match.group(1)) <= 0:
            raise TargetError("not_a_target", text=text)
        return cls(int(match.group(1)), match.group(2))

    @property
    def by_planning(self) -> bool:
        return self.unit == "planning"

    def __str__(self) -> str:
        return "planning" if self.by_planning else f"{self.amount}{self.unit}"


def target_seconds(calendar: Calendar, target: Target, start: int) -> int:
    """Business seconds a target amounts to when its clock starts at ``start``."""
    if target.unit == "m":
        return target.amount * 60
    if target.unit == "h":
        return target.amount * 3600
    if target.unit == "bd":
        if calendar.day_minutes is not None:
            return target.amount * calendar.day_minutes * 60
        return calendar.business_days_in_seconds(start, target.amount)
    raise ValueError(f"a {target} target has no business time")


#: ``(start, due)`` in epoch seconds; ``due`` is None for a planning target.
Due = tuple[int, int | None]
#: Closed pauses as ``(from, to)`` epoch seconds.
Pauses = Iterable[tuple[int, int]]


def due_at(calendar: Calendar, target: Target, received: int, pauses: Pauses = ()) -> Due:
    """When a clock on ``calendar`` with ``target``, received at ``received``, starts and is due."""
    start = calendar.next_open(received)
    if target.by_planning:
        return start, None
    return start, add_with_pauses(calendar, start, target_seconds(calendar, target, start), pauses)


def due_at_many(
    calendar: Calendar,
    targets: Sequence[Target],
    received: Sequence[int],
    pauses: Sequence[Sequence[tuple[int, int]]] | None = None,
) -> list[Due]:
    """:func:`due_at` for each ``(targets[i], received[i], pauses[i])``, in that order.

    Clocks without pauses whose target is a fixed span of business time (minutes, hours,
    business days on a calendar with equal service days) go through one
    :meth:`Calendar.add_many` call: two C bisects per clock. The rest (pauses, business days
    on uneven calendars, planning) take :func:`due_at` itself.
    """
    if len(targets) != len(received) or (pauses is not None and len(pauses) != len(received)):
        raise ValueError("give one target, one receipt (and one list of pauses) per clock")
    next_open = calendar.next_open
    out: list[Due] = [(0, None)] * len(received)  # every slot is filled below
    # Spans by the target object's id: the dataclass's own hash is a Python call per clock.
    spans: dict[int, int | None] = {}  # None: the span depends on the start, or there is none
    fast: list[int] = []
    fast_starts: list[int] = []
    fast_spans: list[int] = []
    for i, target in enumerate(targets):
        key = id(target)
        if key in spans:
            span = spans[key]
        else:
            fixed = not target.by_planning and (target.unit != "bd" or calendar.day_minutes is not None)
            span = spans[key] = target_seconds(calendar, target, 0) if fixed else None
        if span is None or (pauses is not None and pauses[i]):
            out[i] = due_at(calendar, target, received[i], pauses[i] if pauses is not None else ())
            continue
        fast.append(i)
        fast_starts.append(next_open(received[i]))
        fast_spans.append(span)
    for i, start, due in zip(fast, fast_starts, calendar.add_many(fast_starts, fast_spans), strict=True):
        out[i] = (start, due)
    return out
