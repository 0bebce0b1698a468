"""The shared words of every catalog: request kinds and entitlements (SPEC.md §1, §2).

Catalogs may only use these names, so code can ask "does this agreement grant
``remote_access``?" without knowing the vendor. Each name holds its English label, marked
for extraction (:func:`meldpunt.core.marks.gettext_noop`); people read it through gettext in
their language: ``contracts.vocabulary_words`` (``kind_label``, ``entitlement_label``), and
``tickets.models.KIND_CHOICES`` for the request kinds. The Dutch is in the project catalogue.
"""

from __future__ import annotations

from meldpunt.core.marks import gettext_noop

#: Request kind → its English label.
KINDS: dict[str, str] = {
    "incident": gettext_noop("Incident"),
    "question": gettext_noop("Question"),
    "change": gettext_noop("Change request"),
    "advisory": gettext_noop("Advisory-services request"),
    "licence_key": gettext_noop("Licence key request"),
    "installation": gettext_noop("Installation request"),
    "consultant": gettext_noop("Consultant request"),
}

METRICS = ("response", "resolution")

#: The languages Meldpunt writes in: pages, mails, PDFs.
LANGUAGES = ("nl", "en")


def supported_language(code: str | None) -> str:
    """``code`` when Meldpunt writes in it, else English."""
    return code if code in LANGUAGES else "en"


#: Entitlement name → its English label (what a package or add-on grants).
ENTITLEMENTS: dict[str, str] = {
    "fix_notifications": gettext_noop("Notification of critical fixes (opt-in)"),
    "updates": gettext_noop("Updates and feature packs"),
    "patches": gettext_noop("Patches and service packs"),
    "unlimited_incidents": gettext_noop("Unlimited incidents"),
    "portal_24x7": gettext_noop("Online portal 24/7"),
    "phone_during_coverage": gettext_noop("Phone during coverage hours"),
    "remote_access": gettext_noop("Remote access (customer authorises and is present; staff only look)"),
    "fixed_response_times": gettext_noop("Fixed response times"),
    "urgency_handling": gettext_noop("Handling by urgency"),
    "critical_workday_24h": gettext_noop("Critical issues 24 hours per workday"),
    "critical_24x7": gettext_noop("Critical issues 24×7"),
    "how_to": gettext_noop("How-to questions on the standard product"),
    "online_groups": gettext_noop("Online groups"),
    "recorded_instructions": gettext_noop("Recorded instructions"),
    "interactive_sessions": gettext_noop("Interactive instruction sessions"),
    "dedicated_csm": gettext_noop("Dedicated customer success manager"),
    "activity_reviews": gettext_noop("Support-activity reviews"),
    "early_adopter": gettext_noop("Early-adopter programme"),
    "specialist_escalation": gettext_noop("Specialists and developers"),
    "education_discount": gettext_noop("Education discount"),
    "update_planning": gettext_noop("Update planning"),
    "special_event_weekend": gettext_noop("One special-event weekend a year"),
    "email_support": gettext_noop("Email support"),
    "web_support": gettext_noop("Web support"),
    "phone_support": gettext_noop("Phone support"),
    "chat_support": gettext_noop("Chat during service hours"),
    "monitoring": gettext_noop("Monitoring alerts become incidents"),
    "no_emergency_number": gettext_noop("No emergency number"),
    "emergency_number": gettext_noop("Emergency number for incidents"),
    "no_support_outside_workdays": gettext_noop("No support outside workdays"),
    "incident_intake_extended": gettext_noop("Incident intake 06:00–23:00"),
    "integration_support": gettext_noop("Support per named integration"),
    "standard_migration": gettext_noop("Standard migration (custom and third-party modules excluded)"),
    "documentation": gettext_noop("Documentation and knowledge base"),
    "community_questions": gettext_noop("Community questions (not covered)"),
    "ideas": gettext_noop("Ideas register"),
    "use": gettext_noop("Use of the software"),
    "incident_resolution": gettext_noop("Incident resolution"),
}

