"""Users bring their own documents: parse them into draft bank YAML."""

from interviewer.ingest.draft import ingest_file, write_drafts
from interviewer.ingest.parse import IngestError, parse_document

__all__ = ["IngestError", "ingest_file", "parse_document", "write_drafts"]
