// dutygraph network page: draws the JSON embedded by the server with vis-network. Every text from the
// documents reaches the DOM as a text node (textContent), never as HTML.
(function () {
  "use strict";
  var errors = [];
  window.__vizErrors = errors;
  window.addEventListener("error", function (e) { errors.push(String(e.message || e)); });
  window.addEventListener("unhandledrejection", function (e) { errors.push(String(e.reason)); });

  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var config = JSON.parse(document.getElementById("viz-config").textContent);
  var state = document.getElementById("viz-state");
  var t0 = performance.now();

  var KEYS = { kind: "类型", plan: "方案", number: "序号", statement: "任务", departments: "责任单位",
               deadline: "完成时限", "function": "职能", orphan: "问题" };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function nodeTip(node) {
    var info = node.info || {};
    var tip = el("div", "viz-tip");
    tip.appendChild(el("div", "tip-head", info.label || node.label || node.id));
    Object.keys(KEYS).forEach(function (key) {
      if (info[key] === undefined || info[key] === "" || key === "label") { return; }
      var row = el("div", "tip-row");
      row.appendChild(el("span", "tip-key", KEYS[key]));
      row.appendChild(document.createTextNode(String(info[key])));
      tip.appendChild(row);
    });
    return tip;
  }

  function edgeTip(edge) {
    var text = edge.kind + (edge.value ? " · " + edge.value : "");
    return el("div", "viz-tip", text);
  }

  function prepareNode(node) {
    node.title = nodeTip(node);
    if (node.root) { node.borderWidth = Math.max(node.borderWidth || 1, 3); node.font = { size: 16 }; }
    return node;
  }
  function prepareEdge(edge) {
    edge.id = edge.from + "\u0001" + edge.to + "\u0001" + edge.kind;
    edge.title = edgeTip(edge);
    return edge;
  }

  var nodes = new vis.DataSet(data.nodes.map(prepareNode));
  var edges = new vis.DataSet(data.edges.map(prepareEdge));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.vizNetwork = network;
  window.vizNodes = nodes;

  var ready = false;
  function report() {
    state.dataset.nodes = String(network.body.nodeIndices.length);
    state.dataset.edges = String(network.body.edgeIndices.length);
    state.dataset.errors = String(errors.length);
    state.textContent = JSON.stringify({ nodes: network.body.nodeIndices.length,
      edges: network.body.edgeIndices.length, errors: errors, ms: state.dataset.ms });
  }
  function markReady() {
    if (ready) { return; }
    ready = true;
    state.dataset.ms = String(Math.round(performance.now() - t0));
    report();
    state.dataset.ready = "1";
  }
  var physicsOn = data.options.physics && data.options.physics.enabled;
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
  });
  network.on("afterDrawing", function () {
    if (!ready) { markReady(); } else { report(); }
  });
  if (!physicsOn && data.nodes.length === 0) { markReady(); }
  if (data.nodes.length === 0) {
    var empty = el("p", "empty", "此视图没有节点。No nodes in this view" +
      (data.view === "quality" || data.view === "dependencies" ? " (analysis results not in the store yet)." : "."));
    container.appendChild(empty);
    markReady();
  }

  // click → page, double-click → expand (a click waits briefly in case a second one follows)
  var clickTimer = null;
  network.on("click", function (params) {
    if (!params.nodes.length || !config.links) { return; }
    var node = nodes.get(params.nodes[0]);
    if (!node || !node.href) { return; }
    clearTimeout(clickTimer);
    clickTimer = setTimeout(function () { window.location.assign(node.href); }, 350);
  });
  network.on("doubleClick", function (params) {
    clearTimeout(clickTimer);
    if (params.nodes.length) { expand(params.nodes[0]); }
  });

  function expand(id) {
    if (!config.api) { return; }
    var url = config.api + "/expand?node=" + encodeURIComponent(id) + "&limit=" + config.expandLimit;
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("expand failed: " + r.status); }
      return r.json();
    }).then(function (more) {
      var at = network.getPositions([id])[id] || { x: 0, y: 0 };
      var added = more.nodes.filter(function (n) { return !nodes.get(n.id); }).map(function (n, i) {
        var angle = i * 2.399963, radius = 60 + 12 * Math.sqrt(i);
        n.x = at.x + radius * Math.cos(angle);
        n.y = at.y + radius * Math.sin(angle);
        return prepareNode(n);
      });
      nodes.add(added);
      edges.update(more.edges.map(prepareEdge));
      report();
    }).catch(function (e) { errors.push(String(e)); report(); });
  }
  window.vizExpand = expand;

  // search: first the nodes on screen (client side), then the store (server side, names only)
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var searchTimer = null;
  function result(label, where, onPick) {
    var li = el("li", null, label);
    li.appendChild(el("span", "where", where));
    li.addEventListener("click", onPick);
    list.appendChild(li);
  }
  function pickLocal(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    list.textContent = "";
  }
  function runSearch() {
    var q = box.value.trim();
    list.textContent = "";
    if (!q) { return; }
    var local = nodes.get({ filter: function (n) { return String(n.label).indexOf(q) >= 0; } }).slice(0, 15);
    local.forEach(function (n) { result(n.label, "图中 on screen", function () { pickLocal(n.id); }); });
    if (!config.api) { return; }
    fetch(config.api + "/search?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
      .then(function (found) {
        if (box.value.trim() !== q) { return; }
        found.results.forEach(function (hit) {
          if (nodes.get(hit.id)) { return; }
          result(hit.label, hit.kind, function () {
            window.location.assign(config.api + "?focus=" + encodeURIComponent(hit.id));
          });
        });
      }).catch(function (e) { errors.push(String(e)); });
  }
  box.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 200); });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && list.firstChild) { list.firstChild.click(); }
  });
  window.vizSearch = function (q) { box.value = q; runSearch(); };
})();
