"""Errors a user can cause: each carries one clear line for the terminal."""


class ClaimtraceError(Exception):
    """A problem with the user's input or settings, reported as one line."""


class InputError(ClaimtraceError):
    """An input file or text that cannot be read or analysed."""


class UnsupportedLanguageError(InputError):
    """Text that is not English (overridable with ``force``)."""
