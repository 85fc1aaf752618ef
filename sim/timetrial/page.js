// The time trial's part of the replay page, run after the shared script (sim/html/replay.js) with its state as
// window.replayPage. It ranks the leaderboard as sim/standings.py ranks by "elapsed": by elapsed time at the last
// control each car passed, measured against the eventual winner's elapsed time at that control (so a car that
// started hours earlier does not lead by having passed more controls); running cars that passed no control follow
// those that did, cars out of the race come last by their controls. The second view, "road", is who is physically
// ahead, by km (sim/timetrial/standings.py road_order). Every control passage is an event; the chart draws the
// front runners' gaps to the eventual winner at each control instead of every car's position.
(function () {
  "use strict";
  var P = window.replayPage;
  if (!P || !P.data.elapsed) return;
  var D = P.data, X = D.elapsed, state = P.state, cars = D.cars;
  var FLAG_RANK = { finished: 0, running: 0, NC: 1, retired: 2, disqualified: 2, DSQ: 2 };
  var OUT_STATUS = { retired: true, disqualified: true, DSQ: true };
  var $ = function (id) { return document.getElementById(id); };
  var startMs = (function () {
    var m = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/.exec(D.start);
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  })();
  var byCar = {};
  cars.forEach(function (c, i) { c.index = i; byCar[c.car] = c; c.road = X.road[c.car]; });

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function clockLabel(t) {
    var d = new Date(startMs + Math.round(t * 1000));
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function hms(s) {
    s = Math.round(Math.abs(s));
    return Math.floor(s / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }
  function signed(s) { return (s < 0 ? "\u2212" : "+") + hms(s); }
  function bisectRight(a, t) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function controlName(n) { return n ? D.mark_names[Math.min(n, D.mark_names.length) - 1] : "start"; }

  // -- every control passage an event ----------------------------------------------------------------------------
  X.passings.forEach(function (e) { byCar[e[1]].events.push([e[0], e[3]]); });
  cars.forEach(function (c) {
    c.events.sort(function (a, b) { return a[0] - b[0]; });  // stable: a passage after the events of its moment
    c.eventTimes = c.events.map(function (e) { return e[0]; });
  });

  // -- the orders (sim/standings.py "elapsed", sim/timetrial/standings.py road_order) ------------------------------
  var R = X.reference_elapsed;
  function statusAt(c, t) {
    if (t >= D.duration_s) return c.flag_status;
    if (c.end !== null && t >= c.end && c.out) return c.end_kind;
    return "running";
  }
  function toWinner(c, n) {  // elapsed at the n-th control less the winner's there
    return n > 0 && n <= R.length ? (c.crossings[n - 1] - c.start) - R[n - 1] : null;
  }
  function kmAt(c, t) {  // numpy.interp(t, clock, km, left=0)
    var x = c.road.clock, y = c.road.km;
    if (!x.length || t < x[0]) return 0;
    if (t >= x[x.length - 1]) return y[y.length - 1];
    var j = bisectRight(x, t) - 1;
    if (t === x[j]) return y[j];
    return (y[j + 1] - y[j]) / (x[j + 1] - x[j]) * (t - x[j]) + y[j];
  }
  function rowOf(c, t, by) {
    var n = bisectRight(c.crossings, t);
    var last = n ? c.crossings[n - 1] : c.start;
    var status = statusAt(c, t);
    var out = status in FLAG_RANK ? FLAG_RANK[status] : (status === "running" ? 0 : 2);
    var r = { c: c, n: n, last: last, status: status, out: out };
    if (by === "road") {
      var clock = c.road.clock, started = t >= c.start;
      r.km = started ? kmAt(c, t) : 0;
      r.out = started ? (clock.length && t >= clock[clock.length - 1] && !c.road.finished ? 1 : 0) : 2;
      r.tier = 0;
      r.key = -r.km;
      r.tie = r.c.index;  // as road_order: entry order
    } else {
      r.tier = out > 0 ? n : Math.min(n, 1);
      r.key = n > R.length ? Infinity : (n ? (last - c.start) - R[n - 1] : last);
      r.tie = c.start_rank;  // as the standings: the start order
    }
    return r;
  }
  function before(a, b) { return a.out - b.out || b.tier - a.tier || a.key - b.key || a.tie - b.tie; }
  function orderAt(t, by) {
    var rows = cars.map(function (c) { return rowOf(c, t, by); });
    rows.sort(before);
    return rows;
  }

  // -- lead changes, by the elapsed order, for the ticker --------------------------------------------------------
  function leadChanges() {
    var times = [0];
    cars.forEach(function (c) { times.push.apply(times, c.crossings); if (c.end !== null) times.push(c.end); });
    times.sort(function (a, b) { return a - b; });
    var out = [], leader = null;
    for (var i = 0; i < times.length; i++) {
      if (i && times[i] === times[i - 1]) continue;
      var r = orderAt(times[i], "elapsed")[0];
      if (r.c.car !== leader) {
        if (leader !== null && r.n) {
          out.push([times[i], r.c.car, "lead", "leads on elapsed time: " + hms(r.last - r.c.start) + " at " +
            controlName(r.n) + " (" + signed(toWinner(r.c, r.n)) + " to the winner there)"]);
        }
        leader = r.c.car;
      }
    }
    return out;
  }
  var ticker = D.ticker.concat(X.passings, leadChanges()).sort(function (a, b) { return a[0] - b[0]; });
  var tickerTimes = ticker.map(function (e) { return e[0]; });

  // -- the leaderboard and the ticker ----------------------------------------------------------------------------
  function within(spans, t) {
    for (var i = 0; i < spans.length; i++) {
      if (spans[i][0] <= t && (spans[i][1] === null || t < spans[i][1])) return true;
    }
    return false;
  }
  function shownStatus(r, t) {  // [data-status, text], as the shared page shows it
    var c = r.c;
    if (OUT_STATUS[r.status]) {
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
  function lastEvent(c, t) {
    var i = bisectRight(c.eventTimes, t) - 1;
    return i < 0 ? "" : clockLabel(c.events[i][0]) + " " + c.events[i][1];
  }
  function gapText(r, by) {
    if (by === "road") return r.out === 2 ? "" : r.km.toFixed(1) + " km";
    if (!r.n) return "";
    var gap = toWinner(r.c, r.n);
    return hms(r.last - r.c.start) + (gap === null ? "" : " (" + signed(gap) + ")");
  }
  var tbody = document.querySelector("#leaderboard tbody");
  function renderBoard(t) {
    var by = state.by === "road" ? "road" : "elapsed", rows = orderAt(t, by), html = [];
    $("marks-head").textContent = by === "road" ? "Controls" : "Last control";
    var gapHead = document.querySelector("#leaderboard thead th:nth-child(8)");
    gapHead.textContent = by === "road" ? "km" : "Elapsed (to winner)";
    gapHead.title = by === "road" ? "where the car is on the route" :
      "elapsed time at the last control passed (its gap there to the eventual winner, car " + X.reference + ")";
    rows.forEach(function (r, k) {
      var c = r.c;
      if (state.klass && c["class"] !== state.klass) return;
      var st = shownStatus(r, t);
      html.push('<tr data-x="1" data-car="' + esc(c.car) + '" data-status="' + esc(st[0]) + '" data-standing="' +
        esc(r.status) + '" data-laps="' + r.n + '"' + (state.car === c.car ? ' class="highlight"' : "") + ">" +
        '<td class="num">' + (k + 1) + "</td>" +
        '<td title="' + esc(c.make + ", " + c.team) + '"><span class="swatch" style="background:' + esc(c.colour) + '"></span>' + esc(c.car) + "</td>" +
        '<td class="drivers">' + esc(c.drivers) + '</td><td class="wider">' + esc(c.team) + '</td><td class="wider">' +
        esc(c.make) + '</td><td class="narrow">' + esc(c["class"]) + '</td><td class="num">' + esc(controlName(r.n)) +
        '</td><td class="num gap">' + esc(gapText(r, by)) + '</td><td class="status">' + esc(st[1]) +
        '</td><td class="last wide">' + esc(lastEvent(c, t)) + "</td></tr>");
    });
    tbody.innerHTML = html.join("");
  }
  function renderTicker(t) {
    var end = bisectRight(tickerTimes, t), html = [];
    for (var i = end - 1; i >= 0 && i >= end - 40; i--) {
      var e = ticker[i];
      html.push('<li data-x="1" class="' + esc(e[2]) + '" data-car="' + esc(e[1]) + '"><time>' + clockLabel(e[0]) +
        "</time>car " + esc(e[1]) + " " + esc(e[3]) + "</li>");
    }
    $("ticker").innerHTML = html.join("");
  }

  // -- the chart: the front runners' gaps to the winner at each control ------------------------------------------
  var chart = $("chart"), chartReady = false, nowTrace = cars.length;
  var PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
                 "#bcbd22"];
  var front = {};
  X.front.forEach(function (f, i) { front[f.car] = f; f.colour = PALETTE[i % PALETTE.length]; });
  function gapTraces() {
    return cars.map(function (c) {
      var f = front[c.car];
      return {
        type: "scatter", mode: "lines+markers", x: f ? f.km : [], y: f ? f.gap.map(function (g) { return g / 60; }) : [],
        meta: c.car, name: f ? c.car + " " + f.name : c.car, visible: f ? true : false, showlegend: !!f,
        legendrank: f ? X.front.indexOf(f) : 0, opacity: 0.85, line: { color: f ? f.colour : c.colour, width: 1.6 },
        marker: { size: 5 }, customdata: f ? f.controls.map(function (name, i) {
          return [name, hms(f.elapsed[i]), signed(f.gap[i]), f.position[i]];
        }) : [],
        hovertemplate: "<b>car " + esc(c.car) + "</b> · " + esc(c.make) + " · " + esc(c.drivers) +
          "<br>%{customdata[0]}: %{customdata[1]} elapsed, P%{customdata[3]}<br>%{customdata[2]} to the winner<extra></extra>",
      };
    });
  }
  function nowPoints(t) {  // each front runner at the last control it passed by t
    var x = [], y = [], text = [], colour = [];
    X.front.forEach(function (f) {
      var n = bisectRight(f.clock, t);
      if (!n) return;
      x.push(f.km[n - 1]);
      y.push(f.gap[n - 1] / 60);
      text.push(f.car);
      colour.push(f.colour);
    });
    return { x: x, y: y, text: text, colour: colour };
  }
  function buildChart() {
    var heading = document.querySelector("#chart-section h2");
    heading.firstChild.textContent = "Gap to the winner (car " + X.reference + ") on elapsed time at each control ";
    heading.querySelector(".keys").textContent = "the top " + X.front.length +
      " and every leader at a control; above the line: ahead of the winner there; dots: where they stand now";
    var traces = gapTraces(), now = nowPoints(state.t);
    traces.push({ type: "scatter", mode: "markers", x: now.x, y: now.y, text: now.text, meta: "now", name: "now",
                  showlegend: false, hoverinfo: "skip",
                  marker: { size: 11, color: now.colour, line: { color: "#222", width: 1.5 } } });
    var gaps = [];
    X.front.forEach(function (f) { gaps.push.apply(gaps, f.gap.map(function (g) { return g / 60; })); });
    var lo = Math.min(0, Math.min.apply(null, gaps)), hi = Math.max.apply(null, gaps);
    // one hidden shape per band, then the shared script's cursor (it moves shapes[bands] in clock time): hidden,
    // since the x axis here is km
    var shapes = D.bands.concat([null]).map(function () {
      return { type: "line", xref: "x", yref: "paper", x0: 0, x1: 0, y0: 0, y1: 1, visible: false };
    });
    shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: 0, y1: 0, line: { color: "#555", width: 1 } });
    var layout = {
      margin: { l: 44, r: 8, t: 6, b: 58 }, showlegend: true, hovermode: "closest", shapes: shapes,
      legend: { orientation: "h", x: 0, y: -0.2, yanchor: "top", font: { size: 11 } },
      xaxis: { range: [0, X.marks_km[X.marks_km.length - 1] * 1.03], tickangle: -30, tickfont: { size: 10 },
               tickvals: X.marks_km, ticktext: D.mark_names.map(function (n) { return n.split(" (")[0]; }) },
      yaxis: { title: { text: "minutes behind the winner" }, range: [hi * 1.05 + 1, lo * 1.05 - 2], zeroline: false },
      plot_bgcolor: "#fff", paper_bgcolor: "#fff",
    };
    return window.Plotly.react(chart, traces, layout).then(function () {
      chartReady = true;
      document.body.dataset.chart = "gaps";
    });
  }
  function moveNow(t) {
    if (!chartReady) return;
    var now = nowPoints(t);
    window.Plotly.restyle(chart, { x: [now.x], y: [now.y], text: [now.text], "marker.color": [now.colour] }, [nowTrace]);
  }

  // -- keys: one control of the leader ---------------------------------------------------------------------------
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "select" || tag === "input" && ev.target !== $("slider")) return;
    if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    var passed = orderAt(state.t, "elapsed")[0].c.crossings, t;
    if (ev.key === "ArrowRight") {
      var k = bisectRight(passed, state.t);
      t = k < passed.length ? passed[k] : D.duration_s;
    } else {
      var lo = 0, hi = passed.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (passed[mid] < state.t) lo = mid + 1; else hi = mid; }
      t = lo > 0 ? passed[lo - 1] : 0;
    }
    P.setTime(t, true);
  }, true);

  // -- after every render of the shared script (it sets body[data-t] last), this page's board, ticker and chart ----
  function render() {
    renderBoard(state.t);
    renderTicker(state.t);
    moveNow(state.t);
  }
  new MutationObserver(function () {
    if (tbody.querySelector("tr:not([data-x])") || $("ticker").querySelector("li:not([data-x])")) render();
    else moveNow(state.t);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-t"] });
  render();
  P.orderAt = orderAt;
  var built = false;
  new MutationObserver(function () {
    if (built || document.body.dataset.ready !== "1" || !window.Plotly || !chart.data) return;
    built = true;
    buildChart();
  }).observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
})();
