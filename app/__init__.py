"""Backprop Explorer's HTTP shell around the engine."""
