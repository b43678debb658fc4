// The /search/ page: runs the reader's query against the site's Pagefind index, in the browser, offline.
// The URL (?q=, &section=, &author=, &sort=) fills the form, so the header search box works from every page.

const PAGE_SIZE = 10;
const root = document.querySelector("[data-search-bundle]");
if (root) start(root);

async function start(root) {
  const form = root.querySelector("form");
  const input = form.elements.q;
  const selects = [form.elements.section, form.elements.author, form.elements.sort];
  const status = root.querySelector("[data-search-status]");
  const list = root.querySelector("[data-search-results]");
  const more = root.querySelector("[data-search-more]");

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name) || "";
    if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  for (const box of document.querySelectorAll("input[name=q]")) box.value = input.value;
  root.querySelector(".search-options").hidden = false;

  let pagefind;
  try {
    pagefind = await import(root.dataset.searchBundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.searchRoot, excerptLength: 30 });
    await pagefind.init();
  } catch (err) {
    status.textContent = "Search is unavailable: the search index could not be loaded.";
    return;
  }

  let latest = 0; // the newest search wins; slower older ones are dropped
  let results = [];
  let shown = 0;

  async function run() {
    const ticket = ++latest;
    const query = input.value.trim();
    const filters = {};
    for (const name of ["section", "author"]) if (form.elements[name].value) filters[name] = form.elements[name].value;
    remember(query);
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Type a word or two to search the magazine.";
      return;
    }
    const sort = form.elements.sort.value === "date" || !query ? { date: "desc" } : undefined;
    status.textContent = "Searching…";
    const search = await pagefind.search(query || null, { filters, sort });
    if (ticket !== latest) return;
    results = search.results;
    shown = 0;
    list.replaceChildren();
    const scope = filters.section || filters.author ? ` in ${[filters.section, filters.author].filter(Boolean).join(", ")}` : "";
    const what = query ? ` for “${query}”` : "";
    if (!results.length) {
      status.textContent = `No results${what}${scope}. Check the spelling, or try fewer or other words.`;
      more.hidden = true;
      return;
    }
    await showMore(ticket);
    if (ticket === latest) status.textContent = `${results.length} ${results.length === 1 ? "result" : "results"}${what}${scope}`;
  }

  async function showMore(ticket) {
    const page = results.slice(shown, shown + PAGE_SIZE);
    shown += page.length;
    const data = await Promise.all(page.map((r) => r.data()));
    if (ticket !== latest) return;
    list.append(...data.map(resultItem));
    more.hidden = shown >= results.length;
  }

  function remember(query) {
    const next = new URLSearchParams();
    if (query) next.set("q", query);
    for (const select of selects) if (select.value) next.set(select.name, select.value);
    const search = next.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  for (const select of selects) select.addEventListener("change", run);
  more.addEventListener("click", () => showMore(latest));
  run();
}

function resultItem(data) {
  const item = el("li", "search-result");
  const section = (data.filters.section || [])[0];
  if (section) item.append(el("p", "card-section", section));
  const title = el("h2", "search-result-title");
  const link = el("a", "", data.meta.title || data.url);
  link.href = data.url;
  title.append(link);
  const excerpt = el("p", "search-result-excerpt");
  excerpt.append(marked(data.excerpt));
  const byline = el("p", "byline", (data.filters.author || []).join(", "));
  if (data.meta.date) {
    if (byline.textContent) byline.append(" · ");
    byline.append(el("span", "search-result-date", data.meta.date));
  }
  item.append(title, excerpt, byline);
  return item;
}

// Pagefind's excerpt is text with <mark> around the matched words; keep exactly that, never other markup.
function marked(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    out.append(node.nodeName === "MARK" ? el("mark", "", node.textContent) : node.textContent);
  }
  return out;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}
