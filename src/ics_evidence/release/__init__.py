"""Stage 4, the release: recording an edition, bundling it, printing it and publishing every
edition side by side, for citation."""

BUNDLE_NAME = "improving-health-and-care-at-scale-{version}"  # the bundle folder, archive and PDF


class ReleaseError(RuntimeError):
    """A release, bundle, print edition or site cannot be made; the message says why."""
