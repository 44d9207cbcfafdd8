"""Each subject's class in a run, from the run's scores in memory: what the store would otherwise derive
by grouping every stored result (`store.subject_classes.summarise_run`) and reading them all back again
(`record_tie_breaks`).

A subject's class is the highest of its groups' classes, its score the highest of their scores; its
tie-break in the planning order (`tekseru.planning.priority`) is the counts of gross, significant and minor
criteria violated in its leading group, the group first in that order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from tekseru.planning.priority import SEVERITIES
from tekseru.scoring import BulkScores
from tekseru.store.subject_classes import CLASSES, SubjectClasses

Ints = npt.NDArray[np.int64]
_ROWS = 200_000  # subject-groups unpacked at a time


def subject_classes(subject_id: Ints, bulk: BulkScores, severity_of: Mapping[int, str]) -> SubjectClasses:
    """The classes of the subjects of subject-groups `subject_id` (sorted by subject), scored as `bulk`;
    `severity_of` gives each criterion's severity ("gross" | "significant" | "minor")."""
    counts = severity_counts(bulk, severity_of)
    gross, significant, minor = counts[:, 0], counts[:, 1], counts[:, 2]
    if len(subject_id) and np.any(np.diff(subject_id) < 0):
        raise ValueError("the subject-groups must be sorted by subject")
    first = np.flatnonzero(np.r_[True, subject_id[1:] != subject_id[:-1]]) if len(subject_id) else _none()
    rank_of_code = np.array([CLASSES.index(name.value) for name in bulk.class_names], dtype=np.int64)
    rank = rank_of_code[bulk.risk_class.astype(np.int64)]
    # The leading group: highest score, then most gross, significant and minor criteria (the planning order;
    # its last step, the last visit, is the subject's and the same in all its groups).
    order = np.lexsort((-minor, -significant, -gross, -bulk.score, subject_id))
    lead = order[first]
    if not len(subject_id):
        highest, best = np.zeros(0, np.int64), np.zeros(0, np.float64)
    else:
        highest = np.maximum.reduceat(rank, first)
        best = np.maximum.reduceat(bulk.score.astype(np.float64), first)
    return SubjectClasses(
        subject_id=subject_id[first],
        risk_class=np.array(CLASSES, dtype=object)[highest].tolist(),
        score=best,
        gross_count=gross[lead],
        significant_count=significant[lead],
        minor_count=minor[lead],
        lead=lead.astype(np.int64),
    )


def _none() -> Ints:
    return np.zeros(0, np.int64)


def severity_counts(bulk: BulkScores, severity_of: Mapping[int, str]) -> Ints:
    """(gross, significant, minor) criteria counted in each subject-group; criteria of no known severity
    count for none, as `planning.priority.severity_counts` has it."""
    counts = np.zeros((len(bulk), len(SEVERITIES)), dtype=np.int64)
    for index, severity in enumerate(SEVERITIES):
        members = np.zeros(bulk.counted.shape[1] * 8, dtype=np.uint8)
        for number, kind in severity_of.items():
            if kind == severity and 0 <= number < bulk.width:
                members[number] = 1
        mask = np.packbits(members, bitorder="little")  # the bitset's layout: bit c of byte c // 8
        for start in range(0, len(bulk), _ROWS):
            rows = bulk.counted[start : start + _ROWS]
            counts[start : start + _ROWS, index] = np.bitwise_count(rows & mask).sum(axis=1)
    return counts
