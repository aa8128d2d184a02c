"""`assistant models list` rows and `assistant doctor` checks."""

from __future__ import annotations

import shutil
from typing import Any

from rich.console import Console

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.models.registry import ModelRegistry, how_to_fix


def model_rows(settings: Settings) -> list[dict[str, Any]]:
    registry = ModelRegistry(settings.models)
    rows = []
    for role in registry.roles():
        spec = registry.spec(role)
        try:
            found = registry.locate(role)
            source, detail, ready = found.source, found.detail, found.ready
            path = str(found.path) if found.path else None
        except AssistantError as exc:
            source, detail, ready, path = "missing", exc.message, False, None
        rows.append(
            {
                "role": role,
                "name": spec.name or spec.backend,
                "backend": spec.backend,
                "source": source,
                "ready": ready,
                "path": path,
                "detail": detail,
                "fix": None if ready or source == "disabled" else how_to_fix(role, spec),
            }
        )
    return rows


_CONSEQUENCE = {
    "clip": "text→image and image→image search use perceptual hashes and captions only",
    "text": "semantic text search is off (keyword search still works)",
    "asr": "speech in audio and video is not transcribed",
    "llm": "`assistant ask` cannot write answers (search still works)",
    "vqa": "visual questions and captions are off",
    "speaker": "speaker turns, voices and speaker-labelled subtitles are off",
}


def run_doctor(settings: Settings, console: Console) -> bool:
    """Print a checklist; True when everything essential is ready."""
    ok = True
    for tool in ("ffmpeg", "ffprobe"):
        found = shutil.which(tool)
        console.print(f"{'[green]✓' if found else '[red]✗'}[/] {tool}: {found or 'not found'}")
        if not found:
            ok = False
            console.print("    → install it: apt-get install ffmpeg (or run `make setup`)")
    data_dir = settings.data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
        console.print(f"[green]✓[/] data dir: {data_dir} (writable)")
    except OSError as exc:
        ok = False
        console.print(f"[red]✗[/] data dir: {data_dir}: {exc}")
        console.print("    → pass --data-dir or set ASSISTANT_DATA_DIR to a writable folder")
    for row in model_rows(settings):
        if row["source"] == "disabled":
            console.print(f"[dim]-[/] {row['role']}: disabled in profile '{settings.profile}'")
            continue
        mark = "[green]✓[/]" if row["ready"] else "[yellow]![/]"
        console.print(f"{mark} {row['role']}: {row['name']} — {row['detail']}")
        if not row["ready"]:
            console.print(f"    without it: {_CONSEQUENCE[row['role']]}")
            console.print(f"    → {row['fix']}")
            if row["role"] in {"text", "asr"}:
                ok = False
    _faces_line(settings, console)
    return ok


def _faces_line(settings: Settings, console: Console) -> None:
    """Faces are optional: a missing model only turns face indexing and search off."""
    from assistant.models.faces import INSTALL_HINT, DlibFaceModel, packaged_face_files

    if not settings.ingest.faces:
        console.print(f"[dim]-[/] faces: off in profile '{settings.profile}' (ingest.faces)")
        return
    folder = packaged_face_files()
    if folder is not None:
        console.print(f"[green]✓[/] faces: {DlibFaceModel.name} — {folder}")
        return
    console.print("[yellow]![/] faces: not installed")
    console.print("    without it: photos and keyframes are indexed without faces or people")
    console.print(f"    → {INSTALL_HINT}")
