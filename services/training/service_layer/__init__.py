"""Training service_layer."""
