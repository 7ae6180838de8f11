"""Site surveys: typed models, loading, cross-reference checks and JSON Schema export."""

from __future__ import annotations

from netplan.survey.loader import Survey, load_survey
from netplan.survey.schema import survey_json_schema

__all__ = ["Survey", "load_survey", "survey_json_schema"]
