// Archive Assistant: citation links and "play from the start" buttons for clip cards.
// Cards are <article class="aa-card" id="clip-TURN-N"> holding a <video>/<audio> with
// data-start / data-end (seconds). Delegated listeners, because Gradio re-renders HTML.
(function () {
  // Scroll the card into view inside its own scrolling column only: scrollIntoView
  // would scroll the page too, taking the chat and the input box off the screen.
  function revealInColumn(card) {
    var column = card.closest("#aa-evidence, #aa-search-results");
    if (!column || column.scrollHeight <= column.clientHeight) {
      card.scrollIntoView({ behavior: "smooth", block: "nearest" });
      return;
    }
    var box = column.getBoundingClientRect();
    var at = card.getBoundingClientRect();
    var top = column.scrollTop + (at.top - box.top) - Math.max(0, (box.height - at.height) / 2);
    column.scrollTo({ top: Math.max(0, top), behavior: "smooth" });
  }

  function playCard(card) {
    if (!card) return;
    var folded = card.closest("details");
    if (folded) folded.open = true;
    revealInColumn(card);
    card.classList.add("aa-flash");
    setTimeout(function () { card.classList.remove("aa-flash"); }, 1600);
    var media = card.querySelector("video.aa-player, audio.aa-player");
    if (!media) return;
    var start = parseFloat(media.dataset.start || "0");
    var seekAndPlay = function () {
      media.currentTime = start;
      media.dataset.stopArmed = "1";
      var played = media.play();
      if (played && played.catch) played.catch(function () {});
    };
    if (media.readyState >= 1) seekAndPlay();
    else media.addEventListener("loadedmetadata", seekAndPlay, { once: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href*="#clip-"]');
    if (link) {
      var id = link.getAttribute("href").split("#")[1];
      var card = document.getElementById(id);
      if (card) {
        event.preventDefault();
        event.stopPropagation();
        playCard(card);
      }
      return;
    }
    var button = event.target.closest && event.target.closest("button.aa-play");
    if (button) {
      event.preventDefault();
      playCard(document.getElementById(button.dataset.target));
    }
  }, true);

  // Stop at the clip's end once after "play from the start" (the media fragment does the
  // same for the first play); after that the journalist can keep watching.
  document.addEventListener("timeupdate", function (event) {
    var media = event.target;
    if (!media.dataset || media.dataset.stopArmed !== "1") return;
    var end = parseFloat(media.dataset.end || "");
    if (!isNaN(end) && media.currentTime >= end) {
      media.pause();
      media.dataset.stopArmed = "0";
    }
  }, true);

  // Audio players show no captions: write the speaker-labelled cue under the player.
  document.addEventListener("timeupdate", function (event) {
    var media = event.target;
    if (!media.matches || !media.matches("audio.aa-player") || !media.textTracks.length) return;
    var track = media.textTracks[0];
    if (track.mode === "disabled") track.mode = "hidden";
    var shown = media.parentElement && media.parentElement.querySelector(".aa-captions");
    if (!shown) return;
    var cues = track.activeCues || [];
    var lines = [];
    for (var i = 0; i < cues.length; i++) {
      var cue = cues[i];
      var voice = /^<v ([^>]+)>/.exec(cue.text);
      var words = cue.text.replace(/<[^>]+>/g, "");
      lines.push((voice ? voice[1] + ": " : "") + words);
    }
    shown.textContent = lines.join(" ");
  }, true);
})();
