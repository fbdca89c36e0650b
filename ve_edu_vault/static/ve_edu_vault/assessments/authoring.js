/* The assessment form of the Studio authoring pages (progressive enhancement, no build step).
 *
 * The page posts the configuration as JSON in textarea#config (validated by the server, see
 * assessments/config_parsing.py). This script builds a form from that JSON, writes it back on every
 * change and on submit, keeps the JSON in a "JSON (advanced)" disclosure, and shows a server error
 * (field "config.selection.count", ...) next to its control. Keys it has no control for are kept. */
(function () {
  "use strict";
  var F = window.VaultForms;
  var root = document.getElementById("assessment-builder");
  var textarea = document.getElementById("config");
  if (!F || !root || !textarea) return;
  var form = textarea.form;
  var data = F.readJson("assessment-page-data") || {};
  var el = F.el, control = F.control, fieldset = F.fieldset;
  var original = {};
  var jsonDirty = false;
  var C = "config.";

  function clone(value) { return JSON.parse(JSON.stringify(value)); }
  function byId(id) { return document.getElementById(id); }
  function pct(value) { return value === null || value === undefined ? "" : Math.round(value * 10000) / 100; }
  function fromPct(text) { var n = F.numberOrRaw(text); return typeof n === "number" ? n / 100 : n; }
  function utcInput(iso) { return iso ? String(iso).replace(" ", "T").slice(0, 16) : ""; }
  function fromUtcInput(text) { return text ? text + (text.length === 16 ? ":00Z" : "Z") : null; }

  function nodeOptions(emptyLabel) {
    return [["", emptyLabel]].concat((data.nodes || []).map(function (n) { return [n.usage_key, n.path + " (" + n.kind + ")"]; }));
  }

  function radios(legend, name, options, value, field) {
    var box = fieldset(legend, { cls: "group radios", field: field });
    options.forEach(function (o) {
      var input = el("input", { type: "radio", name: name, id: "a-" + name + "-" + o[0], value: o[0] });
      input.checked = value === o[0];
      box.appendChild(el("div", { "class": "field check" }, [input, el("label", { for: input.id, text: o[1] })]));
    });
    return box;
  }

  function radioValue(name) {
    var checked = root.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }

  function build(config) {
    original = config && typeof config === "object" ? config : {};
    var sel = original.selection || {};
    root.textContent = "";
    root.hidden = false;

    /* questions */
    var selection = fieldset("Questions", { field: C + "selection" });
    selection.appendChild(radios("How are the questions chosen?", "mode", [["fixed", "A fixed list of questions"], ["random", "Drawn at random from a pool"]], sel.mode || "fixed", C + "selection.mode"));
    var fixed = el("div", { id: "a-fixed" });
    var list = fieldset("Questions in the assessment", { cls: "group", field: C + "selection.question_ids" });
    var checklist = el("div", { "class": "checklist", id: "a-question-list" });
    var chosen = sel.question_ids || [];
    var questions = (data.questions || []).slice();
    /* the stored order first (a fixed selection is taken in order), then the rest of the bank by id */
    questions.sort(function (a, b) {
      var ia = chosen.indexOf(a.id), ib = chosen.indexOf(b.id);
      return ((ia === -1 ? 1e9 : ia) - (ib === -1 ? 1e9 : ib)) || (a.id - b.id);
    });
    if (!questions.length) checklist.appendChild(el("p", { "class": "help", text: "The question bank of this course is empty." }));
    questions.forEach(function (q) {
      var wrap = control("checkbox", "#" + q.id + " " + q.title + " (" + q.type + (q.tags.length ? "; " + q.tags.join(", ") : "") + ")", { id: "a-q-" + q.id, value: chosen.indexOf(q.id) !== -1 });
      wrap.input.value = q.id;
      wrap.input.setAttribute("data-question", q.id);
      checklist.appendChild(wrap);
    });
    list.appendChild(checklist);
    fixed.appendChild(list);
    selection.appendChild(fixed);

    var random = el("div", { id: "a-random" });
    random.appendChild(control("number", "Number of questions to draw", { id: "a-count", min: 1, value: sel.count || 1, field: C + "selection.count" }));
    random.appendChild(control("select", "Pool: questions under", { id: "a-pool", options: nodeOptions("The whole course"), value: sel.pool_node || "", field: C + "selection.pool_node" }));
    random.appendChild(control("select", "Draw that number", { id: "a-per", value: sel.per || "none", field: C + "selection.per", options: [["none", "from the whole pool"], ["objective", "from each objective of the pool"], ["tag", "for each tag below"]] }));
    random.appendChild(control("text", "Tags (comma separated)", { id: "a-tags", value: (sel.tags || []).join(", "), field: C + "selection.tags", cls: "wide", help: "Used when drawing per tag." }));
    random.appendChild(control("checkbox", "Avoid questions the learner has seen in earlier attempts", { id: "a-avoid", value: sel.avoid_seen !== false, field: C + "selection.avoid_seen" }));
    random.appendChild(control("checkbox", "… and in other assessments of the course", { id: "a-avoid-course", value: !!sel.avoid_seen_in_course, field: C + "selection.avoid_seen_in_course" }));
    selection.appendChild(random);
    selection.appendChild(control("checkbox", "Shuffle the order of the questions", { id: "a-shuffle-q", value: !!original.shuffle_questions, field: C + "shuffle_questions" }));
    selection.appendChild(control("checkbox", "Shuffle the choices inside questions", { id: "a-shuffle-c", value: !!original.shuffle_choices, field: C + "shuffle_choices" }));
    root.appendChild(selection);

    /* attempts and time */
    var timing = fieldset("Attempts and time");
    timing.appendChild(control("number", "Attempts allowed (empty: unlimited)", { id: "a-attempts", min: 1, value: original.attempt_limit, field: C + "attempt_limit" }));
    timing.appendChild(control("number", "Time limit in minutes (empty: untimed)", { id: "a-time", min: 1, value: original.time_limit_minutes, field: C + "time_limit_minutes" }));
    timing.appendChild(control("number", "Grace period in seconds", { id: "a-grace", min: 0, value: original.grace_seconds || 0, field: C + "grace_seconds", help: "Answers arriving this long after the deadline are still accepted." }));
    root.appendChild(timing);

    var dates = fieldset("Dates (UTC)");
    dates.appendChild(el("p", { "class": "help", id: "a-dates-help", text: "Dates and times are in UTC, as Open edX stores them. Leave empty for no date." }));
    dates.appendChild(control("datetime-local", "Opens at (UTC)", { id: "a-opens", value: utcInput(original.opens_at), field: C + "opens_at" }));
    dates.appendChild(control("datetime-local", "Closes at (UTC)", { id: "a-closes", value: utcInput(original.closes_at), field: C + "closes_at" }));
    dates.appendChild(control("checkbox", "Use the course's start and due dates where no date is set", { id: "a-course-dates", value: original.use_course_dates !== false, field: C + "use_course_dates" }));
    dates.appendChild(control("checkbox", "The close date may cut a running attempt short", { id: "a-cuts", value: !!original.close_date_cuts_time, field: C + "close_date_cuts_time" }));
    root.appendChild(dates);

    /* grading */
    var grading = fieldset("Grading");
    grading.appendChild(control("number", "Pass threshold (%)", { id: "a-pass", min: 0, max: 100, step: "any", value: pct(original.pass_threshold === undefined ? 0.5 : original.pass_threshold), field: C + "pass_threshold" }));
    grading.appendChild(control("select", "Score kept from several attempts", { id: "a-scoring", value: original.scoring || "highest", field: C + "scoring", options: [["highest", "Highest"], ["latest", "Latest"], ["average", "Average"], ["first", "First"]] }));
    grading.appendChild(control("checkbox", "Graded (reported to the course gradebook)", { id: "a-graded", value: original.graded !== false, field: C + "graded" }));
    root.appendChild(grading);

    /* behaviour and feedback */
    var behaviour = fieldset("Behaviour and feedback");
    behaviour.appendChild(control("select", "Question behaviour", { id: "a-behaviour", value: original.behaviour || "deferred", field: C + "behaviour", options: [["deferred", "Deferred: graded at submission"], ["immediate", "Immediate: each answer can be checked once"], ["interactive", "Interactive: several tries per question"]] }));
    var tries = el("div", { id: "a-tries-box", "class": "inline" }, [
      control("number", "Tries per question", { id: "a-tries", min: 1, value: original.max_tries || 1, field: C + "max_tries" }),
      control("number", "Penalty per extra try (%)", { id: "a-try-penalty", min: 0, max: 100, step: "any", value: pct(original.try_penalty || 0), field: C + "try_penalty" })
    ]);
    behaviour.appendChild(tries);
    behaviour.appendChild(control("select", "Feedback shown", { id: "a-feedback", value: original.feedback || "after_submission", field: C + "feedback", options: [["immediately", "Immediately, per question"], ["after_submission", "After submission"], ["after_close", "After the close date"], ["never", "Never"]] }));
    behaviour.appendChild(control("checkbox", "Learners may ask for hints", { id: "a-hints", value: original.hints_enabled !== false, field: C + "hints_enabled" }));
    behaviour.appendChild(control("number", "Penalty per hint shown (%)", { id: "a-hint-penalty", min: 0, max: 100, step: "any", value: pct(original.hint_penalty || 0), field: C + "hint_penalty", help: "A hint's own penalty, when it has one, wins." }));
    root.appendChild(behaviour);

    root.querySelectorAll('input[name="mode"]').forEach(function (r) { r.addEventListener("change", toggle); });
    byId("a-behaviour").addEventListener("change", toggle);
    byId("a-hints").addEventListener("change", toggle);
    toggle();
  }

  function toggle() {
    var mode = radioValue("mode");
    byId("a-fixed").hidden = mode !== "fixed";
    byId("a-random").hidden = mode !== "random";
    byId("a-tries-box").hidden = byId("a-behaviour").value !== "interactive";
    byId("a-hint-penalty").closest(".field").hidden = !byId("a-hints").checked;
  }

  function intOrRaw(text) { return F.numberOrRaw(text); }

  function collect() {
    var config = clone(original);
    var sel = config.selection || {};
    sel.mode = radioValue("mode") || "fixed";
    sel.question_ids = Array.prototype.map.call(root.querySelectorAll("#a-question-list input:checked"), function (i) { return Number(i.value); });
    var count = intOrRaw(byId("a-count").value);
    sel.count = count === null ? 0 : count;
    sel.pool_node = byId("a-pool").value || null;
    sel.per = byId("a-per").value;
    sel.tags = byId("a-tags").value.split(",").map(function (t) { return t.trim(); }).filter(function (t) { return t; });
    sel.avoid_seen = byId("a-avoid").checked;
    sel.avoid_seen_in_course = byId("a-avoid-course").checked;
    config.selection = sel;
    config.shuffle_questions = byId("a-shuffle-q").checked;
    config.shuffle_choices = byId("a-shuffle-c").checked;
    config.attempt_limit = intOrRaw(byId("a-attempts").value);
    config.time_limit_minutes = intOrRaw(byId("a-time").value);
    var grace = intOrRaw(byId("a-grace").value);
    config.grace_seconds = grace === null ? 0 : grace;
    config.opens_at = fromUtcInput(byId("a-opens").value);
    config.closes_at = fromUtcInput(byId("a-closes").value);
    config.use_course_dates = byId("a-course-dates").checked;
    config.close_date_cuts_time = byId("a-cuts").checked;
    var pass = fromPct(byId("a-pass").value);
    config.pass_threshold = pass === null ? 0.5 : pass;
    config.scoring = byId("a-scoring").value;
    config.graded = byId("a-graded").checked;
    config.behaviour = byId("a-behaviour").value;
    var tries = intOrRaw(byId("a-tries").value);
    config.max_tries = tries === null ? 1 : tries;
    var tryPenalty = fromPct(byId("a-try-penalty").value);
    config.try_penalty = tryPenalty === null ? 0 : tryPenalty;
    config.feedback = byId("a-feedback").value;
    config.hints_enabled = byId("a-hints").checked;
    var hintPenalty = fromPct(byId("a-hint-penalty").value);
    config.hint_penalty = hintPenalty === null ? 0 : hintPenalty;
    return config;
  }

  function sync() {
    textarea.value = JSON.stringify(collect(), null, 2);
    jsonDirty = false;
    byId("json-apply").hidden = true;
  }

  root.addEventListener("input", sync);
  root.addEventListener("change", sync);
  textarea.addEventListener("input", function () { jsonDirty = true; byId("json-apply").hidden = false; });
  byId("json-apply").addEventListener("click", function () {
    var parsed;
    try { parsed = JSON.parse(textarea.value); } catch (e) {
      F.showError(form, byId("error"), { field: "config", message: "Not valid JSON: " + e.message });
      return;
    }
    F.clearErrors(form);
    build(parsed);
    sync();
    root.querySelector("input, select").focus();
  });
  form.addEventListener("submit", function () {
    if (!jsonDirty && !root.hidden) textarea.value = JSON.stringify(collect(), null, 2);
  });

  if (data.config && typeof data.config === "object") {
    build(data.config);
    byId("json-advanced").open = false;
  }
  var error = F.readJson("form-error-data");
  if (error) F.showError(form, byId("error"), error);
})();
