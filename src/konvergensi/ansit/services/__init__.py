"""Writes of the situation analysis. Each checks permission, validates, audits.

The analysis rules are ``konvergensi_core.ansit``'s; files are read by
``konvergensi_core.io.ansit_input``. Nothing is written when a file has a blocking problem.

One module per concern: ``units`` (the unit table from data sasaran, a round or a file),
``analysis`` (the distribution analysis and its decision), ``lokus``, ``reviews``,
``recommendations``, ``documents``; ``base`` holds what they share. Callers use this package's
names (``services.analysis_create(...)``).
"""

from .analysis import analysis_create, analysis_decide
from .base import MAX_UPLOAD, Conflict, FileProblems
from .documents import document_attach, document_start
from .lokus import lokus_confirm
from .recommendations import evidence_for, recommendation_add, recommendation_update, recommendations_generate
from .reviews import FORM_FIELDS as REVIEW_FORM_FIELDS
from .reviews import ReviewInput, may_edit_review, review_comment_add, review_create, review_update

__all__ = [
    "MAX_UPLOAD",
    "REVIEW_FORM_FIELDS",
    "Conflict",
    "FileProblems",
    "ReviewInput",
    "analysis_create",
    "analysis_decide",
    "document_attach",
    "document_start",
    "evidence_for",
    "lokus_confirm",
    "may_edit_review",
    "recommendation_add",
    "recommendation_update",
    "recommendations_generate",
    "review_comment_add",
    "review_create",
    "review_update",
]
