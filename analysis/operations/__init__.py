"""The counter's own figures: service statistics, fairness, and the targets the queue measures.

Functions over the tidy frames of :mod:`analysis.frames` (``tickets``, ``calls``, ``no_shows``,
``responses``, ``answers``; columns in ``docs/``). The entry points the report calls take the frames
object (``load_frames(...)``, or :class:`Frames` built by hand); the functions under them take single
DataFrames. Each returns a table dict (``title_th/en``, ``columns`` with Thai and English headers,
``rows``, ``total``, ``note_th/en``) or a target dict — the shapes ``report.json`` holds — so a notebook
gets the report's own numbers::

    from analysis import operations as ops
    frames = load_frames(CentralStore.open(home), date(2024, 10, 1), date(2025, 9, 30))
    tables = ops.service_tables(frames, settings=load_settings(home))
    tables["services"]["total"]["wait_median"]       # minutes, all services, the whole period
    ops.fairness_tables(frames, settings)["fairness-out-of-order"]["rows"]
    ops.counter_target(frames, target)                # a row for the targets the queue measures

Modules: ``services`` (item 5), ``fairness`` (item 6), ``targets`` (item 4), ``common`` (what they
share); every public name is importable from ``analysis.operations`` itself.

Tables: :func:`service_tables` (``services`` and ``services-YYYY-MM``), :func:`fairness_tables`
(``fairness-out-of-order``, ``-no-shows``, ``-priority``, ``-overtaken``). Targets:
:func:`queue_order_target`, :func:`citizens_served_target`, :func:`summary_frequency_target`.

How the figures are counted (the same everywhere in this module):

- **Month and day are Bangkok time**, taken from the timestamps themselves: a ticket issued at 23:30
  on 31 October in Bangkok (16:30 UTC) is October's, and one at 00:30 on 1 November Bangkok (still
  31 October in UTC) is November's.
  A ticket belongs to the month it was *issued*; a call to the month it was *made*.
- **Waiting time** = first call − issue, over tickets that were called; **service time** = finish − start,
  over tickets served. Both in minutes; **median** is the ordinary median (the mean of the two middle
  values when their number is even); **p90** is the *nearest-rank* 90th percentile: the smallest
  observed value that at least 90 % of the values do not exceed (rank ⌈0.9 n⌉ in ascending order), so
  "9 in 10 waited no longer than p90" is true as written and p90 is always a wait someone had.
- **No-show rate** = tickets whose final status is no-show ÷ tickets called, × 100 (a no-show that was
  undone and then served counts as served).
- **Rated ÷ served** = served tickets that were rated ÷ served tickets, × 100.
- **Satisfaction** (optional): the mean score of the overall item as % of 5, over the ratings of the
  group's tickets — from a ``satisfaction`` column of ``responses`` (see :func:`overall_scores`) or a
  callback given the group's responses.
- A **ticket is the unit** of people served: the kit holds no identity, so one person with two tickets
  counts twice and a family served on one ticket counts once.
- A ticket whose counter is unknown (never called) is shown with counter ``None``; subtotal rows of a
  service carry ``"subtotal": True`` with counter and month ``None``; the table's ``total`` is the
  whole table. Totals are computed from the pooled tickets, never by averaging the rows' medians.
- An empty frame gives a table with no rows, ``total`` ``None`` and a note saying there is no data.
"""

from __future__ import annotations

from analysis.operations.common import CounterFrames, Frames, Satisfaction, Table, minutes_p90, overall_scores
from analysis.operations.fairness import (
    count_overtaken,
    fairness_tables,
    no_show_table,
    out_of_order_table,
    overtaking_table,
    priority_table,
)
from analysis.operations.services import service_month_tables, service_table, service_tables
from analysis.operations.targets import (
    citizens_served,
    citizens_served_target,
    counter_target,
    queue_order_figures,
    queue_order_target,
    summary_frequency_target,
    summary_periods,
)

__all__ = [
    "CounterFrames",
    "Frames",
    "Satisfaction",
    "Table",
    "citizens_served",
    "citizens_served_target",
    "count_overtaken",
    "counter_target",
    "fairness_tables",
    "minutes_p90",
    "no_show_table",
    "out_of_order_table",
    "overall_scores",
    "overtaking_table",
    "priority_table",
    "queue_order_figures",
    "queue_order_target",
    "service_month_tables",
    "service_table",
    "service_tables",
    "summary_frequency_target",
    "summary_periods",
]
