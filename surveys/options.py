"""Answer options: the one definition object the answer type registry needs.

Kept apart from ``surveys.model`` so the registry (``surveys.answer_types``) can
build standard options, and the model can read the registry, without a cycle.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
CODE_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


def code_text(value: Any) -> Any:
    # A whole number written without quotes is a score code ("9"), not a number.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


#: An option code as a definition names it (``positive: [9, 10]``), read as text.
Code = Annotated[str, BeforeValidator(code_text), Field(min_length=1)]


class Frozen(BaseModel):
    """Base for definition objects: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(Frozen):
    """One answer option. ``exclude_from_base`` marks "don't know" and the like."""

    code: str = Field(pattern=CODE_PATTERN, max_length=60)
    label: str = Field(min_length=1)
    hint: str | None = None
    exclude_from_base: bool = False
    #: In multiple choice, choosing this clears the others ("none of these").
    exclusive: bool = False
    #: Name of a bundled picture (Easy Read), e.g. ``"face_happy"``.
    picture: str | None = None
