"""The two ways a file is not loaded, shared by every stage of reading it."""


class FileRejected(Exception):
    """The whole file cannot be loaded; the message says why in plain words (and where, when there
    is a row or field to name). `rule`: the catalogue's rejecting rule (base/rule_catalogue.py)."""

    def __init__(self, message: str, rule: str = "unreadable_file"):
        super().__init__(message)
        self.rule = rule


class FileInFlight(Exception):
    """The file changed while it was read: it is left where it is, for the next run."""
