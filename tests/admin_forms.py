"""Read an admin form the way a browser would, so tests can post it back with changes."""

from bs4 import BeautifulSoup


def form_data(response, form_id=None):
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=form_id) if form_id else soup.find("form", method="post")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            selected = [
                o.get("value", "") for o in field.find_all("option") if o.has_attr("selected")
            ]
            if field.has_attr("multiple"):
                data[name] = selected
            else:
                data[name] = selected[0] if selected else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file", "image"):
            data[name] = field.get("value", "")
    return data


def errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [e.get_text(" ", strip=True) for e in soup.select(".errorlist, .errornote")]
