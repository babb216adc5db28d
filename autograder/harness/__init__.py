"""The grading harness a lesson's locked check cells run: ``Exercise``, the shared scorecard, tamper checks."""
