"""Exceptions of the library. The CLI turns each into one clear line; the TUI into a notification."""


def one_line(exc: BaseException, limit: int = 120) -> str:
    """A library exception's message as one short line (its type's name when it has no message)."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message[:limit]


class BoardroomError(Exception):
    """Base of every error the library raises on purpose."""


class ReaderError(BoardroomError):
    """A file could not be read; the message is one line a user can act on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormat(ReaderError):
    """The file's extension has no reader."""


class IndexMissing(BoardroomError):
    """No index has been built yet at the given directory."""


class IndexMismatch(BoardroomError):
    """The index was built with another model, dimension or chunker version."""


class IndexLocked(BoardroomError):
    """Another build holds the index lock."""


class EmbedderUnavailable(BoardroomError):
    """Neither the ONNX encoder nor sentence-transformers could be loaded."""


class OutsideCorpus(BoardroomError):
    """A path given by a user or a client points outside the corpus folder."""


class UnknownOwner(BoardroomError):
    """An action owner that no action of any log names."""
