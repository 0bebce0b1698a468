"""Shared set-up for the booking tests: an Invantive customer, an agent with weekly hours."""

from __future__ import annotations

from datetime import time

from meldpunt.bookings.services import publish_availability
from meldpunt.contracts.services import load_catalog_text
from meldpunt.core.catalog_loader import preset_text
from tests.support import factories as f

AMS = f.AMS


def invantive_desk(*, rate: str | None = "120.00", language: str = "nl") -> dict:
    """Bakkerij (Dutch, coordinator Jan) on the Invantive subscription; agent Anna takes
    sessions Monday to Friday 08:00–18:00 (wider than service hours on purpose)."""
    org = f.organisation("Bakkerij Jansen", language=language)
    jan = f.contact(org, language=language)
    agreement = f.agreement(org, "invantive", "subscription", coordinator=jan)
    agent = f.staff_user()
    agent.first_name, agent.last_name = "Anna", "de Boer"
    agent.save()
    for weekday in range(5):
        publish_availability(agent=agent, vendor="invantive", weekday=weekday, starts=time(8), ends=time(18),
                             hourly_rate=rate)
    return {"org": org, "jan": jan, "agreement": agreement, "agent": agent}


def catalog_with(extra: str, replace: tuple[str, str] | None = None):
    """A new Invantive catalog version whose ``[billing]`` text is altered (as a vendor would)."""
    text = preset_text("invantive")
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    text = text.replace("booking_calendar = \"service\"\n", f"booking_calendar = \"service\"\n{extra}")
    return load_catalog_text(text, "invantive.toml")[0]
