"""fastjsonschema validators of the shipped schemas (generated)."""
