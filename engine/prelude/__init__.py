"""Library modules written in the explorer language and run like a user's code."""
