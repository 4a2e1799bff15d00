"""The OpenAPI 3.1 document at ``/api/openapi.json``, built from the tables' definitions.

The paths, parameters and the schema of every item come from
``feed.TABLES``, the same definitions the endpoints and CSV headers use, so the
document cannot describe a column the API does not send (ADR 0036).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from feedback_app.api import feed

PROBLEM = {"$ref": "#/components/responses/Problem"}
_SELECTION_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "baseline",
        "in": "query",
        "description": "The baseline wave's id. With neither baseline nor follow_up, the"
        " closed waves of the latest closed wave's questionnaire are used, the oldest as"
        " the baseline.",
        "schema": {"type": "integer", "minimum": 0},
    },
    {
        "name": "follow_up",
        "in": "query",
        "description": "Follow-up wave ids (repeat the parameter for several).",
        "schema": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "style": "form",
        "explode": True,
    },
]
_PAGE_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "limit",
        "in": "query",
        "description": "Items per page.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
    {
        "name": "offset",
        "in": "query",
        "description": "Items to skip (follow links.next instead of counting).",
        "schema": {"type": "integer", "minimum": 0, "maximum": 1000000000, "default": 0},
    },
]
_AREA = {
    "name": "area_slug",
    "in": "path",
    "required": True,
    "description": "The area's short name, as in its staff web address.",
    "schema": {"type": "string"},
}
_WAVE = {
    "name": "wave_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
#: Each table's path under /api/areas/{area_slug}/.
PATHS = {
    "plan": "plan",
    "waves": "waves",
    "kpis": "kpis",
    "kpi-series": "kpi-series",
    "breakdowns": "breakdowns",
    "wave-results": "waves/{wave_id}/results",
}


def _item(table: feed.Table) -> dict[str, Any]:
    properties = {
        column.name: {
            "type": [column.type, "null"] if column.nullable else column.type,
            "description": column.description,
        }
        for column in table.columns
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [column.name for column in table.columns],
        "additionalProperties": False,
    }


def _page(table: feed.Table) -> dict[str, Any]:
    link = {"type": ["string", "null"]}
    properties: dict[str, Any] = {
        "area": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1},
        "offset": {"type": "integer", "minimum": 0},
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{_name(table)}"}},
        "links": {
            "type": "object",
            "properties": {"self": {"type": "string"}, "next": link, "prev": link},
            "required": ["self", "next", "prev"],
        },
    }
    required = ["area", "total", "limit", "offset", "items", "links"]
    if table.selection:
        properties["baseline"] = {"type": "integer"}
        properties["follow_up"] = {"type": "array", "items": {"type": "integer"}}
        required += ["baseline", "follow_up"]
    if table is feed.WAVE_RESULTS:
        properties["wave_id"] = {"type": "integer"}
        required.append("wave_id")
    return {"type": "object", "properties": properties, "required": required}


def _name(table: feed.Table) -> str:
    return "".join(part.title() for part in table.name.split("-")) + "Row"


def _operations(table: feed.Table) -> dict[str, Any]:
    path = "/api/areas/{area_slug}/" + PATHS[table.name]
    parameters: list[dict[str, Any]] = [_AREA]
    if table is feed.WAVE_RESULTS:
        parameters.append(_WAVE)
    if table.selection:
        parameters += _SELECTION_PARAMETERS
    errors = {"400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "404": PROBLEM}
    operation_id = table.name.replace("-", "_")
    return {
        path: {
            "get": {
                "operationId": operation_id,
                "summary": table.summary,
                "parameters": [*parameters, *_PAGE_PARAMETERS],
                "responses": {
                    "200": {
                        "description": "A page of rows.",
                        "content": {"application/json": {"schema": _page(table)}},
                    },
                    **errors,
                },
            }
        },
        path + ".csv": {
            "get": {
                "operationId": operation_id + "_csv",
                "summary": table.summary + " As CSV (UTF-8 with a byte order mark), every row.",
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "Columns: "
                        + ", ".join(column.name for column in table.columns),
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **errors,
                },
            }
        },
    }


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    paths: dict[str, Any] = {}
    for table in feed.TABLES:
        paths.update(_operations(table))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SEND feedback results API",
            "version": "1",
            "description": "Read-only published results of the areas a personal access"
            " token reads. Small numbers are withheld as in the board report: no count"
            " of 1 to 4, and no cell that could be worked out from the totals (null).",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from the staff API tokens page.",
                }
            },
            "schemas": {
                **{_name(table): _item(table) for table in feed.TABLES},
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                    "required": ["type", "title", "status", "detail"],
                },
            },
            "responses": {
                "Problem": {
                    "description": "What went wrong and what to do (RFC 9457).",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
        },
    }
