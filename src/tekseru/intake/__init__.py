"""Reading and checking import files (CSV or XLSX) of subjects and evidence; see docs/import-formats.md."""

from tekseru.intake.errors import ErrorKind, ImportFileError, RowError
from tekseru.intake.evidence import EVIDENCE_COLUMNS, EvidenceRow, EvidenceValidator, attach_subjects
from tekseru.intake.pipeline import ImportReport, ImportSteps, Progress, run_import
from tekseru.intake.readers import Columns, SourceRow, Table, open_table
from tekseru.intake.rejected import default_rejected_path
from tekseru.intake.subjects import SUBJECT_COLUMNS, SubjectRow, SubjectValidator

__all__ = [
    "EVIDENCE_COLUMNS",
    "SUBJECT_COLUMNS",
    "Columns",
    "ErrorKind",
    "EvidenceRow",
    "EvidenceValidator",
    "ImportFileError",
    "ImportReport",
    "ImportSteps",
    "Progress",
    "RowError",
    "SourceRow",
    "SubjectRow",
    "SubjectValidator",
    "Table",
    "attach_subjects",
    "default_rejected_path",
    "open_table",
    "run_import",
]
