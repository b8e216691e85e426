"""The kernel: building blocks every app shares (errors, text folding, pagination, time, rate limits,
the access markers of views, the input boundary's rules).

It imports no app of the project — only the standard library, Django and third-party packages — so
any app may import it and it sits below all of them (docs/adr/0011, the layer rules asserted by
``kernel/tests/test_layers.py``). The project's wiring (settings, URLs, the API root) is ``motcua``.
"""
