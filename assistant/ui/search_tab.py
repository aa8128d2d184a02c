"""The Search tab: a query by text, image or audio, under filters; playable result cards."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.retrieval.modalities import MODALITIES, NAMES, QueryModality
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import Filters, SearchQuery
from assistant.ui.cards import cards_grid, clip_card, weak_section
from assistant.ui.errors import shown_to_user
from assistant.ui.media import MediaLinks
from assistant.ui.uploads import check_upload
from assistant.vocabulary.kinds import MEDIA_KINDS

# The /search inputs after the text and the uploads, in order: the filter boxes by filter
# name, then k. `language` comes last so API callers written before it keep their positions.
INPUT_ORDER = (
    "kind",
    "date_from",
    "date_to",
    "place",
    "people",
    "topics",
    "source",
    "tempo_min",
    "tempo_max",
    "mode",
    "key",
    "k",
    "language",
)


def _filters(**boxes: Any) -> Filters:
    """Filters from the filter boxes' values by filter name; empty boxes filter nothing,
    nor does the mode left at "any"."""
    mode = boxes.get("mode")
    pairs = {**boxes, "mode": mode if mode in ("major", "minor") else None}
    cleaned = {
        name: value.strip() if isinstance(value, str) else value for name, value in pairs.items()
    }
    return Filters.parse({name: v for name, v in cleaned.items() if v not in (None, "", [])})


# Below this calibrated score a clip is shown folded away as a weak match.
WEAK_SCORE = 0.05


class SearchHandler:
    def __init__(self, engine: SearchesClips, links: MediaLinks, max_upload_mb: int) -> None:
        self.engine = engine
        self.links = links
        self.max_upload_mb = max_upload_mb

    def search(
        self, text: str, uploads: dict[str, str | None], k: float, filters: Filters
    ) -> tuple[str, str]:
        """`uploads`: the upload controls' files by modality name (None: left empty)."""
        with shown_to_user():
            query = SearchQuery(
                text=text or "",
                filters=filters,
                k=int(k),
                media={
                    name: check_upload(path, name, self.max_upload_mb)
                    for name, path in uploads.items()
                    if path
                },
            )
            clips = self.engine.search(query)
        if not clips:
            return "No clips match. Loosen the filters or try other words.", ""
        cards = [
            clip_card(clip, links=self.links, element_id=f"result-{i}", badge=f"#{i}")
            for i, clip in enumerate(clips, start=1)
        ]
        # The engine ranks a long tail of barely related clips; they stay one click away
        # instead of burying the real matches.
        strong = sum(clip.score >= WEAK_SCORE for clip in clips)
        active = "" if filters.is_empty() else " under the filters"
        noun = "clip" if strong == 1 else "clips"
        weak = len(clips) - strong
        tail = f" (+{weak} weaker below)" if weak and strong else ""
        summary = f"{strong} {noun}{active}, best first{tail}."
        if not strong:
            summary = f"No strong matches{active}; {weak} weak {'ones' if weak > 1 else 'one'},"
            summary += " best first."
        folded = weak_section(cards[strong:], weak_score=WEAK_SCORE, open_=not strong)
        return summary, cards_grid(cards[:strong]) + folded


def _upload_control(modality: QueryModality) -> gr.components.Component:
    """The modality's upload control: a picture box, a recorder, or a file picker."""
    label = modality.app_label or f"{modality.noun.capitalize()}: find it in the archive"
    if modality.widget == "image":
        return gr.Image(label=label, type="filepath", height=180, sources=["upload", "clipboard"])
    if modality.widget == "audio":
        return gr.Audio(label=label, type="filepath", sources=["upload", "microphone"])
    return gr.File(label=label, type="filepath")


def build_search_tab(handler: SearchHandler) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            text = gr.Textbox(
                label="Search for", placeholder="words, a scene, a topic…", elem_id="aa-search-text"
            )
            nouns = " or ".join(m.noun for m in MODALITIES)
            with gr.Accordion(f"…or search by {nouns}", open=False):
                uploads = [_upload_control(m) for m in MODALITIES]
            boxes: dict[str, gr.components.Component] = {}
            with gr.Accordion("Filters", open=True):
                boxes["kind"] = gr.CheckboxGroup(list(MEDIA_KINDS), label="Kind")
                with gr.Row():
                    boxes["date_from"] = gr.Textbox(label="From date", placeholder="2019-01-31")
                    boxes["date_to"] = gr.Textbox(label="To date", placeholder="2019-12-31")
                with gr.Row():
                    boxes["place"] = gr.Textbox(label="Place")
                    boxes["people"] = gr.Textbox(label="People", placeholder="comma separated")
                with gr.Row():
                    boxes["topics"] = gr.Textbox(label="Topics", placeholder="comma separated")
                    boxes["source"] = gr.Textbox(label="Source")
                with gr.Row():
                    boxes["tempo_min"] = gr.Textbox(label="Tempo from (BPM)", placeholder="90")
                    boxes["tempo_max"] = gr.Textbox(label="Tempo to (BPM)", placeholder="130")
                with gr.Row():
                    boxes["mode"] = gr.Dropdown(
                        ["any", "major", "minor"], value="any", label="Mode"
                    )
                    boxes["key"] = gr.Textbox(label="Key", placeholder="A minor")
                boxes["language"] = gr.Textbox(
                    label="Language", value="", placeholder="fr, de (comma separated)"
                )
            boxes["k"] = gr.Slider(1, 50, value=12, step=1, label="Results")
            go = gr.Button("Search", variant="primary", elem_id="aa-search-go")
        with gr.Column(scale=5, min_width=380):
            summary = gr.Markdown("Results appear here.", elem_id="aa-search-summary")
            results = gr.HTML("", elem_id="aa-search-results")

    def search(text: str, *values: Any) -> tuple[str, str]:
        """The inputs' values: one per modality's control, then INPUT_ORDER's."""
        given = dict(zip(NAMES, values[: len(NAMES)], strict=True))
        chosen = dict(zip(INPUT_ORDER, values[len(NAMES) :], strict=True))
        k = chosen.pop("k")
        with shown_to_user():
            filters = _filters(**chosen)
        return handler.search(text, given, k, filters)

    inputs = [text, *uploads, *(boxes[name] for name in INPUT_ORDER)]
    go.click(search, inputs, [summary, results], api_name="search")
    text.submit(search, inputs, [summary, results], api_visibility="private")
