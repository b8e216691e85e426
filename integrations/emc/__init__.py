"""EMC, the national measurement system of public-service portals (INTEGRATIONS.md, "Measurement
system"): the tracking snippet on every public page (``page``). The report of each dossier action
(TrackingMCDT) comes with the delivery worker and its simulator (issue 13)."""
