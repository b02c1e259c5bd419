"""Registration service_layer."""
