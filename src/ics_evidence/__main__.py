from ics_evidence.cli import main

# Guarded: the print edition runs in a spawned interpreter, which imports this module again.
if __name__ == "__main__":
    raise SystemExit(main())
