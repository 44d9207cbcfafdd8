"""The scoring core's inputs from the registry's arrays: subject-groups, group matrix, evidence per group.

A subject is scored once per control group it belongs to, so each evidence record is paired with every
subject-group of its subject: the pairs are the core's evidence rows. Whether the criterion applies to the
group is the core's business (an inapplicable pair is ignored, with that reason, in that group only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tekseru.catalog import CatalogueEdition
from tekseru.scoring import EvidenceColumns, GroupMatrix, GroupProfile
from tekseru.store.assessment_load import EvidenceArrays, SubjectGroupArrays

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ScoringInputs:
    """Subject-group i is subject `subject_id[i]` in group `matrix.groups[group_of[i]]`; pair j of `pairs`
    is evidence record `evidence_id[j]` seen in subject-group `pairs.subject_group[j]`.

    `skipped` counts the subject-groups left out because the edition has no such group.
    """

    matrix: GroupMatrix
    subject_id: Ints
    group_of: npt.NDArray[np.int32]
    pairs: EvidenceColumns
    evidence_id: Ints
    skipped: Mapping[str, int]

    def __len__(self) -> int:
        return len(self.subject_id)

    @property
    def subjects(self) -> int:
        return len(np.unique(self.subject_id))

    def group_keys(self) -> npt.NDArray[np.object_]:
        """The group key of every subject-group, as an array of str."""
        return np.array(self.matrix.groups, dtype=object)[self.group_of]


def edition_matrix(edition: CatalogueEdition) -> GroupMatrix:
    """The edition's control groups (by key) as the core's matrix."""
    return GroupMatrix.from_profiles(
        [GroupProfile.from_edition(edition, key) for key in sorted(edition.groups)]
    )


def scoring_inputs(
    edition: CatalogueEdition, registry: SubjectGroupArrays, evidence: EvidenceArrays
) -> ScoringInputs:
    matrix = edition_matrix(edition)
    row_of_key = {key: index for index, key in enumerate(matrix.groups)}
    row_of_code = np.array([row_of_key.get(key, -1) for key in registry.group_keys], dtype=np.int32)
    group_of = row_of_code[registry.group] if len(registry.group_keys) else np.zeros(0, np.int32)
    known = group_of >= 0
    skipped = Counter(registry.group_keys[code] for code in registry.group[~known].tolist())
    subject_id, group_of = registry.subject_id[known], group_of[known]
    record, subject_group = pair_rows(subject_id, evidence.subject_id)
    pairs = EvidenceColumns(
        subject_group=subject_group,
        criterion=evidence.criterion[record],
        source_group=evidence.source_group[record],
        observed_on=evidence.observed_on[record],
        confirmed=evidence.confirmed[record],
        used_on=evidence.used_on[record],
    )
    return ScoringInputs(matrix, subject_id, group_of, pairs, evidence.id[record], dict(skipped))


def pair_rows(group_subject: Ints, evidence_subject: Ints) -> tuple[Ints, Ints]:
    """(record index, subject-group row) for every record and every subject-group of its subject.

    `group_subject` is the subject of each subject-group, sorted. Records of subjects without a group
    pair with nothing.
    """
    if not len(evidence_subject) or not len(group_subject):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys, group_subject, evidence_subject = _dense(group_subject, evidence_subject)
    counts = np.bincount(group_subject, minlength=keys)
    first = np.cumsum(counts) - counts
    per_record, start = counts[evidence_subject], first[evidence_subject]
    if np.all(per_record == 1):
        return np.arange(len(evidence_subject), dtype=np.int64), start
    record = np.repeat(np.arange(len(evidence_subject), dtype=np.int64), per_record)
    offsets = np.cumsum(per_record) - per_record
    within = np.arange(len(record), dtype=np.int64) - np.repeat(offsets, per_record)
    return record, start[record] + within


def _dense(group_subject: Ints, evidence_subject: Ints) -> tuple[int, Ints, Ints]:
    """The subject ids as small non-negative numbers (ids themselves when they are small enough)."""
    largest = int(max(group_subject.max(), evidence_subject.max()))
    if (
        int(min(group_subject.min(), evidence_subject.min())) >= 0
        and largest < 4 * len(evidence_subject) + 2**20
    ):
        return largest + 1, group_subject, evidence_subject
    known = np.unique(group_subject)
    position = np.searchsorted(known, evidence_subject)
    position[position == len(known)] = 0
    found = known[position] == evidence_subject
    # Subjects without a group get the extra number len(known), which no subject-group has.
    evidence_dense = np.where(found, position, len(known))
    return len(known) + 1, np.searchsorted(known, group_subject), evidence_dense
