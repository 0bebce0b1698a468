"""Mail intake end to end on the real database with a real SMTP sink (aiosmtpd)."""

import json

import pytest
from django.core.management import call_command

from meldpunt.cli import main
from meldpunt.contracts.models import Contact
from meldpunt.intake.attachments import content
from meldpunt.intake.models import InboundMail, OutboundMail
from meldpunt.intake.outbox import send_pending
from meldpunt.intake.services import ingest, quarantine_to_ticket
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.services import add_message, change_status, request_information, set_priority
from tests.support import factories as f
from tests.support.samples import mail, with_attachment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def devries():
    org = f.organisation("Bakkerij De Vries", language="nl")
    jan = Contact.objects.create(organisation=org, name="Jan de Vries", email="jan@devries.test", language="nl", is_coordinator=True)
    f.agreement(org, "erpm", "medium", addons=["premium"])
    return jan


def test_new_mail_from_a_contact_becomes_a_ticket_and_is_confirmed_in_their_language(devries, smtp_sink):
    result = ingest(mail(), source="test")
    assert result.outcome == "created" and result.ticket
    ticket = Ticket.objects.get(pk=result.ticket)
    assert ticket.contact == devries and ticket.channel == "email" and ticket.agreement is not None
    # seed 004 step 2: the desk assesses; until then the catalog's provisional level runs a clock
    assert ticket.priority == "C" and ticket.priority_provisional and "to be assessed" in ticket.priority_reason
    [sent] = smtp_sink.wait_for(1)
    assert sent["To"] == "jan@devries.test"
    assert sent["Subject"] == f"Wij hebben uw verzoek ontvangen [#{ticket.pk}] Orders komen niet binnen"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["Message-ID"] == OutboundMail.objects.get(ticket=ticket).message_id
    assert sent["In-Reply-To"] == "<m-1@devries.test>"


def test_the_same_message_is_registered_once(devries, smtp_sink):
    first = ingest(mail())
    again = ingest(mail())
    assert again.ticket == first.ticket and again.duplicate and again.outcome == "created"
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_reply_to_our_confirmation_is_appended_and_resumes_the_clock(devries, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail()).ticket)
    agent = f.staff_user()
    set_priority(ticket, impact="multiple", urgency="high", actor=agent)  # the desk assesses (seed 004)
    request_information(ticket, "Welke versie gebruikt u?", actor=agent)
    confirmation, question = smtp_sink.wait_for(2)
    assert question["Subject"].startswith("Wij hebben meer informatie nodig [#")
    assert "Welke versie gebruikt u?" in question.get_content()
    assert ticket.clocks.get(metric="resolution").state == "paused"
    answer = mail(subject=f"Re: {question['Subject']}", body="Versie 24.0.12", message_id="<m-2@devries.test>",
                  headers={"In-Reply-To": question["Message-ID"], "References": question["References"] + " " + question["Message-ID"]})
    result = ingest(answer)
    assert result.outcome == "appended" and result.ticket == ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert ticket.clocks.get(metric="resolution").state == "running"
    assert ticket.messages.filter(from_customer=True, body="Versie 24.0.12").exists()


def test_ticket_number_in_the_subject_threads_a_mail_without_headers(devries, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail()).ticket)
    result = ingest(mail(subject=f"Aanvulling [#{ticket.pk}]", message_id="<m-3@devries.test>", body="Nog een screenshot"))
    assert result.outcome == "appended" and result.ticket == ticket.pk


def test_another_organisation_cannot_write_into_a_ticket_by_its_number(devries, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail()).ticket)
    other = f.organisation("Concurrent BV")
    Contact.objects.create(organisation=other, name="Piet", email="piet@concurrent.test")
    result = ingest(mail(sender="piet@concurrent.test", subject=f"Re: [#{ticket.pk}] hallo", message_id="<p-1@concurrent.test>"))
    assert result.outcome == "created" and result.ticket != ticket.pk
    assert Ticket.objects.get(pk=result.ticket).organisation == other
    assert not ticket.messages.filter(from_customer=True).exists()


def test_unknown_sender_lands_in_triage_and_is_still_confirmed(smtp_sink):
    f.catalogs()
    result = ingest(mail(sender="Onbekend <nieuw@prospect.test>", message_id="<u-1@prospect.test>"))
    assert result.outcome == "created" and "triage" in result.reason
    ticket = Ticket.objects.get(pk=result.ticket)
    assert ticket.organisation is None and ticket.reporter_email == "nieuw@prospect.test"
    assert ticket.language == "nl"  # guessed from the Dutch text
    [sent] = smtp_sink.wait_for(1)
    assert sent["To"] == "nieuw@prospect.test"


def test_auto_reply_to_our_confirmation_is_recorded_but_never_answered(devries, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail()).ticket)
    [confirmation] = smtp_sink.wait_for(1)
    bounce_back = mail(subject=f"Afwezig: {confirmation['Subject']}", message_id="<ooo-1@devries.test>",
                       headers={"Auto-Submitted": "auto-replied", "In-Reply-To": confirmation["Message-ID"]},
                       body="Ik ben afwezig tot maandag.")
    result = ingest(bounce_back)
    assert result.outcome == "ignored" and "Auto-Submitted" in result.reason
    assert InboundMail.objects.get(key="<ooo-1@devries.test>").ticket == ticket
    assert OutboundMail.objects.count() == 1 and len(smtp_sink.wait_for(2, timeout=0.5)) == 1


def test_a_sender_flooding_the_desk_is_held_not_dropped(devries, smtp_sink, settings):
    settings.MELDPUNT_MAIL_THROTTLE_PER_HOUR = 3
    outcomes = [ingest(mail(message_id=f"<flood-{i}@devries.test>", subject=f"Loop {i}")).outcome for i in range(5)]
    assert outcomes == ["created", "created", "created", "held", "held"]
    assert InboundMail.objects.get(key="<flood-4@devries.test>").reason.startswith("held: more than 3 mails")
    assert Ticket.objects.count() == 3 and len(smtp_sink.wait_for(4, timeout=0.5)) == 3


def test_unreadable_mail_is_quarantined_raw_and_an_agent_can_turn_it_into_a_ticket(devries, smtp_sink):
    raw = b"\x00\x01 this is no mail \xff"
    result = ingest(raw, source="broken.eml")
    assert result.outcome == "quarantined" and result.ticket is None
    kept = InboundMail.objects.get(outcome="quarantined")
    assert bytes(kept.raw) == raw
    ticket = quarantine_to_ticket(kept, agent=f.staff_user(), contact=devries, subject="Onleesbare mail")
    assert ticket.organisation == devries.organisation
    kept.refresh_from_db()
    assert kept.ticket == ticket


def test_attachments_are_kept_with_the_message(devries, smtp_sink):
    result = ingest(with_attachment(2048))
    ticket = Ticket.objects.get(pk=result.ticket)
    [attachment] = [a for m in ticket.messages.all() for a in m.attachments.all()]
    assert attachment.filename == "log.txt" and attachment.size == 2048 and content(attachment) == b"x" * 2048


def test_agent_reply_and_resolution_are_mailed_threaded(devries, smtp_sink):
    ticket = Ticket.objects.get(pk=ingest(mail()).ticket)
    agent = f.staff_user()
    add_message(ticket, "De koppeling is hersteld.", author=agent)
    change_status(ticket, "resolved", actor=agent)
    add_message(ticket, "interne notitie", author=agent, public=False)
    confirmation, reply, status = smtp_sink.wait_for(3)
    assert reply["Subject"] == f"Re: [#{ticket.pk}] Orders komen niet binnen"
    assert "De koppeling is hersteld." in reply.get_content()
    assert confirmation["Message-ID"] in reply["References"]
    assert status["Subject"].startswith("Verzoek opgelost")
    assert len(smtp_sink.wait_for(4, timeout=0.5)) == 3  # the internal note is never mailed


def test_failed_sends_stay_in_the_outbox_and_are_retried(devries, settings, smtp_sink):
    sink_options = settings.MAILERS["default"]["OPTIONS"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2}}}
    ingest(mail())
    pending = OutboundMail.objects.get()
    assert pending.sent_at is None and pending.attempts == 1 and "Connection" in pending.last_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": sink_options}}
    assert send_pending() == 1
    assert len(smtp_sink.wait_for(1)) == 1 and OutboundMail.objects.get().sent_at is not None


def test_ingest_mail_command_prints_one_json_line_per_file(devries, smtp_sink, tmp_path, capsys):
    good, bad = tmp_path / "good.eml", tmp_path / "bad.eml"
    good.write_bytes(mail())
    bad.write_bytes(b"\x00garbage")
    assert main(["ingest-mail", str(good), str(bad), str(good), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["file"], x["outcome"]) for x in lines] == [(str(good), "created"), (str(bad), "quarantined"), (str(good), "duplicate")]
    assert lines[0]["ticket"] == lines[2]["ticket"] and lines[1]["ticket"] is None
    assert "already registered" in lines[2]["reason"] and lines[2]["registered_as"] == "created"


def test_ingest_mail_gives_every_file_an_outcome_and_fails_only_for_what_it_cannot_keep(devries, smtp_sink, tmp_path,
                                                                                        capsys):
    good, missing = tmp_path / "good.eml", tmp_path / "missing.eml"
    good.write_bytes(mail())
    assert main(["ingest-mail", str(missing), str(good)]) == 2  # the other file is still registered
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"{missing}: failed, no ticket — cannot be read: No such file or directory"
    assert out.splitlines()[1].startswith(f"{good}: created, ticket #")
    assert err.strip() == f"meldpunt ingest-mail: {missing}: No such file or directory" and "Traceback" not in err
    assert Ticket.objects.count() == 1


def test_ingest_mail_words_its_lines_in_the_shells_language(devries, smtp_sink, tmp_path, capsys, monkeypatch):
    """Issue 21: a Dutch shell reads Dutch lines; the JSON keeps the codes."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    good, missing = tmp_path / "good.eml", tmp_path / "missing.eml"
    good.write_bytes(mail())
    assert main(["ingest-mail", str(missing), str(good)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{missing}: mislukt, geen ticket — kan niet gelezen worden: ")
    assert out[1].startswith(f"{good}: aangemaakt, ticket #")
    assert main(["ingest-mail", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "duplicate"


def test_mail_intake_command_without_mailboxes_does_nothing(capsys):
    call_command("mail_intake", once=True)


def test_a_batch_of_mail_is_confirmed_by_one_follow_up_that_looks_templates_up_once(devries, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from meldpunt.tickets.models import FollowUp
    from meldpunt.triage.tasks import follow_up

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    raws = [mail(message_id=f"<batch-{i}@devries.test>", subject=f"Storing {i}") for i in range(3)]
    results = [ingest(raw, source="batch") for raw in raws]
    assert [r.outcome for r in results] == ["created"] * 3
    # Registered: three pending follow-ups, each with its wake-up task; nothing written yet.
    assert FollowUp.objects.count() == 3 and not OutboundMail.objects.exists()
    assert {t.task_path for t in DBTaskResult.objects.all()} == {follow_up.module_path}
    with CaptureQueriesContext(connection) as queries:
        assert follow_up.call() == 3  # the first run takes all that is pending
    templates = [q for q in queries.captured_queries if "intake_mailtemplate" in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(templates) == 1  # looked up once for the batch, not once per mail
    assert OutboundMail.objects.filter(kind="confirmation", sent_at__isnull=False).count() == 3
    assert follow_up.call() == 0 and not FollowUp.objects.exists()  # the other runs find it done
