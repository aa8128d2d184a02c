"""The Metadata review tab: values propagation proposes, with where each came from (the
file it was copied from, the method, the similarity); the journalist accepts or rejects
them. Proposing, accepting and rejecting are the enrich room's (enrich/propagate.py,
enrich/review.py); this tab only shows them."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import gradio as gr

from assistant.enrich import review
from assistant.enrich.propagate import Proposal, pending_proposals
from assistant.store.catalog import Catalog
from assistant.ui.access import Access
from assistant.ui.archive_tab import _table
from assistant.ui.errors import shown_to_user
from assistant.ui.media import MediaLinks
from assistant.ui.naming import Choices

NO_PROPOSALS = "<p>No pending proposals. Use “Find proposals” after an ingest.</p>"


def _value_text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


class ReviewHandler:
    def __init__(
        self,
        catalog: Catalog,
        propose_all: Callable[[], list[Proposal]],
        links: MediaLinks,
        access: Access,
    ) -> None:
        # propose_all: the whole-archive propagation pass (enrich/propagate.propose_all).
        self.catalog, self.propose_all = catalog, propose_all
        self.links = links
        self.access = access

    def _file(self, asset_id: str) -> str:
        """The file name, with its thumbnail when it has one (photos, video frames)."""
        asset = self.catalog.get_asset(asset_id)
        name = escape(asset.rel_path if asset else asset_id)
        visual = self.catalog.segments(asset_id, "visual") if asset else []
        url = self.links.preview_url(visual[0].thumbnail) if visual else None
        return f'<img class="aa-thumb" src="{escape(url)}" alt="">{name}' if url else name

    def _row(self, proposal: Proposal) -> list[str]:
        prov = proposal.provenance
        similarity = f" ({prov.similarity:.2f})" if prov.similarity is not None else ""
        sources = "".join(f"<div>{self._file(a)}</div>" for a in prov.source_assets)
        return [
            str(proposal.proposal_id),
            self._file(proposal.asset_id),
            escape(proposal.field),
            f"<b>{escape(_value_text(proposal.value))}</b>",
            f"{proposal.confidence:.2f}",
            escape(prov.method) + similarity,
            sources or "—",
            escape(prov.note),
        ]

    def rows(self) -> list[tuple[int, list[str]]]:
        """(proposal id, its cells) for each pending proposal, for one row each."""
        return [(p.proposal_id, self._row(p)) for p in pending_proposals(self.catalog)]

    def listing(self) -> tuple[str, Choices]:
        proposals = pending_proposals(self.catalog)
        if not proposals:
            return NO_PROPOSALS, []
        rows = [self._row(p) for p in proposals]
        choices = [
            (f"#{p.proposal_id} {p.rel_path}: {p.field} = {_value_text(p.value)}", p.proposal_id)
            for p in proposals
        ]
        headers = [
            "#",
            "file",
            "field",
            "proposed value",
            "confidence",
            "method",
            "copied from",
            "note",
        ]
        return _table(headers, rows, "aa-proposals"), choices

    def propose(self, user: str | None = None) -> tuple[str, Choices, str]:
        with shown_to_user():
            self.access.require_editor(user, "Finding metadata proposals")
            found = self.propose_all()
        table, choices = self.listing()
        return table, choices, f"{len(found)} proposals waiting for review."

    def decide(
        self, proposal_ids: list[int] | None, accepted: bool, user: str | None = None
    ) -> tuple[str, Choices, str]:
        if not proposal_ids:
            raise gr.Error("Tick one or more proposals first.")
        with shown_to_user():
            self.access.require_editor(user, "Accepting or rejecting metadata")
            for proposal_id in proposal_ids:
                if accepted:
                    review.accept(self.catalog, int(proposal_id))
                else:
                    review.reject(self.catalog, int(proposal_id))
        table, choices = self.listing()
        verb = "Accepted" if accepted else "Rejected"
        return table, choices, f"{verb} {len(proposal_ids)} proposal(s)."


def _row_html(cells: list[str]) -> str:
    """One proposal as a labelled line of cells (its own row, with its own buttons)."""
    names = ["#", "file", "field", "proposed", "conf.", "method", "copied from", "note"]
    parts = "".join(
        f'<span class="aa-cell"><small>{name}</small>{cell}</span>'
        for name, cell in zip(names, cells, strict=True)
    )
    return f'<div class="aa-proposal">{parts}</div>'


def build_review_tab(handler: ReviewHandler, blocks: gr.Blocks) -> None:
    gr.Markdown(
        "Values copied from near-identical or matching files, or heard in the "
        "file's own speech. Nothing is applied until you accept it; curated values "
        "are never overwritten."
    )
    with gr.Row():
        find = gr.Button("Find proposals", variant="primary", scale=3)
        reload = gr.Button("Reload", size="sm", scale=1)
    status = gr.Markdown("", elem_id="aa-review-status")
    # The whole table and a picker stay for API callers (several ids at once); people
    # decide row by row below, so both are hidden in the page.
    table = gr.HTML("", elem_id="aa-proposals", visible=False)
    picked = gr.CheckboxGroup(choices=[], label="Select proposals", type="value", visible=False)

    def _publish(result: tuple[str, Choices, str]) -> tuple[str, Any, str]:
        html, choices, message = result
        return html, gr.CheckboxGroup(choices=choices, value=[]), message

    def propose_metadata(request: gr.Request) -> tuple[str, Any, str]:
        return _publish(handler.propose(request.username))

    def list_proposals() -> tuple[str, Any, str]:
        html, choices = handler.listing()
        return _publish((html, choices, ""))

    def accept_proposals(ids: list[int], request: gr.Request) -> tuple[str, Any, str]:
        return _publish(handler.decide(ids, accepted=True, user=request.username))

    def reject_proposals(ids: list[int], request: gr.Request) -> tuple[str, Any, str]:
        return _publish(handler.decide(ids, accepted=False, user=request.username))

    outputs = [table, picked, status]

    def decider(proposal_id: int, accepted: bool) -> Any:
        def decide_one(request: gr.Request) -> tuple[str, Any, str]:
            return _publish(handler.decide([proposal_id], accepted, user=request.username))

        return decide_one

    # Redrawn whenever the listing changes (after find, reload, or a decision).
    @gr.render(triggers=[table.change])
    def proposal_rows() -> None:
        rows = handler.rows()
        if not rows:
            gr.HTML(NO_PROPOSALS)
            return
        for proposal_id, cells in rows:
            with gr.Row(elem_classes="aa-proposal-row", elem_id=f"aa-proposal-{proposal_id}"):
                gr.HTML(_row_html(cells), scale=8)
                yes = gr.Button("Accept", variant="primary", size="sm", scale=1, min_width=90)
                no = gr.Button("Reject", variant="stop", size="sm", scale=1, min_width=90)

            yes.click(decider(proposal_id, True), None, outputs, api_visibility="private")
            no.click(decider(proposal_id, False), None, outputs, api_visibility="private")

    find.click(propose_metadata, None, outputs, api_name="propose_metadata")
    reload.click(list_proposals, None, outputs, api_name="list_proposals")
    blocks.load(list_proposals, None, outputs, api_visibility="private")
    # API-only: several ids at once (gradio_client callers and scripts).
    bulk_accept = gr.Button(visible=False)
    bulk_reject = gr.Button(visible=False)
    bulk_accept.click(accept_proposals, [picked], outputs, api_name="accept_proposals")
    bulk_reject.click(reject_proposals, [picked], outputs, api_name="reject_proposals")
