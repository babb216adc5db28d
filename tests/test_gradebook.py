"""The course's gradebook is stamped with the schema version nbgrader itself would stamp, found without the
``alembic heads`` subprocess nbgrader runs for every new gradebook (~2.3 s each)."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from nbgrader.dbutil import _temp_alembic_ini

from autograder.course import nbgrader as course


def test_the_in_process_schema_head_is_the_one_alembic_heads_prints():
    alembic = Path(sys.executable).parent / "alembic"
    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as alembic_ini:
        printed = subprocess.check_output([str(alembic), "-c", alembic_ini, "heads"], text=True)
    assert course._alembic_head() == printed.split()[0]


def test_a_new_gradebook_records_that_schema_version(tmp_path):
    course.add_students(tmp_path, ["ada"])
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        [(version,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == course._alembic_head()
