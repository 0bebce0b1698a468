"""The shared words of every catalog: request kinds and entitlements (SPEC.md §1, §2).

Catalogs may only use these names, so code can ask "does this agreement grant
``remote_access``?" without knowing the vendor. Labels are Dutch and English.
"""

from __future__ import annotations

KINDS: dict[str, dict[str, str]] = {
    "incident": {"en": "Incident", "nl": "Incident"},
    "question": {"en": "Question", "nl": "Vraag"},
    "change": {"en": "Change request", "nl": "Wijzigingsverzoek"},
    "advisory": {"en": "Advisory-services request", "nl": "Verzoek adviesdiensten"},
    "licence_key": {"en": "Licence key request", "nl": "Licentiesleutelaanvraag"},
    "installation": {"en": "Installation request", "nl": "Installatieverzoek"},
    "consultant": {"en": "Consultant request", "nl": "Consultantverzoek"},
}

METRICS = ("response", "resolution")

#: The languages Meldpunt writes in: pages, mails, PDFs.
LANGUAGES = ("nl", "en")


def supported_language(code: str | None) -> str:
    """``code`` when Meldpunt writes in it, else English."""
    return code if code in LANGUAGES else "en"

ENTITLEMENTS: dict[str, dict[str, str]] = {
    "fix_notifications": {"en": "Notification of critical fixes (opt-in)", "nl": "Notificatie van belangrijke oplossingen (aanmelden)"},
    "updates": {"en": "Updates and feature packs", "nl": "Updates en functiepacks"},
    "patches": {"en": "Patches and service packs", "nl": "Patches en servicepacks"},
    "unlimited_incidents": {"en": "Unlimited incidents", "nl": "Onbeperkt aantal meldingen"},
    "portal_24x7": {"en": "Online portal 24/7", "nl": "Online portaal 24/7"},
    "phone_during_coverage": {"en": "Phone during coverage hours", "nl": "Telefonisch tijdens dekkingstijden"},
    "remote_access": {"en": "Remote access (customer authorises and is present; staff only look)", "nl": "Toegang op afstand (klant autoriseert en is aanwezig; alleen meekijken)"},
    "fixed_response_times": {"en": "Fixed response times", "nl": "Vaste responstijden"},
    "urgency_handling": {"en": "Handling by urgency", "nl": "Behandeling naar urgentie"},
    "critical_workday_24h": {"en": "Critical issues 24 hours per workday", "nl": "Kritieke meldingen 24 uur per werkdag"},
    "critical_24x7": {"en": "Critical issues 24×7", "nl": "Kritieke meldingen 24×7"},
    "how_to": {"en": "How-to questions on the standard product", "nl": "How-to vragen over het standaardproduct"},
    "online_groups": {"en": "Online groups", "nl": "Online groepen"},
    "recorded_instructions": {"en": "Recorded instructions", "nl": "Opgenomen instructies"},
    "interactive_sessions": {"en": "Interactive instruction sessions", "nl": "Interactieve instructies"},
    "dedicated_csm": {"en": "Dedicated customer success manager", "nl": "Toegewezen customer success manager"},
    "activity_reviews": {"en": "Support-activity reviews", "nl": "Reviews ondersteuningsactiviteiten"},
    "early_adopter": {"en": "Early-adopter programme", "nl": "Early Adopter-programma"},
    "specialist_escalation": {"en": "Specialists and developers", "nl": "Ondersteuning door specialisten en ontwikkelaars"},
    "education_discount": {"en": "Education discount", "nl": "Korting op opleidingen"},
    "update_planning": {"en": "Update planning", "nl": "Hulp bij planning van updates"},
    "special_event_weekend": {"en": "One special-event weekend a year", "nl": "Eén weekend per jaar ondersteuning bij speciale gebeurtenissen"},
    "email_support": {"en": "Email support", "nl": "E-mail support"},
    "web_support": {"en": "Web support", "nl": "Website support"},
    "phone_support": {"en": "Phone support", "nl": "Telefonisch support"},
    "chat_support": {"en": "Chat during service hours", "nl": "Chat tijdens servicetijden"},
    "monitoring": {"en": "Monitoring alerts become incidents", "nl": "Monitoring: meldingen worden incidenten"},
    "no_emergency_number": {"en": "No emergency number", "nl": "Geen noodnummer"},
    "emergency_number": {"en": "Emergency number for incidents", "nl": "Noodnummer voor incidenten"},
    "no_support_outside_workdays": {"en": "No support outside workdays", "nl": "Geen support buiten werkdagen"},
    "incident_intake_extended": {"en": "Incident intake 06:00–23:00", "nl": "Incidentmeldingen 06:00–23:00"},
    "integration_support": {"en": "Support per named integration", "nl": "Support per koppeling"},
    "standard_migration": {"en": "Standard migration (custom and third-party modules excluded)", "nl": "Standaard migratie (maatwerk en third-party modules niet inbegrepen)"},
    "documentation": {"en": "Documentation and knowledge base", "nl": "Documentatie en kennisbank"},
    "community_questions": {"en": "Community questions (not covered)", "nl": "Community-vragen (niet gedekt)"},
    "ideas": {"en": "Ideas register", "nl": "Ideeënregister"},
    "use": {"en": "Use of the software", "nl": "Gebruik van de software"},
    "incident_resolution": {"en": "Incident resolution", "nl": "Oplossen van incidenten"},
}


def label(table: dict[str, dict[str, str]], key: str, language: str = "en") -> str:
    names = table.get(key, {})
    return names.get(language) or names.get("en") or key
