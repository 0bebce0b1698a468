"""The report's charts: one description per chart, drawn by Chart.js on the page and by
matplotlib as SVG inside the PDF, so page and PDF always show the same figures.

matplotlib runs on the Agg backend (no display on servers) and through ``Figure`` objects,
never pyplot's global state, so concurrent requests do not draw into each other's charts.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from meldpunt.reports.build import Report

COLOURS = ["#0b5cad", "#e0892b", "#1e7b34", "#b3261e", "#6b4fa0"]


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "bar" or "hbar"
    labels: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = ""
    max: float | None = None

    def chartjs(self) -> dict:
        """The Chart.js configuration (data only; the page script adds the common options)."""
        return {
            "id": self.id, "title": self.title, "horizontal": self.kind == "hbar", "unit": self.unit, "max": self.max,
            "labels": self.labels,
            "datasets": [{"label": name, "data": values, "backgroundColor": COLOURS[i % len(COLOURS)]}
                         for i, (name, values) in enumerate(self.series)],
        }


def charts(report: Report) -> list[Chart]:
    metric_words = {"response": _("Response"), "resolution": _("Resolution")}
    levels = [p for p, _label in report.priorities]
    by_key = {(row.priority, row.metric): row for row in report.attainment}
    result = [
        Chart("attainment", _("SLA attainment per priority (%)"), "bar", [report.priority_label(p) for p in levels],
              [(metric_words[m], [by_key[(p, m)].percent for p in levels]) for m in ("response", "resolution")],  # None: nothing counted
              unit="%", max=100),
        Chart("aging", _("Open tickets by age"), "bar", list(report.aging), [(_("Open tickets"), list(report.aging.values()))]),
        Chart("workload", _("Opened and closed per month"), "bar", [w[0] for w in report.workload],
              [(_("Opened"), [w[1] for w in report.workload]), (_("Closed"), [w[2] for w in report.workload])]),
        Chart("submitters", _("Who submitted what"), "hbar", [s[0] for s in report.submitters[:12]],
              [(_("Tickets"), [s[1] for s in report.submitters[:12]])]),
        Chart("time", _("Time spent (hours)"), "bar", [_("Covered"), _("Billable")],
              [(_("Hours"), [report.time.covered_hours, report.time.billable_hours])], unit="h"),
        Chart("satisfaction", _("Customer satisfaction (ratings)"), "bar", [_("Good"), _("Bad")],
              [(_("Ratings"), [report.satisfaction.good, report.satisfaction.bad])]),
    ]
    if report.whatif is not None:
        rows = [r for r in report.whatif.rows if r.counted]
        result.append(Chart(
            "whatif", _("Breaches: actual and under %(scenario)s") % {"scenario": report.whatif.scenario}, "bar",
            [f"{report.priority_label(r.priority)} · {metric_words.get(r.metric, r.metric)}" for r in rows],
            [(_("Actual"), [r.actual_missed for r in rows]), (report.whatif.scenario, [r.scenario_missed for r in rows])],
        ))
    return result


def svg(chart: Chart) -> str:
    """The chart as an SVG document (text kept as text, so the PDF stays searchable)."""
    # Imported here, not with the module: matplotlib takes a second to import, and the URLconf
    # (which every web and task worker loads) imports this module through the report views.
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")  # no display on servers; Figure objects never touch pyplot's global state
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.add_subplot()
    count = max(len(chart.series), 1)
    width = 0.8 / count
    positions = range(len(chart.labels))
    for i, (name, raw) in enumerate(chart.series):
        values = [v if v is not None else 0 for v in raw]
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        if chart.kind == "hbar":
            axes.barh(offsets, values, height=width, label=name, color=COLOURS[i % len(COLOURS)])
        else:
            axes.bar(offsets, values, width=width, label=name, color=COLOURS[i % len(COLOURS)])
    if chart.kind == "hbar":
        axes.set_yticks(list(positions), chart.labels, fontsize=8)
        axes.invert_yaxis()
    else:
        axes.set_xticks(list(positions), chart.labels, fontsize=8)
        if chart.max:
            axes.set_ylim(0, chart.max)
    axes.set_title(chart.title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    if len(chart.series) > 1:
        axes.legend(fontsize=8, frameon=False)
    figure.tight_layout()
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart.id}):
        figure.savefig(out, format="svg")
    return out.getvalue()


def svg_data_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg(chart).encode("utf-8")).decode("ascii")
