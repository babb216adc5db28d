"""The instructor's shell as the suite models it: it holds a secret that no learner's code may ever see."""

import os
import secrets

SECRET_NAME = "KATA_INSTRUCTOR_SECRET"


def set_secret() -> str:
    """Put a fresh secret in this process's environment, before anything is graded: a grading worker inherits the
    environment of the forkserver that the process's first `grade` starts, not the environment of a later test."""
    os.environ[SECRET_NAME] = f"s3cret-{secrets.token_hex(8)}"
    return os.environ[SECRET_NAME]
