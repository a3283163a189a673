from ics_evidence.cli import main

raise SystemExit(main())
