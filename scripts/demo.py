"""`make demo`: build the sample archive, ingest it into a demo data dir, open the app and
print its URL.

    .venv/bin/python scripts/demo.py [--profile default] [--data-dir out/demo] [--port 7860]

The sample archive is eval/suites/sample/archive (scripts/make_sample_archive.py, built
once). Ingest is incremental, so a second run starts the app in seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.errors import AssistantError
from assistant.ingest.pipeline import ingest_folder
from assistant.ingest.progress_view import RichProgress
from assistant.ui.app import create_app
from assistant.ui.server import launch_app

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "eval" / "suites" / "sample"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default=None, help="settings profile (default: default)")
    parser.add_argument("--data-dir", type=Path, default=REPO / "out" / "demo")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    console = Console(stderr=True)

    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sample_archive.py"), "--suite", str(SUITE)],
        check=True,
    )
    settings = load_settings(args.profile, data_dir=args.data_dir)
    if args.port:
        settings = settings.model_copy(
            update={"serve": settings.serve.model_copy(update={"port": args.port})}
        )
    archive = Archive.open(settings)
    try:
        with RichProgress(console) as progress:
            report = ingest_folder(archive, SUITE / "archive", progress=progress)
        console.print(
            f"ingested {SUITE / 'archive'}: {report.counts_by_status} "
            f"in {report.seconds:.0f} s ({len(report.failures)} expected failures "
            "from broken/)"
        )
        for warning in report.warnings:
            console.print(f"[yellow]{warning}[/]")
        blocks = create_app(archive)
        url = f"http://{settings.serve.host}:{settings.serve.port}/"
        print(f"Archive Assistant is running at {url}  (Ctrl+C to stop)", flush=True)
        launch_app(blocks, settings, block=True)
    except AssistantError as exc:
        console.print(f"[bold red]error:[/] {exc.message}")
        if exc.hint:
            console.print(f"[yellow]→ {exc.hint}[/]")
        return 2
    finally:
        archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
