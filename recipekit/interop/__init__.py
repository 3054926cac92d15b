"""Interoperability with other recipe tools: ModelOpt ``$import`` files and NeMo-Run."""
