"""fastjsonschema validators of the shipped schemas (generated)."""


class JsonSchemaValueException(ValueError):
    """What a generated validator raises for invalid data (fastjsonschema's name)."""


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several of them (fastjsonschema's name)."""
