/*
 * LTI platform storage, the tool's half (1EdTech "LTI OIDC Login with LTI Client Side postMessages" v0.1 and
 * "LTI postMessage Storage" v0.1): at login, lti.put_data of the state and the nonce to the platform's storage
 * frame, then on to the platform's authorization URL; at launch, lti.get_data of both, posted back to the tool.
 * Messages go to the frame named by lti_storage_target ("_parent": the parent, or the opener of a window) with
 * the platform's origin (its OIDC authorization URL's) as target origin; an answer counts only from that origin,
 * with the message_id sent and no error. No answer in time (or an error) shows the new-window link.
 * Configuration: the JSON in #vault-lti-storage (docs/decisions/0021-lti-platform-storage.rst).
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("vault-lti-storage").textContent);
  var waiting = {};

  function messageId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function storageFrame() {
    var holder = window.opener || window.parent;
    if (!holder || holder === window) {
      return null;
    }
    return config.target === "_parent" ? holder : holder.frames[config.target];
  }

  function send(subject, key, value) {
    return new Promise(function (resolve, reject) {
      var frame = storageFrame();
      if (!frame) {
        reject(new Error("no storage frame"));
        return;
      }
      var id = messageId();
      var message = { subject: subject, message_id: id, key: key };
      if (value !== undefined) {
        message.value = value;
      }
      waiting[id] = { subject: subject + ".response", key: key, resolve: resolve, reject: reject };
      window.setTimeout(function () {
        if (waiting[id]) {
          delete waiting[id];
          reject(new Error("no answer"));
        }
      }, config.timeout_ms);
      try {
        frame.postMessage(message, config.platform_origin);
      } catch (error) {
        delete waiting[id];
        reject(error);
      }
    });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== config.platform_origin || !data || typeof data !== "object") {
      return;
    }
    var waiter = waiting[data.message_id];
    if (!waiter || data.subject !== waiter.subject) {
      return;
    }
    delete waiting[data.message_id];
    if (data.error || data.key !== waiter.key) {
      waiter.reject(new Error((data.error && data.error.code) || "wrong key"));
    } else {
      waiter.resolve(data);
    }
  });

  function offerNewWindow() {
    document.getElementById("vault-lti-storage-waiting").hidden = true;
    document.getElementById("vault-lti-storage-fallback").hidden = false;
  }

  if (config.mode === "login") {
    Promise.all([
      send("lti.put_data", config.state_key, config.state),
      send("lti.put_data", config.nonce_key, config.nonce),
    ]).then(function () {
      window.location.replace(config.auth_url);
    }, offerNewWindow);
  } else {
    Promise.all([send("lti.get_data", config.state_key), send("lti.get_data", config.nonce_key)]).then(
      function (answers) {
        var form = document.getElementById("vault-lti-verify");
        form.elements.state.value = String(answers[0].value || "");
        form.elements.nonce.value = String(answers[1].value || "");
        form.submit();
      },
      offerNewWindow
    );
  }
})();
