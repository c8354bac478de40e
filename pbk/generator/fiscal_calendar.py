"""The fiscal year's calendar: its days and working days as ISO date strings."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np


class FiscalCalendar:
    """Date strings of the fiscal year; working days (Mon-Fri) grouped by month."""

    def __init__(self, year: int):
        first = dt.date(year, 1, 1)
        days = [first + dt.timedelta(d) for d in range((dt.date(year + 1, 1, 1) - first).days)]
        self.year = year
        self.iso_days = [d.isoformat() for d in days]
        working = [d for d in days if d.weekday() < 5]
        self.working_iso = [d.isoformat() for d in working]
        months = np.array([d.month - 1 for d in working])
        self.month_start = np.searchsorted(months, np.arange(12))
        self.month_count = np.bincount(months, minlength=12)

    def random_date(self, rnd: random.Random, first_month: int, last_month: int) -> str:
        start = dt.date(self.year, first_month, 1).timetuple().tm_yday - 1
        end_date = dt.date(self.year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(1)
        end = end_date.timetuple().tm_yday - 1
        return self.iso_days[rnd.randint(start, end)]
