"""Command-log entries built by hand, for the check unit tests."""

import dataclasses

from autograder.labkit.spy import Command


def cmd(*parts, via="command", batch=0):
    """One logged command, as the spy records it (arguments as text)."""
    return Command.from_parts([str(p) for p in parts], via, batch)


def in_transaction(batch, *commands):
    """The commands queued in one MULTI/EXEC round trip."""
    return [dataclasses.replace(c, via="transaction", batch=batch) for c in commands]


def scanned(cursor_in, cursor_out, *options):
    """A SCAN call whose reply (the next cursor, no keys) the spy recorded."""
    scan = cmd("SCAN", cursor_in, *options)
    scan.reply[:] = [[cursor_out, []]]
    return scan
