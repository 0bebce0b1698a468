"""Business-time benchmark: Meldpunt's engine against workclock and pandas, in one run.

Run: ``python bench/businesstime_bench.py`` (``make bench``). Prints ops/s and ratios measured
in the same run — absolute times vary on shared machines, ratios carry over better.

Calendar under test: ERP.M "workdays" — Mon–Fri 09:00–17:00 Europe/Amsterdam with the Dutch
preset holidays (DESIGN.md). The same calendar is given to

- Meldpunt: ``build_calendar`` on the ERP.M preset;
- workclock: ``Schedule([WorkDay(09:00, 17:00), Holidays(dates)], time_zone=Europe/Amsterdam)``;
- pandas: ``CustomBusinessHour(start="09:00", end="17:00", holidays=dates)`` on *naive*
  Amsterdam wall-clock timestamps. Naive local time is exact for this calendar: its hours
  never touch the 02:00–03:00 clock changes, so business time is wall-clock time.

Inputs: 100,000 random instants in 2025–2027 (whole seconds, fixed seed) and random durations
of 1 minute to 3 business days (1–1,440 minutes). pandas offsets take whole hours only, and
pandas is slow, so pandas runs on a subset of 2,000 instants with the duration rounded up to
whole hours; all three engines are timed and compared on that same subset.

Exit status is non-zero only on a crash; a missed goal prints MISS.
"""

from __future__ import annotations

import math
import platform
import random
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import workclock  # noqa: E402
from workclock import Holidays, Schedule, WorkDay  # noqa: E402

from meldpunt.core.businesstime import Calendar  # noqa: E402
from meldpunt.core.calendars import CalendarDef, build_calendar, public_holidays  # noqa: E402
from meldpunt.core.catalog_loader import load_preset  # noqa: E402

SEED = 20260401
N = 100_000
PANDAS_N = 2_000
REPEATS = 3
ZONE = "Europe/Amsterdam"
AMS = ZoneInfo(ZONE)
FIRST, LAST = datetime(2025, 1, 1, tzinfo=AMS), datetime(2028, 1, 1, tzinfo=AMS)
MAX_MINUTES = 3 * 8 * 60  # three business days of 8 hours


def best_of(repeats: int, run: Callable[[], object]) -> tuple[float, object]:
    """Best wall time of ``repeats`` runs, and the last result."""
    best, result = math.inf, None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def holiday_dates(definition: CalendarDef, years: range) -> list[date]:
    """The days the catalog closes the desk, so every engine gets exactly the same dates."""
    assert definition.holidays
    days = set(definition.closed)
    for year in years:
        days |= set(public_holidays(definition.holidays, year))
    return sorted(days)  # weekend ones included; they change nothing


def main() -> int:
    print(f"Python {platform.python_version()}, pandas {pd.__version__}, workclock {workclock.__version__}, "
          f"{platform.machine()}")
    rng = random.Random(SEED)
    lo, hi = int(FIRST.timestamp()), int(LAST.timestamp())
    starts = [rng.randrange(lo, hi) for _ in range(N)]
    minutes = [rng.randint(1, MAX_MINUTES) for _ in range(N)]
    seconds = [m * 60 for m in minutes]
    moments = [datetime.fromtimestamp(t, AMS) for t in starts]
    spans = [timedelta(minutes=m) for m in minutes]

    definition = load_preset("erpm").calendar("workdays")
    ours = build_calendar(definition)
    dates = holiday_dates(definition, range(2024, 2030))
    wc = Schedule([WorkDay(clock(9), clock(17)), Holidays(dates)], time_zone=ZONE)
    print(f"Calendar: {ours.name} ({ours.description}); {len(dates)} holiday dates 2024–2029 "
          "given to all three engines")
    print(f"Inputs: {N:,} instants in 2025–2027 (seed {SEED}), durations 1–{MAX_MINUTES} business minutes")
    print()

    # Warm up: our table is built on first use; time the steady state, as a desk would see it.
    ours.add_seconds(starts[0], 60)
    wc.add(moments[0], timedelta(minutes=1))

    rows: list[tuple[str, str, float]] = []  # (level, engine, ops/s)

    def timed(level: str, engine: str, count: int, run: Callable[[], object]) -> object:
        seconds_taken, result = best_of(REPEATS, run)
        rows.append((level, engine, count / seconds_taken))
        return result

    # ---- per call, datetime in / datetime out ------------------------------------------------
    ours_dt = timed("per call (datetime)", "meldpunt Calendar.add", N,
                    lambda: [ours.add(m, s) for m, s in zip(moments, spans, strict=True)])
    wc_dt = timed("per call (datetime)", "workclock Schedule.add", N,
                  lambda: [wc.add(m, s) for m, s in zip(moments, spans, strict=True)])

    # ---- batch, plain numbers in / out ---------------------------------------------------------
    add_seconds = ours.add_seconds
    ours_epoch = timed("batch (numbers)", "meldpunt add_many (epoch s)", N,
                       lambda: ours.add_many(starts, seconds))
    ours_loop = timed("batch (numbers)", "meldpunt add_seconds loop (epoch s)", N,
                      lambda: [add_seconds(t, s) for t, s in zip(starts, seconds, strict=True)])
    starts64 = np.array(starts, dtype="int64").astype("datetime64[s]").astype("datetime64[us]")
    spans64 = np.array(seconds, dtype="int64").astype("timedelta64[s]").astype("timedelta64[us]")
    wc_np = timed("batch (numbers)", "workclock add_many (numpy datetime64)", N,
                  lambda: wc.add_many(starts64, spans64))
    wc_list = timed("batch (datetime)", "workclock add_many (list of datetimes)", N,
                    lambda: wc.add_many(moments, spans))

    # ---- pandas subset, whole hours -------------------------------------------------------------
    sub = range(PANDAS_N)
    hours = [math.ceil(minutes[i] / 60) for i in sub]
    sub_moments = [moments[i] for i in sub]
    sub_spans = [timedelta(hours=h) for h in hours]
    sub_starts = [starts[i] for i in sub]
    sub_seconds = [h * 3600 for h in hours]
    naive = [pd.Timestamp(m.replace(tzinfo=None)) for m in sub_moments]
    offsets = {h: pd.offsets.CustomBusinessHour(n=h, start="09:00", end="17:00", holidays=dates)
               for h in set(hours)}
    pd_dt = timed("pandas subset, per call", "pandas Timestamp + CustomBusinessHour", PANDAS_N,
                  lambda: [t + offsets[h] for t, h in zip(naive, hours, strict=True)])
    ours_sub = timed("pandas subset, per call", "meldpunt Calendar.add", PANDAS_N,
                     lambda: [ours.add(m, s) for m, s in zip(sub_moments, sub_spans, strict=True)])
    wc_sub = timed("pandas subset, per call", "workclock Schedule.add", PANDAS_N,
                   lambda: [wc.add(m, s) for m, s in zip(sub_moments, sub_spans, strict=True)])
    groups: dict[int, list[int]] = {}
    for i, h in enumerate(hours):
        groups.setdefault(h, []).append(i)
    index_groups = {h: (pd.DatetimeIndex([naive[i] for i in idx]), idx) for h, idx in groups.items()}

    def pandas_batch() -> list[pd.Timestamp]:
        out: list[pd.Timestamp] = [pd.NaT] * PANDAS_N
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Non-vectorized DateOffset being applied"
            for h, (index, idx) in index_groups.items():
                for i, value in zip(idx, index + offsets[h], strict=True):
                    out[i] = value
        return out

    pd_batch = timed("pandas subset, batch", "pandas DatetimeIndex + CustomBusinessHour", PANDAS_N,
                     pandas_batch)
    ours_sub_epoch = timed("pandas subset, batch", "meldpunt add_many (epoch s)", PANDAS_N,
                           lambda: ours.add_many(sub_starts, sub_seconds))

    # ---- correctness ------------------------------------------------------------------------
    print("Correctness")
    ours_dt_s = [int(d.timestamp()) for d in ours_dt]
    check("meldpunt Calendar.add vs meldpunt add_many (all)", ours_dt_s, ours_epoch)
    check("meldpunt add_many vs add_seconds loop (all)", ours_epoch, ours_loop)
    check("meldpunt vs workclock Schedule.add (all)", ours_dt_s, [int(d.timestamp()) for d in wc_dt])
    wc_np_s = (np.asarray(wc_np).astype("datetime64[us]").astype("int64") // 1_000_000).tolist()
    check("meldpunt vs workclock add_many numpy (all)", ours_epoch, wc_np_s)
    check("meldpunt vs workclock add_many list (all)", ours_dt_s, [int(d.timestamp()) for d in wc_list])
    ours_sub_s = [int(d.timestamp()) for d in ours_sub]
    check("meldpunt vs workclock on the pandas subset", ours_sub_s, [int(d.timestamp()) for d in wc_sub])
    check("meldpunt Calendar.add vs add_seconds on the subset", ours_sub_s, ours_sub_epoch)
    pandas_s = [int(t.to_pydatetime().replace(tzinfo=AMS).timestamp()) for t in pd_dt]
    pandas_batch_s = [int(t.to_pydatetime().replace(tzinfo=AMS).timestamp()) for t in pd_batch]
    check("pandas per call vs pandas batch on the subset", pandas_s, pandas_batch_s)
    explain_pandas(ours, sub_starts, sub_seconds, ours_sub_s, pandas_s)
    print()

    # ---- table ------------------------------------------------------------------------------
    rate = {(level, engine): ops for level, engine, ops in rows}
    width = max(len(engine) for _, engine, _ in rows)
    print(f"{'level':26} {'engine':{width}} {'ops/s':>12} {'µs/op':>8}")
    for level, engine, ops in rows:
        print(f"{level:26} {engine:{width}} {ops:12,.0f} {1e6 / ops:8.2f}")
    print()
    print(f"pandas ran on {PANDAS_N:,} of the {N:,} instants (whole-hour durations); its rates are per op "
          "and extrapolate to the full set.")
    print()

    goals = [
        ("per call (datetime): meldpunt vs workclock", 1.0,
         rate[("per call (datetime)", "meldpunt Calendar.add")],
         rate[("per call (datetime)", "workclock Schedule.add")]),
        ("batch (numbers): meldpunt add_many vs workclock add_many numpy", 1.0,
         rate[("batch (numbers)", "meldpunt add_many (epoch s)")],
         rate[("batch (numbers)", "workclock add_many (numpy datetime64)")]),
        ("per call, pandas subset: meldpunt vs pandas", 100.0,
         rate[("pandas subset, per call", "meldpunt Calendar.add")],
         rate[("pandas subset, per call", "pandas Timestamp + CustomBusinessHour")]),
        ("batch, pandas subset: meldpunt add_many vs pandas DatetimeIndex", 100.0,
         rate[("pandas subset, batch", "meldpunt add_many (epoch s)")],
         rate[("pandas subset, batch", "pandas DatetimeIndex + CustomBusinessHour")]),
    ]
    print(f"{'ratio (ours ÷ peer, ops/s)':68} {'ratio':>9} {'goal':>7}  result")
    for name, goal, mine, peer in goals:
        ratio = mine / peer
        print(f"{name:68} {ratio:8.1f}× {goal:6.0f}×  {'PASS' if ratio >= goal else 'MISS'}")
    print()
    print("For reference (no goal): meldpunt Calendar.add per call vs workclock add_many on lists of datetimes "
          f"{rate[('per call (datetime)', 'meldpunt Calendar.add')] / rate[('batch (datetime)', 'workclock add_many (list of datetimes)')]:.1f}×")
    return 0


def check(name: str, ours: list[int], theirs: list[int]) -> int:
    assert len(ours) == len(theirs)
    mismatches = sum(1 for a, b in zip(ours, theirs, strict=True) if a != b)
    print(f"  {name:58} {mismatches:6,} mismatches of {len(ours):,}")
    return mismatches


def explain_pandas(cal: Calendar, starts: list[int], seconds: list[int], ours: list[int], pandas: list[int]) -> None:
    """Sort pandas' disagreements by cause; anything unexplained is listed."""
    closing = other = 0
    examples = []
    for start, span, mine, theirs in zip(starts, seconds, ours, pandas, strict=True):
        if mine == theirs:
            continue
        at_closing = not cal.is_open(mine) and cal.is_open(mine - 1)
        if at_closing and theirs == cal.next_open(mine):
            closing += 1
        else:
            other += 1
            if len(examples) < 5:
                examples.append((start, span, mine, theirs))
    print(f"  meldpunt vs pandas on the subset: {closing + other:,} mismatches of {len(ours):,}: "
          f"{closing:,} where the target ends exactly at closing, {other:,} other")
    if closing:
        print("    pandas moves a target that ends exactly at 17:00 to 09:00 the next service day;")
        print("    DESIGN.md (and workclock) take the earliest instant the time has passed: 17:00 that day.")
    for start, span, mine, theirs in examples:
        fmt = lambda t: cal.localize(t).strftime("%a %Y-%m-%d %H:%M:%S %Z")  # noqa: E731
        print(f"    unexplained: {fmt(start)} + {span // 3600}h: meldpunt {fmt(mine)}, pandas {fmt(theirs)}")


if __name__ == "__main__":
    sys.exit(main())
