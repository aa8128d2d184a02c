"""The People tab: faces clustered into people (a thumbnail each), a name box, and delete.

Clustering, naming and deleting are the enrich room's (enrich/people.py); naming only
proposes metadata, which the Metadata review tab then shows.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.enrich.people import People
from assistant.ui.access import Access
from assistant.ui.errors import shown_to_user
from assistant.ui.naming import Choices, naming_events, relisted


class PeopleHandler:
    def __init__(self, people: People, access: Access) -> None:
        self.people = people
        # Naming proposes metadata and deleting forgets faces: both are for editors.
        self.access = access

    def listing(self) -> tuple[list[tuple[str, str]], Choices]:
        """Gallery items (thumbnail path, caption) and the person picker's choices. The
        thumbnails live under the data dir's thumbnails folder, which the app serves."""
        gallery: list[tuple[str, str]] = []
        choices: Choices = []
        for person in self.people.faces.people():
            label = (
                f"#{person.person_id} {person.name or 'unnamed'} · {person.faces} "
                f"face(s) in {person.assets} file(s)"
            )
            if person.thumbnail:
                gallery.append((person.thumbnail, label))
            choices.append((label, person.person_id))
        return gallery, choices

    def name(self, person_id: int | None, name: str, user: str | None = None) -> str:
        if person_id is None:
            raise gr.Error("Pick a person first.")
        with shown_to_user():
            self.access.require_editor(user, "Naming people")
            naming = self.people.name_person(int(person_id), name)
        return (
            f"Person #{naming.person_id} is now “{naming.name}”: {naming.proposed} "
            "proposal(s) wait in Metadata review."
        )

    def delete(self, person_id: int | None, user: str | None = None) -> str:
        if person_id is None:
            raise gr.Error("Pick a person first.")
        with shown_to_user():
            self.access.require_editor(user, "Deleting people")
            removed = self.people.delete_person(int(person_id))
        return f"Person #{person_id} deleted: {removed} face(s) and their thumbnails removed."


def build_people_tab(handler: PeopleHandler, blocks: gr.Blocks) -> None:
    gr.Markdown(
        "Faces found in photos and video keyframes, grouped by person. Name a "
        "person once: the name is proposed for every file they appear in (review "
        "it in Metadata review). Delete forgets a person's faces."
    )
    reload = gr.Button("Reload", size="sm")
    gallery = gr.Gallery(
        label="People", columns=6, height="auto", allow_preview=False, elem_id="aa-people"
    )
    with gr.Row():
        person = gr.Dropdown(
            choices=[], label="Person", type="value", scale=2, elem_id="aa-person-pick"
        )
        name = gr.Textbox(label="Name", placeholder="e.g. Ada Lovelace", scale=2)
    with gr.Row():
        save = gr.Button("Name this person", variant="primary")
        forget = gr.Button("Delete this person", variant="stop")
    status = gr.Markdown("")

    list_people, name_cluster = naming_events(handler)

    def delete_cluster(person_id: int | None, request: gr.Request) -> tuple[Any, Any, str]:
        message = handler.delete(person_id, request.username)
        return (*relisted(handler), message)

    reload.click(list_people, None, [gallery, person], api_name="list_people")
    save.click(name_cluster, [person, name], [gallery, person, status], api_name="name_person")
    forget.click(delete_cluster, [person], [gallery, person, status], api_name="delete_person")
    blocks.load(list_people, None, [gallery, person], api_visibility="private")
