"""Face figures on the opencv-doc face set (samples/faces.py): detection,
cost per photo, same-person recall@5, false-match rate per threshold, and the purity of
the incremental clustering ingest does. Prints JSON.

    python bench/faces.py            # run on an idle machine; note `cat /proc/loadavg`
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.enrich.faces import MATCH, SAME_PERSON, find_faces
from assistant.ingest.pipeline import ingest_folder
from assistant.models.faces import DlibFaceModel
from samples.faces import face_samples, write_samples

THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60)


def _encode(model: DlibFaceModel) -> tuple[list[str], list[str], np.ndarray, dict]:
    names, people, rows, costs, missed = [], [], [], [], []
    for sample in face_samples():
        picture = sample.image()
        started = time.perf_counter()
        faces = find_faces(model, picture)
        costs.append(time.perf_counter() - started)
        if not faces:
            missed.append(sample.name)
            continue
        names.append(sample.name)
        people.append(sample.person)
        rows.append(faces[0].encoding)
    cost = {
        "photos": len(costs),
        "faces_found_in": len(names),
        "missed": missed,
        "ms_per_photo_median": round(1000 * float(np.median(costs)), 1),
        "ms_per_photo_max": round(1000 * float(np.max(costs)), 1),
    }
    return names, people, np.stack(rows), cost


def _pairs(people: list[str], matrix: np.ndarray) -> dict:
    gaps = np.linalg.norm(matrix[:, None] - matrix[None], axis=2)
    same = [
        gaps[i, j]
        for i, j in itertools.combinations(range(len(people)), 2)
        if people[i] == people[j]
    ]
    other = [
        gaps[i, j]
        for i, j in itertools.combinations(range(len(people)), 2)
        if people[i] != people[j]
    ]
    table = {
        f"{t:.2f}": {
            "same_person_pairs_joined": f"{sum(d <= t for d in same)}/{len(same)}",
            "false_match_rate": round(sum(d <= t for d in other) / len(other), 4),
        }
        for t in THRESHOLDS
    }
    # recall@5: for each photo of a person with several photos, the share of their other
    # photos among its 5 nearest (within MATCH, as search reports them).
    recalls = []
    for i, person in enumerate(people):
        others = {j for j, p in enumerate(people) if p == person and j != i}
        if not others:
            continue
        order = [j for j in np.argsort(gaps[i]) if j != i and gaps[i, j] <= MATCH][:5]
        recalls.append(len(others & set(order)) / len(others))
    false_top = sum(
        1
        for i in range(len(people))
        for j in [j for j in np.argsort(gaps[i]) if j != i and gaps[i, j] <= MATCH][:5]
        if people[j] != people[i]
    )
    return {
        "same_pairs": len(same),
        "different_pairs": len(other),
        "same_distance_range": [round(float(min(same)), 3), round(float(max(same)), 3)],
        "closest_different": round(float(min(other)), 3),
        "by_threshold": table,
        "recall_at_5": round(float(np.mean(recalls)), 3),
        "strangers_in_top5_within_match": false_top,
        "queries": len(people),
    }


def _purity(tmp: Path) -> dict:
    root = tmp / "root"
    labels = write_samples(root, face_samples())
    settings = load_settings("test", data_dir=tmp / "data", ingest={"faces": True})
    with Archive.open(settings) as archive:
        started = time.perf_counter()
        ingest_folder(archive, root)
        seconds = time.perf_counter() - started
        clusters = [
            [
                Path(archive.catalog.get_asset(f.asset_id).path).name  # type: ignore[union-attr]
                for f in archive.faces.faces(person_id=p.person_id)
            ]
            for p in archive.faces.people()
        ]
    majority = sum(Counter(labels[n] for n in c).most_common(1)[0][1] for c in clusters)
    faces = sum(len(c) for c in clusters)
    per_person: dict[str, set[int]] = {}
    for index, cluster in enumerate(clusters):
        for name in cluster:
            per_person.setdefault(labels[name], set()).add(index)
    split = {p: len(c) for p, c in per_person.items() if len(c) > 1}
    return {
        "faces": faces,
        "clusters": len(clusters),
        "purity": round(majority / max(1, faces), 3),
        "people_split": split,
        "ingest_seconds": round(seconds, 1),
        "photos": len(labels),
    }


def main() -> None:
    model = DlibFaceModel()
    started = time.perf_counter()
    model.load()
    load_s = time.perf_counter() - started
    _, people, matrix, cost = _encode(model)
    with tempfile.TemporaryDirectory() as tmp:
        purity = _purity(Path(tmp))
    print(
        json.dumps(
            {
                "loadavg": os.getloadavg(),
                "model_load_s": round(load_s, 2),
                "cost": cost,
                "thresholds": {"same_person": SAME_PERSON, "match": MATCH},
                "pairs": _pairs(people, matrix),
                "clustering": purity,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
