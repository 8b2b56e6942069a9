"""Small ``responses`` and ``answers`` frames written by hand, in the shape analysis.frames loads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def make_frames(
    rows: Sequence[tuple[str | None, Mapping[str, object]]],
    instrument: str = "service-satisfaction",
    device: str = "dev1",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``rows``: one (service, {item: value}) per response; items left out are unanswered."""
    responses = []
    answers = []
    for seq, (service, given) in enumerate(rows, start=1):
        response = f"{device}:{seq}"
        responses.append(
            {
                "device": device,
                "seq": seq,
                "response": response,
                "source": "kiosk",
                "ticket": None,
                "service": service,
                "instrument": instrument,
            }
        )
        answers.extend(
            {"response": response, "instrument": instrument, "item": item, "value": value}
            for item, value in given.items()
        )
    columns = ["device", "seq", "response", "source", "ticket", "service", "instrument"]
    answer_columns = ["response", "instrument", "item", "value"]
    return pd.DataFrame(responses, columns=columns), pd.DataFrame(answers, columns=answer_columns)


def from_counts(
    counts: Mapping[int, int], item: str = "overall", service: str | None = "info"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A published Thai table: ``counts[score]`` responses answered ``item`` with ``score``."""
    rows = [(service, {item: score}) for score, count in counts.items() for _ in range(count)]
    return make_frames(rows)
