"""Auditing a running server: ``CONFIG GET *`` and ``ACL LIST`` give the same ``RedisConfig`` a file would."""

from __future__ import annotations

import redis

from ..checks.findings import Finding
from .errors import FILE_ADVICE, LiveConfigUnavailable
from .model import MUST_DENY, AclUser, Directive, RedisConfig
from .rules import audit_config

_SPLIT_SETTINGS = ("save", "bind")  # CONFIG GET returns these as one space-separated string


def audit_live(
    client: redis.Redis, *, purpose: str = "cache", keys_have_ttls: bool = True, config_command: str | None = None
) -> list[Finding]:
    """Audit a running server: its ``CONFIG GET *`` (via ``config_command`` if CONFIG was renamed) and ACL LIST."""
    config = live_config(client, config_command=config_command)
    return audit_config(config, purpose=purpose, keys_have_ttls=keys_have_ttls)


def live_config(client: redis.Redis, *, config_command: str | None = None) -> RedisConfig:
    """The same RedisConfig a redis.conf gives, built from what the server reports."""
    source = f"CONFIG GET on {_address(client)}"
    settings = _config_get_all(client, config_command or "CONFIG")
    directives = [Directive(name, _live_args(name, value), source) for name, value in settings.items()]
    directives += _live_renames(client, config_command, _address(client))
    users, unknown = _live_users(client)
    return RedisConfig(tuple(directives), (source,), users, unknown, _live_version(client))


def _live_args(name: str, value: str) -> tuple[str, ...]:
    if name in _SPLIT_SETTINGS:
        return tuple(value.split()) or ("",)
    return (value,)


def _address(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}" if "path" not in kwargs else kwargs["path"]


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _config_get_all(client: redis.Redis, command: str) -> dict[str, str]:
    try:
        reply = client.execute_command(command, "GET", "*")
    except redis.ResponseError as error:
        raise LiveConfigUnavailable(_unavailable(command, error)) from error
    pairs = reply.items() if isinstance(reply, dict) else zip(reply[::2], reply[1::2], strict=True)
    return {_text(k).lower(): _text(v) for k, v in pairs}


def _unavailable(command: str, error: redis.ResponseError) -> str:
    if isinstance(error, redis.exceptions.NoPermissionError) or str(error).startswith("NOPERM"):
        return (f"this connection's user may not run `{command} GET` ({error}). Connect as an operator user "
                f"allowed to run it, or {FILE_ADVICE}.")  # fmt: skip
    return (f"`{command}` is renamed or disabled on this server ({error}), so its settings cannot be read live. "
            f'If it was renamed, pass config_command="THE-ALIAS"; if it was removed, {FILE_ADVICE}.')  # fmt: skip


def _live_renames(client: redis.Redis, config_command: str | None, address: str) -> list[Directive]:
    """Dangerous commands missing from the command table were renamed or removed; report them as renames."""
    renames = [Directive("rename-command", ("config", config_command), "config_command argument")] \
        if config_command and config_command.lower() != "config" else []  # fmt: skip
    for command in dict.fromkeys(c.split("|")[0] for c in MUST_DENY):  # each command once, subcommands aside
        if command == "config" and renames:
            continue
        try:
            reply = client.execute_command("COMMAND INFO", command)  # one word: bypasses redis-py's parser
        except redis.ResponseError:
            return renames  # not permitted: cannot tell
        if not reply or reply[0] is None:
            renames.append(Directive("rename-command", (command, ""), f"{address}: not in the command table"))
    return renames


def _live_users(client: redis.Redis) -> tuple[tuple[AclUser, ...] | None, str]:
    try:
        lines = client.acl_list()
    except redis.ResponseError as error:
        return None, f"ACL LIST was refused ({error}), so the ACL users were not audited"
    users = []
    for line in lines:
        words = _text(line).split()
        user = AclUser(words[1])
        user.apply(words[2:])
        users.append(user)
    return tuple(users), ""


def _live_version(client: redis.Redis) -> tuple[int, ...] | None:
    try:
        version = _text(client.info("server").get("redis_version", ""))
    except redis.ResponseError:
        return None
    parts = [p for p in version.split(".") if p.isdigit()]
    return tuple(int(p) for p in parts) or None
