"""What people need to go to an agency, as a table version prints it: address, map link,
opening hours, the languages spoken at the counter, whether one can walk in (decision 0078).

Plain values read from an ``AgencyContact``, for the directory's snapshot and HSDS; no queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from guankao.divisions.hours import Hours, open_at
from guankao.divisions.models import AgencyContact

# The AgencyContact fields that say how to go there: copied with a version, carried over to a
# new one, edited in the admin while the version is a draft.
DETAIL_FIELDS = ("address", "opening_hours", "hours_note", "counter_languages", "walk_in")


@dataclass(frozen=True)
class ContactDetails:
    """An agency's address, hours and counter languages in one version; blank where unknown."""

    address: str = ""
    map_url: str = ""
    hours: tuple[Hours, ...] = ()
    hours_note: str = ""
    languages: tuple[str, ...] = ()  # language codes, as settings.LANGUAGES
    walk_in: bool = False

    @property
    def empty(self) -> bool:
        return not (self.address or self.hours or self.hours_note or self.languages or self.walk_in)

    def open_at(self, moment: datetime.datetime) -> bool | None:
        """Whether the counter is open at ``moment``; None when no hours are written."""
        return open_at(self.hours, moment) if self.hours else None


def details_of(contact: AgencyContact) -> ContactDetails:
    """The contact's details as plain values."""
    return ContactDetails(
        address=contact.address,
        map_url=contact.map_url,
        hours=contact.hours,
        hours_note=contact.hours_note,
        languages=contact.languages,
        walk_in=contact.walk_in,
    )
