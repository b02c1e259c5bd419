"""Reporting service_layer."""
