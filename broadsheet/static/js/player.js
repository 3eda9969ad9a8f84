/* Podcast player ([data-player]): speed control, and chapter/transcript
 * links that seek the player on this page instead of opening the audio file. */

export function start(figure) {
  const audio = figure.querySelector("[data-player-audio]");
  const speed = figure.querySelector("[data-player-speed]");
  if (!audio || !speed) return;
  const rate = speed.querySelector("[data-player-rate]");
  speed.hidden = false;
  rate.addEventListener("change", () => {
    const value = parseFloat(rate.value);
    if (value >= 0.5 && value <= 3) audio.playbackRate = value;
  });
  const scope = figure.closest("article") || document;
  scope.querySelectorAll("[data-seek]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const seconds = parseFloat(link.getAttribute("data-seek"));
      if (!(seconds >= 0)) return;
      event.preventDefault();
      audio.currentTime = seconds;
      const playing = audio.play();
      if (playing && playing.catch) playing.catch(() => {});
      audio.focus();
    });
  });
}
