"""Boardroom: ask questions of board papers offline, with every claim cited."""

__version__ = "0.1.0"
