// An import's page in the admin: follow the worker's progress without
// reloading, then reload once when the run is over (to show its report and
// what can be done next). Without this script the page has a Refresh link.
const section = document.querySelector("[data-progress-url]");
if (section) {
  const bar = section.querySelector("progress");
  const count = section.querySelector(".run-count");
  const rate = section.querySelector(".run-rate");
  const poll = async () => {
    let data;
    try {
      const response = await fetch(section.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch {
      window.setTimeout(poll, 5000); // the server is busy or restarting
      return;
    }
    if (bar) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.done;
    }
    if (count) count.textContent = `${data.done} of ${data.total} items`;
    if (rate && data.rate) rate.textContent = `${data.rate} items a second`;
    if (!data.working) {
      window.location.reload();
      return;
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
