"""The hostile-submissions corpus: broken or malicious notebooks built from lesson 01, each with the outcome
the grader owes it. ``build(folder)`` writes them all; ``CASES`` says what each must score."""
