// Progressive enhancement for the share links: a "Copy link" button where the browser can copy.
for (const button of document.querySelectorAll("[data-copy-link]")) {
  if (!navigator.clipboard) continue;
  const status = button.closest(".share").querySelector(".share-status");
  button.disabled = false;  // the button keeps its place from the start, so enabling it shifts nothing
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copyLink);
      status.textContent = "Link copied";
    } catch {
      status.textContent = "Could not copy: copy the address from your browser";
    }
  });
}
