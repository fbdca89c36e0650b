/* Shared helpers of the Studio authoring forms (questions and assessments); no build step.
 *
 * window.VaultForms: small DOM builders that always label a control, and showError(), which puts a
 * server error (whose "field" names the JSON path, e.g. content.parts[0].config.choices[1].text)
 * next to the control carrying that data-field, linked with aria-describedby. */
(function () {
  "use strict";
  var uid = 0;

  function newId(prefix) { uid += 1; return "vf-" + (prefix || "f") + "-" + uid; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name in node && typeof value !== "string") node[name] = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* A labelled control in a div.field. kind: "text", "number", "textarea", "select", "checkbox", "datetime-local". */
  function control(kind, label, opts) {
    opts = opts || {};
    var id = opts.id || newId(opts.prefix);
    var input;
    if (kind === "textarea") input = el("textarea", { id: id, rows: opts.rows || 3 });
    else if (kind === "select") {
      input = el("select", { id: id });
      (opts.options || []).forEach(function (o) {
        input.appendChild(el("option", { value: o[0], text: o[1] }));
      });
    } else input = el("input", { id: id, type: kind });
    if (opts.field) input.setAttribute("data-field", opts.field);
    ["min", "max", "step", "placeholder", "inputmode"].forEach(function (name) {
      if (opts[name] !== undefined) input.setAttribute(name, opts[name]);
    });
    if (opts.name) input.setAttribute("data-name", opts.name);
    if (kind === "checkbox") input.checked = !!opts.value;
    else if (opts.value !== undefined && opts.value !== null) input.value = String(opts.value);
    var labelNode = el("label", { for: id, text: label });
    var wrap = el("div", { "class": "field" + (kind === "checkbox" ? " check" : "") + (opts.cls ? " " + opts.cls : "") });
    if (kind === "checkbox") { wrap.appendChild(input); wrap.appendChild(labelNode); }
    else { wrap.appendChild(labelNode); wrap.appendChild(input); }
    if (opts.help) {
      var helpId = id + "-help";
      wrap.appendChild(el("p", { "class": "help", id: helpId, text: opts.help }));
      input.setAttribute("aria-describedby", helpId);
    }
    wrap.input = input;
    return wrap;
  }

  function fieldset(legend, opts) {
    opts = opts || {};
    var node = el("fieldset", { "class": opts.cls || "group" }, [el("legend", { text: legend })]);
    if (opts.field) node.setAttribute("data-field", opts.field);
    return node;
  }

  function button(text, opts) {
    opts = opts || {};
    var b = el("button", { type: "button", "class": opts.cls || "secondary", text: text });
    if (opts.label) b.setAttribute("aria-label", opts.label);
    if (opts.onClick) b.addEventListener("click", opts.onClick);
    return b;
  }

  function numberOrRaw(text) {
    var t = String(text).trim();
    if (t === "") return null;
    var n = Number(t);
    return isFinite(n) ? n : t; /* a non-number goes to the server as text: it answers with the field */
  }

  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach(function (node) { node.remove(); });
    root.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
      var ids = (node.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x.indexOf("-error") === -1; });
      if (ids.length) node.setAttribute("aria-describedby", ids.join(" ")); else node.removeAttribute("aria-describedby");
    });
  }

  /* The control for a field path: exact, else the nearest enclosing path (a[1].b -> a[1] -> a). */
  function findControl(root, field) {
    var path = field;
    while (path) {
      var found = root.querySelector('[data-field="' + (window.CSS && CSS.escape ? CSS.escape(path) : path) + '"]');
      if (found && !found.closest("[hidden]")) return found;
      var cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
      path = cut > 0 ? path.slice(0, cut) : "";
    }
    return null;
  }

  function showError(root, summary, error) {
    clearErrors(root);
    if (!error) return null;
    var target = findControl(root, error.field || "");
    if (summary) {
      summary.hidden = false;
      summary.textContent = "";
      var text = el("p", { id: "error-text", text: error.text || error.message });
      summary.appendChild(text);
    }
    if (!target) return null;
    var errorId = newId("error") + "-error";
    var message = el("p", { "class": "field-error", id: errorId, text: error.message });
    var focusable = target;
    if (target.tagName === "FIELDSET") {
      target.insertBefore(message, target.children[1] || null);
      focusable = target.querySelector("input, select, textarea, button") || target;
    } else {
      (target.closest(".field") || target.parentNode).appendChild(message);
    }
    focusable.setAttribute("aria-invalid", "true");
    var described = (focusable.getAttribute("aria-describedby") || "").trim();
    focusable.setAttribute("aria-describedby", (described ? described + " " : "") + errorId);
    if (summary) {
      var link = el("a", { href: "#" + focusable.id, text: "Go to the field" });
      link.addEventListener("click", function (event) { event.preventDefault(); focusable.focus(); });
      summary.appendChild(el("p", {}, [link]));
    }
    var details = target.closest("details");
    if (details) details.open = true;
    focusable.focus();
    return focusable;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  window.VaultForms = {
    el: el, control: control, fieldset: fieldset, button: button, newId: newId,
    numberOrRaw: numberOrRaw, showError: showError, clearErrors: clearErrors, readJson: readJson
  };
})();
