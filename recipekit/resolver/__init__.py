"""The resolver: registry, loading, resolution passes, overrides, serialization, errors."""
