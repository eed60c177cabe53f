"""Domain errors that the web, the API and the CLI each turn into their own clear message."""


class GuankaoError(Exception):
    """Base class of every error a user may cause; its message is shown to that user."""


class DataFileError(GuankaoError):
    """A data file that cannot be loaded: names the file, the record and the field."""

    def __init__(self, *, file: str, record: str, field: str, message: str) -> None:
        self.file = file
        self.record = record
        self.field = field
        self.message = message
        super().__init__(f"{file}: {record}: {field}: {message}")
