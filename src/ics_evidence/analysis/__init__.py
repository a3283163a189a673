"""Stage 2, the analysis: what notebooks import (derived measures, charts, tables).

* one module per chapter, holding its derivations, charts, tables and summary values: ``scale``
  (scale_and_structure), ``themes``, ``improvement`` (improvement_work), ``results``
  (results_and_targets), ``methods`` (methods_and_legacies), ``external_help``, ``earlier``
  (earlier_case_studies);
* one module per reader page: ``recommendations``, ``explore``, ``compare`` and ``profile``
  (system_profile, with the at-a-glance block);
* shared: ``figures`` (the reference figures, peers, comparison year, ratios, key figures),
  ``stated`` (the one formatter of a figure as its source states it, number words),
  ``codebook`` (codebook labels, reach of codebook entries), ``text`` (data text for templates, checked
  ids, people), ``common`` (chart helpers), ``charts`` (theme, colours, offline renderer),
  ``tables`` (escaped HTML tables), ``statements`` (every number the prose states, checked by
  the assemble stage), ``report`` (the report's own facts), ``notebook`` (what notebooks call
  to load, show and glue).

Notebooks stay thin (load, call, show; at most 80 lines of code each). Nothing here imports
the assemble or release stages, and the assemble stage imports only the shared modules
(``statements`` imports a chapter's module only inside the function that needs it).
"""
