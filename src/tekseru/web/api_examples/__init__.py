"""Example requests for the API reference page (`/api-reference`), in curl and in Python: sign in, import
subjects and evidence, assess, draft a list, read the results. The page shows these files as they are, and
tests/web/test_api_reference.py runs them against a live server, so they cannot drift from the API."""

from __future__ import annotations

from importlib import resources

EXAMPLES = ("common_jobs.sh", "common_jobs.py")


def example(name: str) -> str:
    """The text of one example file."""
    if name not in EXAMPLES:
        raise KeyError(name)
    return (resources.files(__name__) / name).read_text(encoding="utf-8")
