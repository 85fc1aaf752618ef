// The interactive replay page: the standings at any moment, computed from each car's mark passings with the same
// ordering keys as sim/standings.py Progress.order_at (out-of-race rank, -marks, last passing, entry order).
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("replay-data").textContent);
  var FLAG_RANK = { finished: 0, running: 0, NC: 1, retired: 2, disqualified: 2, DSQ: 2 };
  var OUT_STATUS = { retired: true, disqualified: true, DSQ: true };
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var $ = function (id) { return document.getElementById(id); };
  var state = { t: 0, by: D.order, playing: false, car: null, klass: "", checkpoint: null };
  var startMs = (function () {
    var m = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/.exec(D.start);
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  })();
  var cars = D.cars;
  cars.forEach(function (c, i) {
    c.index = i;
    c.eventTimes = c.events.map(function (e) { return e[0]; });
  });

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function clockDate(t) { return new Date(startMs + Math.round(t * 1000)); }
  function axisTime(t) {  // Plotly date axis: local-free "YYYY-MM-DD HH:MM:SS"
    var d = clockDate(t);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  function clockLabel(t, seconds) {
    var d = clockDate(t);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + (seconds ? ":" + pad(d.getUTCSeconds()) : "");
  }
  function duration(s) {
    s = Math.round(Math.abs(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h ? h + ":" + pad(m) + ":" + pad(sec) : m + ":" + pad(sec);
  }
  function bisectRight(a, t) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function bisectLeft(a, t) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // -- the standings (sim/standings.py) --------------------------------------------------------------------------
  function statusAt(c, t) {
    if (t >= D.duration_s) return c.flag_status;
    if (c.end !== null && t >= c.end && c.out) return c.end_kind;
    return "running";
  }
  function rowOf(c, t, by) {
    var n = bisectRight(c.crossings, t);
    var last = n ? c.crossings[n - 1] : c.start;
    var status = statusAt(c, t);
    var out = status in FLAG_RANK ? FLAG_RANK[status] : (status === "running" ? 0 : 2);
    var key = by === "elapsed" && n ? last - c.start : last;
    return { c: c, n: n, last: last, status: status, out: out, key: key };
  }
  // level on every key (all of them at the start): the grid, else the car numbers (Progress.start_rank)
  function before(a, b) { return a.out - b.out || b.n - a.n || a.key - b.key || a.c.start_rank - b.c.start_rank; }
  function orderAt(t, by) {
    var rows = cars.map(function (c) { return rowOf(c, t, by); });
    rows.sort(before);
    return rows;
  }
  function leaderAt(t, by) {
    var best = null;
    cars.forEach(function (c) { var r = rowOf(c, t, by); if (best === null || before(r, best) < 0) best = r; });
    return best;
  }
  function within(spans, t) {
    for (var i = 0; i < spans.length; i++) {
      if (spans[i][0] <= t && (spans[i][1] === null || t < spans[i][1])) return true;
    }
    return false;
  }
  function shownStatus(r, t) {  // [data-status, text]
    var c = r.c;
    if (OUT_STATUS[r.status] || (r.status === "retired")) {
      return [r.status, (r.status === "DSQ" ? "disqualified" : r.status) + (c.reason ? ": " + c.reason : "")];
    }
    if (t >= D.duration_s) return [r.status, r.status === "NC" ? "not classified" : r.status];
    if (within(c.pits, t)) return ["in-pits", "in the pits"];
    if (within(c.delays, t)) return ["delayed", "delayed"];
    if (c.end !== null && t >= c.end && c.end_kind === "stopped") return ["stopped", "stopped" + (c.reason ? ": " + c.reason : "")];
    if (c.end !== null && t >= c.end && c.end_kind === "finished") return ["finished", "finished"];
    if (t < c.start) return ["waiting", "not started"];
    return ["running", "running"];
  }
  function marksText(n) {
    if (!D.mark_names.length) return String(n);
    return n ? n + " " + D.mark_names[Math.min(n, D.mark_names.length) - 1] : "0 start";
  }
  function lastEvent(c, t) {
    var i = bisectRight(c.eventTimes, t) - 1;
    return i < 0 ? "" : clockLabel(c.events[i][0]) + " " + c.events[i][1];
  }

  // -- lead changes, for the ticker ------------------------------------------------------------------------------
  function leadChanges() {
    var times = [0];
    cars.forEach(function (c) { times.push.apply(times, c.crossings); if (c.end !== null) times.push(c.end); });
    times.sort(function (a, b) { return a - b; });
    var out = [], leader = null;
    for (var i = 0; i < times.length; i++) {
      if (i && times[i] === times[i - 1]) continue;
      var r = leaderAt(times[i], D.order);
      if (r.c.car !== leader) {
        if (leader !== null) out.push([times[i], r.c.car, "lead", "takes the lead (" + marksText(r.n) + ")"]);
        leader = r.c.car;
      }
    }
    return out;
  }
  var ticker = D.ticker.concat(leadChanges()).sort(function (a, b) { return a[0] - b[0]; });
  var tickerTimes = ticker.map(function (e) { return e[0]; });

  // -- rendering -------------------------------------------------------------------------------------------------
  var unitTitle = D.unit.charAt(0).toUpperCase() + D.unit.slice(1);
  function renderClock(t) {
    var d = clockDate(t);
    var into = t >= D.duration_s ? "the flag" : duration(t) + " into the race (hour " + (Math.floor(t / 3600) + 1) + ")";
    var band = D.bands.filter(function (b) { return b.from <= t && t < b.to; }).map(function (b) { return b.name; });
    $("clock").textContent = DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " +
      clockLabel(t, true) + " · " + into + (band.length ? " · " + band.join(", ") : "");
  }
  function renderBoard(t) {
    var rows = orderAt(t, state.by);
    var leader = rows[0], html = [];
    rows.forEach(function (r, k) {
      var c = r.c;
      if (state.klass && c["class"] !== state.klass) return;
      var gap = "";
      if (k > 0) {
        var lc = leader.c.crossings, off = state.by === "elapsed" ? c.start : 0, loff = state.by === "elapsed" ? leader.c.start : 0;
        var gapLaps = leader.n - r.n;
        var gapS = r.n > 0 && r.n <= lc.length ? r.last - off - lc[r.n - 1] + loff : null;
        if (gapS !== null && gapS < 0) gapS = null;  // passed its last mark before the leader: behind in marks only
        gap = (gapLaps ? "+" + gapLaps + " " + (gapLaps === 1 ? D.unit.replace(/s$/, "") : D.unit) : "") +
          (gapS !== null ? (gapLaps ? " " : "") + "+" + duration(gapS) : "");
      }
      var st = shownStatus(r, t);
      html.push('<tr data-car="' + esc(c.car) + '" data-status="' + esc(st[0]) + '" data-standing="' + esc(r.status) +
        '" data-laps="' + r.n + '"' + (state.car === c.car ? ' class="highlight"' : "") + ">" +
        '<td class="num">' + (k + 1) + "</td>" +
        '<td title="' + esc(c.make + ", " + c.team) + '"><span class="swatch" style="background:' + esc(c.colour) + '"></span>' + esc(c.car) + "</td>" +
        '<td class="drivers">' + esc(c.drivers) + '</td><td class="wider">' + esc(c.team) + '</td><td class="wider">' +
        esc(c.make) + '</td><td class="narrow">' + esc(c["class"]) + '</td><td class="num">' + esc(marksText(r.n)) + "</td>" +
        '<td class="num gap">' + esc(gap) + '</td><td class="status">' + esc(st[1]) + '</td><td class="last wide">' +
        esc(lastEvent(c, t)) + "</td></tr>");
    });
    document.querySelector("#leaderboard tbody").innerHTML = html.join("");
  }
  function renderTicker(t) {
    var end = bisectRight(tickerTimes, t), html = [];
    for (var i = end - 1; i >= 0 && i >= end - 40; i--) {
      var e = ticker[i];
      html.push('<li class="' + esc(e[2]) + '" data-car="' + esc(e[1]) + '"><time>' + clockLabel(e[0]) + "</time>car " +
        esc(e[1]) + " " + esc(e[3]) + "</li>");
    }
    $("ticker").innerHTML = html.join("");
  }

  // -- the chart -------------------------------------------------------------------------------------------------
  var chart = $("chart"), cursorShape = 0, carTraces = 0, chartReady = false;
  function buildChart() {
    var step = Math.max(60, Math.ceil(D.duration_s / 720));
    var grid = [];
    for (var t = 0; t < D.duration_s; t += step) grid.push(t);
    grid.push(D.duration_s);
    var pos = cars.map(function () { return []; }), laps = cars.map(function () { return []; });
    grid.forEach(function (t) {
      orderAt(t, D.order).forEach(function (r, k) {
        var gone = r.c.out && r.c.end !== null && t > r.c.end;
        pos[r.c.index].push(gone || t < r.c.start ? null : k + 1);
        laps[r.c.index].push(r.n);
      });
    });
    var x = grid.map(axisTime);
    var traces = cars.map(function (c) {
      return {
        type: "scatter", mode: "lines", x: x, y: pos[c.index], customdata: laps[c.index], meta: c.car,
        name: c.car, line: { color: c.colour, width: 1.4, shape: "hv" }, opacity: 0.85, connectgaps: false,
        hovertemplate: "<b>car " + esc(c.car) + "</b> · " + esc(c.make) + " · " + esc(c["class"]) + "<br>" +
          esc(c.drivers) + "<br>P%{y} · %{customdata} " + esc(D.unit) + "<br>%{x}<extra></extra>",
      };
    });
    carTraces = traces.length;
    var marked = D.checkpoints.map(function (cp, i) { return [cp, i]; }).filter(function (p) { return p[0].time_s !== null; });
    traces.push({
      type: "scatter", mode: "markers", name: "checkpoints", meta: "checkpoints",
      x: marked.map(function (p) { return axisTime(Math.min(p[0].time_s, D.duration_s)); }),
      y: marked.map(function (p) { return checkpointY(p[0]); }),
      customdata: marked.map(function (p) { return p[1]; }),
      text: marked.map(function (p) { return p[0].id + " (" + p[0].status + ")"; }),
      marker: { size: 10, symbol: "diamond", color: marked.map(function (p) { return p[0].colour; }),
                line: { color: "#222", width: 1 } },
      hovertemplate: "%{text}<br>click for the quote<extra></extra>",
    });
    var shapes = D.bands.map(function (b) {
      return { type: "rect", xref: "x", yref: "paper", x0: axisTime(b.from), x1: axisTime(Math.min(b.to, D.duration_s)),
               y0: 0, y1: 1, fillcolor: b.name === "fog" ? "rgba(150,150,150,0.22)" : "rgba(40,50,110,0.10)",
               line: { width: 0 }, layer: "below" };
    });
    cursorShape = shapes.length;
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: x[0], x1: x[0], y0: 0, y1: 1,
                  line: { color: "#d00", width: 2 } });
    var layout = {
      margin: { l: 34, r: 8, t: 6, b: 34 }, showlegend: false, hovermode: "closest", shapes: shapes,
      xaxis: { type: "date", tickformat: "%H:%M", fixedrange: false },
      yaxis: { range: [cars.length + 0.5, 0.5], title: { text: "position" }, zeroline: false, tick0: 0, dtick: 5 },
      plot_bgcolor: "#fff", paper_bgcolor: "#fff",
    };
    return window.Plotly.newPlot(chart, traces, layout, { displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["lasso2d", "select2d"] }).then(function () {
      chartReady = true;
      chart.on("plotly_click", function (ev) {
        var p = ev.points && ev.points[0];
        if (!p) return;
        if (p.data.meta === "checkpoints") showCheckpoint(p.customdata);
        else highlight(p.data.meta);
      });
    });
  }
  function checkpointY(cp) {
    for (var i = 0; i < cp.marks.length; i++) if (cp.marks[i][1] != null) return cp.marks[i][1];
    if (cp.marks.length) {
      var rows = orderAt(Math.min(cp.time_s, D.duration_s), D.order);
      for (var k = 0; k < rows.length; k++) if (rows[k].c.car === String(cp.marks[0][0])) return k + 1;
    }
    return 1;
  }
  var cursorPending = false;
  function moveCursor() {
    if (!chartReady || cursorPending) return;
    cursorPending = true;
    requestAnimationFrame(function () {
      cursorPending = false;
      var x = axisTime(state.t), upd = {};
      upd["shapes[" + cursorShape + "].x0"] = x;
      upd["shapes[" + cursorShape + "].x1"] = x;
      window.Plotly.relayout(chart, upd);
    });
  }
  function highlight(car) {
    state.car = state.car === car ? null : car;
    if (chartReady) {
      var idx = [], op = [], width = [];
      cars.forEach(function (c, i) {
        idx.push(i);
        op.push(state.car === null ? 0.85 : (c.car === state.car ? 1 : 0.12));
        width.push(c.car === state.car ? 3.5 : 1.4);
      });
      window.Plotly.restyle(chart, { opacity: op, "line.width": width }, idx);
    }
    document.body.dataset.highlight = state.car || "";
    render();
  }

  // -- checkpoints -----------------------------------------------------------------------------------------------
  function value(v) { return Array.isArray(v) ? v.join(", ") : (v === null || v === undefined ? "—" : String(v)); }
  function buildCheckpoints() {
    $("checkpoints").innerHTML = D.checkpoints.map(function (cp, i) {
      return '<li><button type="button" class="checkpoint" data-index="' + i + '" data-id="' + esc(cp.id) +
        '" data-status="' + esc(cp.status) + '"><span class="dot" style="background:' + esc(cp.colour) + '"></span>' +
        esc(cp.moment || "—") + " " + esc(cp.id) + " <i>" + esc(cp.status) + "</i></button></li>";
    }).join("");
    $("totals").textContent = Object.keys(D.totals).map(function (k) { return D.totals[k] + " " + k; }).join(", ");
    $("checkpoints").addEventListener("click", function (ev) {
      var b = ev.target.closest("button.checkpoint");
      if (b) showCheckpoint(+b.dataset.index);
    });
  }
  function showCheckpoint(i) {
    var cp = D.checkpoints[i];
    state.checkpoint = i;
    Array.prototype.forEach.call(document.querySelectorAll("button.checkpoint"), function (b) {
      b.classList.toggle("selected", +b.dataset.index === i);
    });
    var box = $("checkpoint-detail");
    box.dataset.id = cp.id;
    box.dataset.status = cp.status;
    box.innerHTML = "<b>" + esc(cp.id) + "</b> · <span style=\"color:" + esc(cp.colour) + "\">" + esc(cp.status) +
      "</span> · " + esc(cp.moment || "no moment") + '<blockquote class="quote">“' + esc(cp.quote) + "”</blockquote>" +
      "published: <b class=\"published\">" + esc(value(cp.published)) + "</b>; replay: <b class=\"replay\">" +
      esc(value(cp.replay)) + "</b>" + (cp.note ? '<div class="note">' + esc(cp.note) + "</div>" : "") +
      (cp.section ? '<div class="keys">' + esc(cp.section) + "</div>" : "");
    if (cp.time_s !== null) setTime(cp.time_s, true);
  }

  // -- time, play, keys, address ---------------------------------------------------------------------------------
  var slider = $("slider");
  var hashTimer = null;
  function render() {
    renderClock(state.t);
    renderBoard(state.t);
    renderTicker(state.t);
    moveCursor();
    document.body.dataset.t = String(state.t);
  }
  function setTime(t, updateHash) {
    t = Math.max(0, Math.min(D.duration_s, +t || 0));
    state.t = t;
    slider.value = String(t);
    render();
    if (updateHash && !state.playing) {
      clearTimeout(hashTimer);
      hashTimer = setTimeout(function () {
        try { history.replaceState(null, "", "#t=" + Math.round(state.t)); } catch (e) { /* a sandboxed frame */ }
      }, 250);
    }
  }
  function timeFromHash() {
    var m = /(?:^#|&)t=([0-9]+(?:\.[0-9]+)?)/.exec(location.hash);
    return m ? parseFloat(m[1]) : null;
  }
  var lastFrame = null;
  function frame(now) {
    if (!state.playing) return;
    if (lastFrame !== null) {
      var t = state.t + (now - lastFrame) / 1000 * +$("speed").value;
      setTime(t, false);
      if (t >= D.duration_s) { setPlaying(false); return; }
    }
    lastFrame = now;
    requestAnimationFrame(frame);
  }
  function setPlaying(on) {
    state.playing = on;
    $("play").innerHTML = on ? "&#10074;&#10074; Pause" : "&#9654; Play";
    document.body.dataset.playing = on ? "1" : "0";
    if (on) {
      if (state.t >= D.duration_s) setTime(0, false);
      lastFrame = null;
      requestAnimationFrame(frame);
    } else {
      setTime(state.t, true);
    }
  }
  function stepLeader(direction) {
    var leader = orderAt(state.t, state.by)[0].c.crossings;
    var t;
    if (direction > 0) {
      var k = bisectRight(leader, state.t);
      t = k < leader.length ? leader[k] : D.duration_s;
    } else {
      var j = bisectLeft(leader, state.t) - 1;
      t = j >= 0 ? leader[j] : 0;
    }
    setTime(t, true);
  }

  function init() {
    $("title").textContent = D.title;
    $("subtitle").textContent = D.label + ", seed " + D.seed + " · " + cars.length + " cars · " + D.kind +
      " · standings by " + D.order;
    $("marks-head").textContent = unitTitle;
    document.querySelector("#controls .keys").textContent =
      "space: play/pause \u00b7 \u2190 \u2192: one " + D.unit.replace(/s$/, "") + " of the leader";
    slider.max = String(D.duration_s);
    $("bands").innerHTML = D.bands.map(function (b) {
      return '<span class="' + esc(b.name) + '" title="' + esc(b.name) + '" style="left:' + (100 * b.from / D.duration_s) +
        "%;width:" + (100 * (Math.min(b.to, D.duration_s) - b.from) / D.duration_s) + '%"></span>';
    }).join("");
    var classes = Array.from(new Set(cars.map(function (c) { return c["class"]; }))).sort();
    $("class-filter").innerHTML += classes.map(function (k) { return '<option value="' + esc(k) + '">' + esc(k) + "</option>"; }).join("");
    $("class-filter").addEventListener("change", function () { state.klass = this.value; render(); });
    if (D.order === "elapsed") {  // a time trial: the elapsed order decides it; the road order is who is ahead on the road
      var sel = document.createElement("select");
      sel.id = "order";
      sel.innerHTML = '<option value="elapsed">elapsed order</option><option value="road">road order</option>';
      sel.addEventListener("change", function () { state.by = this.value; render(); });
      $("class-filter").parentNode.after(sel);
    } else {
      $("order") && $("order").remove();
    }
    slider.addEventListener("input", function () { setTime(+slider.value, true); });
    $("play").addEventListener("click", function () { setPlaying(!state.playing); });
    document.querySelector("#leaderboard tbody").addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr[data-car]");
      if (tr) highlight(tr.dataset.car);
    });
    document.addEventListener("keydown", function (ev) {
      var tag = (ev.target.tagName || "").toLowerCase();
      if (tag === "select" || tag === "input" && ev.target !== slider) return;
      if (ev.key === " " || ev.code === "Space") { ev.preventDefault(); setPlaying(!state.playing); }
      else if (ev.key === "ArrowRight") { ev.preventDefault(); stepLeader(1); }
      else if (ev.key === "ArrowLeft") { ev.preventDefault(); stepLeader(-1); }
    });
    window.addEventListener("hashchange", function () { var t = timeFromHash(); if (t !== null) setTime(t, false); });
    buildCheckpoints();
    var t0 = timeFromHash();
    setTime(t0 === null ? 0 : t0, false);
    document.body.dataset.ready = "board";
  }

  function loadPlotly() {
    var packed = document.getElementById("plotly-gz").textContent.trim();
    var bytes = Uint8Array.from(atob(packed), function (ch) { return ch.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (code) {
      var s = document.createElement("script");
      s.textContent = code;
      document.head.appendChild(s);
    });
  }

  init();
  window.replayPage = { orderAt: orderAt, setTime: setTime, data: D, state: state };
  if (typeof DecompressionStream === "undefined") {
    $("error").hidden = false;
    $("error").textContent = "This browser cannot unpack the chart library (no DecompressionStream); the standings still work.";
    document.body.dataset.ready = "1";
  } else {
    loadPlotly().then(buildChart).then(function () { moveCursor(); document.body.dataset.ready = "1"; },
      function (err) {
        $("error").hidden = false;
        $("error").textContent = "The chart could not be drawn: " + err;
        document.body.dataset.ready = "1";
      });
  }
})();
