"""The terminal chat: `make_app(corpus_dir, index_dir)` builds it for the CLI and the tests."""

from .app import BoardroomApp, make_app

__all__ = ["BoardroomApp", "make_app"]
