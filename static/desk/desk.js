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
    // django-prose-editor writes its toolbar's names in English and passes only its dialogs
    // through gettext: the names are translated here, from djangojs.po. The toolbar is built
    // after this event, and the block-type picker redraws its current choice on every change.
    const translate = (root) => {
      root.querySelectorAll("[title], [aria-label]").forEach((element) => {
        for (const name of ["title", "aria-label"]) {
          const value = element.getAttribute(name);
          if (value && t(value) !== value) element.setAttribute(name, t(value));
        }
      });
      root.querySelectorAll(".prose-menubar__option > :not(button)").forEach((element) => {
        const text = element.textContent;
        if (t(text) !== text) element.textContent = t(text);
      });
    };
    const watch = (menubar) => {
      translate(menubar);
      new MutationObserver(() => translate(menubar)).observe(menubar, { childList: true, subtree: true });
    };
    const menubar = container.querySelector(".prose-menubar");
    if (menubar) {
      watch(menubar);
    } else {
      const waiting = new MutationObserver(() => {
        const built = container.querySelector(".prose-menubar");
        if (!built) return;
        waiting.disconnect();
        watch(built);
      });
      waiting.observe(container, { childList: true, subtree: true });
    }
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

  // The words of the column heading above a table cell's input.
  function columnHeading(input) {
    const cell = input.closest("td");
    const table = input.closest("table");
    const header = cell && table && table.querySelectorAll("thead th")[cell.cellIndex];
    if (!header) return "";
    // The heading's own words, without the help icon's text.
    return Array.from(header.childNodes)
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent)
      .join(" ")
      .trim();
  }

  // Inputs in table rows are labelled by their column heading, for screen readers.
  function labelTableInputs(root) {
    root.querySelectorAll(".tabular tbody td select, .tabular tbody td input:not([type=hidden])").forEach((input) => {
      if (input.labels && input.labels.length) return;
      if (input.hasAttribute("aria-label")) return;
      const heading = columnHeading(input);
      if (heading) input.setAttribute("aria-label", heading);
    });
  }

  // Autocomplete boxes -----------------------------------------------------------------------
  // Django's admin draws them with select2 4.0, which names the box after the chosen value (so an
  // empty box has no name), leaves its search fields and list of choices unnamed, and puts the
  // cross that clears a multiple box inside its list of chosen items. Each part is named after
  // the field's label here; a multiple box has no clear-all cross (each chosen item keeps its own,
  // and Backspace in the box takes back the last one).

  function nameAttributes(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) {
      if (!label.id) label.id = `${select.id}_label`;
      return ["aria-labelledby", label.id];
    }
    const heading = columnHeading(select);
    return heading ? ["aria-label", heading] : null;
  }

  function nameAutocomplete(select) {
    const instance = window.django.jQuery(select).data("select2");
    const name = nameAttributes(select);
    if (!instance || !name) return;
    const box = instance.$selection[0];
    const parts = [
      box,
      instance.$results[0],
      ...box.querySelectorAll(".select2-search__field"),
      ...instance.$dropdown[0].querySelectorAll(".select2-search__field"),
    ];
    parts.forEach((part) => {
      part.removeAttribute("aria-labelledby");
      part.setAttribute(...name);
    });
    // An open combobox names the list it controls (select2 says only that it owns it).
    box.setAttribute("aria-controls", instance.$results[0].id);
    // A single box reads as its label, then its value: the value is plain text, not a second field.
    box.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((value) => {
      value.removeAttribute("role");
      value.removeAttribute("aria-readonly");
    });
  }

  function initAutocomplete() {
    const $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.djangoAdminSelect2) return;
    const init = $.fn.djangoAdminSelect2;
    // admin/js/autocomplete.js calls this on jQuery's ready (after this runs) and for new inline rows.
    $.fn.djangoAdminSelect2 = function () {
      this.filter("[multiple]").attr("data-allow-clear", "false");
      init.call(this);
      this.each((i, select) => nameAutocomplete(select));
      return this;
    };
  }

  // A row added with "Add another" takes the focus, so that the keyboard carries on inside it
  // (Django leaves the focus on the link, below the new row).
  function focusNewRow(event) {
    const row = event.target;
    const fields = row.querySelectorAll(
      "input:not([type=hidden]), select, textarea, [contenteditable=true], [tabindex='0']",
    );
    const first = Array.from(fields).find(
      (field) => field.tabIndex >= 0 && !field.disabled && !field.readOnly && field.getClientRects().length,
    );
    if (first) first.focus();
  }

  // The magnifier in the search box of Django's two-list selector (groups, permissions) carries
  // its help as aria-label, which a plain span may not have: it is an image.
  function nameFilterIcons() {
    document.querySelectorAll(".selector-filter .search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    initAutocomplete();
    // Registered now, so it runs after the selector's own load handler has drawn it.
    window.addEventListener("load", nameFilterIcons);
    labelTableInputs(document);
    document.addEventListener("formset:added", (event) => labelTableInputs(event.target.closest(".tabular") || document));
    initReleaseForm();
    initModeSwitch();
    // New inline rows: Django fires formset:added on the new row.
    document.addEventListener("formset:added", (event) => applyReadOnly(event.target));
    // Last: once admin/js/autocomplete.js has drawn the row's boxes and its Japanese is read-only or not.
    document.addEventListener("formset:added", focusNewRow);
  });
})();
