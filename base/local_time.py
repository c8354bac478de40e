"""The time zone people read: Asia/Jakarta (WIB, UTC+7), where the nightly schedule runs. Stored
timestamps stay UTC (naive TIMESTAMP columns hold UTC); only what is printed or rendered for people
is converted, with the zone written after it."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Jakarta"
ZONE_LABEL = "WIB"
_ZONE = ZoneInfo(TIMEZONE)


def wib(moment: dt.datetime | None, seconds: bool = True) -> str:
    """A stored UTC timestamp (naive = UTC) as people read it: `2026-12-04 08:05:07 WIB`."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(_ZONE)
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {ZONE_LABEL}"
