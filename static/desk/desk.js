/* The editors' desk: one language switch for bilingual forms, and small helps in the release form.
   Loaded in <head> on every admin page (before the rich-text editor's modules run). */
"use strict";
(function () {
  const t = (text) => (window.gettext ? window.gettext(text) : text);
  const proseEditors = new Map(); // textarea -> tiptap editor

  // Language mode -----------------------------------------------------------------------------

  function currentMode() {
    const match = document.body.className.match(/\btmode-(ja|en|both)\b/);
    return match ? match[1] : null;
  }

  // Side by side, the Japanese is the text being translated: shown, not edited.
  function applyReadOnly(root) {
    const readOnly = currentMode() === "both";
    root.querySelectorAll('input[lang="ja"], textarea[lang="ja"]').forEach((input) => {
      if (input.id.includes("__prefix__")) return;
      input.readOnly = readOnly;
      const editor = proseEditors.get(input);
      if (editor) editor.setEditable(!readOnly);
    });
  }

  function setMode(mode) {
    document.body.className = document.body.className.replace(/\btmode-(ja|en|both)\b/, "tmode-" + mode);
    document.querySelectorAll("form.translation-mode button[name=mode]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.value === mode));
    });
    applyReadOnly(document);
  }

  function initModeSwitch() {
    const form = document.querySelector("form.translation-mode");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!button || button.name !== "mode") return;
      event.preventDefault();
      setMode(button.value);
      const data = new FormData(form);
      data.set("mode", button.value);
      // Remembered for next time; what is typed in the page stays, nothing reloads.
      fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    });
    applyReadOnly(document);
  }

  // Rich-text editors: a name for screen readers, a translated toolbar, read-only when needed.

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    proseEditors.set(textarea, editor);
    const label = document.querySelector(`label[for="${textarea.id}"]`);
    const dom = editor.view.dom;
    dom.setAttribute("role", "textbox");
    dom.setAttribute("aria-multiline", "true");
    if (label) dom.setAttribute("aria-label", label.textContent.replace(/:$/, "").trim());
    if (textarea.lang) dom.setAttribute("lang", textarea.lang);
    const container = textarea.closest(".prose-editor") || dom.parentElement;
    container.querySelectorAll("[title], [aria-label]").forEach((element) => {
      for (const name of ["title", "aria-label"]) {
        const value = element.getAttribute(name);
        if (value && element !== dom) element.setAttribute(name, t(value));
      }
    });
    if (currentMode() === "both" && textarea.lang === "ja") editor.setEditable(false);
  });

  // The release form: photos name meetings by their place in the form -----------------------

  function meetingRows() {
    return Array.from(document.querySelectorAll("#meetings-group .inline-related"))
      .filter((row) => /^meetings-\d+$/.test(row.id));
  }

  function meetingLabel(row) {
    const n = Number(row.id.split("-")[1]);
    const value = (name) => (row.querySelector(`[name="meetings-${n}-${name}"]`) || {}).value || "";
    const title = value("title_ja") || value("title_en");
    const date = value("date");
    if (!date && !title) return t("Meeting %s (new)").replace("%s", n + 1);
    return `${n + 1}. ${date} ${title}`.trim();
  }

  function refreshPhotoMeetings() {
    const rows = meetingRows();
    document.querySelectorAll('select[name^="photos-"][name$="-meeting_position"]').forEach((select) => {
      if (select.name.includes("__prefix__")) return;
      const chosen = select.value;
      const options = [new Option("---------", "")];
      rows.forEach((row) => {
        const deleted = row.querySelector('input[name$="-DELETE"]:checked');
        if (!deleted) options.push(new Option(meetingLabel(row), row.id.split("-")[1]));
      });
      select.replaceChildren(...options);
      select.value = chosen;
    });
  }

  // The release form: the title each official held on the meeting's date, as soon as known.

  function showTitles(row) {
    const urls = document.getElementById("desk-urls");
    const select = row.querySelector('select[name$="-officials"]');
    const date = row.querySelector('input[name$="-date"]');
    const box = row.querySelector(".field-participants_with_titles .readonly");
    if (!urls || !select || !date || !box) return;
    const ids = Array.from(select.selectedOptions, (option) => option.value);
    if (!ids.length || !/^\d{4}-\d{2}-\d{2}$/.test(date.value)) return;
    const query = new URLSearchParams({ date: date.value });
    ids.forEach((id) => query.append("official", id));
    fetch(`${urls.dataset.postsOn}?${query}`, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data) return;
        const lines = data.officials.map((o) => (o.title ? `${o.name} (${o.title})` : o.name));
        box.replaceChildren(...lines.flatMap((line, i) => (i ? [document.createElement("br"), line] : [line])));
        box.setAttribute("aria-live", "polite");
      });
  }

  // Photo rows are headed by their caption as it is typed.
  function headPhotoRow(input) {
    const row = input.closest(".inline-related");
    const label = row && row.querySelector("h3 .inline_label");
    if (label && input.value.trim()) label.textContent = input.value.trim().slice(0, 60);
  }

  function initReleaseForm() {
    if (!document.getElementById("meetings-group")) return;
    refreshPhotoMeetings();
    document.addEventListener("input", (event) => {
      const name = event.target.name || "";
      if (/^meetings-\d+-(title_ja|title_en|date)$/.test(name)) refreshPhotoMeetings();
      if (/^photos-\d+-caption_(ja|en)$/.test(name)) headPhotoRow(event.target);
    });
    document.addEventListener("change", (event) => {
      const name = event.target.name || "";
      if (/^meetings-\d+-date$/.test(name)) showTitles(event.target.closest(".inline-related"));
      if (/-DELETE$/.test(name) && name.startsWith("meetings-")) refreshPhotoMeetings();
    });
    document.addEventListener("formset:added", (event) => {
      if (event.detail && event.detail.formsetName === "meetings") refreshPhotoMeetings();
      if (event.detail && event.detail.formsetName === "photos") refreshPhotoMeetings();
    });
    document.addEventListener("formset:removed", refreshPhotoMeetings);
    // Autocomplete boxes (select2) announce changes through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", 'select[name$="-officials"]', function () {
        showTitles(this.closest(".inline-related"));
      });
    }
  }

  // Inputs in table rows are labelled by their column heading, for screen readers.
  function labelTableInputs(root) {
    root.querySelectorAll(".tabular tbody td select, .tabular tbody td input:not([type=hidden])").forEach((input) => {
      if (input.labels && input.labels.length) return;
      if (input.hasAttribute("aria-label")) return;
      const cell = input.closest("td");
      const table = input.closest("table");
      const header = table && table.querySelectorAll("thead th")[cell.cellIndex];
      if (header && header.textContent.trim()) input.setAttribute("aria-label", header.textContent.trim());
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    labelTableInputs(document);
    document.addEventListener("formset:added", (event) => labelTableInputs(event.target.closest(".tabular") || document));
    initReleaseForm();
    initModeSwitch();
    // New inline rows: Django fires formset:added on the new row.
    document.addEventListener("formset:added", (event) => applyReadOnly(event.target));
  });
})();
