// dutygraph network page: draws the JSON embedded by the server with vis-network, at the positions the
// server computed (physics off: the same data gives the same picture). Every text from the documents
// reaches the DOM as a text node (textContent), never as HTML.
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

  var KEYS = { kind: "类型", member_kind: "分组内容", count: "数量", plan: "方案", section: "章节", number: "序号",
               statement: "内容", departments: "责任单位", deadline: "完成时限", "function": "职能",
               family: "职能类别", orphan: "问题" };
  var ORPHAN = config.orphanReasons || {};
  var EDGE_NAMES = config.edgeNames || {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function factText(key, value) {
    if (key === "plan") { return (config.planNames || {})[value] || value; }
    if (key === "orphan") {
      return String(value).split(" ").map(function (r) { return ORPHAN[r] || r; }).join("；");
    }
    return String(value);
  }

  function nodeTip(node) {
    var info = node.info || {};
    var tip = el("div", "viz-tip");
    tip.appendChild(el("div", "tip-head", info.label || node.label));
    Object.keys(KEYS).forEach(function (key) {
      if (info[key] === undefined || info[key] === null || info[key] === "") { return; }
      var row = el("div", "tip-row");
      row.appendChild(el("span", "tip-key", KEYS[key]));
      row.appendChild(document.createTextNode(factText(key, info[key])));
      tip.appendChild(row);
    });
    if (node.kind === "cluster") {
      tip.appendChild(el("div", "tip-hint", data.clusters[node.id] ? "单击展开" :
        (node.expand && config.api ? "单击打开这一组" : "")));
    }
    return tip;
  }

  function edgeTip(edge) {
    var text = (EDGE_NAMES[edge.kind] || edge.kind) + (edge.weight ? " · " + edge.weight + " 项任务" : "");
    return el("div", "viz-tip", text);
  }

  function prepareNode(node) {
    node.title = nodeTip(node);
    if (node.root) { node.borderWidth = Math.max(node.borderWidth || 1, 3); }
    return node;
  }
  function edgeId(from, to, kind) { return from + "\u0001" + to + "\u0001" + kind; }
  function prepareEdge(edge) {
    edge.id = edgeId(edge.from, edge.to, edge.kind);
    edge.title = edgeTip(edge);
    return edge;
  }

  var nodes = new vis.DataSet(data.nodes.map(prepareNode));
  var edges = new vis.DataSet(data.edges.map(prepareEdge));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.vizNetwork = network;
  window.vizNodes = nodes;
  window.vizEdges = edges;

  // where each original node is drawn today (itself, or the cluster holding it)
  var home = {};
  Object.keys(data.clusters || {}).forEach(function (cid) {
    var c = data.clusters[cid];
    c.nodes.forEach(function (n) { home[n.id] = cid; });
    Object.keys(c.home).forEach(function (id) { if (!(id in home)) { home[id] = c.home[id]; } });
  });

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
    state.dataset.since_navigation = String(Math.round(performance.now()));   // navigation start → first picture
    report();
    state.dataset.ready = "1";
  }
  network.fit({ animation: false });
  network.on("afterDrawing", function () { if (ready) { report(); } else { markReady(); } });
  if (data.nodes.length === 0) {
    var empty = el("p", "empty", "此视图没有节点" +
      (data.view === "quality" || data.view === "dependencies" ? "（分析结果尚未写入）。" : "。"));
    container.appendChild(empty);
    markReady();
  }

  // What the tests and the benchmark measure, from what vis-network drew: label boxes that overlap
  // another, the drawing's aspect, the positions.
  window.vizMeasure = function () {
    var ids = network.body.nodeIndices.slice();
    var boxes = ids.map(function (id) { return network.getBoundingBox(id); });
    var overlapping = {};
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i], b = boxes[j];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
          overlapping[ids[i]] = true; overlapping[ids[j]] = true;
        }
      }
    }
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    boxes.forEach(function (b) {
      left = Math.min(left, b.left); top = Math.min(top, b.top);
      right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom);
    });
    var positions = network.getPositions();
    var rounded = {};
    Object.keys(positions).sort().forEach(function (id) {
      rounded[id] = [Math.round(positions[id].x * 10) / 10, Math.round(positions[id].y * 10) / 10];
    });
    return { nodes: ids.length, edges: network.body.edgeIndices.length, overlaps: Object.keys(overlapping).length,
             width: right - left, height: bottom - top, aspect: (right - left) / Math.max(1, bottom - top),
             scale: network.getScale(), positions: rounded, ms: Number(state.dataset.ms) };
  };

  // ---- clusters: a click unfolds a small one in place, a big one opens the narrower view
  function edgeWidth(base, weight) { return Math.min(6, base + 0.9 * Math.pow(Math.max(0, weight - 1), 0.7)); }

  function unfold(cid) {
    var c = data.clusters[cid];
    if (!c || !nodes.get(cid)) { return false; }
    var at = network.getPositions([cid])[cid];
    var added = c.nodes.map(function (n, i) {
      var copy = Object.assign({}, n);
      var angle = i * 2.399963;
      var radius = 70 + 38 * Math.sqrt(i);
      copy.x = at.x + radius * Math.cos(angle);
      copy.y = at.y + radius * Math.sin(angle) * 0.8;
      copy.fixed = true; copy.physics = false;
      home[n.id] = n.id;
      return prepareNode(copy);
    });
    edges.remove(network.getConnectedEdges(cid));
    nodes.remove(cid);
    nodes.add(added);
    var merged = {};
    c.edges.forEach(function (e) {
      var from = home[e.from] || e.from, to = home[e.to] || e.to;
      if (from === to || !nodes.get(from) || !nodes.get(to)) { return; }
      var key = edgeId(from, to, e.kind);
      if (!merged[key]) {
        merged[key] = Object.assign({}, e, { from: from, to: to, weight: 0, baseWidth: e.width || 1 });
      }
      merged[key].weight += e.weight || 1;
    });
    edges.update(Object.keys(merged).map(function (key) {
      var e = merged[key];
      var existing = edges.get(key);
      if (existing && existing.weight) { e.weight += existing.weight; }
      e.width = edgeWidth(e.baseWidth, e.weight);
      if (e.weight <= 1) { delete e.weight; }
      return prepareEdge(e);
    }));
    addLegend(added);
    separateSoon(added);
    report();
    return true;
  }
  window.vizUnfold = unfold;

  // once the new nodes are drawn (their label boxes known), outside vis-network's drawing cycle
  function separateSoon(added) {
    var ids = added.map(function (n) { return n.id; });
    setTimeout(function () { network.redraw(); separate(ids); report(); }, 0);
  }

  // push the unfolded nodes off every other label box (a few rounds; the rest of the picture stays put)
  function separate(moving) {
    var movingSet = {};
    moving.forEach(function (id) { movingSet[id] = true; });
    for (var round = 0; round < 40; round++) {
      var ids = network.body.nodeIndices.slice();
      var boxes = {};
      ids.forEach(function (id) { boxes[id] = network.getBoundingBox(id); });
      var moved = false, updates = [];
      moving.forEach(function (id) {
        var a = boxes[id], dx = 0, dy = 0;
        ids.forEach(function (other) {
          if (other === id) { return; }
          var b = boxes[other];
          var ox = Math.min(a.right, b.right) - Math.max(a.left, b.left) + 6;
          var oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) + 6;
          if (ox > 0 && oy > 0) {
            var cx = (a.left + a.right - b.left - b.right) / 2, cy = (a.top + a.bottom - b.top - b.bottom) / 2;
            var share = movingSet[other] ? 0.5 : 1;
            if (ox < oy) { dx += (cx >= 0 ? 1 : -1) * ox * share; } else { dy += (cy >= 0 ? 1 : -1) * oy * share; }
          }
        });
        if (dx || dy) {
          var body = network.body.nodes[id];        // moved directly: moveNode would redraw every time
          body.x += dx; body.y += dy;
          moved = true;
        }
      });
      if (!moved) { break; }
      network.redraw();
    }
    nodes.update(moving.map(function (id) {
      var p = network.getPositions([id])[id];
      return { id: id, x: p.x, y: p.y };
    }));
  }

  function addLegend(added) {
    var list = document.getElementById("legend-list");
    var kinds = config.kinds || {};
    var shown = {};
    Array.prototype.forEach.call(list.querySelectorAll("li[data-kind]"), function (li) { shown[li.dataset.kind] = true; });
    added.forEach(function (n) {
      var look = kinds[n.kind];
      if (!look || shown[n.kind]) { return; }
      shown[n.kind] = true;
      var li = el("li", null, look.label);
      li.dataset.kind = n.kind;
      var swatch = el("span", "swatch shape-" + look.shape);
      swatch.style.background = look.colour;
      swatch.style.borderColor = look.border;
      li.insertBefore(swatch, li.firstChild);
      list.appendChild(li);
    });
  }

  // click → unfold a cluster or open the node's page; double-click → the node's neighbours (server)
  var clickTimer = null;
  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var node = nodes.get(params.nodes[0]);
    if (!node) { return; }
    if (node.kind === "cluster") {
      if (!unfold(node.id) && node.expand && config.api) { window.location.assign(config.api + node.expand); }
      return;
    }
    if (!node.href || !config.links) { return; }
    clearTimeout(clickTimer);
    clickTimer = setTimeout(function () { window.location.assign(node.href); }, 350);
  });
  network.on("doubleClick", function (params) {
    clearTimeout(clickTimer);
    if (params.nodes.length) { expand(params.nodes[0]); }
  });

  function expand(id) {
    if (!config.api || String(id).indexOf("cluster:") === 0) { return; }
    var url = config.api + "/expand?node=" + encodeURIComponent(id) + "&limit=" + config.expandLimit;
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("expand failed: " + r.status); }
      return r.json();
    }).then(function (more) {
      var at = network.getPositions([id])[id] || { x: 0, y: 0 };
      var added = more.nodes.filter(function (n) { return !nodes.get(n.id); }).map(function (n, i) {
        var angle = i * 2.399963, radius = 70 + 38 * Math.sqrt(i);
        n.x = at.x + radius * Math.cos(angle);
        n.y = at.y + radius * Math.sin(angle) * 0.8;
        return prepareNode(n);
      });
      nodes.add(added);
      edges.update(more.edges.filter(function (e) { return nodes.get(e.from) && nodes.get(e.to); }).map(prepareEdge));
      addLegend(added);
      separateSoon(added);
      report();
    }).catch(function (e) { errors.push(String(e)); report(); });
  }
  window.vizExpand = expand;

  // search: first the nodes on screen (client side), then the store (server side, names only)
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var searchTimer = null;
  var KIND_NAMES = config.kindNames || {};
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
  function fullName(n) { return (n.info && n.info.label) || n.label; }
  function runSearch() {
    var q = box.value.trim();
    list.textContent = "";
    if (!q) { return; }
    var local = nodes.get({ filter: function (n) { return String(fullName(n)).indexOf(q) >= 0; } }).slice(0, 15);
    local.forEach(function (n) { result(fullName(n), "图中", function () { pickLocal(n.id); }); });
    if (!config.api) { return; }
    fetch(config.api + "/search?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
      .then(function (found) {
        if (box.value.trim() !== q) { return; }
        found.results.forEach(function (hit) {
          if (nodes.get(hit.id)) { return; }
          result(hit.label, KIND_NAMES[hit.kind] || hit.kind, function () {
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
