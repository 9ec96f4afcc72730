/* Cadence's service worker, served at /sw.js so that it controls every page.
   - Push: shows each reminder with Done and Snooze 30 minutes; a tap POSTs the reminder's signed link.
   - Check-ins made without a network (Today's HTMX POST to /checkins/) are kept in IndexedDB and sent
     when the network is back: by Background Sync where the browser has it, else on the next page load
     or "online" event (the page asks). The server's unique row makes a replay harmless.
   - Today and the static files it needs are kept, so Today opens offline (with when it was saved). */
"use strict";
var PAGES = "cadence-pages-v1";
var ASSETS = "cadence-assets-v1";
var DB = "cadence";
var STORE = "checkins";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

// IndexedDB, the few calls we need ------------------------------------------------------------------
function db() {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open(DB, 1);
    open.onupgradeneeded = function () { open.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
}
function store(mode, work) {
  return db().then(function (base) {
    return new Promise(function (resolve, reject) {
      var tx = base.transaction(STORE, mode);
      var result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = function () { reject(tx.error); };
    });
  });
}
function queued() { return store("readonly", function (s) { return s.getAll(); }); }

// Check-ins --------------------------------------------------------------------------------------------
function checkin(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      var item = { url: copy.url, body: body, at: Date.now(),
                   headers: { "Content-Type": copy.headers.get("Content-Type") || "application/x-www-form-urlencoded",
                              "X-CSRFToken": copy.headers.get("X-CSRFToken") || "", "HX-Request": "true" } };
      return store("readwrite", function (s) { return s.add(item); });
    }).then(function () {
      if (self.registration.sync) { self.registration.sync.register("checkins").catch(function () {}); }
      return new Response("", { status: 202, headers: { "HX-Reswap": "none", "HX-Trigger": "checkin-queued" } });
    });
  });
}

var flushing = null;
function flush() {
  if (flushing) { return flushing; }
  flushing = queued().then(function (items) {
    var sent = 0;
    return items.reduce(function (chain, item) {
      return chain.then(function (go) {
        if (!go) { return false; }
        return fetch(item.url, { method: "POST", body: item.body, headers: item.headers, credentials: "same-origin" })
          .then(function (response) {
            // Stored (2xx), or refused for good (400: e.g. past the back-fill window): either way it is done.
            if (response.ok || response.status === 400) {
              sent += response.ok ? 1 : 0;
              return store("readwrite", function (s) { return s.delete(item.id); }).then(function () { return true; });
            }
            return true;
          }, function () { return false; });  // still offline: stop, keep the rest
      });
    }, Promise.resolve(true)).then(function () { return sent; });
  }).then(function (sent) {
    return self.clients.matchAll({ type: "window" }).then(function (windows) {
      return queued().then(function (left) {
        windows.forEach(function (w) { w.postMessage({ type: "cadence-synced", sent: sent, waiting: left.length }); });
      });
    });
  }).finally(function () { flushing = null; });
  return flushing;
}
self.addEventListener("sync", function (event) { if (event.tag === "checkins") { event.waitUntil(flush()); } });
self.addEventListener("message", function (event) { if (event.data === "flush") { event.waitUntil(flush()); } });

// Pages and files ----------------------------------------------------------------------------------------
function today(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) {
        cache.put("/", copy);
        cache.put("/__saved", new Response(JSON.stringify({ at: Date.now() })));
      });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) { return cache.match("/"); }).then(function (hit) {
      return hit || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}
// Hashed files (app.0123456789ab.js, as collectstatic names them) never change: from the cache first.
// Others (a development server's) from the network first, the cache only when offline.
var HASHED = /\.[0-9a-f]{12}\.\w+$/;
function asset(request) {
  return caches.open(ASSETS).then(function (cache) {
    function fresh() {
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
    }
    if (!HASHED.test(new URL(request.url).pathname)) {
      return fresh().catch(function () { return cache.match(request); });
    }
    return cache.match(request).then(function (hit) { return hit || fresh(); });
  });
}
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === "/checkins/" && request.headers.get("HX-Request")) {
    event.respondWith(checkin(request));
  } else if (request.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
  } else if (request.method === "GET" && request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(today(request));
  }
});

// Push -------------------------------------------------------------------------------------------------
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: "Cadence", body: event.data.text() }; }
  var actions = [];
  if (data.done_url) { actions.push({ action: "done", title: data.done_title || "Done" }); }
  if (data.snooze_url) { actions.push({ action: "snooze", title: data.snooze_title || "Snooze 30 minutes" }); }
  event.waitUntil(self.registration.showNotification(data.title || "Cadence",
    { body: data.body || "", tag: data.tag, data: data, actions: actions, icon: "/static/cadence/icon-192.png" }));
});
self.addEventListener("notificationclick", function (event) {
  var data = event.notification.data || {};
  event.notification.close();
  var link = event.action === "done" ? data.done_url : event.action === "snooze" ? data.snooze_url : null;
  if (link) {
    link = new URL(link, self.location.href).pathname;  // this site's own path, whatever SITE_URL says
    event.waitUntil(fetch(link, { method: "POST", credentials: "omit" }).catch(function () {
      return store("readwrite", function (s) { return s.add({ url: link, body: "", headers: {}, at: Date.now() }); });
    }));
    return;
  }
  event.waitUntil(self.clients.openWindow(data.url || "/"));
});
