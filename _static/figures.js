/* Losses & Metrics in Keras: open a figure at full size.
   Each figure's image is a link to the image file (_ext/figures.py). Clicking it, or pressing
   Enter on it, opens a dialog with the image at its natural size; on a narrow screen the dialog
   scrolls. Escape, the Close button or a click outside the image closes it, and the keyboard focus
   returns to the figure. Without JavaScript the link opens the image file itself. */
(() => {
  "use strict";

  function openFigure(link) {
    const image = link.querySelector("img");
    const number = link.closest("figure")?.querySelector(".caption-number")?.textContent.trim();
    const dialog = document.createElement("dialog");
    dialog.className = "figure-zoom-dialog";
    dialog.setAttribute("aria-label", `${number || "Figure"} at full size`);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "figure-zoom-close";
    close.textContent = "Close";
    close.addEventListener("click", () => dialog.close());
    const full = document.createElement("img");
    full.src = link.href;
    full.alt = image ? image.alt : "";
    dialog.append(close, full);
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("close", () => { dialog.remove(); link.focus(); });
    document.body.append(dialog);
    dialog.showModal();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.figure-zoom");
    if (!link || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;   // a new tab or window
    event.preventDefault();
    openFigure(link);
  });
})();
