"""Reading redis.conf words the way redis does (its ``sdssplitargs``), and memory sizes with units."""

from __future__ import annotations

UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}


class QuoteError(ValueError):
    pass


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}
_HEX = set("0123456789abcdefABCDEF")
SPACE = " \t\n\v\f\r"  # C isspace(), as redis uses: not Python's wider str.isspace()


def split_args(line: str) -> list[str]:
    """Split one line the way redis does: whitespace-separated words, "double" (with escapes) or 'single' quotes."""
    words, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] in SPACE:
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        while i < n and line[i] not in SPACE:
            if line[i] in "\"'":
                i = _quoted(line, i, word)
            else:
                word.append(line[i])
                i += 1
        words.append("".join(word))


def _quoted(line: str, i: int, word: list[str]) -> int:
    """Read a quoted part starting at ``line[i]`` into ``word``; return the index after the closing quote."""
    quote, n = line[i], len(line)
    i += 1
    while i < n:
        c = line[i]
        if c == quote:
            if i + 1 < n and line[i + 1] not in SPACE:
                raise QuoteError(f"a closing {quote} must be followed by a space or the end of the line")
            return i + 1
        hex_digits = line[i + 2 : i + 4]
        if (
            c == "\\"
            and quote == '"'
            and line[i + 1 : i + 2] == "x"
            and len(hex_digits) == 2
            and set(hex_digits) <= _HEX
        ):
            word.append(chr(int(hex_digits, 16)))
            i += 4
        elif c == "\\" and i + 1 < n and (quote == '"' or line[i + 1] == "'"):
            word.append(_ESCAPES.get(line[i + 1], line[i + 1]) if quote == '"' else "'")
            i += 2
        else:
            word.append(c)
            i += 1
    kind = "double" if quote == '"' else "single"
    raise QuoteError(f"unterminated {kind} quote")


def parse_memory(value: str) -> int:
    """Bytes in a redis memory value: ``100mb``, ``1gb``, ``512k``; k/m/g are powers of 1000, kb/mb/gb of 1024."""
    text = value.strip().lower()
    digits = len(text) - len(text.lstrip("0123456789"))
    number, unit = text[:digits], text[digits:]
    if not number or unit not in UNITS:
        raise ValueError(f"`{value}` is not a memory size")
    return int(number) * UNITS[unit]
