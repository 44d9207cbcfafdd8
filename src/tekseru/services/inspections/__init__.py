"""Inspections (docs/inspections.md): every use case, given the `Actor`, permission-checked and, when it
changes an inspection or issues a sealed form, audited in the transaction of the change. Interfaces and
tests use this package's names only.

An inspector reads and changes the inspections of the subjects of its own region only; a viewer reads. Any
other access is refused (`PermissionDenied`) before anything is changed. Each change and its audit entry
(entity `inspection`, keyed by the inspection's id, with its subject's region) are written in one
transaction, so that a change that fails (answering a completed inspection) leaves no entry either.

The use cases are in `reading`, `recording` and `printing`; who may see what and the audit entry of a
change in `access`. What they apply is in `rules` (the header, the checklist of a subject's groups, when
it is complete, the evidence and violations it gives), `attachments` (which files are accepted, where they
are kept), `forms` (printed forms and their verification), `answers` (answer files) and `sheet` (the
inspection item by item).
"""

from __future__ import annotations

from tekseru.services.inspections.access import AttachmentNotFound
from tekseru.services.inspections.answers import (
    ANSWER_COLUMNS,
    ANSWERS,
    MAX_COMMENT,
    ONE_TAP,
    AnswerFileError,
    AnswerProblem,
    AnswerRow,
    read_answer_file,
)
from tekseru.services.inspections.attachments import (
    AttachmentLimits,
    AttachmentRefused,
    attachment_path,
    thumbnail_path,
)
from tekseru.services.inspections.forms import DocumentCheck
from tekseru.services.inspections.printing import (
    checklist_form,
    print_inspection,
    verify_document,
    verify_file,
)
from tekseru.services.inspections.reading import (
    attachment,
    get_inspection,
    inspection_numbers,
    inspection_sheet,
    iter_inspections,
    iter_violations,
    list_inspections,
    list_violations,
    subject_to_inspect,
)
from tekseru.services.inspections.recording import (
    answer_items,
    attach_file,
    complete_inspection,
    create_inspection,
    follow_up,
    revise_inspection,
)
from tekseru.services.inspections.rules import (
    KINDS,
    PREVENTIVE_CONTROL,
    UNPLANNED_REASONS,
    ChecklistIncomplete,
    CompletionReport,
    InspectionHeader,
    SubjectNotFound,
    ViolationView,
    violation_status,
)
from tekseru.services.inspections.sheet import InspectionSheet, ItemView
from tekseru.services.inspections.visits import (
    MyVisits,
    PlannedVisit,
    PlanProgress,
    RowProgress,
    SubjectVisits,
    Visit,
    VisitGroup,
)
from tekseru.services.inspections.workflow import (
    MAX_ROW_REASON,
    assign_inspectors,
    assignable_inspectors,
    default_header,
    inspection_visit,
    my_visits,
    plan_progress,
    record_row_reason,
    start_inspection,
    subject_visits,
)
from tekseru.store.inspections import (
    InspectionError,
    InspectionFrozen,
    InspectionNotFound,
    InspectionRecord,
    ViolationRecord,
)
from tekseru.store.versions import Conflict, StaleVersion

__all__ = [
    "ANSWERS",
    "ANSWER_COLUMNS",
    "KINDS",
    "MAX_COMMENT",
    "MAX_ROW_REASON",
    "ONE_TAP",
    "PREVENTIVE_CONTROL",
    "UNPLANNED_REASONS",
    "AnswerFileError",
    "AnswerProblem",
    "AnswerRow",
    "AttachmentLimits",
    "AttachmentNotFound",
    "AttachmentRefused",
    "ChecklistIncomplete",
    "CompletionReport",
    "Conflict",
    "DocumentCheck",
    "InspectionError",
    "InspectionFrozen",
    "InspectionHeader",
    "InspectionNotFound",
    "InspectionRecord",
    "InspectionSheet",
    "ItemView",
    "MyVisits",
    "PlanProgress",
    "PlannedVisit",
    "RowProgress",
    "StaleVersion",
    "SubjectNotFound",
    "SubjectVisits",
    "ViolationRecord",
    "ViolationView",
    "Visit",
    "VisitGroup",
    "answer_items",
    "assign_inspectors",
    "assignable_inspectors",
    "attach_file",
    "attachment",
    "attachment_path",
    "checklist_form",
    "complete_inspection",
    "create_inspection",
    "default_header",
    "follow_up",
    "get_inspection",
    "inspection_numbers",
    "inspection_sheet",
    "inspection_visit",
    "iter_inspections",
    "iter_violations",
    "list_inspections",
    "list_violations",
    "my_visits",
    "plan_progress",
    "print_inspection",
    "read_answer_file",
    "record_row_reason",
    "revise_inspection",
    "start_inspection",
    "subject_to_inspect",
    "subject_visits",
    "thumbnail_path",
    "verify_document",
    "verify_file",
    "violation_status",
]
