"""Developer tools run as scripts (``.venv/bin/python tools/<name>.py``)."""
