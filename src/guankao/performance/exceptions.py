"""Errors a user can cause in the performance app; the web, the API and the CLI each show them."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from guankao.core.exceptions import GuankaoError


class PerformanceError(GuankaoError):
    """Base class of the performance app's domain errors."""


class NotFound(PerformanceError):
    """An unknown department, year or report."""


class InvalidInput(PerformanceError):
    """Values a write refused; ``field_errors`` maps each field to its messages."""

    def __init__(self, field_errors: dict[str, list[str]]) -> None:
        self.field_errors = field_errors
        super().__init__("；".join(m for messages in field_errors.values() for m in messages))

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> InvalidInput:
        if hasattr(error, "error_dict"):
            return cls({name: list(messages) for name, messages in error.message_dict.items()})
        return cls({"__all__": [str(m) for m in error.messages]})


class ReportLocked(PerformanceError):
    """A write to data whose report is final (being signed off)."""


class InvalidTransition(PerformanceError):
    """A status change the report's state machine does not allow."""


class ReportNotReady(InvalidTransition):
    """The report cannot become final yet; ``problems`` lists why, one sentence each."""

    def __init__(self, message: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{message}{'；'.join(problems)}")


class PlanRowInvalid(ValidationError):
    """A row given to :func:`plans_create` breaks a rule; says which plan and indicator."""

    def __init__(self, problem: ValidationError, plan: int, indicator: int | None = None) -> None:
        super().__init__(problem.messages)
        self.plan = plan
        self.indicator = indicator
