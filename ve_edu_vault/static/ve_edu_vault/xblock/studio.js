/*
 * The vault assessment XBlock's Studio editor: saves name, weight and the bound assessment.
 *
 * TLDR: posts JSON to the block's studio_submit handler and tells Studio's runtime ("save" start and
 * end, or "cancel") as Studio's editors do. Errors come back as {error_code, message, field} and are
 * shown in the form's alert and at the named field.
 */
function VaultAssessmentStudio(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var p = args.prefix;
  var form = root.querySelector("form");
  var errorBox = document.getElementById(p + "editor-error");

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function mode() {
    var picked = form.querySelector("input[name=mode]:checked");
    return picked ? picked.value : "existing";
  }

  function showMode() {
    var current = mode();
    form.querySelector(".mode-existing").hidden = current !== "existing";
    form.querySelector(".mode-new").hidden = current !== "new";
  }

  function notify(name, data) {
    if (runtime && typeof runtime.notify === "function") { runtime.notify(name, data || {}); }
  }

  function showError(body) {
    errorBox.textContent = (body && body.message) || String(body);
    errorBox.hidden = false;
    var fieldIds = { assessment_id: "assessment", question_ids: "mode-new", title: "new-title", weight: "weight", display_name: "display-name" };
    var target = body && body.field && document.getElementById(p + (fieldIds[body.field] || ""));
    if (target) { target.setAttribute("aria-invalid", "true"); target.focus(); } else { errorBox.focus(); }
  }

  function payload() {
    return {
      display_name: document.getElementById(p + "display-name").value,
      weight: document.getElementById(p + "weight").value,
      mode: mode(),
      assessment_id: document.getElementById(p + "assessment").value || null,
      title: document.getElementById(p + "new-title").value,
      question_ids: Array.prototype.map.call(form.querySelectorAll("input[name=question_ids]:checked"), function (input) { return Number(input.value); }),
    };
  }

  form.addEventListener("change", showMode);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    notify("save", { state: "start" });
    fetch(runtime.handlerUrl(root, "studio_submit"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(payload()),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw body; }
        notify("save", { state: "end" });
        root.setAttribute("data-saved", "true");
      });
    }).catch(function (body) {
      notify("error", { title: "Vault assessment", message: (body && body.message) || String(body) });
      showError(body);
    });
  });
  form.querySelector("button.cancel").addEventListener("click", function () { notify("cancel"); });
  showMode();
}
