"""For learners: the report card, hint ladders, reveal after a pass, progress, ``check`` and ``check --watch``."""
