// simpipe ui: live updates of the dashboard (server-sent events) and the
// replay page's stepping. Every string from the server is set as DOM text,
// never as HTML.
"use strict";
(function () {
  const tokenKey = "simpipe-token";
  const m = location.hash.match(/token=([0-9A-Za-z_-]+)/);
  if (m) {
    sessionStorage.setItem(tokenKey, m[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }
  const token = () => sessionStorage.getItem(tokenKey) || "";

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  const n = (x) => Number(x).toLocaleString("en-US");
  const f1 = (x) => Number(x).toLocaleString("en-US", { maximumFractionDigits: 1 });
  const pct = (a, b) => (b ? (100 * a / b).toFixed(1) + " %" : "–");

  // The replay page: one board at a time.
  const boards = document.querySelectorAll("figure.board");
  if (boards.length) {
    const range = document.getElementById("ply");
    let cur = 0;
    const show = (i) => {
      cur = Math.max(0, Math.min(boards.length - 1, i));
      boards.forEach((b, j) => { b.hidden = j !== cur; });
      range.value = cur;
      document.querySelectorAll("#moves a").forEach((a) => a.classList.toggle("cur", Number(a.dataset.ply) === cur));
    };
    const go = { first: () => 0, prev: () => cur - 1, next: () => cur + 1, last: () => boards.length - 1 };
    document.querySelectorAll("#replay button").forEach((b) => b.addEventListener("click", () => show(go[b.dataset.go]())));
    range.addEventListener("input", () => show(Number(range.value)));
    document.querySelectorAll("#moves a").forEach((a) => a.addEventListener("click", (ev) => { ev.preventDefault(); show(Number(a.dataset.ply)); }));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowRight") show(cur + 1);
      if (ev.key === "ArrowLeft") show(cur - 1);
    });
  }

  if (!document.getElementById("dbs")) return;

  const form = document.getElementById("token-form");
  if (!token()) form.hidden = false;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(tokenKey, document.getElementById("token").value.trim());
    form.hidden = true;
  });

  function say(i, text, ok) {
    const p = document.getElementById("msg-" + i);
    p.textContent = text;
    p.className = "msg " + (ok ? "ok" : "bad");
  }

  async function act(i, what, stage) {
    const q = stage ? "?stage=" + encodeURIComponent(stage) : "";
    try {
      const r = await fetch("api/db/" + i + "/" + what + q, { method: "POST", headers: { "X-Simpipe-Token": token() } });
      const t = (await r.text()).trim();
      say(i, r.ok ? t : "refused (" + r.status + "): " + t, r.ok);
      if (r.status === 403 && !token()) form.hidden = false;
    } catch (e) {
      say(i, what + ": " + e, false);
    }
  }

  const cache = {}; // per DB: what is drawn, to redraw only what changed

  function summary(s) {
    const box = el("div");
    const done = s.stages.reduce((a, st) => a + st.games_done, 0);
    const total = s.stages.reduce((a, st) => a + st.games_total, 0);
    box.append(el("div", {},
      el("span", { class: "big", id: "games-done-" + s.i, text: n(done) }),
      el("span", { text: " of " + n(total) + " games (" + pct(done, total) + ")" })));
    box.append(el("progress", { max: String(total || 1), value: String(done) }));
    const rows = [];
    if (s.state === "live") {
      rows.push(["games/s", el("span", { id: "gps-" + s.i, text: f1(s.games_per_sec) })]);
      rows.push(["ETA", s.eta || "–"]);
      rows.push(["commits", n(s.commits) + " (" + f1(s.commits_per_sec) + "/s)"]);
      rows.push(["process", "pid " + s.pid + ", " + s.workers + " workers, up " + s.uptime]);
    } else if (s.state === "stopped") {
      rows.push(["file", n(s.bytes) + " bytes"]);
    }
    const failed = s.stages.reduce((a, st) => a + st.failed, 0);
    rows.push(["failed games", el("span", { id: "failed-" + s.i, class: failed ? "err" : "", text: n(failed) })]);
    box.append(el("table", {}, ...rows.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", {}, v)))));
    if (s.stopping) box.append(el("p", { class: "err", text: "stopping: the games in flight finish and are committed" }));
    if (s.error) box.append(el("p", { class: "err", text: s.error }));
    if (s.stages.length) {
      const head = ["stage", "game", "games", "failed", "jobs: pending", "in flight", "done", "failed"];
      box.append(el("table", { class: "jobs" },
        el("tr", {}, ...head.map((h) => el("th", { text: h }))),
        ...s.stages.map((st) => el("tr", {},
          el("td", {}, el("code", { text: st.name })), el("td", {}, el("code", { text: st.game })),
          el("td", { class: "num", text: n(st.games_done) + " / " + n(st.games_total) }),
          el("td", { class: "num", text: n(st.failed) }),
          el("td", { class: "num", text: n(st.jobs_pending) }), el("td", { class: "num", text: n(st.jobs_in_flight) }),
          el("td", { class: "num", text: n(st.jobs_done) }),
          el("td", { class: "num jobs-failed", text: n(st.jobs_failed) })))));
    }
    return box;
  }

  function failures(s) {
    const box = el("div");
    if (!s.failures.length) return box;
    box.append(el("h3", { text: s.state === "live" ? "Latest failures" : "Failures" }));
    const list = el("div", { class: "failures" });
    box.append(list);
    for (const f of s.failures) {
      list.append(el("details", { class: "failure" },
        el("summary", {}, el("span", { text: "job " + f.job + ", game " + f.game + " (" + f.stage + ", " + f.attempts + " attempts): " }),
          el("span", { class: "err error", text: f.error })),
        el("pre", { text: f.stack })));
    }
    return box;
  }

  function actions(s) {
    const box = el("div");
    const i = s.i;
    if (s.state === "live") {
      box.append(el("button", { type: "button", id: "retry-" + i, onclick: () => act(i, "retry", s.stages[0].name), text: "Retry failed jobs" }));
      box.append(el("button", { type: "button", id: "stop-" + i, onclick: () => act(i, "stop"), text: "Stop the run" }));
    } else if (s.state === "stopped") {
      for (const st of s.stages) {
        if (st.jobs_failed) box.append(el("button", { type: "button", class: "retry", id: "retry-" + i + "-" + st.name, onclick: () => act(i, "retry", st.name), text: "Retry the " + n(st.jobs_failed) + " failed jobs of " + st.name }));
      }
      box.append(el("a", { href: "db/" + i + "/report", text: "report" }));
      if (s.stages.length) {
        const sel = el("select", { name: "stage" }, ...s.stages.map((st) => el("option", { value: st.name, text: st.name })));
        box.append(el("form", { method: "get", action: "db/" + i + "/game" },
          el("span", { text: "replay game " }), el("input", { name: "index", type: "number", min: "0", value: "0", size: "8" }),
          el("span", { text: " of " }), sel, el("button", { text: "show" })));
      }
    }
    return box;
  }

  function draw(s) {
    const c = cache[s.i] || (cache[s.i] = {});
    const state = document.getElementById("state-" + s.i);
    state.textContent = s.stopping ? "stopping" : s.state;
    state.className = "state " + s.state;
    document.getElementById("summary-" + s.i).replaceChildren(summary(s));
    if (s.failures !== null) { // null: unchanged
      document.getElementById("failures-" + s.i).replaceChildren(failures(s));
    }
    // A live run's buttons stay put (its failures grow at every commit);
    // a stopped DB's retry buttons name the failed jobs.
    const ak = s.state + JSON.stringify(s.stages.map((st) => (s.state === "live" ? st.name : [st.name, st.jobs_failed])));
    if (ak !== c.actions) {
      c.actions = ak;
      document.getElementById("actions-" + s.i).replaceChildren(actions(s));
    }
  }

  let seq = 0;
  function connect() {
    const es = new EventSource("events");
    es.onmessage = (ev) => {
      JSON.parse(ev.data).forEach(draw);
      document.body.dataset.updates = String(++seq);
    };
    es.onerror = () => {
      document.querySelectorAll(".state").forEach((e) => { e.textContent = "reconnecting"; });
    };
  }
  connect();
})();
