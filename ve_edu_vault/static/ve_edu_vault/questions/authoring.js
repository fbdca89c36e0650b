/* The question form of the Studio question bank (progressive enhancement, no build step).
 *
 * The page posts the question content as JSON in textarea#content (the server validates it, see
 * questions/data.py and questions/types/*.py). This script builds a form per question type from that
 * JSON, writes the JSON back on every change and on submit, and keeps the textarea in a
 * "JSON (advanced)" disclosure. Types it does not know, and multi-part questions, stay in the JSON
 * editor. A server error naming a field is shown next to the matching control. */
(function () {
  "use strict";
  var F = window.VaultForms;
  var root = document.getElementById("question-builder");
  var textarea = document.getElementById("content");
  if (!F || !root || !textarea) return;
  var form = textarea.form;
  var data = F.readJson("question-page-data") || {};
  var formTypes = data.formTypes || [];
  var el = F.el, control = F.control, fieldset = F.fieldset, button = F.button;
  var P = "content.parts[0].";
  var original = null;
  var jsonDirty = false;
  var state = {};

  var LABELS = {
    multiple_choice: "Multiple choice", multi_select: "Multi-select (checkboxes)", dropdown: "Dropdown",
    numeric: "Numeric", fill_in_blank: "Fill in the blank"
  };

  function clone(value) { return JSON.parse(JSON.stringify(value)); }

  function listName(type) { return type === "dropdown" ? "options" : "choices"; }
  function isChoiceType(type) { return type === "multiple_choice" || type === "multi_select" || type === "dropdown"; }

  function uniqueId(prefix, taken) {
    var i = 0;
    while (taken.indexOf(prefix + "_" + i) !== -1) i += 1;
    return prefix + "_" + i;
  }

  /* --- rows of a list (choices, blanks, hints) ------------------------------------------- */

  function moveButtons(row, list, onChange, noun) {
    return el("span", { "class": "row-actions" }, [
      button("↑", { label: "Move " + noun + " up", onClick: function () {
        if (row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
        renumber(list); onChange(); this.focus();
      } }),
      button("↓", { label: "Move " + noun + " down", onClick: function () {
        if (row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
        renumber(list); onChange(); this.focus();
      } }),
      button("Remove", { label: "Remove " + noun, cls: "danger", onClick: function () {
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove(); renumber(list); onChange();
        var focus = next ? next.querySelector("input, textarea") : list.parentNode.querySelector(".add");
        if (focus) focus.focus();
      } })
    ]);
  }

  /* Rows carry data-field templates with "{i}" replaced by their position. */
  function renumber(list) {
    Array.prototype.forEach.call(list.children, function (row, index) {
      var legend = row.querySelector("legend");
      if (legend && row.dataset.noun) legend.textContent = row.dataset.noun + " " + (index + 1) + (row.dataset.suffix || "");
      row.querySelectorAll("[data-field-template]").forEach(function (node) {
        node.setAttribute("data-field", node.getAttribute("data-field-template").replace("{i}", index));
      });
    });
  }

  function templ(wrap, template) { wrap.input.setAttribute("data-field-template", template); return wrap; }

  /* --- choices ------------------------------------------------------------------------------ */

  function choiceRow(type, item, isCorrect, feedback, groupName) {
    var lname = listName(type);
    var noun = type === "dropdown" ? "Option" : "Choice";
    var row = el("li", { "class": "row choice-row" });
    row.dataset.id = item.id;
    row.dataset.fixed = item.fixed ? "1" : "";
    var box = el("fieldset", { "class": "row-box" }, [el("legend", { text: noun })]);
    row.dataset.noun = noun;
    box.appendChild(templ(control("text", "Text", { value: item.text || "", name: "text", cls: "wide", placeholder: "e.g. 3/4" }),
      P + "config." + lname + "[{i}].text"));
    var correct = el("input", { type: type === "multi_select" ? "checkbox" : "radio", name: groupName, id: F.newId("correct") });
    correct.checked = !!isCorrect;
    correct.setAttribute("data-name", "correct");
    box.appendChild(el("div", { "class": "field check" }, [correct, el("label", { for: correct.id, text: "Correct answer" })]));
    if (type === "multi_select") {
      feedback = feedback || {};
      box.appendChild(control("text", "Feedback when selected (optional)", { value: feedback.selected || "", name: "fb_selected", field: P + "answer_key.feedback." + item.id + ".selected" }));
      box.appendChild(control("text", "Feedback when not selected (optional)", { value: feedback.unselected || "", name: "fb_unselected", field: P + "answer_key.feedback." + item.id + ".unselected" }));
    } else {
      box.appendChild(control("text", "Feedback (optional)", { value: typeof feedback === "string" ? feedback : "", name: "feedback", field: P + "answer_key.feedback." + item.id }));
    }
    row.appendChild(box);
    return row;
  }

  function choicesSection(type, config, key) {
    var lname = listName(type);
    var noun = type === "dropdown" ? "option" : "choice";
    var section = fieldset(type === "dropdown" ? "Options" : "Choices", { field: P + "config." + lname });
    section.appendChild(el("p", { "class": "help", text: type === "multi_select" ? "Tick every correct choice." : "Mark the one correct " + noun + "." }));
    var list = el("ol", { "class": "rows", id: "choice-list" });
    list.setAttribute("data-field", P + "answer_key.correct");
    var group = F.newId("correct-group");
    var items = (config && config[lname]) || [];
    var correct = (key && key.correct) || (type === "multi_select" ? [] : "");
    var feedback = (key && key.feedback) || {};
    if (!items.length) items = [{ id: noun + "_0", text: "" }, { id: noun + "_1", text: "" }];
    items.forEach(function (item) {
      var isCorrect = Array.isArray(correct) ? correct.indexOf(item.id) !== -1 : correct === item.id;
      list.appendChild(choiceRow(type, item, isCorrect, feedback[item.id], group));
    });
    list.querySelectorAll(".choice-row").forEach(function (row) {
      row.querySelector(".row-box").appendChild(moveButtons(row, list, sync, noun));
    });
    renumber(list);
    section.appendChild(list);
    section.appendChild(button("Add " + noun, { cls: "secondary add", onClick: function () {
      var taken = Array.prototype.map.call(list.children, function (r) { return r.dataset.id; });
      var row = choiceRow(type, { id: uniqueId(noun, taken), text: "" }, false, null, group);
      row.querySelector(".row-box").appendChild(moveButtons(row, list, sync, noun));
      list.appendChild(row); renumber(list); sync();
      row.querySelector("input").focus();
    } }));
    if (type !== "dropdown" || (config && "shuffle" in config)) {
      section.appendChild(control("checkbox", "Shuffle the " + noun + "s for each learner", { id: "q-shuffle", value: config && config.shuffle, field: P + "config.shuffle" }));
    }
    if (type === "multi_select") {
      section.appendChild(control("select", "Partial credit", {
        id: "q-partial", field: P + "config.partial_credit", value: (config && config.partial_credit) || "none",
        options: [["none", "None: all or nothing"], ["edc", "Every decision counts"], ["halves", "Halves (one mistake: 50%, two: 25%)"], ["penalty", "Right minus wrong selections"]]
      }));
    }
    return section;
  }

  function readChoices(type, section) {
    var lname = listName(type);
    var items = [], feedback = {}, correct = type === "multi_select" ? [] : null;
    section.querySelectorAll(".choice-row").forEach(function (row) {
      var item = { id: row.dataset.id, text: row.querySelector('[data-name="text"]').value };
      if (row.dataset.fixed) item.fixed = true;
      items.push(item);
      if (row.querySelector('[data-name="correct"]').checked) {
        if (type === "multi_select") correct.push(item.id); else correct = item.id;
      }
      if (type === "multi_select") {
        var sel = row.querySelector('[data-name="fb_selected"]').value, uns = row.querySelector('[data-name="fb_unselected"]').value;
        if (sel || uns) { feedback[item.id] = {}; if (sel) feedback[item.id].selected = sel; if (uns) feedback[item.id].unselected = uns; }
      } else {
        var text = row.querySelector('[data-name="feedback"]').value;
        if (text) feedback[item.id] = text;
      }
    });
    var config = {};
    config[lname] = items;
    var shuffle = section.querySelector("#q-shuffle");
    if (shuffle) config.shuffle = shuffle.checked;
    if (type === "multi_select") config.partial_credit = section.querySelector("#q-partial").value;
    var key = { correct: correct === null ? "" : correct };
    if (Object.keys(feedback).length) key.feedback = feedback;
    return { config: config, answer_key: key };
  }

  /* --- numeric ------------------------------------------------------------------------------ */

  function numericSection(key) {
    key = key || {};
    var section = fieldset("Correct answer", { field: P + "answer_key" });
    var isRange = "range" in key;
    var modeName = F.newId("nmode");
    var exact = el("input", { type: "radio", name: modeName, id: "q-num-exact", value: "value" });
    var range = el("input", { type: "radio", name: modeName, id: "q-num-range", value: "range" });
    exact.checked = !isRange; range.checked = isRange;
    section.appendChild(el("div", { "class": "field check" }, [exact, el("label", { for: exact.id, text: "A value with a tolerance" })]));
    section.appendChild(el("div", { "class": "field check" }, [range, el("label", { for: range.id, text: "A range" })]));
    var valueBox = el("div", { id: "q-num-value-box", "class": "inline" }, [
      control("text", "Value", { id: "q-num-value", inputmode: "decimal", value: key.value, field: P + "answer_key.value" }),
      control("text", "Tolerance (optional)", { id: "q-num-tolerance", inputmode: "decimal", value: key.tolerance, field: P + "answer_key.tolerance", help: "Empty: a small relative tolerance, as capa." }),
      control("select", "Tolerance is", { id: "q-num-mode", value: key.tolerance_mode || "absolute", field: P + "answer_key.tolerance_mode", options: [["absolute", "an absolute amount"], ["percent", "a percentage of the value"]] })
    ]);
    var bounds = key.range || {};
    var rangeBox = el("div", { id: "q-num-range-box", "class": "inline" }, [
      control("text", "Low", { id: "q-num-low", inputmode: "decimal", value: bounds.low, field: P + "answer_key.range.low" }),
      control("checkbox", "Low included", { id: "q-num-low-in", value: bounds.low_inclusive !== false, field: P + "answer_key.range.low_inclusive" }),
      control("text", "High", { id: "q-num-high", inputmode: "decimal", value: bounds.high, field: P + "answer_key.range.high" }),
      control("checkbox", "High included", { id: "q-num-high-in", value: bounds.high_inclusive !== false, field: P + "answer_key.range.high_inclusive" })
    ]);
    rangeBox.setAttribute("data-field", P + "answer_key.range");
    function toggle() { valueBox.hidden = range.checked; rangeBox.hidden = !range.checked; }
    exact.addEventListener("change", toggle); range.addEventListener("change", toggle);
    toggle();
    section.appendChild(valueBox);
    section.appendChild(rangeBox);
    return section;
  }

  function readNumeric(section) {
    if (section.querySelector("#q-num-range").checked) {
      return { config: {}, answer_key: { range: {
        low: F.numberOrRaw(section.querySelector("#q-num-low").value),
        high: F.numberOrRaw(section.querySelector("#q-num-high").value),
        low_inclusive: section.querySelector("#q-num-low-in").checked,
        high_inclusive: section.querySelector("#q-num-high-in").checked
      } } };
    }
    var key = { value: F.numberOrRaw(section.querySelector("#q-num-value").value) };
    var tolerance = F.numberOrRaw(section.querySelector("#q-num-tolerance").value);
    if (tolerance !== null) {
      key.tolerance = tolerance;
      key.tolerance_mode = section.querySelector("#q-num-mode").value;
    }
    return { config: {}, answer_key: key };
  }

  /* --- fill in the blank -------------------------------------------------------------------- */

  function blankRow(blank, key) {
    key = key || {};
    var row = el("li", { "class": "row blank-row" });
    row.dataset.id = blank.id;
    row.dataset.noun = "Blank";
    row.dataset.suffix = " (" + blank.id + ")";
    var base = P + "answer_key.blanks." + blank.id;
    var box = el("fieldset", { "class": "row-box" }, [el("legend", { text: "Blank" })]);
    box.appendChild(control("textarea", "Accepted answers, one per line", { rows: 3, name: "answers", value: (key.answers || []).join("\n"), field: base + ".answers", cls: "wide" }));
    box.appendChild(templ(control("number", "Input size (optional)", { name: "size", min: 1, max: 500, value: blank.size }), P + "config.blanks[{i}].size"));
    box.appendChild(control("checkbox", "Case sensitive", { name: "case_sensitive", value: key.case_sensitive, field: base + ".case_sensitive" }));
    box.appendChild(control("checkbox", "Ignore accents", { name: "ignore_accents", value: key.ignore_accents, field: base + ".ignore_accents" }));
    box.appendChild(control("checkbox", "Answers are regular expressions", { name: "regexp", value: key.regexp, field: base + ".regexp" }));
    row.appendChild(box);
    return row;
  }

  function blanksSection(config, key) {
    var section = fieldset("Blanks", { field: P + "config.blanks" });
    section.appendChild(el("p", { "class": "help", text: "Each blank has its own accepted answers; the score is the share of blanks answered right." }));
    var list = el("ol", { "class": "rows", id: "blank-list" });
    var blanks = (config && config.blanks) || [{ id: "blank_0" }];
    var keys = (key && key.blanks) || {};
    blanks.forEach(function (blank) {
      var row = blankRow(blank, keys[blank.id]);
      row.querySelector(".row-box").appendChild(moveButtons(row, list, sync, "blank"));
      list.appendChild(row);
    });
    renumber(list);
    section.appendChild(list);
    section.appendChild(button("Add blank", { cls: "secondary add", onClick: function () {
      var taken = Array.prototype.map.call(list.children, function (r) { return r.dataset.id; });
      var row = blankRow({ id: uniqueId("blank", taken) }, {});
      row.querySelector(".row-box").appendChild(moveButtons(row, list, sync, "blank"));
      list.appendChild(row); renumber(list); sync();
      row.querySelector("textarea").focus();
    } }));
    return section;
  }

  function readBlanks(section) {
    var blanks = [], keys = {};
    section.querySelectorAll(".blank-row").forEach(function (row) {
      var blank = { id: row.dataset.id };
      var size = F.numberOrRaw(row.querySelector('[data-name="size"]').value);
      if (size !== null) blank.size = size;
      blanks.push(blank);
      keys[blank.id] = {
        answers: row.querySelector('[data-name="answers"]').value.split("\n").map(function (a) { return a.trim(); }).filter(function (a) { return a; }),
        case_sensitive: row.querySelector('[data-name="case_sensitive"]').checked,
        ignore_accents: row.querySelector('[data-name="ignore_accents"]').checked,
        regexp: row.querySelector('[data-name="regexp"]').checked
      };
    });
    return { config: { blanks: blanks }, answer_key: { blanks: keys } };
  }

  /* --- hints --------------------------------------------------------------------------------- */

  function hintRow(hint, list) {
    var row = el("li", { "class": "row hint-row" });
    row.dataset.noun = "Hint";
    var box = el("fieldset", { "class": "row-box" }, [el("legend", { text: "Hint" })]);
    box.appendChild(templ(control("textarea", "Text", { rows: 2, name: "text", value: hint.text || "", cls: "wide" }), "content.hints[{i}].text"));
    box.appendChild(templ(control("number", "Penalty, % of the score (optional)", { name: "penalty", min: 0, max: 100, step: "any", value: hint.penalty === null || hint.penalty === undefined ? "" : Math.round(hint.penalty * 10000) / 100 }), "content.hints[{i}].penalty"));
    box.appendChild(moveButtons(row, list, sync, "hint"));
    row.appendChild(box);
    return row;
  }

  function hintsSection(hints) {
    var section = fieldset("Hints", { field: "content.hints" });
    section.appendChild(el("p", { "class": "help", text: "Shown one at a time, in this order, when the learner asks." }));
    var list = el("ol", { "class": "rows", id: "hint-list" });
    (hints || []).forEach(function (hint) { list.appendChild(hintRow(hint, list)); });
    renumber(list);
    section.appendChild(list);
    section.appendChild(button("Add hint", { cls: "secondary add", onClick: function () {
      var row = hintRow({}, list); list.appendChild(row); renumber(list); sync();
      row.querySelector("textarea").focus();
    } }));
    return section;
  }

  function readHints() {
    return Array.prototype.map.call(root.querySelectorAll(".hint-row"), function (row) {
      var penalty = F.numberOrRaw(row.querySelector('[data-name="penalty"]').value);
      return { text: row.querySelector('[data-name="text"]').value, penalty: typeof penalty === "number" ? penalty / 100 : penalty };
    });
  }

  /* --- the whole form ------------------------------------------------------------------------- */

  function currentType(content) {
    if (!content || !Array.isArray(content.parts) || !content.parts.length) return "multiple_choice";
    if (content.parts.length > 1) return "multipart";
    return content.parts[0].type;
  }

  function typeSelect(type) {
    var options = (data.types || []).map(function (t) {
      var label = LABELS[t.name] || t.label || t.name;
      return [t.name, t.form ? label : label + " (JSON editor)"];
    });
    if (type === "multipart") options.push(["multipart", "Several parts (JSON editor)"]);
    var wrap = control("select", "Question type", { id: "q-type", options: options, value: type, field: "content.type" });
    wrap.input.addEventListener("change", function () { rebuild(true); });
    return wrap;
  }

  function build(content) {
    original = content && typeof content === "object" ? content : {};
    var type = currentType(original);
    state.type = type;
    root.textContent = "";
    root.hidden = false;
    root.appendChild(typeSelect(type));
    var jsonOnly = formTypes.indexOf(type) === -1;
    var body = el("div", { id: "q-body" });
    root.appendChild(body);
    if (jsonOnly) {
      body.appendChild(el("p", { "class": "help", id: "json-only", text: "This question type is edited in the JSON editor below." }));
      document.getElementById("json-advanced").open = true;
      state.jsonOnly = true;
      return;
    }
    state.jsonOnly = false;
    var part = (original.parts && original.parts[0]) || {};
    var basics = fieldset("Question");
    basics.appendChild(control("text", "Title", { id: "q-title", value: original.title || "", field: "content.title", cls: "wide", placeholder: "e.g. Adding fractions" }));
    basics.appendChild(control("textarea", "Prompt (HTML)", { id: "q-prompt", rows: 4, value: original.prompt || "", field: "content.prompt", cls: "wide", placeholder: "e.g. <p>What is 1/2 + 1/4?</p>" }));
    body.appendChild(basics);
    var answer = el("div", { id: "q-answer" });
    body.appendChild(answer);
    fillAnswer(answer, type, part.type === type ? part.config : null, part.type === type ? part.answer_key : null);
    body.appendChild(hintsSection(original.hints));
    var more = fieldset("After answering, and grading");
    more.appendChild(control("textarea", "Explanation (HTML, optional)", { id: "q-explanation", rows: 3, value: original.explanation || "", field: "content.explanation", cls: "wide" }));
    more.appendChild(control("text", "Tags (comma separated)", { id: "q-tags", value: (original.tags || []).join(", "), field: "content.tags", cls: "wide" }));
    more.appendChild(control("number", "Points", { id: "q-points", min: 0, step: "any", value: original.points === undefined ? 1 : original.points, field: "content.points" }));
    body.appendChild(more);
  }

  function fillAnswer(answer, type, config, key) {
    answer.textContent = "";
    if (isChoiceType(type)) answer.appendChild(choicesSection(type, config, key));
    else if (type === "numeric") answer.appendChild(numericSection(key));
    else if (type === "fill_in_blank") answer.appendChild(blanksSection(config, key));
  }

  /* Changing the type keeps what can carry over (the choice texts between choice types). */
  function rebuild() {
    var type = document.getElementById("q-type").value;
    if (formTypes.indexOf(type) === -1) {
      state.type = type; state.jsonOnly = true;
      var body = document.getElementById("q-body");
      body.textContent = "";
      body.appendChild(el("p", { "class": "help", id: "json-only", text: "This question type is edited in the JSON editor below." }));
      document.getElementById("json-advanced").open = true;
      return;
    }
    if (state.jsonOnly) {
      var content = collectJsonOnly();
      content.parts = [{ id: "part_0", type: type, config: {}, answer_key: {} }];
      build(content);
      sync();
      return;
    }
    var previous = state.type;
    var carried = null;
    if (isChoiceType(previous) && isChoiceType(type)) {
      var read = readChoices(previous, document.getElementById("q-answer"));
      carried = {};
      carried[listName(type)] = read.config[listName(previous)];
      if (type !== "multi_select" && Array.isArray(read.answer_key.correct)) read.answer_key.correct = read.answer_key.correct[0] || "";
      if (type === "multi_select" && !Array.isArray(read.answer_key.correct)) read.answer_key.correct = read.answer_key.correct ? [read.answer_key.correct] : [];
      delete read.answer_key.feedback;
      state.type = type;
      fillAnswer(document.getElementById("q-answer"), type, carried, read.answer_key);
    } else {
      state.type = type;
      fillAnswer(document.getElementById("q-answer"), type, null, null);
    }
    sync();
  }

  function collectJsonOnly() {
    try { return JSON.parse(textarea.value); } catch (e) { return clone(original || {}); }
  }

  function collect() {
    var content = clone(original || {});
    var type = state.type;
    var part = (content.parts && content.parts[0] && content.parts[0].type === type) ? content.parts[0] : { id: (content.parts && content.parts[0] && content.parts[0].id) || "part_0" };
    var answer = document.getElementById("q-answer");
    var built = isChoiceType(type) ? readChoices(type, answer) : type === "numeric" ? readNumeric(answer) : readBlanks(answer);
    part.type = type;
    part.config = built.config;
    part.answer_key = built.answer_key;
    content.parts = [part];
    delete content.type; /* derived from the parts by the server */
    content.title = document.getElementById("q-title").value;
    content.prompt = document.getElementById("q-prompt").value;
    content.explanation = document.getElementById("q-explanation").value;
    content.tags = document.getElementById("q-tags").value.split(",").map(function (t) { return t.trim(); }).filter(function (t) { return t; });
    var points = F.numberOrRaw(document.getElementById("q-points").value);
    content.points = points === null ? 1 : points;
    content.hints = readHints();
    return content;
  }

  function sync() {
    if (state.jsonOnly) return;
    textarea.value = JSON.stringify(collect(), null, 2);
    jsonDirty = false;
    document.getElementById("json-apply").hidden = true;
  }

  root.addEventListener("input", sync);
  root.addEventListener("change", sync);
  textarea.addEventListener("input", function () {
    jsonDirty = true;
    document.getElementById("json-apply").hidden = false;
  });
  document.getElementById("json-apply").addEventListener("click", function () {
    var parsed;
    try { parsed = JSON.parse(textarea.value); } catch (e) {
      F.showError(form, document.getElementById("error"), { field: "content", message: "Not valid JSON: " + e.message });
      return;
    }
    F.clearErrors(form);
    build(parsed);
    sync();
    document.getElementById("q-type").focus();
  });
  form.addEventListener("submit", function () {
    if (!state.jsonOnly && !jsonDirty) textarea.value = JSON.stringify(collect(), null, 2);
  });

  var initial = data.content;
  if (initial === null || typeof initial !== "object") {
    /* the posted text was not JSON: keep it in the editor, open */
    build({ parts: [{ id: "part_0", type: "json-only", config: {}, answer_key: {} }] });
    state.jsonOnly = true;
  } else {
    build(initial);
    if (!state.jsonOnly) { document.getElementById("json-advanced").open = false; }
  }
  var error = F.readJson("form-error-data");
  if (error) F.showError(form, document.getElementById("error"), error);
})();
