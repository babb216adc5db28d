"""The errors an author can meet while building, each naming the file, the cell and the fix."""

from .answers import AnswersSourceError
from .exercises_source import ExercisesSourceError
from .lesson_text import LessonSourceError

AUTHORING_ERRORS = (LessonSourceError, ExercisesSourceError, AnswersSourceError)
