"""The app's `/search` endpoint called as a gradio client does (tests/e2e)."""

from __future__ import annotations

from typing import Any

# The Search tab's filter boxes after the kind choice, in the order /search takes them,
# each as the tab shows it when left alone.
FILTER_BOXES = {
    "date_from": "",
    "date_to": "",
    "place": "",
    "people": "",
    "topics": "",
    "source": "",
    "tempo_min": "",
    "tempo_max": "",
    "mode": "any",
    "key": "",
}


def search_api(
    client: Any,
    text: str,
    kind: list[str] | None = None,
    image: Any = None,
    limit: int = 10,
    **filters: str,
) -> Any:
    """(summary, results) of the Search tab for `text` (and an uploaded `image`), the other
    boxes left alone unless `filters` fills them."""
    unknown = set(filters) - set(FILTER_BOXES)
    if unknown:
        raise ValueError(f"the Search tab has no box {sorted(unknown)}")
    boxes = {**FILTER_BOXES, **filters}
    return client.predict(text, image, None, kind or [], *boxes.values(), limit, api_name="/search")
