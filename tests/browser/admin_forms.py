"""Helpers for browser tests that fill in the admin's bilingual forms."""

from playwright.sync_api import expect


def translation_mode(page, mode):
    """Switch the form's languages (ja, en, both) the way an editor does: one button."""
    button = page.locator(f"form.translation-mode [role=group] button[value='{mode}']")
    if button.get_attribute("aria-pressed") != "true":
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")


def wait_until_drawn(page):
    """Wait until the admin's scripts have drawn the page: autocomplete boxes, two-list
    selectors, rich-text editors and date shortcuts, as a person sees them once it settles."""
    page.wait_for_function(
        """() => document.readyState === "complete"
        && [...document.querySelectorAll("select.admin-autocomplete")].every(
            (s) => s.name.includes("__prefix__") || s.classList.contains("select2-hidden-accessible"))
        && !document.querySelector("select.selectfilter, select.selectfilterstacked")
        && [...document.querySelectorAll(".prose-editor")].every(
            (e) => e.querySelector("textarea[name*=__prefix__]") || e.querySelector("[contenteditable][role=textbox]"))"""
    )


def fill_in(page, field_id, lang, value):
    """Type into one language of a translated field, switching the form to that language."""
    translation_mode(page, lang)
    page.fill(f"#{field_id}_{lang}", value)


def rich_text(page, textarea_id):
    """The editable area of the rich-text editor that replaces `textarea_id`."""
    return page.locator(f".prose-editor:has(#{textarea_id}) [contenteditable=true]")


# The keyboard alone -------------------------------------------------------------------------

# Where the focus is, whether it shows (an outline or a shadow, on the element or on the
# autocomplete box around it), and whether something else covers it (a sticky bar).
_FOCUS = """(selector) => {
    const el = document.activeElement;
    if (!el || el === document.body) return {here: false, name: "(the page)", shown: true, clear: true};
    const ring = (e) => {
        const s = getComputedStyle(e);
        return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    };
    const box = el.closest(".select2-selection");
    const r = el.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 12), 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    return {
        here: el.matches(selector),
        name: el.outerHTML.slice(0, 120),
        shown: ring(el) || Boolean(box && ring(box)),
        clear: Boolean(hit && (hit === el || el.contains(hit) || hit.contains(el))),
    };
}"""


def tab_to(page, selector, backwards=False, limit=300):
    """Press Tab (Shift+Tab backwards) until `selector` has the focus, as someone without a mouse
    moves through a page. Each control passed on the way must show its focus, in view and
    uncovered (WCAG 2.4.7, 2.4.11)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(_FOCUS, selector)
        assert focus["shown"], f"focus not shown on {focus['name']}"
        assert focus["clear"], f"focus out of view or covered on {focus['name']}"
        if focus["here"]:
            return
    raise AssertionError(f"{selector} not reached with {key}")


def choose(page, term, choice):
    """In the autocomplete box that has the focus: open it (Enter) if it is a single choice,
    type, and take the highlighted choice with Enter."""
    if page.evaluate("document.activeElement.matches('.select2-selection--single')"):
        page.keyboard.press("Enter")
        expect(page.locator(".select2-container--open .select2-search__field")).to_be_focused()
    page.keyboard.type(term)
    expect(page.locator(".select2-results__option--highlighted")).to_have_text(choice)
    page.keyboard.press("Enter")
    expect(page.locator(".select2-container--open")).to_have_count(0)
