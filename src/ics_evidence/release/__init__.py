"""Stage 4, the release: recording an edition and bundling it for citation."""
