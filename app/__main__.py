"""`python -m app` serves the app with host, port and workers from the BACKPROP_* settings."""

from app.server import main

main()
