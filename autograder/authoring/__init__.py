"""For lesson authors: the lesson text format, the build (content/ → solutions/), scaffolding and proofs."""
