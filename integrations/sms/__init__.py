"""The SMS gateway: notices to applicants by text message (issue 13 §4; ``client.py``, ``simulator.py``)."""
