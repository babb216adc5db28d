"""Plausible wrong answers, one module per lesson, each a list named WRONG of support.notebooks.Wrong."""
