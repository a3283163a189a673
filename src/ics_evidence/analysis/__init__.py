"""Stage 2, the analysis: what notebooks import (derived measures, charts, tables).

* ``derive``: derived tables computed from the data (shared by several chapters);
* one module per notebook, holding its charts, tables and summary values: ``scale``
  (scale_and_structure), ``themes``, ``improvement`` (improvement_work), ``results``
  (results_and_targets), ``methods`` (methods_and_legacies), ``external_help``, ``earlier``
  (earlier_case_studies) and ``profile`` (system_profile);
* ``common``: helpers those modules share; ``charts``: theme, colours and offline renderer;
  ``tables``: escaped HTML tables; ``notebook``: what notebooks call to load, show and glue.

Notebooks stay thin (load, call, show; at most 80 lines of code each). Nothing here imports
the assemble or release stages.
"""
