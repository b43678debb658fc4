// Live reload for `magsite serve` (never part of a built site): reloads the page after a rebuild, swaps
// stylesheets after a CSS-only change, and shows build problems in an overlay until they are fixed.
// One tab per browser holds the event stream and passes states on, so many open tabs do not exhaust
// the browser's connections to the preview server.
(() => {
  "use strict";
  const script = document.currentScript;
  const run = script.dataset.run;
  let build = Number(script.dataset.build);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("magsite-preview") : null;
  let latest = null;

  function apply(state) {
    latest = state;
    document.documentElement.dataset.magsitePreview = "live"; // connected: saves will show up here
    showProblems(state.problems);
    if (state.build === 0 || (state.run === run && state.build === build)) return;
    if (state.run === run && build > 0 && build >= state.css_base) {
      swapStylesheets(state.css);
      build = state.build;
    } else {
      location.reload();
    }
  }

  const unhashed = (path) => path.replace(/\.[0-9a-f]{10}\.css$/, ".css");

  function swapStylesheets(urls) {
    const current = new Map(urls.map((url) => [unhashed(url), url]));
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const path = new URL(link.href, location.href).pathname;
      const next = current.get(unhashed(path));
      if (next && next !== path) {
        const fresh = link.cloneNode();
        fresh.href = next;
        fresh.addEventListener("load", () => link.remove()); // no flash of unstyled page
        link.after(fresh);
      }
    }
  }

  function showProblems(lines) {
    let box = document.getElementById("magsite-problems");
    if (!lines.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "magsite-problems";
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", inset: "auto 0 0 0", maxHeight: "60vh", overflow: "auto", zIndex: "2147483647",
        margin: "0", padding: "1rem 1.25rem", background: "#2b0b0b", color: "#fff", borderTop: "4px solid #e5484d",
        font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", boxShadow: "0 -4px 16px #0006",
      });
      document.body.append(box);
    }
    const title = document.createElement("h2");
    Object.assign(title.style, { font: "700 16px/1.3 system-ui, sans-serif", margin: "0 0 .5rem" });
    title.textContent = `magsite: ${lines.length} problem${lines.length === 1 ? "" : "s"}, still showing the last good build`;
    const list = document.createElement("ul");
    Object.assign(list.style, { margin: "0", padding: "0", listStyle: "none" });
    for (const line of lines) {
      const item = document.createElement("li");
      item.textContent = line;
      Object.assign(item.style, { whiteSpace: "pre-wrap", margin: ".25rem 0" });
      list.append(item);
    }
    box.replaceChildren(title, list);
  }

  function listen() {
    const events = new EventSource("/__magsite__/events");
    events.addEventListener("state", (event) => {
      const state = JSON.parse(event.data);
      if (channel) channel.postMessage(state);
      apply(state);
    });
    return new Promise(() => {}); // keeps the lock for as long as this page lives
  }

  if (channel && navigator.locks) {
    channel.addEventListener("message", (event) => {
      if (event.data === "hello") {
        if (latest) channel.postMessage(latest);
      } else {
        apply(event.data);
      }
    });
    navigator.locks.request("magsite-preview", listen);
    channel.postMessage("hello");
  } else {
    listen();
  }
})();
