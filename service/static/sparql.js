// SPARQL editor: runs the query against /sparql and renders the result table with textContent only.
(function () {
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const query = document.getElementById("query");
  const table = document.getElementById("results");
  const status = document.getElementById("status");
  document.getElementById("examples").addEventListener("change", (e) => {
    if (e.target.value !== "") query.value = examples[Number(e.target.value)].text;
  });
  function cell(tag, text) { const el = document.createElement(tag); el.textContent = text; return el; }
  async function run() {
    status.textContent = "…";
    table.replaceChildren();
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" },
      body: query.value,
    });
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) { status.textContent = body.detail || "error"; status.className = "error"; return; }
    status.className = "";
    if (typeof body.boolean === "boolean") { status.textContent = String(body.boolean); return; }
    const vars = body.head.vars;
    const head = document.createElement("tr");
    vars.forEach((v) => head.appendChild(cell("th", v)));
    table.appendChild(head);
    body.results.bindings.forEach((b) => {
      const tr = document.createElement("tr");
      vars.forEach((v) => tr.appendChild(cell("td", b[v] ? b[v].value : "")));
      table.appendChild(tr);
    });
    status.textContent = body.results.bindings.length + " rows";
    document.body.dataset.rows = String(body.results.bindings.length);
  }
  document.getElementById("run").addEventListener("click", run);
  window.dutygraphRun = run;
})();
