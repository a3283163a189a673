"""Stage 3, the build: manifest jobs, fingerprints, papermill execution, pages and the book."""
