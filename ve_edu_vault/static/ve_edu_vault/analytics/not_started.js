/*
 * The staff area's "Enrolled, not started" list, loaded after the page: reading it asks the LMS's Enrollment API,
 * which may be slow or down, so the page itself never waits for it (ADR 0031). The fragment is server-rendered
 * (escaped by Django's templates) and parsed with DOMParser, which runs no script; only its list element is
 * adopted. Without script, or when the fragment cannot be loaded, the link opens the list as a page of its own.
 */
(function () {
  "use strict";
  var section = document.getElementById("not-started-section");
  var loading = document.getElementById("not-started-loading");
  if (!section || !loading || !window.fetch || !window.DOMParser) {
    return;
  }
  function done() {
    section.setAttribute("aria-busy", "false");
  }
  fetch(section.getAttribute("data-fragment"), { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (html) {
      var list = new DOMParser().parseFromString(html, "text/html").getElementById("not-started-list");
      if (!list) {
        throw new Error("no list in the answer");
      }
      loading.replaceWith(document.adoptNode(list));
      done();
    })
    .catch(function () {
      loading.querySelector("span").textContent = section.getAttribute("data-failed");
      done();
    });
})();
