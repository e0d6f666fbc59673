"""Importing deduce must not switch the whole process's logging to DEBUG on stdout."""

import logging
import sys

from analysis.names.detect import _root_logging_kept


def test_what_deduce_does_to_the_root_logger_is_undone():
    root = logging.getLogger()
    kept = (root.handlers[:], root.level)
    root.handlers[:] = []  # as in a process without logging set up (basicConfig acts only then)
    root.setLevel(logging.WARNING)
    try:
        with _root_logging_kept():
            logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)  # deduce, on import
            assert root.level == logging.DEBUG and root.handlers
        assert root.handlers == [] and root.level == logging.WARNING
    finally:
        root.handlers[:] = kept[0]
        root.setLevel(kept[1])
