"""EMC, the national measurement system of public-service portals (INTEGRATIONS.md, "Measurement
system"): the tracking snippet on every public page (``page``), and the report of each dossier action
(TrackingMCDT): its fields (``tracking``), the client (``client``), the outbox handler of
``emc.tracking`` (``handler``) and the local simulator (``simulator``)."""
