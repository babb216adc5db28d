"""Parsing redis.conf text and files (``include``, ``aclfile``, repeated directives) into a ``RedisConfig``."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError
from .lexer import QuoteError, parse_memory, split_args
from .model import ARITY, CHOICES, Directive, RedisConfig


def parse_config(text: str, *, source: str = "redis.conf", base_dir: str | Path | None = None) -> RedisConfig:
    """Parse redis.conf text. Relative ``include`` paths resolve from ``base_dir`` (default: ``source``'s folder)."""
    base = Path(base_dir) if base_dir is not None else Path(source).parent
    directives: list[Directive] = []
    files = [source]
    _parse_text(text, source, base, [(base / Path(source).name).resolve()], directives, files)
    notes = _load_aclfile(directives, base, files)
    return RedisConfig(tuple(directives), tuple(files), users_unknown=notes)


def load_config(path: str | Path) -> RedisConfig:
    """Read and parse a redis.conf file (and everything it includes)."""
    path = Path(path)
    return parse_config(_read(path, None, None), source=str(path), base_dir=path.parent)


def _read(path: Path, includer: str | None, line: int | None) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        where = includer or str(path)
        fix = "check the path (relative includes resolve from the including file's folder)"
        raise ConfigError(where, line, f"file `{path}` not found", fix) from None
    except OSError as error:
        raise ConfigError(includer or str(path), line, f"cannot read `{path}` ({error.strerror})",
                          "check the path and its permissions") from None  # fmt: skip


def _lines(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, words) for each line that is not blank or a comment."""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r\n")  # what redis trims
        if not line or line.startswith("#"):
            continue
        try:
            yield number, split_args(line)
        except QuoteError as error:
            raise ConfigError(source, number, f"{error} on the `{line.split()[0]}` line",  # no value: may be a secret
                              'close the quote, escape a quote inside "double quotes" as \\", '
                              "and leave a space after the closing quote") from None  # fmt: skip


def _parse_text(text: str, source: str, base: Path, stack: list[Path], out: list[Directive], files: list[str]):
    for number, words in _lines(text, source):
        directive = Directive(words[0].lower(), tuple(words[1:]), source, number)
        _validate(directive)
        out.append(directive)
        if directive.name == "include":
            _include(directive, base, stack, out, files)


def _validate(d: Directive) -> None:
    fewest, most = ARITY.get(d.name, (1, None))
    if len(d.args) < fewest:
        example = f"{d.name} {_EXAMPLES.get(d.name, '<value>')}"
        fix = f"give it a value, e.g. `{example}`, or delete the line"
        needs = "an argument" if fewest == 1 else f"{fewest} arguments"
        raise ConfigError(d.source, d.line, f"`{d.name}` needs {needs}, and has {len(d.args) or 'none'}", fix)
    if most is not None and len(d.args) > most:
        extra = " (comments must be on a line of their own)" if any(a.startswith("#") for a in d.args) else ""
        raise ConfigError(d.source, d.line, f"`{d.name}` has {len(d.args)} arguments but takes {most}{extra}",
                          f"write `{d.name}` with {most} argument(s); quote a value that contains spaces")  # fmt: skip
    if d.name == "maxmemory":
        try:
            parse_memory(d.args[0])
        except ValueError:
            raise ConfigError(d.source, d.line, f"`{d}` has an unknown memory unit",
                              "write a whole number with one of the units b, k, kb, m, mb, g, gb "
                              "(k = 1000 bytes, kb = 1024), e.g. `maxmemory 256mb`") from None  # fmt: skip
    if d.name in CHOICES and d.args[0].lower() not in CHOICES[d.name]:
        raise ConfigError(d.source, d.line, f"`{d}` is not a value `{d.name}` accepts",
                          f"use one of: {', '.join(CHOICES[d.name])}")  # fmt: skip
    if d.name == "save" and d.args != ("",) and (len(d.args) % 2 or not all(a.isdigit() for a in d.args)):
        raise ConfigError(d.source, d.line, f"`{d}` is not a list of <seconds> <changes> pairs",
                          'write pairs such as `save 3600 1 300 100`, or `save ""` for no snapshots')  # fmt: skip


_EXAMPLES = {"maxmemory": "256mb", "maxmemory-policy": "allkeys-lru", "include": "/etc/redis/local.conf",
             "rename-command": 'FLUSHALL ""', "bind": "127.0.0.1", "user": "app on >long-password ~app:* +@read",
             "save": '""', "appendonly": "no", "protected-mode": "yes"}  # fmt: skip


def _include(d: Directive, base: Path, stack: list[Path], out: list[Directive], files: list[str]) -> None:
    pattern = Path(d.args[0]).expanduser()
    pattern = pattern if pattern.is_absolute() else base / pattern
    paths = [Path(p) for p in sorted(glob.glob(str(pattern)))] if glob.has_magic(str(pattern)) else [pattern]
    for path in paths:
        resolved = path.resolve()
        if resolved in stack:
            chain = " → ".join(p.name for p in [*stack[stack.index(resolved) :], resolved])
            raise ConfigError(
                d.source, d.line, f"include cycle: {chain}", "remove one of the include lines in the loop"
            )
        if not path.exists():
            raise ConfigError(d.source, d.line, f"include file `{d.args[0]}` not found (looked for {path})",
                              f"correct the path; relative includes resolve from {base}")  # fmt: skip
        files.append(str(path))
        _parse_text(_read(path, d.source, d.line), str(path), path.parent, [*stack, resolved], out, files)


def _load_aclfile(directives: list[Directive], base: Path, files: list[str]) -> str:
    """Append the aclfile's users as ``user`` directives; return why it could not be read, if it could not."""
    found = [d for d in directives if d.name == "aclfile"]
    if not found or not found[-1].args[0]:
        return ""
    path = Path(found[-1].args[0])
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        return f"aclfile `{found[-1].args[0]}` ({found[-1].where}) was not found here, so its users were not audited"
    files.append(str(path))
    for number, words in _lines(_read(path, found[-1].source, found[-1].line), str(path)):
        if words[0].lower() == "user" and len(words) > 1:
            directives.append(Directive("user", tuple(words[1:]), str(path), number))
    return ""
