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

  // Side by side, the Japanese already saved is the text being translated: shown, not edited.
  // What is new has no Japanese to translate yet, so it is typed in both languages: a new
  // record (the add page) and a new row. A page with read-only Japanese says so and offers
  // the switch (the note in the language bar, which each read-only field points to).
  function isSaved(input) {
    if (document.body.classList.contains("desk-add")) return false;
    // A row of an inline: a stacked one's box, or a tabular one's table row.
    const row = input.closest(".inline-group tr.form-row, .inline-group .inline-related");
    return row ? row.classList.contains("has_original") : true;
  }

  function describedBy(element, id, on) {
    const ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
    if (on) ids.push(id);
    if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
    else element.removeAttribute("aria-describedby");
  }

  function setReadOnly(input, readOnly) {
    input.readOnly = readOnly;
    describedBy(input, "translation-mode-note", readOnly);
    const editor = proseEditors.get(input);
    if (editor) {
      // Without emitting an update: that would write the editor's HTML back into the textarea
      // (and make an untouched form look changed).
      editor.setEditable(!readOnly, false);
      describedBy(editor.view.dom, "translation-mode-note", readOnly);
    }
  }

  function applyReadOnly(root) {
    const both = currentMode() === "both";
    root.querySelectorAll('input[lang="ja"], textarea[lang="ja"]').forEach((input) => {
      if (input.id.includes("__prefix__")) return;
      setReadOnly(input, both && isSaved(input));
    });
    const note = document.getElementById("translation-mode-note");
    if (note) note.hidden = !document.querySelector('[aria-describedby~="translation-mode-note"]');
  }

  function setMode(mode) {
    document.body.className = document.body.className.replace(/\btmode-(ja|en|both)\b/, "tmode-" + mode);
    document.querySelectorAll("form.translation-mode [role=group] button[name=mode]").forEach((button) => {
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
      // The note's button goes away with the note: the focus goes to the field it unlocked.
      if (button.closest("#translation-mode-note")) {
        const pressed = form.querySelector(`[role=group] button[value="${button.value}"]`);
        if (pressed) pressed.focus();
      }
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
    if (textarea.lang === "ja" && textarea.readOnly) setReadOnly(textarea, true);
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
      this.each((i, select) => {
        nameAutocomplete(select);
        watchSearch(select);
      });
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

  // Leaving a form with unsaved changes ------------------------------------------------------
  // An add or change form asks before the page is left (a link, the sidebar, closing the tab)
  // while it holds something other than what it was opened with; saving never asks. The
  // question is armed by the first touch of the form (typing, a choice, a click: the date
  // shortcuts and the two-list selector change fields without an event, rich-text editors write
  // their textarea with an input event, autocomplete boxes tell jQuery only), so an untouched
  // page keeps the browser's back-forward cache. A page that came back with errors holds what
  // was typed and not saved: it asks from the start.

  function formState(form) {
    const parts = [];
    for (const element of form.elements) {
      const type = element.type;
      if (!element.name || ["submit", "button", "reset"].includes(type)) continue;
      if (element.name === "csrfmiddlewaretoken") continue;
      if (type === "file") parts.push([element.name, Array.from(element.files, (f) => `${f.name}:${f.size}`)]);
      else if (type === "checkbox" || type === "radio") parts.push([element.name, element.value, element.checked]);
      else if (element.tagName === "SELECT") {
        parts.push([element.name, Array.from(element.options, (o) => [o.value, o.selected])]);
      } else parts.push([element.name, element.value]);
    }
    return JSON.stringify(parts);
  }

  function initLeaveWarning() {
    const form = document.querySelector('body.change-form #content-main form[method="post"][id$="_form"]');
    if (!form) return;
    const unsaved = Boolean(document.querySelector("#content-main .errornote"));
    let opened = formState(form);
    let armed = false;
    const warn = (event) => {
      if (!unsaved && formState(form) === opened) return;
      event.preventDefault();
      event.returnValue = ""; // Chromium before 119 asks only when this is set.
    };
    const arm = () => {
      if (armed) return;
      armed = true;
      window.addEventListener("beforeunload", warn);
    };
    if (unsaved) arm();
    // Once the two-list selectors are drawn (on load), unless the person has started already.
    window.addEventListener("load", () => {
      if (!armed) opened = formState(form);
    });
    ["input", "change", "click", "keydown"].forEach((type) => form.addEventListener(type, arm));
    document.addEventListener("formset:added", arm);
    document.addEventListener("formset:removed", arm);
    if (window.django && window.django.jQuery) window.django.jQuery(form).on("change", arm);
    // Saving: after every other submit handler, so that a submit they stopped still asks.
    document.addEventListener("submit", (event) => {
      if (event.target !== form || event.defaultPrevented) return;
      armed = false;
      window.removeEventListener("beforeunload", warn);
    });
    // Back in the same page from the back-forward cache: its form may still be left unsaved.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) arm();
    });
  }

  // Photos over the size limit are refused before they are sent ------------------------------
  // The limit comes from the form field (data-max-bytes, releases.uploads.MAX_BYTES); the
  // server refuses such a file too. A refused file is taken out of the input and the next Save
  // stops once at the input to say so (the form has `novalidate`, so the browser would not).

  function format(text, values) {
    return t(text).replace(/%\((\w+)\)s/g, (match, key) => values[key]);
  }

  // Rounded up, so that a file over the limit never reads as the limit itself.
  function megabytes(bytes) {
    const language = document.documentElement.lang || undefined;
    return (Math.ceil((bytes / 2 ** 20) * 10) / 10).toLocaleString(language, { maximumFractionDigits: 1 });
  }

  // Where Django puts a field's errors: above the field's box, which shows it has errors.
  function showFileError(input, message) {
    const id = `${input.id || input.name}_size_error`;
    const box = input.closest(".flex-container") || input;
    let list = document.getElementById(id);
    if (!message) {
      if (!list) return;
      list.remove();
      box.classList.remove("errors");
      input.removeAttribute("aria-invalid");
      describedBy(input, id, false);
      return;
    }
    if (!list) {
      // Announced as it appears; the alert is around the list, which stays a list.
      list = document.createElement("div");
      list.id = id;
      list.setAttribute("role", "alert");
      box.before(list);
      box.classList.add("errors");
    }
    const errors = document.createElement("ul");
    errors.className = "errorlist";
    errors.append(Object.assign(document.createElement("li"), { textContent: message }));
    list.replaceChildren(errors);
    input.setAttribute("aria-invalid", "true");
    describedBy(input, id, true);
  }

  function checkFileSize(input) {
    const limit = Number(input.dataset.maxBytes);
    const file = Array.from(input.files || []).find((f) => f.size > limit);
    if (!file) {
      input.setCustomValidity("");
      showFileError(input, "");
      return;
    }
    const message = format(
      "“%(name)s” is %(size)s MB; photos up to %(max)s MB are accepted. Export a smaller JPEG and choose it again.",
      { name: file.name, size: megabytes(file.size), max: megabytes(limit) },
    );
    input.value = "";
    input.setCustomValidity(message);
    showFileError(input, message);
  }

  function initFileLimits() {
    const selector = 'input[type="file"][data-max-bytes]';
    document.addEventListener("change", (event) => {
      if (event.target.matches(selector)) checkFileSize(event.target);
    });
    document.addEventListener("submit", (event) => {
      const inputs = Array.from(event.target.querySelectorAll(selector));
      inputs.forEach((input) => {
        if (input.files && input.files.length) checkFileSize(input);
      });
      const refused = inputs.find((input) => input.validity.customError);
      if (!refused) return;
      event.preventDefault();
      // Said once: a second Save goes on without the photo (the row keeps its old one, or
      // the server asks for one).
      inputs.forEach((input) => input.setCustomValidity(""));
      refused.scrollIntoView({ block: "center" });
      refused.focus();
    });
  }

  // The magnifier in the search box of Django's two-list selector (groups, permissions) carries
  // its help as aria-label, which a plain span may not have: it is an image.
  function nameFilterIcons() {
    document.querySelectorAll(".selector-filter .search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  // Japanese typed into an English field ----------------------------------------------------
  // An English input (lang="en", the `*_en` fields) that holds kana or kanji says so beside
  // itself as it is typed: a warning, not a refusal (a Japanese name may belong in an English
  // text). Announced politely; the field points to it.

  const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/;

  function checkEnglish(input) {
    if (input.id.includes("__prefix__")) return;
    const id = `${input.id}_japanese_warning`;
    let warning = document.getElementById(id);
    const found = JAPANESE.test(input.value);
    if (!found) {
      if (warning) {
        warning.hidden = true;
        describedBy(input, id, false);
      }
      return;
    }
    if (!warning) {
      warning = document.createElement("div");
      warning.id = id;
      warning.className = "desk-warning";
      warning.setAttribute("role", "status");
      warning.textContent = t("This English field contains Japanese text. Check that it belongs here before saving.");
      const editor = input.closest(".prose-editor");
      (editor || input.closest(".related-widget-wrapper") || input).after(warning);
    }
    warning.hidden = false;
    describedBy(input, id, true);
  }

  function initEnglishCheck() {
    const selector = 'input[lang="en"]:not([type=hidden]), textarea[lang="en"]';
    document.addEventListener("input", (event) => {
      if (event.target.matches && event.target.matches(selector)) checkEnglish(event.target);
    });
    // Saved text with Japanese in it says so when the page opens.
    document.querySelectorAll(selector).forEach((input) => {
      if (input.value) checkEnglish(input);
    });
  }

  // An autocomplete search that found nothing ------------------------------------------------
  // Typed text that was never chosen is not saved: select2 drops it when the box closes, and
  // the form would be saved without it, silently.
  // The first Save with such text stops at the box and says so (no match: "+" adds one; a
  // match not chosen: choose it); a second Save goes on without it.

  const pending = new Map(); // select -> {term, noMatch}

  function watchSearch(select) {
    const $ = window.django.jQuery;
    const instance = $(select).data("select2");
    if (!instance || select.dataset.deskWatched) return;
    select.dataset.deskWatched = "1";
    // The last search's term and whether it found anything: select2 empties its search box
    // when it closes, which a click on Save does first.
    instance.on("results:all", (params) => {
      // An answer that arrives after the list closed (a choice was made) is not a search.
      if (!instance.isOpen()) return;
      const term = ((params.query && params.query.term) || "").trim();
      pending.set(select, { term, noMatch: !params.data.results.length });
    });
    $(select).on("select2:select select2:unselect", () => {
      pending.delete(select);
      showSearchError(select, "");
    });
  }

  function showSearchError(select, message) {
    const id = `${select.id}_search_error`;
    let box = document.getElementById(id);
    const instance = window.django.jQuery(select).data("select2");
    const selection = instance && instance.$selection[0];
    if (!message) {
      if (box) box.remove();
      if (selection) describedBy(selection, id, false);
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.setAttribute("role", "alert");
      // Where Django puts a field's errors: above the field's row.
      const anchor = select.closest(".flex-container") || select.closest(".related-widget-wrapper") || select;
      anchor.before(box);
    }
    const errors = document.createElement("ul");
    errors.className = "errorlist";
    errors.append(Object.assign(document.createElement("li"), { textContent: message }));
    box.replaceChildren(errors);
    if (selection) describedBy(selection, id, true);
  }

  // Says so for each box of `form` left with a term typed and not chosen (once per term);
  // true if it did, with the focus on the first such box.
  function checkSearches(form) {
    const $ = window.django.jQuery;
    let first = null;
    form.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const state = pending.get(select);
      const term = state && state.term;
      if (!term || state.said === term) return;
      state.said = term;
      const canAdd = select.closest(".related-widget-wrapper")?.querySelector(".add-related");
      let message;
      if (state.noMatch) {
        message = canAdd
          ? format("No match for “%(term)s”: use + to add it, or search again.", { term })
          : format("No match for “%(term)s”: search again, or leave the box empty.", { term });
      } else {
        message = format("“%(term)s” was typed but not chosen: choose it from the list, or clear it.", { term });
      }
      showSearchError(select, message);
      first = first || select;
    });
    if (!first) return false;
    const box = $(first).data("select2").$selection[0];
    box.scrollIntoView({ block: "center" });
    box.focus();
    return true;
  }

  function initSearchCheck() {
    const $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.select2) return;
    // A click on Save while a list is open first closes the list, and the click is lost on the
    // way (the page under the pointer changes between press and release): so the press says it.
    let justSaid = false;
    document.addEventListener("mousedown", (event) => {
      justSaid = false;
      const button = event.target.closest && event.target.closest("[type=submit]");
      if (button && button.form) justSaid = checkSearches(button.form);
      if (justSaid) event.preventDefault();
    }, true);
    document.addEventListener("keydown", () => { justSaid = false; }, true);
    document.addEventListener("submit", (event) => {
      if (justSaid || checkSearches(event.target)) event.preventDefault();
      justSaid = false;
    }, true);
  }

  document.addEventListener("DOMContentLoaded", () => {
    initAutocomplete();
    // Registered now, so it runs after the selector's own load handler has drawn it.
    window.addEventListener("load", nameFilterIcons);
    labelTableInputs(document);
    document.addEventListener("formset:added", (event) => labelTableInputs(event.target.closest(".tabular") || document));
    initReleaseForm();
    initModeSwitch();
    initFileLimits();
    initEnglishCheck();
    initSearchCheck();
    initLeaveWarning();
    // New inline rows: Django fires formset:added on the new row.
    document.addEventListener("formset:added", (event) => applyReadOnly(event.target));
    // Last: once admin/js/autocomplete.js has drawn the row's boxes and its Japanese is read-only or not.
    document.addEventListener("formset:added", focusNewRow);
  });
})();
