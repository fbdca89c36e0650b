/*
 * The learner's take page: start an attempt, autosave, hints, check, timer, submit, result.
 *
 * TLDR: plain JS, no build step. Everything goes through the vault's learner REST API with the
 * session cookie and Django's CSRF token; the server decides what is released, so this script
 * only renders what it receives (no keys ever reach it). Answers are {part_id: answer} per
 * response. The deadline is the server's: the countdown runs from ``seconds_left`` and, at zero,
 * the page saves, submits (the server records it as an expiry submission) and shows the result.
 *
 * Mountable: ``VaultTake.mount(root, config, strings, prefix)`` runs it on the markup of
 * ``_take_body.html`` inside ``root``, whose ids all start with ``prefix`` (so several vault
 * assessment XBlocks in one unit keep apart). The take page mounts itself from its JSON scripts;
 * the XBlock's ``block.js`` mounts it on the block's element.
 *
 * Safe rendering: only the author-HTML fields of a question (prompts, choice texts, hints, feedback,
 * explanation), which the server cleans against an allow-list (questions/sanitize.py), go in as
 * HTML (el's "html"); every other string (titles, option labels, messages) goes in as text.
 */
(function () {
  "use strict";

  function csrfToken(root, cookieName) {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]") || document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(new RegExp("(?:^|; )" + (cookieName || "csrftoken") + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function mount(root, config, t, prefix) {
  prefix = prefix || "";
  var csrf = csrfToken(root, config.csrfCookieName);
  var $ = function (id) { return document.getElementById(prefix + id); };

  var attempt = null;          // the AttemptView being taken
  var dirty = {};              // response_id -> true: answers changed since the last save
  var saveTimer = null;
  var saving = null;           // the promise of the save in flight
  var countdown = null;
  var endsAt = null;           // performance.now() at which the server deadline passes
  var lastAnnounced = null;
  var finishing = false;
  var SAVE_DELAY_MS = 800;

  function url(path) { return config.apiRoot + path; }

  function request(method, path, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    };
    // Inside an LTI launch (a platform's iframe, maybe without cookies): the launch token instead.
    if (config.authorization) {
      options.credentials = "omit";
      options.headers = { "Accept": "application/json", "Authorization": config.authorization };
    }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url(path), options).then(function (response) {
      return response.text().then(function (text) {
        var data = text ? JSON.parse(text) : null;
        if (!response.ok) {
          var error = new Error((data && data.message) || response.statusText);
          error.status = response.status;
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  function showError(error) {
    var box = $("error");
    if (!error) { box.hidden = true; box.textContent = ""; return; }
    box.textContent = error.message || String(error);
    box.hidden = false;
  }

  // Text of a cleaned HTML fragment, for places that take no markup (<option>). DOMParser's document is
  // inert: no script runs and nothing is fetched while it is read.
  function htmlText(html) {
    return new DOMParser().parseFromString(html || "", "text/html").body.textContent;
  }

  // attrs.html: ONLY for the server-cleaned author-HTML fields listed at the top; anything else uses attrs.text.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "html") { node.innerHTML = attrs[name]; }
      else if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
      }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  // ---------------------------------------------------------------------------- answers

  function partAnswer(question, part) {
    var value = question.answer && typeof question.answer === "object" ? question.answer[part.id] : undefined;
    return value === undefined ? null : value;
  }

  function inputId(question, part, suffix) {
    return prefix + "r" + question.response_id + "-" + part.id + (suffix ? "-" + suffix : "");
  }

  function renderPart(question, part, disabled) {
    var wrap = el("div", { "class": "part", "data-part": part.id, "data-type": part.type });
    var current = partAnswer(question, part);
    var promptId = inputId(question, part, "prompt");
    if (part.prompt) { wrap.appendChild(el("div", { "class": "part-prompt", id: promptId, html: part.prompt })); }
    var cfg = part.config || {};
    if (part.type === "multiple_choice" || part.type === "multi_select") {
      var multi = part.type === "multi_select";
      var group = el("div", { "class": "choices", role: multi ? "group" : "radiogroup",
        "aria-labelledby": part.prompt ? promptId : null });
      (cfg.choices || []).forEach(function (choice, index) {
        var id = inputId(question, part, index);
        var checked = multi ? Array.isArray(current) && current.indexOf(choice.id) >= 0 : current === choice.id;
        var input = el("input", { type: multi ? "checkbox" : "radio", id: id, value: choice.id,
          name: inputId(question, part), checked: checked, disabled: disabled });
        group.appendChild(el("div", { "class": "choice" }, [input, el("label", { "for": id, html: choice.text })]));
      });
      wrap.appendChild(group);
    } else if (part.type === "dropdown") {
      var sid = inputId(question, part);
      var select = el("select", { id: sid, disabled: disabled }, [el("option", { value: "", text: t.choose })]);
      (cfg.options || []).forEach(function (option) {
        select.appendChild(el("option", { value: option.id, text: htmlText(option.text), selected: current === option.id }));
      });
      wrap.appendChild(el("label", { "for": sid, text: t.answer }));
      wrap.appendChild(select);
    } else if (part.type === "fill_in_blank") {
      (cfg.blanks || []).forEach(function (blank, index) {
        var bid = inputId(question, part, blank.id);
        var value = current && typeof current === "object" ? current[blank.id] : (index === 0 && typeof current === "string" ? current : "");
        wrap.appendChild(el("div", { "class": "blank" }, [
          el("label", { "for": bid, text: (cfg.blanks.length > 1 ? t.blank + " " + (index + 1) : t.answer) }),
          el("input", { type: "text", id: bid, "data-blank": blank.id, value: value || "", size: blank.size || 20,
            autocomplete: "off", disabled: disabled }),
        ]));
      });
    } else if (part.type === "extended_text") {
      // Free text that no grader scores (imported essays): a text area of the expected size.
      var tid = inputId(question, part);
      wrap.appendChild(el("label", { "for": tid, text: t.answer }));
      wrap.appendChild(el("textarea", { id: tid, rows: cfg.expected_lines || 6, disabled: disabled,
        text: typeof current === "string" ? current : "" }));
    } else {
      var nid = inputId(question, part);
      var isNumeric = part.type === "numeric";
      wrap.appendChild(el("label", { "for": nid, text: t.answer }));
      wrap.appendChild(el("input", { type: "text", id: nid, inputmode: isNumeric ? "decimal" : null,
        value: current === null ? "" : (typeof current === "string" || typeof current === "number" ? String(current) : JSON.stringify(current)),
        autocomplete: "off", disabled: disabled }));
    }
    return wrap;
  }

  function readPart(partNode) {
    var type = partNode.getAttribute("data-type");
    if (type === "multiple_choice") {
      var picked = partNode.querySelector("input:checked");
      return picked ? picked.value : null;
    }
    if (type === "multi_select") {
      return Array.prototype.map.call(partNode.querySelectorAll("input:checked"), function (i) { return i.value; });
    }
    if (type === "dropdown") {
      var value = partNode.querySelector("select").value;
      return value || null;
    }
    if (type === "fill_in_blank") {
      var answer = {};
      partNode.querySelectorAll("input[data-blank]").forEach(function (input) { answer[input.getAttribute("data-blank")] = input.value; });
      return answer;
    }
    var text = partNode.querySelector("input, textarea").value.trim();
    return text === "" ? null : text;
  }

  function readQuestion(fieldset) {
    var answer = {};
    fieldset.querySelectorAll(".part").forEach(function (partNode) {
      answer[partNode.getAttribute("data-part")] = readPart(partNode);
    });
    return answer;
  }

  // ---------------------------------------------------------------------------- rendering

  function renderFeedback(question) {
    var box = el("div", { "class": "feedback", "aria-live": "polite" });
    if (question.correct !== null && question.correct !== undefined) {
      box.appendChild(el("p", { "class": question.correct ? "correct" : "incorrect",
        text: (question.correct ? t.correct : t.incorrect) + (question.score !== null ? " (" + Math.round(question.score * 100) + "%)" : "") }));
    }
    var texts = question.feedback && question.feedback.feedback ? question.feedback.feedback : {};
    Object.keys(texts).forEach(function (key) { if (texts[key]) { box.appendChild(el("div", { "class": "feedback-text", html: texts[key] })); } });
    if (question.explanation) {
      box.appendChild(el("div", { "class": "explanation" }, [el("strong", { text: t.explanation + ": " }), el("div", { html: question.explanation })]));
    }
    return box;
  }

  function renderHints(question) {
    var list = el("ol", { "class": "hints", "aria-live": "polite" });
    (question.hints || []).forEach(function (hint) { list.appendChild(el("li", { html: hint })); });
    return list;
  }

  function renderQuestion(question, readOnly) {
    var legendId = prefix + "q" + question.response_id + "-legend";
    var fieldset = el("fieldset", { "class": "question", "data-response": question.response_id, id: prefix + "q" + question.response_id });
    var q = question.question || {};
    fieldset.appendChild(el("legend", { id: legendId, text: t.question + " " + (question.position + 1) + (q.title ? ": " + q.title : "") }));
    if (q.prompt) { fieldset.appendChild(el("div", { "class": "prompt", html: q.prompt })); }
    var disabled = readOnly || (question.tries_left === 0);
    (q.parts || []).forEach(function (part) { fieldset.appendChild(renderPart(question, part, disabled)); });
    fieldset.appendChild(renderHints(question));
    var actions = el("div", { "class": "question-actions" });
    if (!readOnly && config.hintsEnabled && question.hints_remaining > 0) {
      actions.appendChild(el("button", { type: "button", "class": "hint", "data-action": "hint",
        text: t.hint + " (" + question.hints_remaining + " " +
          (question.hints_remaining === 1 ? t.hintLeft : t.hintsLeft) + ")" }));
    }
    if (!readOnly && question.tries_left !== null && question.tries_left > 0) {
      actions.appendChild(el("button", { type: "button", "class": "check", "data-action": "check",
        text: t.check + (config.behaviour === "interactive" ? " (" + question.tries_left + " " + t.triesLeft + ")" : "") }));
    }
    fieldset.appendChild(actions);
    fieldset.appendChild(renderFeedback(question));
    return fieldset;
  }

  function replaceQuestion(question) {
    var old = $("q" + question.response_id);
    var focusedId = document.activeElement && old && old.contains(document.activeElement) ? document.activeElement.id : null;
    var fresh = renderQuestion(question, false);
    if (old) { old.parentNode.replaceChild(fresh, old); }
    if (attempt) {
      attempt.questions = attempt.questions.map(function (q) { return q.response_id === question.response_id ? question : q; });
    }
    var target = (focusedId && document.getElementById(focusedId)) || fresh.querySelector("button, input, select");
    if (target && !target.disabled) { target.focus(); } else { fresh.querySelector("legend").setAttribute("tabindex", "-1"); fresh.querySelector("legend").focus(); }
  }

  function renderAttempt(view) {
    attempt = view;
    $("intro").hidden = true;
    $("result").hidden = true;
    $("status-bar").hidden = false;
    var box = $("questions");
    box.innerHTML = "";
    view.questions.forEach(function (question) { box.appendChild(renderQuestion(question, false)); });
    $("attempt").hidden = false;
    startCountdown(view.seconds_left);
    var first = box.querySelector("input, select");
    if (first) { first.focus(); }
  }

  function renderHistory(items) {
    var list = $("history");
    list.innerHTML = "";
    items.forEach(function (item) {
      var text = t.attempt + " " + item.number + ": " + (item.state === "in_progress" ? t.inProgress : t.submitted);
      if (item.score !== null && item.score !== undefined) { text += " — " + t.score + " " + Math.round(item.score * 100) + "%"; }
      list.appendChild(el("li", { text: text }));
    });
  }

  function renderResult(result, timedOut) {
    stopCountdown();
    attempt = null;
    $("attempt").hidden = true;
    $("status-bar").hidden = true;
    $("intro").hidden = true;
    var summary = $("result-summary");
    var parts = [];
    if (timedOut) { parts.push(t.timeUp); }
    if (result.released && result.score !== null && result.score !== undefined) {
      summary.innerHTML = "";
      summary.appendChild(document.createTextNode((parts.length ? parts[0] + " " : "") + t.score + ": "));
      summary.appendChild(el("span", { id: prefix + "score", text: Math.round(result.score * 100) + "%" }));
      if (result.points_possible !== null && result.points_possible !== undefined) {
        summary.appendChild(document.createTextNode(" (" + result.points_earned + " / " + result.points_possible + ")"));
      }
      if (result.passed !== null && result.passed !== undefined) {
        summary.appendChild(el("span", { id: prefix + "passed", text: " — " + (result.passed ? t.passed : t.notPassed) }));
      }
    } else {
      summary.textContent = (parts.length ? parts[0] + " " : "") + t.withheld;
    }
    var box = $("result-questions");
    box.innerHTML = "";
    (result.questions || []).forEach(function (question) { box.appendChild(renderQuestion(question, true)); });
    $("result").hidden = false;
    $("result").focus();
  }

  // ---------------------------------------------------------------------------- autosave

  function setSaveStatus(text) { $("save-status").textContent = text; }

  function scheduleSave(delay) {
    if (saveTimer) { clearTimeout(saveTimer); }
    saveTimer = setTimeout(function () { saveTimer = null; save(); }, delay === undefined ? SAVE_DELAY_MS : delay);
  }

  function save() {
    if (!attempt) { return Promise.resolve(); }
    if (saving) { return saving.then(save); }
    var ids = Object.keys(dirty);
    if (!ids.length) { return Promise.resolve(); }
    var answers = {};
    ids.forEach(function (id) {
      var fieldset = $("q" + id);
      if (fieldset) { answers[id] = readQuestion(fieldset); }
    });
    dirty = {};
    setSaveStatus(t.saving);
    var attemptId = attempt.id;
    saving = request("PATCH", "attempts/" + attemptId + "/answers/", { answers: answers })
      .then(function () { setSaveStatus(t.saved); showError(null); })
      .catch(function (error) {
        ids.forEach(function (id) { dirty[id] = true; });
        if (error.status === 409) { return finish(false); }  // the attempt ended elsewhere
        setSaveStatus(t.saveFailed);
        if (error.status >= 500 || !error.status) { scheduleSave(5000); } else { showError(error); }
      })
      .then(function () { saving = null; });
    return saving;
  }

  function onAnswerChanged(event, immediate) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset || !attempt) { return; }
    dirty[fieldset.getAttribute("data-response")] = true;
    scheduleSave(immediate ? 0 : SAVE_DELAY_MS);
  }

  // ---------------------------------------------------------------------------- timer

  function format(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function announce(seconds) {
    var s = Math.ceil(seconds), text = null;
    if ([1800, 600, 300, 120, 60].indexOf(s) >= 0) { text = (s / 60) + " " + t.minutesLeft; }
    else if (s === 30 || s === 10) { text = s + " " + t.secondsLeft; }
    if (text && text !== lastAnnounced) { lastAnnounced = text; $("timer-announce").textContent = text; }
  }

  function tick() {
    var left = (endsAt - performance.now()) / 1000;
    $("timer").textContent = format(left);
    announce(left);
    if (left <= 0) { stopCountdown(); finish(true); }
  }

  function startCountdown(secondsLeft) {
    stopCountdown();
    if (secondsLeft === null || secondsLeft === undefined) { $("timer-box").hidden = true; return; }
    $("timer-box").hidden = false;
    endsAt = performance.now() + secondsLeft * 1000;
    tick();
    countdown = setInterval(tick, 250);
  }

  function stopCountdown() { if (countdown) { clearInterval(countdown); countdown = null; } }

  // ---------------------------------------------------------------------------- actions

  function finish(timedOut) {
    if (!attempt || finishing) { return Promise.resolve(); }
    finishing = true;
    var attemptId = attempt.id;
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    return save()
      .catch(function () { return null; })
      .then(function () { return request("POST", "attempts/" + attemptId + "/submit/"); })
      .catch(function (error) {
        if (error.status === 409) { return request("GET", "attempts/" + attemptId + "/result/"); }
        throw error;
      })
      .then(function (result) { renderResult(result, timedOut); })
      .catch(showError)
      .then(function () { finishing = false; });
  }

  function questionAction(button) {
    var fieldset = button.closest("fieldset.question");
    var responseId = fieldset.getAttribute("data-response");
    var action = button.getAttribute("data-action");
    button.disabled = true;
    var base = "attempts/" + attempt.id + "/responses/" + responseId + "/";
    var call = action === "check"
      ? request("POST", base + "check/", { answer: readQuestion(fieldset) })
      : save().then(function () { return request("POST", base + "hint/"); });
    if (action === "check") { delete dirty[responseId]; }
    call.then(function (question) { showError(null); replaceQuestion(question); })
      .catch(function (error) { button.disabled = false; showError(error); });
  }

  function start() {
    $("start").disabled = true;
    request("POST", "courses/" + encodeURIComponent(config.courseKey) + "/assessments/" + config.assessmentId + "/attempts/")
      .then(renderAttempt)
      .catch(function (error) { $("start").disabled = false; showError(error); });
  }

  function askSubmit() {
    var dialog = $("confirm");
    if (typeof dialog.showModal === "function") { dialog.showModal(); $("confirm-cancel").focus(); }
    else if (window.confirm($("confirm-text").textContent)) { finish(false); }
  }

  function init() {
    var base = "courses/" + encodeURIComponent(config.courseKey) + "/assessments/" + config.assessmentId + "/attempts/";
    $("start").addEventListener("click", start);
    $("submit").addEventListener("click", askSubmit);
    $("confirm-cancel").addEventListener("click", function () { $("confirm").close(); $("submit").focus(); });
    $("confirm-submit").addEventListener("click", function () { $("confirm").close(); finish(false); });
    $("attempt").addEventListener("submit", function (event) { event.preventDefault(); });
    $("questions").addEventListener("input", function (event) { onAnswerChanged(event, false); });
    $("questions").addEventListener("change", function (event) { onAnswerChanged(event, true); });
    $("questions").addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button) { questionAction(button); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (attempt && (Object.keys(dirty).length || saving)) { save(); event.preventDefault(); event.returnValue = ""; }
    });
    document.addEventListener("visibilitychange", function () { if (document.hidden) { save(); } });
    request("GET", base).then(function (data) { renderHistory(data.results || []); }).catch(function () { return null; });
    request("GET", base + "current/")  // 200 with null when no attempt is in progress
      .then(function (view) {
        if (view === null) { return; }
        if (view.seconds_left !== null && view.seconds_left <= 0) { attempt = view; return finish(true); }
        renderAttempt(view);
      })
      .catch(showError);
  }

  init();
  }

  window.VaultTake = { mount: mount };
  var pageConfig = document.getElementById("vault-take-config");
  if (pageConfig) {
    mount(document.getElementById("take"), JSON.parse(pageConfig.textContent),
      JSON.parse(document.getElementById("vault-take-strings").textContent), "");
  }
})();
