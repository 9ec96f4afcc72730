/* On every page: install the service worker (static/cadence/sw.js, served at /sw.js), let a learner
   subscribe this device to push reminders, and show check-ins kept on this phone until they sync. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  var text = document.getElementById("offline-text");
  var say = text ? JSON.parse(text.textContent) : {};
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});

  function flush() {
    navigator.serviceWorker.ready.then(function (reg) { if (reg.active) { reg.active.postMessage("flush"); } });
  }
  window.addEventListener("online", flush);
  if (navigator.onLine) { flush(); }

  // A check-in tapped without a network: the service worker kept it and answered 202 with this event.
  document.body.addEventListener("checkin-queued", function (event) {
    var card = event.target.closest ? event.target.closest("article") : null;
    if (!card) { return; }
    card.classList.add("is-queued");
    var note = card.querySelector(".queued-note") || document.createElement("p");
    note.className = "queued-note";
    note.setAttribute("role", "status");
    note.textContent = say.queued || "Saved on this phone, will sync.";
    card.querySelector("header").after(note);
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "cadence-synced" && data.sent > 0 && document.querySelector(".is-queued")) {
      window.location.reload();  // the cards as the server has them now
    }
  });

  // Offline: Today comes from the service worker's copy; say when it was saved.
  if (!navigator.onLine && window.caches && document.querySelector(".today-head")) {
    caches.open("cadence-pages-v1").then(function (c) { return c.match("/__saved"); }).then(function (hit) {
      return hit ? hit.json() : null;
    }).then(function (saved) {
      if (!saved) { return; }
      var banner = document.createElement("p");
      banner.className = "notice offline-banner";
      banner.setAttribute("role", "status");
      banner.textContent = (say.offline || "Offline: Today as of %s.").replace("%s", new Date(saved.at).toLocaleString());
      document.querySelector("main").prepend(banner);
    });
  }

  // Push: a button that subscribes this device (Settings › Reminders, and Today).
  var buttons = document.querySelectorAll(".push-subscribe");
  if (!buttons.length || !("PushManager" in window)) { return; }
  function key(base64) {
    var raw = atob((base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  function status(button, message) {
    var place = button.parentNode.querySelector(".push-status");
    if (place) { place.textContent = message; }
  }
  var csrf = (document.body.getAttribute("hx-headers") || "").match(/"x-csrftoken": "([^"]+)"/);
  navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (existing) {
    buttons.forEach(function (button) {
      if (!(existing && button.dataset.offer)) { button.hidden = false; status(button, ""); }
    });
  });
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var api = button.dataset.api;
      button.disabled = true;
      Promise.all([fetch(api, { credentials: "same-origin" }).then(function (r) { return r.json(); }),
                   navigator.serviceWorker.ready, Notification.requestPermission()])
        .then(function (got) {
          if (got[2] !== "granted") { throw new Error(say.denied || "Notifications are blocked for this site."); }
          return got[1].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(got[0].public_key) });
        })
        .then(function (subscription) {
          return fetch(api, { method: "POST", credentials: "same-origin", body: JSON.stringify(subscription.toJSON()),
                              headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf[1] : "" } });
        })
        .then(function (response) {
          if (!response.ok) { throw new Error(say.failed || "The server did not take the subscription."); }
          status(button, say.subscribed || "This device will get reminders.");
          if (button.dataset.reload) { window.location.reload(); }
        })
        .catch(function (error) { status(button, error.message); button.disabled = false; });
    });
  });
})();
