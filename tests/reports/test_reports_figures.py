"""Evaluation report figures against tickets whose clocks are worked out by hand here.

ERP.M Small, calendar workdays 09:00–17:00 (8 h a business day), 2026Q3 has no Dutch
holidays. Targets: A 2h / 1bd, B 4h / 2bd, C 2bd / planning, D 5bd / planning.
With Premium: incidents on 06:00–23:00 (17 h a business day), A 1h / 1bd, B 2h / 1bd,
C 1bd / planning, D 3bd / planning; questions stay on 09:00–17:00.
"""

import pytest
from django.utils import translation

from meldpunt.billing.services import book_time
from meldpunt.core.reporting import Period, PeriodError
from meldpunt.reports.build import build_report, period_error_words
from meldpunt.reports.whatif import Scenario
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.services import add_message, change_status
from tests.support import factories as f

NOW = f.ams(2026, 11, 2, 12, 0)


def due(ticket, metric):
    return ticket.clocks.get(metric=metric).due_at


@pytest.fixture
def q3(db):
    org = f.organisation("Gamma BV")
    anna, bram = f.contact(org, username="anna"), f.contact(org, coordinator=False, username="bram")
    agr = f.agreement(org, "erpm", "small", coordinator=anna)
    agent = f.staff_user()

    def ticket(contact, received, **kw):
        return create_ticket(NewRequest(organisation=org, agreement=agr, contact=contact, received_at=received,
                                        subject=kw.pop("subject", "Ticket"), **kw))[0]

    # T1, priority A, Mon 6 Jul 10:00. Response 2h → 12:00; resolution 8h → Tue 10:00.
    t1 = ticket(anna, f.ams(2026, 7, 6, 10, 0), impact="organisation", urgency="high", subject="Orders stuck")
    assert (due(t1, "response"), due(t1, "resolution")) == (f.ams(2026, 7, 6, 12, 0), f.ams(2026, 7, 7, 10, 0))
    add_message(t1, "Looking into it", author=agent, at=f.ams(2026, 7, 6, 11, 0))
    change_status(t1, "resolved", actor=agent, at=f.ams(2026, 7, 7, 9, 30))

    # T2, priority B, Thu 9 Jul 16:00. Response 4h: 1h Thu + 3h Fri → Fri 12:00, answered 13:00 (missed).
    # Resolution 16h → Mon 13 Jul 16:00; paused Fri 14:00 – Mon 10:00 (3h + 1h) → Tue 14 Jul 12:00.
    t2 = ticket(anna, f.ams(2026, 7, 9, 16, 0), impact="organisation", urgency="medium", subject="Slow invoices")
    assert (due(t2, "response"), due(t2, "resolution")) == (f.ams(2026, 7, 10, 12, 0), f.ams(2026, 7, 13, 16, 0))
    add_message(t2, "Which invoices?", author=agent, at=f.ams(2026, 7, 10, 13, 0))
    change_status(t2, "waiting_customer", actor=agent, at=f.ams(2026, 7, 10, 14, 0))
    change_status(t2, "in_progress", actor=agent, at=f.ams(2026, 7, 13, 10, 0))
    assert due(t2, "resolution") == f.ams(2026, 7, 14, 12, 0)
    change_status(t2, "resolved", actor=agent, at=f.ams(2026, 7, 14, 11, 0))

    # T3, question (always D), Wed 5 Aug 10:00. Response 5bd = 40h → Wed 12 Aug 10:00; never answered.
    t3 = ticket(bram, f.ams(2026, 8, 5, 10, 0), kind="question", subject="Second warehouse")
    assert due(t3, "response") == f.ams(2026, 8, 12, 10, 0) and due(t3, "resolution") is None

    # T4, priority C, Mon 28 Sep 10:00. Response 2bd = 16h → Wed 30 Sep 10:00, answered Tue 15:00.
    t4 = ticket(bram, f.ams(2026, 9, 28, 10, 0), impact="one", urgency="medium", subject="Label printer")
    assert due(t4, "response") == f.ams(2026, 9, 30, 10, 0)
    add_message(t4, "Try this", author=agent, at=f.ams(2026, 9, 29, 15, 0))

    # T8, question, Wed 30 Sep 10:00: response due Wed 7 Oct 10:00, answered 1 Oct; resolved after the period.
    t8 = ticket(anna, f.ams(2026, 9, 30, 10, 0), kind="question", subject="VAT codes")
    assert due(t8, "response") == f.ams(2026, 10, 7, 10, 0)
    add_message(t8, "Like this", author=agent, at=f.ams(2026, 10, 1, 10, 0))
    change_status(t8, "resolved", actor=agent, at=f.ams(2026, 10, 5, 10, 0))

    # Before the period: T5 (received Mon 15 Jun, resolved Thu 2 Jul: closed in Q3), T7 (still open).
    t5 = ticket(anna, f.ams(2026, 6, 15, 10, 0), impact="one", urgency="medium", subject="Old report")
    change_status(t5, "resolved", actor=agent, at=f.ams(2026, 7, 2, 10, 0))
    ticket(bram, f.ams(2026, 5, 4, 9, 30), kind="question", subject="Ancient question")

    # Another organisation's ticket in the period counts nowhere.
    other = f.organisation("Delta BV")
    create_ticket(NewRequest(organisation=other, agreement=f.agreement(other), subject="Not ours", impact="organisation",
                             urgency="high", received_at=f.ams(2026, 7, 6, 10, 0)))

    book_time(ticket=t1, agent=agent, minutes=45, billable=False, started_at=f.ams(2026, 7, 6, 10, 30))
    book_time(ticket=t2, agent=agent, minutes=50, billable=True, rate="100.00", started_at=f.ams(2026, 7, 13, 11, 0))
    book_time(ticket=t8, agent=agent, minutes=30, billable=False, started_at=f.ams(2026, 10, 1, 10, 0))  # Q4
    return {"org": org, "t2": t2, "t3": t3}


def test_opened_closed_and_who_submitted_what(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW)
    assert (report.opened, report.closed) == (5, 3)  # T1 T2 T3 T4 T8 opened; T1 T2 T5 closed
    assert report.submitters == [("Anna", 3, "Incident 2, Question 1"), ("Bram", 2, "Question 1, Incident 1")]
    assert dict(report.opened_by_kind) == {"Incident": 3, "Question": 2}
    rows = [(t.subject, t.reporter, t.priority, t.resolved) for t in report.tickets]
    assert rows == [  # seed 003 Elite reviews: which tickets were opened and closed, by whom
        ("Old report", "Anna", "Priority C", f.ams(2026, 7, 2, 10, 0)),
        ("Orders stuck", "Anna", "Priority A", f.ams(2026, 7, 7, 9, 30)),
        ("Slow invoices", "Anna", "Priority B", f.ams(2026, 7, 14, 11, 0)),
        ("Second warehouse", "Bram", "Priority D", None),
        ("Label printer", "Bram", "Priority C", None),
        ("VAT codes", "Anna", "Priority D", f.ams(2026, 10, 5, 10, 0)),
    ]


def test_sla_attainment_per_priority_and_metric(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW)
    rows = {(a.priority, a.metric): (a.met, a.missed, a.pending, a.percent) for a in report.attainment}
    assert rows[("A", "response")] == (1, 0, 0, 100.0)
    assert rows[("B", "response")] == (0, 1, 0, 0.0)  # answered an hour late
    assert rows[("C", "response")] == (1, 0, 0, 100.0)
    assert rows[("D", "response")] == (1, 1, 0, 50.0)  # T3 never answered: a breached running clock is missed
    assert (report.totals["response"].met, report.totals["response"].counted, report.totals["response"].percent) == (3, 5, 60.0)
    # Seed 004: "alle oplostijden zijn indicatief". ERP.M's resolution times are not in the
    # attainment (nor in the breaches); they are reported apart, within or past the time.
    assert all(rows[(level, "resolution")] == (0, 0, 0, None) for level in "ABCD")
    assert report.totals["resolution"].percent is None
    indicative = {(a.priority, a.metric): (a.met, a.missed, a.pending) for a in report.indicative}
    assert indicative == {("A", "resolution"): (1, 0, 0),  # resolved Tue 09:30, indicative Tue 10:00
                          ("B", "resolution"): (1, 0, 0)}  # the pause moved the time to Tuesday noon
    assert [a.label for a in report.indicative] == ["Priority A", "Priority B"]


def test_resolution_times_count_in_the_attainment_where_the_catalog_makes_them_hard(db):
    """The same rule turned off (a catalog without ``[targets] indicative``): a resolution
    time is a target, counted as met or missed."""
    org = f.organisation()
    agreement = f.agreement(org, "erpm", "small", version=f.erpm_with_hard_resolution())
    ticket = create_ticket(NewRequest(organisation=org, agreement=agreement, subject="Down", impact="organisation",
                                      urgency="high", received_at=f.ams(2026, 7, 6, 10, 0)))[0]
    assert not ticket.clocks.get(metric="resolution").indicative
    report = build_report(org, "2026Q3", now=NOW)
    rows = {(a.priority, a.metric): (a.met, a.missed) for a in report.attainment}
    assert rows[("A", "resolution")] == (0, 1) and report.indicative == []
    assert {(b.number, b.metric) for b in report.breaches} == {(ticket.pk, "response"), (ticket.pk, "resolution")}


def test_breaches_carry_their_explanation(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW)
    assert [(b.number, b.metric) for b in report.breaches] == [(q3["t2"].pk, "response"), (q3["t3"].pk, "response")]
    late, running = report.breaches
    assert late.late == "1h" and late.stopped == f.ams(2026, 7, 10, 13, 0) and late.priority_label == "Priority B"
    assert late.explanation[0].startswith("Calendar: Workdays 09:00–17:00")
    assert "Due: Friday 10 July 2026 12:00 (the earliest moment the business time has passed)" in late.explanation
    assert running.stopped is None


def test_aging_of_tickets_open_at_the_end_of_the_period(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW)
    # At 1 Oct 00:00: T8 14 h old, T4 2.6 days, T3 56.6 days, T7 150 days; T8 was resolved later.
    assert report.open_count == 4
    assert report.aging == {"< 1d": 1, "1–7d": 1, "7–30d": 0, "30–90d": 1, "> 90d": 1}


def test_time_to_resolution_and_time_spent(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW)
    # T1 23.5 h, T2 4 days 19 h = 115 h, T5 17 days = 408 h
    r = report.resolution
    assert (r.count, r.median_hours, r.mean_hours, r.max_hours) == (3, 115.0, 182.2, 408.0)
    t = report.time
    assert (t.covered_minutes, t.billable_minutes, t.billed_minutes, t.amount, t.currency) == (45, 50, 50, "83.33", "EUR")
    assert [(m, o, c) for m, o, c in report.workload] == [("2026-07", 2, 3), ("2026-08", 1, 0), ("2026-09", 2, 0)]


def test_what_if_with_premium_replays_the_same_tickets(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW, scenario=Scenario(None, ("premium",)))
    rows = {(w.priority, w.metric): (w.counted, w.actual_missed, w.scenario_missed) for w in report.whatif.rows}
    assert rows[("A", "response")] == (1, 0, 0)  # due 11:00, answered 11:00
    assert rows[("B", "response")] == (1, 1, 1)  # due Thu 18:00
    assert rows[("C", "response")] == (1, 0, 1)  # 1bd = 17 h → Tue 10:00; answered 15:00
    assert rows[("D", "response")] == (2, 1, 1)  # questions stay 09–17; 3bd: T3 still missed, T8 met
    # ERP.M's resolution times are indicative (seed 004): never a breach, in either version.
    assert all(rows.get((level, "resolution"), (0, 0, 0)) == (0, 0, 0) for level in "ABCD")
    assert report.whatif.totals() == (2, 3) and report.whatif.skipped == 0
    assert report.whatif.scenario == "current package + premium"


def test_what_if_under_the_current_package_changes_nothing(q3):
    report = build_report(q3["org"], "2026Q3", now=NOW, scenario=Scenario("small", ()))
    assert report.whatif.totals() == (2, 2)



@pytest.mark.parametrize("text, dutch", [
    ("2026Q5", "'2026Q5' is geen periode zoals 2026Q3, 2026-07 of 2026"),
    ("2026-13", "'2026-13': maand 13 bestaat niet"),
    ("0001Q1", "'0001Q1': het jaar moet tussen "),
])
def test_a_refused_period_reads_in_the_readers_language(text, dutch):
    with pytest.raises(PeriodError) as refused:
        Period.parse(text)
    with translation.override("nl"):
        assert period_error_words(refused.value).startswith(dutch)
