"""The checks, one module per lesson; importing this package registers them all in order."""

from . import landscapes, first_order  # noqa: F401
