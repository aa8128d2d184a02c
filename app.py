"""`python app.py` opens the Archive Assistant app on the default data dir and profile
(ASSISTANT_PROFILE, ASSISTANT_DATA_DIR and other ASSISTANT_* variables override them)."""

from __future__ import annotations

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ui.app import create_app
from assistant.ui.server import launch_app


def main() -> None:
    from assistant.caches import own_caches

    own_caches()  # numba/torch/HF caches under ours before anything loads them
    settings = load_settings()
    archive = Archive.open(settings)
    try:
        launch_app(create_app(archive), settings, block=True)
    finally:
        archive.close()


if __name__ == "__main__":
    main()
