// The form pages: import (upload, preview, commit) and settings (workspace, targets, people).
"use strict";

window.SSForms = (() => {
  const { T, BOOT, LANG, inLang, el, api, digits, table } = SS;
  const TABLES = ["reps", "activities", "responses", "time_log", "leads", "opportunities", "customers", "quotas", "costs"];
  const isAdmin = BOOT.user.role === "admin";
  const note = (text, cls = "ok") => el("p", { class: cls, role: "status" }, text);

  function fail(box, err) { box.replaceChildren(note(`${T.error}: ${err.message}`, "error-banner")); }

  // A count as the server writes it (salesscope.formatting), in the reader's language.
  const shown = (counts, key) => (counts.display ? (counts.display[LANG] || counts.display.en)[key] : "—");
  const tableName = (t) => SS.label(T[`table_${t}`] || t);

  // What an import loads: rows read, accepted and rejected per table, and its warnings.
  function summaryTable(summary) {
    const tables = Object.entries(summary.tables || {});
    const warnings = summary[`warnings_${LANG}`] || summary.warnings || [];
    return el("div", { class: "import-summary" },
      el("div", { class: "table-wrap" }, el("table", {},
        el("thead", {}, el("tr", {}, [T.table, T.rows_read, T.rows_accepted, T.rows_rejected].map((h) => el("th", {}, h)))),
        el("tbody", {}, tables.map(([t, c]) => el("tr", { "data-table": t, class: c.rejected ? "has-rejected" : "" },
          el("td", {}, tableName(t)), ["read", "loaded", "rejected"].map((k) => el("td", { class: "num" }, shown(c, k)))))))),
      warnings.length ? el("ul", { class: "warnings" }, warnings.map((w) => el("li", {}, w))) : null);
  }

  // ---------------------------------------------------------------- import
  // The browser's own file button speaks the browser's language ("Choose files / No file chosen" in
  // a Persian page): the input is hidden and a button and a line of the catalogue's stand for it.
  function filePicker() {
    const input = el("input", { type: "file", id: "import-files", name: "files", multiple: true, required: true,
      class: "file-input", "aria-label": T.files, accept: ".csv,.tsv,.txt,.xlsx,.parquet,.json" });
    const chosen = el("span", { class: "muted", id: "import-chosen", "aria-live": "polite" }, T.no_file_chosen);
    input.addEventListener("change", () => chosen.replaceChildren(...(input.files.length
      ? [SS.fill(T.files_chosen, { n: SS.digits(input.files.length) }), " ",
        ...[...input.files].flatMap((f, i) => [i ? T.meta_list : "", el("bdi", {}, f.name)])]
      : [T.no_file_chosen])));
    return el("div", { class: "file-field" }, el("span", {}, T.files),
      el("div", { class: "file-row" }, input, el("label", { for: "import-files", class: "button" }, T.choose_files), chosen));
  }

  async function importPage(main) {
    const presets = (await api("/api/v1/imports/presets")).presets;
    const out = el("div", { id: "import-result" });
    const history = el("div");
    const form = el("form", { id: "import-form", class: "stack" },
      filePicker(),
      el("label", {}, T.table, el("select", { name: "table" }, el("option", { value: "" }, T.auto_detect),
        TABLES.map((t) => el("option", { value: t }, tableName(t))))),
      el("label", {}, T.preset, el("select", { name: "preset" }, el("option", { value: "" }, T.none),
        presets.map((p) => el("option", { value: p }, p)))),
      el("label", {}, T.mapping, el("textarea", { name: "mapping", rows: 5, dir: "ltr" })),
      el("button", { type: "submit" }, T.preview), el("p", { class: "muted" }, T.preview_note));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      out.replaceChildren(el("p", { class: "muted" }, T.loading));
      try {
        const res = await api("/api/v1/imports/preview", { method: "POST", form: new FormData(form) });
        const commit = el("button", { type: "button", id: "commit" }, T.commit);
        commit.addEventListener("click", async () => {
          commit.disabled = true;
          try {
            const done = await api(`/api/v1/imports/${res.upload_id}/commit`, { method: "POST" });
            out.replaceChildren(note(T.committed), el("h2", {}, T.summary), summaryTable(done.summary));
            history.replaceChildren(await importHistory());
          } catch (err) { fail(out, err); }
        });
        const counts = res.display[LANG] || res.display.en;
        out.replaceChildren(el("h2", {}, T.summary), summaryTable(res.summary),
          el("h2", {}, T.rejected, " ", el("bdi", { class: "muted" }, res.rejected.length < res.rejected_total
            ? SS.fill(T.rejected_shown, { shown: counts.rejected_shown, total: counts.rejected_total })
            : `(${counts.rejected_total})`)),
          table(["table", "file", "row", "column", "value", "problem"], res.rejected.map((r) => ({
            table: tableName(r.target_table), file: r.source_file, row: r.source_row, column: r.column_name,
            value: r.value, problem: inLang(r, "reason") }))),
          commit);
      } catch (err) { fail(out, err); }
    });
    history.replaceChildren(await importHistory());
    main.replaceChildren(el("h1", {}, T.import_title), form, out, history);
  }

  // Who imported what and when: per import and table, rows read, accepted and rejected, and the
  // keys added and replaced (an admin sees everyone's imports, a manager their own).
  async function importHistory() {
    const entries = (await api("/api/v1/imports")).imports;
    const heads = [T.when, T.imported_by, T.files, T.table, T.rows_read, T.rows_accepted, T.rows_rejected,
      T.keys_added, T.keys_replaced];
    const keys = (list, n) => (list && list.length ? list.join(", ") + (n > list.length ? ", …" : "") : "");
    const rows = entries.flatMap((e) => {
      const tables = Object.entries(e.tables);
      if (!tables.length) tables.push(["", {}]);
      return tables.map(([t, c], i) => {
        const ch = (e.changes || {})[t] || {};
        return el("tr", { "data-import": e.import_id },
          i ? null : [el("td", { rowspan: tables.length }, el("bdi", {}, (e.when || {})[LANG] || "—")),
            el("td", { rowspan: tables.length }, e.imported_by || "—"),
            el("td", { rowspan: tables.length, class: "files" }, e.files.join(T.meta_list))],
          el("td", {}, t ? tableName(t) : "—"),
          ["read", "loaded", "rejected"].map((k) => el("td", { class: `num ${k}` }, shown(c, k))),
          el("td", { class: "num added", title: keys(ch.added_keys, ch.added) }, ch.display ? shown(ch, "added") : "—"),
          el("td", { class: "num replaced", title: keys(ch.replaced_keys, ch.replaced) }, ch.display ? shown(ch, "replaced") : "—"));
      });
    });
    return el("section", { id: "audit" }, el("h2", {}, T.audit_title),
      entries.length ? el("div", { class: "table-wrap" }, el("table", {},
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, h)))), el("tbody", {}, rows)))
        : el("p", { class: "muted" }, T.no_imports));
  }

  // ---------------------------------------------------------------- settings
  async function settingsPage(main) {
    const s = await api("/api/v1/settings");
    const kpis = window.SS_CATALOG;
    const sections = [workspaceForm(s), targetsForm(s, kpis), await subscriptionsForm(), passwordForm(), await tokenForm()];
    if (isAdmin) sections.push(await usersForm());
    main.replaceChildren(el("h1", {}, T.settings_title), ...sections);
  }

  function workspaceForm(s) {
    const msg = el("div");
    const sel = (name, options, value) => el("select", { name, disabled: !isAdmin },
      options.map(([v, label]) => el("option", { value: v, selected: String(v) === String(value) }, label)));
    const form = el("form", { id: "settings-form", class: "stack" },
      el("label", {}, T.calendar, sel("calendar", [["gregorian", T.calendar_gregorian], ["jalali", T.calendar_jalali]], s.calendar)),
      el("label", {}, T.language, sel("language", Object.entries(BOOT.languages), s.language)),
      el("label", {}, T.fiscal_start, sel("fiscal_year_start_month",
        Array.from({ length: 12 }, (_, i) => [i + 1, digits(i + 1)]), s.fiscal_year_start_month)),
      el("label", {}, T.min_sample, SS.numberField({ name: "min_sample", min: 1, whole: true, required: true, value: s.min_sample, disabled: !isAdmin })),
      isAdmin ? el("button", { type: "submit" }, T.save) : el("p", { class: "muted" }, T.admin_only), msg);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      try {
        await api("/api/v1/settings", { method: "PUT", body: { calendar: f.get("calendar"), language: f.get("language"),
          fiscal_year_start_month: Number(f.get("fiscal_year_start_month")), min_sample: SS.readNumber(f.get("min_sample")) } });
        msg.replaceChildren(note(T.saved));
      } catch (err) { fail(msg, err); }
    });
    return el("section", {}, el("h2", {}, T.workspace_settings), form);
  }

  function targetsForm(s, kpis) {
    const msg = el("div"), targets = s.targets.map(({ kpi, value, by }) => ({ kpi, value, by }));
    const said = new Map(s.targets.map((t) => [JSON.stringify([t.kpi, t.by || {}]), t]));
    const list = el("div");
    const name = (id) => { const k = kpis.find((x) => x.id === id); return k ? inLang(k, "name") : id; };
    const save = async () => {
      try {
        const back = await api("/api/v1/settings", { method: "PUT", body: { targets } });
        said.clear(); back.targets.forEach((t) => said.set(JSON.stringify([t.kpi, t.by || {}]), t));
        msg.replaceChildren(note(T.saved)); draw();
      }
      catch (err) { fail(msg, err); }
    };
    const draw = () => list.replaceChildren(table(["indicator", "filter", "target", ""], targets.map((t, i) => ({
      indicator: name(t.kpi), filter: Object.entries(t.by || {}).map(([d, v]) => `${SS.dimName(d)}: ${v}`).join(", ") || T.everything,
      target: shown(said.get(JSON.stringify([t.kpi, t.by || {}])) || {}, "value"), "": i })), { "": (i) => (isAdmin ? el("button", { type: "button",
      onclick: () => { targets.splice(i, 1); save(); } }, T.remove) : "") }));
    draw();
    // A target is for the company, one team or one rep: the values offered are those the data hold.
    const member = el("select", { name: "member", hidden: true, "aria-label": T.target_for });
    const level = el("select", { name: "level", "aria-label": T.target_for, onchange: async () => {
      member.hidden = !level.value;
      if (!level.value) { member.replaceChildren(); return; }
      const values = (await api(`/api/v1/dimensions/${level.value}/values`)).values;
      member.replaceChildren(...values.map((v) => el("option", { value: v }, v)));
    } }, el("option", { value: "" }, T.everything), ["team", "rep"].map((d) => el("option", { value: d }, SS.dimName(d))));
    const form = el("form", { id: "target-form", class: "row" },
      el("select", { name: "kpi" }, kpis.map((k) => el("option", { value: k.id }, inLang(k, "name")))),
      el("label", {}, T.target_for, level), member,
      SS.numberField({ name: "value", required: true, placeholder: T.target, "aria-label": T.target }),
      el("button", { type: "submit" }, T.add));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const by = level.value && member.value ? { [level.value]: member.value } : {};
      const same = (t) => t.kpi === form.kpi.value && JSON.stringify(t.by || {}) === JSON.stringify(by);
      const at = targets.findIndex(same);  // one target per indicator and team or rep: a new one replaces it
      const entry = { kpi: form.kpi.value, value: SS.readNumber(form.value.value), by };
      if (at >= 0) targets[at] = entry; else targets.push(entry);
      save();
    });
    return el("section", {}, el("h2", {}, T.targets), list, isAdmin ? form : el("p", { class: "muted" }, T.admin_only), msg);
  }

  async function subscriptionsForm() {
    const msg = el("div"), list = el("div");
    const draw = async () => {
      const subs = await api("/api/v1/subscriptions");
      list.replaceChildren(table(["recipient", "schedule", "language", "filter", ""], subs.map((x) => ({ ...x,
        filter: Object.entries(x.filter).map(([d, v]) => `${SS.dimName(d)}: ${v}`).join(", ") || T.everything,
        schedule: T[x.schedule], language: BOOT.languages[x.language] || x.language, "": x.id })), { "": (id) => el("button", { type: "button", onclick: async () => {
        try { await api(`/api/v1/subscriptions/${id}`, { method: "DELETE" }); draw(); } catch (err) { fail(msg, err); } } }, T.remove) }));
    };
    await draw();
    const form = el("form", { id: "sub-form", class: "row" },
      el("input", { type: "email", name: "recipient", required: true, placeholder: T.recipient, dir: "ltr" }),
      el("select", { name: "schedule" }, el("option", { value: "weekly" }, T.weekly), el("option", { value: "monthly" }, T.monthly)),
      el("select", { name: "language" }, Object.entries(BOOT.languages).map(([code, name]) => el("option", { value: code, selected: code === LANG }, name))),
      el("button", { type: "submit" }, T.add));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api("/api/v1/subscriptions", { method: "POST", body: { recipient: form.recipient.value,
          schedule: form.schedule.value, language: form.language.value } });
        form.reset(); msg.replaceChildren(note(T.saved)); draw();
      } catch (err) { fail(msg, err); }
    });
    return el("section", {}, el("h2", {}, T.subscriptions), list, form, msg);
  }

  function passwordForm() {
    const msg = el("div");
    const form = el("form", { id: "password-form", class: "row" },
      el("input", { type: "password", name: "current", required: true, placeholder: T.current_password, autocomplete: "current-password" }),
      el("input", { type: "password", name: "password", placeholder: T.new_password, minlength: 8, required: true, autocomplete: "new-password" }),
      el("button", { type: "submit" }, T.save));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await api(`/api/v1/users/${encodeURIComponent(BOOT.user.username)}/password`, { method: "PUT",
          body: { password: form.password.value, current_password: form.current.value } });
        form.reset(); msg.replaceChildren(note(T.saved));
      } catch (err) { fail(msg, err); }
    });
    return el("section", {}, el("h2", {}, T.change_password), form, msg);
  }

  async function tokenForm() {
    const msg = el("div"), list = el("div");
    const draw = async () => {
      const tokens = await api("/api/v1/tokens");
      list.replaceChildren(table(["name", "created_at", "expires_at", "last_used_at", ""], tokens.map((t) => ({
        ...t, name: t.name || "—", created_at: SS.date(t.created_at), expires_at: SS.date(t.expires_at),
        last_used_at: t.last_used_at ? SS.date(t.last_used_at) : T.never, "": t.id })), { "": (id) =>
        el("button", { type: "button", onclick: async () => {
          try { await api(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }); draw(); }
          catch (err) { fail(msg, err); } } }, T.revoke) }));
    };
    await draw();
    const form = el("form", { id: "token-form", class: "row" },
      el("input", { name: "name", maxlength: 100, placeholder: T.token_name }),
      el("label", {}, T.expires_in_days, SS.numberField({ name: "days", min: 1, max: 366, whole: true, required: true, value: 90 })),
      el("button", { type: "submit", id: "new-token" }, T.new_token));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const t = await api("/api/v1/tokens", { method: "POST",
          body: { name: form.name.value || null, expires_in_days: SS.readNumber(form.days.value) } });
        msg.replaceChildren(el("code", { dir: "ltr", class: "token" }, t.token), el("p", { class: "muted" }, T.token_once));
        form.reset(); draw();
      } catch (err) { fail(msg, err); }
    });
    return el("section", {}, el("h2", {}, T.api_token), list, form, msg);
  }

  async function usersForm() {
    const msg = el("div"), list = el("div");
    const draw = async () => {
      const users = await api("/api/v1/users");
      list.replaceChildren(table(["username", "role", "team", "rep", ""], users.map((u) => ({ ...u, rep: u.rep_id,
        role: T[`role_${u.role}`], "": u.username })), { "": (name) => (name === BOOT.user.username ? "" :
        el("button", { type: "button", onclick: async () => {
          try { await api(`/api/v1/users/${encodeURIComponent(name)}`, { method: "DELETE" }); draw(); } catch (err) { fail(msg, err); } } }, T.remove)) }));
    };
    await draw();
    const form = el("form", { id: "user-form", class: "row" },
      el("input", { name: "username", required: true, placeholder: T.username }),
      el("input", { name: "password", type: "password", required: true, minlength: 8, placeholder: T.password, autocomplete: "new-password" }),
      el("select", { name: "role" }, ["rep", "manager", "admin"].map((r) => el("option", { value: r }, T[`role_${r}`]))),
      el("input", { name: "team", placeholder: SS.dimName("team") }), el("input", { name: "rep_id", placeholder: SS.dimName("rep") }),
      el("button", { type: "submit" }, T.add));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = Object.fromEntries(new FormData(form));
      try { await api("/api/v1/users", { method: "POST", body: { ...f, team: f.team || null, rep_id: f.rep_id || null } });
        form.reset(); msg.replaceChildren(note(T.saved)); draw(); } catch (err) { fail(msg, err); }
    });
    return el("section", {}, el("h2", {}, T.users), list, form, msg);
  }

  return { importPage, settingsPage };
})();
