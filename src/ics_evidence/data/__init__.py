"""Stage 1, the data: the package's schema, its CSV reader, validation and typed loading."""
