"""The national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG): its client, the payloads in
its field names, the outbound dossier sync and a local simulator (../shared/INTEGRATIONS.md, "National
public-service portal"). To confirm with the operator's current documents."""
