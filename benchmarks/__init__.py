"""recipekit's benchmarks (see benchmarks/README.md); ``python benchmarks/run.py`` runs them."""
