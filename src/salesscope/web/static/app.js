// Shared dashboard helpers: the zoom kept in the URL, API calls, number/date formatting, charts.
"use strict";

const SS = (() => {
  const T = window.SS_STRINGS, BOOT = window.SS_BOOT, LANG = window.SS_LANG;
  // How the reader's language writes (direction, digits, separators, calendar) comes with its words.
  const RTL = T.meta_direction === "rtl";
  // A field the API gives per language (name_en, name_fa...), in the reader's language.
  const inLang = (obj, field) => (obj && (obj[`${field}_${LANG}`] || obj[`${field}_en`] || obj[field])) || "";
  const ZOOM_KEYS = ["grain", "calendar", "by", "from", "to", "where", "lang"];
  const DIMS = ["team", "rep", "channel", "campaign", "product", "segment"];

  const params = () => new URLSearchParams(location.search);

  function setParams(changes, { reload = true } = {}) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      p.delete(k);
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else if (v !== null && v !== undefined && v !== "") p.set(k, v);
    }
    history.pushState(null, "", `${location.pathname}?${p}`);
    syncLinks();
    if (reload) window.dispatchEvent(new Event("ss:zoom"));
  }

  // Every page keeps the zoom when you move around, so a view can be shared by its URL.
  function zoomQuery(extra = {}) {
    const p = params(), out = new URLSearchParams();
    for (const k of ZOOM_KEYS) p.getAll(k).forEach((v) => out.append(k, v));
    if (!out.get("calendar")) out.set("calendar", BOOT.default_calendar);
    for (const [k, v] of Object.entries(extra)) {
      out.delete(k);
      if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
      else if (v !== null && v !== undefined && v !== "") out.set(k, v);
    }
    return out;
  }

  function syncLinks() {
    const q = zoomQuery().toString();
    document.querySelectorAll("a[data-keep]").forEach((a) => {
      a.href = `${a.getAttribute("href").split("?")[0]}?${q}`;
    });
    document.querySelectorAll("a[data-nav]").forEach((a) => {
      a.classList.toggle("active", a.dataset.nav === BOOT.page);
    });
  }

  async function api(path, { query, method = "GET", body, form } = {}) {
    const url = query ? `${path}?${query}` : path;
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = BOOT.csrf;
    let payload;
    if (form) payload = form;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
    if (res.status === 401) { location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`; }
    const data = await res.json().catch(() => ({ error: { code: "bad_response", message: res.statusText } }));
    if (!res.ok) {
      const msg = data.error ? inLang(data.error, "message") : res.statusText;
      const e = new Error(msg); e.code = data.error && data.error.code; throw e;
    }
    return data;
  }

  function showError(err) {
    const box = document.getElementById("error");
    if (!err) { box.hidden = true; return; }
    box.textContent = `${T.error}: ${err.message || err}`;
    box.hidden = false;
  }

  // A machine reason ("missing_input:quotas") in words; unknown codes are shown as they are.
  function reasonText(reason) {
    if (!reason) return "—";
    const [code, arg = ""] = String(reason).split(":");
    const text = T[`reason_${code}`];
    return text ? text.replace("{arg}", arg) : String(reason).replaceAll("_", " ");
  }

  // Plotly reads tags (<a>, <b>, <br>) in every label it draws; imported names must stay text.
  const plotText = (s) => String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  const digits = (s) => String(s).replace(/\d/g, (d) => T.meta_digits[d]);

  function num(v, decimals = 2) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    return new Intl.NumberFormat(LANG, { maximumFractionDigits: decimals }).format(v);
  }

  function withUnit(v, unit) {
    if (v === null || v === undefined) return `— (${T.undefined})`;
    const u = T[`unit_${unit}`] || "";
    if (unit === "money") return `${num(v, 0)} ${BOOT.currency}`;
    if (unit === "percent") return `${num(v, 1)}${u}`;
    return `${num(v)}${u}`;
  }

  // Gregorian ISO dates from the API shown in the reader's calendar (Jalali through Intl).
  function date(iso) {
    if (!iso) return "—";
    const d = new Date(`${String(iso).slice(0, 10)}T00:00:00Z`);
    if ((zoomQuery().get("calendar") || BOOT.default_calendar) === "jalali" || T.meta_calendar === "jalali") {
      return new Intl.DateTimeFormat(`${LANG}-u-ca-persian`,
        { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
    }
    return String(iso).slice(0, 10);
  }

  // Period labels like 2026-Q1 are left-to-right tokens; isolated so RTL text cannot reorder them.
  const periodLabel = (p) => el("bdi", { dir: "ltr", class: "period-label" }, digits(p));
  // Vocabulary words are stored lower-case; a label starts with a capital where the script has them.
  const label = (s) => (s ? s[0].toUpperCase() + s.slice(1) : s);
  const dimName = (d) => label(T[`dim_${d}`]) || d;

  function el(tag, attrs = {}, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") n.className = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) n.setAttribute(k, v);
    }
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) n.append(c.nodeType ? c : String(c));
    return n;
  }

  function table(columns, rows, fmt = {}) {
    if (!rows.length) return el("p", { class: "muted" }, T.no_rows);
    const head = el("tr", {}, columns.map((c) => el("th", {}, T[c] || dimName(c))));
    const body = rows.map((r) => el("tr", {}, columns.map((c) => {
      const v = r[c];
      // Identifiers (R01, emails, file names) keep their own digits; numbers and dates get the reader's.
      const text = fmt[c] ? fmt[c](v, r) : (typeof v === "number" ? num(v, 4) : (v === null || v === undefined ? "—"
        : /^[\d\s\-\/.:,T]+$/.test(String(v)) ? digits(v) : String(v)));
      return el("td", {}, text);
    })));
    return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
  }

  const chartLayout = (extra = {}) => ({
    margin: { l: 50, r: 20, t: 10, b: 40 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "Vazirmatn, 'Noto Naskh Arabic', sans-serif", size: 12 },
    separators: T.meta_decimal + T.meta_group, ...extra,
  });

  // Plotly draws left to right; inside an RTL page its box needs dir="ltr" or labels break.
  function chartBox(id, cls = "chart") { return el("div", { id, class: cls, dir: "ltr" }); }

  // Plotly writes Latin digits into its axes; in Persian they are rewritten after every draw.
  async function plot(box, traces, layout, config) {
    await Plotly.newPlot(box, traces, layout, config);
    if (T.meta_digits === "0123456789") return;
    const fix = () => box.querySelectorAll(".xtick text, .ytick text, text.funnel-text, .bartext, .textpoint text")
      .forEach((t) => { if (/\d/.test(t.textContent)) t.textContent = digits(t.textContent); });
    fix();
    box.on("plotly_afterplot", fix);
  }

  function whereList() { return params().getAll("where"); }

  function initZoom() {
    const form = document.getElementById("zoom");
    if (!form) return;
    const fill = () => {
      const q = zoomQuery();
      form.grain.value = q.get("grain") || "month";
      form.calendar.value = q.get("calendar") || BOOT.default_calendar;
      form.by.value = (q.get("by") || "").split(",")[0];
      form.from.value = q.get("from") || "";
      form.to.value = q.get("to") || "";
      // The browser's date picker is Gregorian; the hint shows the same day on the Jalali calendar.
      form.querySelectorAll(".date-hint").forEach((h) => {
        const v = form[h.dataset.for].value;
        h.textContent = v && (T.meta_calendar === "jalali" || form.calendar.value === "jalali") ? date(v) : "";
      });
      const chips = document.getElementById("where-chips");
      chips.replaceChildren(...whereList().map((w) => {
        const [d, ...v] = w.split(":");
        return el("button", { type: "button", class: "chip", title: T.remove,
          onclick: () => setParams({ where: whereList().filter((x) => x !== w) }) },
          `${dimName(d)}: ${digits(v.join(":"))} ✕`);
      }));
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      setParams({ grain: form.grain.value, calendar: form.calendar.value, by: form.by.value,
        from: form.from.value, to: form.to.value });
    });
    document.getElementById("zoom-reset").addEventListener("click", () =>
      setParams({ grain: null, calendar: null, by: null, from: null, to: null, where: [] }));
    window.addEventListener("ss:zoom", fill);
    fill();
  }

  function init() {
    document.getElementById("logout-csrf").value = BOOT.csrf;
    for (const b of document.querySelectorAll(".lang-toggle")) b.addEventListener("click", () => {
      const p = params(); p.set("lang", b.dataset.lang);
      location.search = p.toString();
    });
    window.addEventListener("popstate", () => window.dispatchEvent(new Event("ss:zoom")));
    syncLinks();
    initZoom();
  }

  return { T, BOOT, LANG, RTL, inLang, DIMS, params, setParams, zoomQuery, api, showError, digits, plotText, num, reasonText,
    withUnit, date, periodLabel, plot, dimName, el, table, chartLayout, chartBox, whereList, init };
})();
