"""The one exception services raise for refusals a user should read."""


class ServiceError(Exception):
    """A refused operation, with a protocol error code and a plain-language message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
