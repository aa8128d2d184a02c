"""The Voices tab: the archive's voices (speakers recognised across files), each with its
name, how much it speaks and a sample to play; name a voice; find a voice by example.

Naming and finding are the enrich room's (`enrich.voices.name_voice`, the CLI's `voices
name`; `enrich.voice_search.find_by_example`, its `voices find`): naming only proposes
`people` metadata, which the Metadata review tab then shows.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import gradio as gr

from assistant.agent.passages import asset_clip, segments_clip
from assistant.archive import Archive
from assistant.enrich.voice_search import find_by_example
from assistant.enrich.voices import name_voice
from assistant.schemas import Clip
from assistant.store.voices import VoiceStore
from assistant.ui.access import Access
from assistant.ui.cards import cards_grid, clip_card
from assistant.ui.errors import shown_to_user
from assistant.ui.media import MediaLinks
from assistant.ui.naming import Choices, naming_events
from assistant.ui.uploads import check_upload


class VoicesHandler:
    def __init__(
        self,
        archive: Archive,
        links: MediaLinks,
        access: Access | None = None,
        max_upload_mb: int = 50,
    ) -> None:
        self.archive = archive
        self.links = links
        # Naming proposes metadata: for editors, as naming people is.
        self.access = access or Access(archive.settings.serve)
        self.max_upload_mb = max_upload_mb

    def turn_clip(
        self, asset_id: str, speaker: str, start_s: float, end_s: float, why: str
    ) -> Clip | None:
        """The speaker's words in [start_s, end_s] of the asset as a playable clip (the
        moment itself when the asset has no transcript)."""
        asset = self.archive.catalog.get_asset(asset_id)
        if asset is None:
            return None
        said = [
            s
            for s in self.archive.catalog.segments(asset_id, "speech")
            if s.speaker == speaker
            and s.start_s is not None
            and s.end_s is not None
            and s.end_s > start_s
            and s.start_s < end_s
        ]
        clip = (
            segments_clip(self.archive, asset, said, why)
            if said
            else asset_clip(self.archive, asset_id, start_s)
        )
        if clip is not None:
            labels = VoiceStore(self.archive.catalog).labels([asset_id], check_record=False)
            label = labels.get((asset_id, speaker))
            clip.speaker, clip.why = label, [why]
        return clip

    def listing(self) -> tuple[str, Choices]:
        """One card per voice (its longest turn, playable) and the voice picker's choices."""
        store = VoiceStore(self.archive.catalog)
        voices = store.voices()
        if not voices:
            return "<p>No voices yet: ingest audio or video with speech.</p>", []
        samples = store.samples()
        cards, choices = [], []
        for voice in voices:
            sample = samples.get(voice.voice_id)
            summary = (
                f"{voice.label} · {voice.files} recording(s), "
                f"{sample.turns if sample else 0} turn(s), {voice.seconds:.0f} s"
            )
            choices.append((summary, voice.voice_id))
            clip = (
                self.turn_clip(
                    sample.asset_id,
                    sample.speaker,
                    sample.start_s,
                    sample.end_s,
                    f"sample of {voice.label}",
                )
                if sample
                else None
            )
            named = (
                f" · {'named by' if voice.name else 'unnamed:'} {voice.name_source}"
                if voice.name_source
                else ""
            )
            head = f'<h4 class="aa-voice-title">{escape(summary)}{escape(named)}</h4>'
            body = (
                clip_card(
                    clip, links=self.links, element_id=f"voice-{voice.voice_id}", show_score=False
                )
                if clip
                else ""
            )
            cards.append(
                f'<section class="aa-voice" id="aa-voice-{voice.voice_id}">{head}{body}</section>'
            )
        return cards_grid(cards), choices

    def name(self, voice_id: int | None, name: str, user: str | None = None) -> str:
        if voice_id is None:
            raise gr.Error("Pick a voice first.")
        with shown_to_user():
            self.access.require_editor(user, "Naming voices")
            named, proposed = name_voice(self.archive, str(int(voice_id)), name)
        return (
            f"{named.label}: {proposed} `people` proposal(s) wait in Metadata review "
            "(voice match, with its similarity)."
        )

    def find(self, clip: str | None, k: float = 5) -> tuple[str, str]:
        """(summary, cards) of the recordings where the voice of the uploaded clip speaks."""
        if not clip:
            raise gr.Error("Upload or record a clip of the voice first.")
        with shown_to_user():
            path = check_upload(clip, "audio", self.max_upload_mb)
            matches = find_by_example(
                self.archive, Path(path), self.archive.models.speaker(), int(k)
            )
        if not matches:
            return "No recording holds a voice yet.", ""
        store = VoiceStore(self.archive.catalog)
        cards = []
        for n, match in enumerate(matches, start=1):
            turn = next(
                (t for t in store.turns(match.asset_id) if t.speaker == match.speaker), None
            )
            if turn is None:
                continue
            found = self.turn_clip(
                match.asset_id,
                match.speaker,
                turn.start_s,
                turn.end_s,
                f"voice match {match.similarity:.2f}",
            )
            if found is not None:
                found.score = round(max(0.0, min(1.0, match.similarity)), 4)
                cards.append(
                    clip_card(found, links=self.links, element_id=f"voice-match-{n}", badge=f"#{n}")
                )
        best = matches[0]
        summary = (
            f"{len(cards)} recording(s) with this voice, most similar first "
            f"(best: {best.voice} in {best.file}, similarity {best.similarity:.2f})."
        )
        return summary, cards_grid(cards)


def build_voices_tab(handler: VoicesHandler, blocks: gr.Blocks) -> None:
    gr.Markdown(
        "Voices heard across the archive: the same speaker in every recording is one "
        "voice. Name a voice once: the name is proposed as `people` for every file it "
        "speaks in (review it in Metadata review). Upload a clip of someone speaking to "
        "find the recordings of that voice."
    )
    reload = gr.Button("Reload", size="sm")
    listing = gr.HTML("", elem_id="aa-voices")
    with gr.Row():
        voice = gr.Dropdown(
            choices=[], label="Voice", type="value", scale=2, elem_id="aa-voice-pick"
        )
        name = gr.Textbox(
            label="Name", placeholder="e.g. Paul Okafor", scale=2, elem_id="aa-voice-name"
        )
    save = gr.Button("Name this voice", variant="primary", elem_id="aa-voice-save")
    status = gr.Markdown("", elem_id="aa-voice-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            example = gr.Audio(
                label="A clip of the voice",
                type="filepath",
                sources=["upload", "microphone"],
                elem_id="aa-voice-example",
            )
            k = gr.Slider(1, 20, value=5, step=1, label="Recordings")
            go = gr.Button("Find this voice", variant="primary", elem_id="aa-voice-find")
        with gr.Column(scale=5, min_width=380):
            summary = gr.Markdown("Matching recordings appear here.", elem_id="aa-voice-summary")
            matches = gr.HTML("", elem_id="aa-voice-matches")

    list_voices, name_picked = naming_events(handler)

    reload.click(list_voices, None, [listing, voice], api_name="list_voices")
    save.click(name_picked, [voice, name], [listing, voice, status], api_name="name_voice")
    go.click(handler.find, [example, k], [summary, matches], api_name="find_voice")
    blocks.load(list_voices, None, [listing, voice], api_visibility="private")
