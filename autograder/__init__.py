"""Redis caching kata: the standards catalog, behaviour checks and grading pipeline.

``autograder.labkit`` is the lab kit lessons import; it depends on nothing else in this package.
"""
