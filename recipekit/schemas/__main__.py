"""``python -m recipekit.schemas``: regenerate the compiled validators (``compiled/``) from the
shipped JSON Schemas (after ``tests/oracle/modelopt_schema.py`` exported them)."""

from recipekit.schemas import compile_all

print(f"wrote {len(compile_all())} files")
