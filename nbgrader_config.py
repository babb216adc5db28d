"""nbgrader configuration for this repository as a course (see autograder/course/nbgrader.py)."""

from autograder.course.nbgrader import configure

configure(get_config())  # noqa: F821 - nbgrader provides get_config() when it loads this file
