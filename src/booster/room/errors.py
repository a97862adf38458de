"""What a refused room command says: a code for machines and a sentence for people."""

from __future__ import annotations


class CommandError(Exception):
    """A command that was not carried out. Nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
