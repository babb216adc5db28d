"""Imports run one way: lessons → lab kit; grader → standards. The lab kit imports nothing else of ours."""

import ast
from pathlib import Path

LABKIT = Path(__file__).resolve().parents[1] / "autograder" / "labkit"


def test_labkit_imports_nothing_from_the_rest_of_autograder():
    for path in LABKIT.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                absolute = node.level == 0 and (node.module or "").startswith("autograder")
                escapes = node.level > 1
                assert not (absolute and not node.module.startswith("autograder.labkit")) and not escapes, (
                    f"{path.name} imports {'.' * node.level}{node.module}: the lab kit must stay independent"
                )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("autograder") or alias.name.startswith("autograder.labkit")
