"""The catalogs, as data: the 16 standards (``standards.toml``) and every exercise (``exercises.json``, built
from ``content/*/exercises.toml``). Everything else cites them by id."""
