"""Stage 2, the analysis: what notebooks import (derived measures, charts, tables)."""
