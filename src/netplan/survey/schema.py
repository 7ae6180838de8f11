"""JSON Schema export of the survey files, for editors that validate and autocomplete TOML."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from netplan.survey.models import BuildingFile, DeviceCatalog, DistrictFile
from netplan.survey.schedule_models import ActivityPlanFile, BellScheduleFile

__all__ = ["SCHEMA_MODELS", "survey_json_schema"]

#: The file kinds and their models.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "district": DistrictFile,
    "devices": DeviceCatalog,
    "building": BuildingFile,
    "schedule": BellScheduleFile,
    "activities": ActivityPlanFile,
}


def survey_json_schema(kind: str) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one survey file kind.

    Parameters
    ----------
    kind
        ``"district"``, ``"devices"``, ``"building"``, ``"schedule"`` (a bell schedule in
        ``schedules/``) or ``"activities"`` (``activities.toml``).

    Returns
    -------
    dict
        The schema, with ``$schema`` and a ``title`` naming the file.
    """
    model = SCHEMA_MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"netplan {kind} survey file"
    return schema
