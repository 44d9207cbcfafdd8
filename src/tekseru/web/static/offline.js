/* tekseru offline: registers the service worker (/sw.js) and, on a checklist page, keeps the answers given
   offline in IndexedDB, sends them through the answers API when the connection returns (each with the
   version it was given on), and shows a change made on the server meanwhile item by item with both values.
   Every word comes from the page (#offline-status data-*), in the page's language. Without this script the
   checklist form works as before. */
(function () {
  "use strict";
  var me = document.currentScript;
  var PRECACHED = "tekseru-precached";

  var CHECKLIST = /^\/inspections\/\d+\/checklist$/;

  // A message to the service worker; its answer when the work is done.
  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data || {}); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  if ("serviceWorker" in navigator && me) {
    var served = Boolean(navigator.serviceWorker.controller);  // this page came through the service worker
    navigator.serviceWorker.register(me.dataset.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (!worker) return null;
      if (me.dataset.signedIn !== "yes") {
        localStorage.removeItem(PRECACHED);
        return ask(worker, { type: "forget" });
      }
      var work = [];
      if (navigator.onLine && !(Date.now() - Number(localStorage.getItem(PRECACHED) || 0) < 600000)) {
        localStorage.setItem(PRECACHED, String(Date.now()));  // at most every 10 minutes
        work.push(ask(worker, { type: "precache" }));
      }
      if (CHECKLIST.test(location.pathname)) {
        // This checklist is kept on the device whatever the list of this user's checklists says, and the
        // page says so once it is (data-offline-kept): before that, a reload without a connection fails.
        work.push(ask(worker, { type: "keep", url: location.pathname, fetch: !served && navigator.onLine })
          .then(function (answer) {
            document.documentElement.dataset.offlineKept = answer.kept ? "yes" : "no";
          }));
      }
      return Promise.all(work);
    }).catch(function () { /* no service worker: the pages work online as before */ });
  }

  // IndexedDB: one record per changed item, key "user:inspection:item" ------------------------------------
  var STORE = "changes";
  var opening = null;
  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("tekseru-offline", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "key" }).createIndex("inspection", "inspection");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }
  function transact(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function allOf(inspection) {
    return transact("readonly", function (store) { return store.index("inspection").getAll(inspection); });
  }
  function put(entry) { return transact("readwrite", function (store) { store.put(entry); }); }
  function drop(key) { return transact("readwrite", function (store) { store.delete(key); }); }

  // The checklist page ----------------------------------------------------------------------------------------
  var status = document.getElementById("offline-status");
  var form = document.querySelector("form[data-inspection-id]");
  if (!status || !form || !window.indexedDB) return;
  var words = status.dataset;
  var inspection = Number(form.dataset.inspectionId);
  var entries = {};  // item number -> entry, as stored
  var failure = "";
  var sending = false;
  var touched = false;
  var unreachable = false;

  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function card(number) { return form.querySelector('[data-item-id="' + number + '"]'); }
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function given(number) {  // what the item's inputs say now
    var box = card(number);
    var checked = box.querySelector("input[type=radio]:checked");
    var comment = box.querySelector("textarea");
    return { answer: checked ? checked.value : "", comment: comment ? comment.value : "" };
  }
  function loaded(number) {  // what the page was loaded with (or last synced)
    var was = field("was-" + number), wasComment = field("was-comment-" + number);
    return {
      version: Number(card(number).dataset.version || 0),
      answer: was ? was.value : "",
      comment: wasComment ? wasComment.value : ""
    };
  }
  function setLoaded(number, version, answer, comment) {
    card(number).dataset.version = String(version);
    var pairs = [["version-", String(version)], ["was-", answer], ["was-comment-", comment]];
    pairs.forEach(function (pair) { var input = field(pair[0] + number); if (input) input.value = pair[1]; });
  }
  function show(number, answer, comment) {
    var box = card(number);
    box.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = radio.value === answer; });
    var text = box.querySelector("textarea");
    if (text) text.value = comment;
  }
  function answerLabel(number, answer) {
    var radio = card(number).querySelector('input[type=radio][value="' + answer + '"]');
    var label = radio && form.querySelector('label[for="' + radio.id + '"]');
    return label ? label.textContent.trim() : (answer || words.noAnswer);
  }
  function same(a, b) { return a.answer === b.answer && a.comment.trim() === b.comment.trim(); }

  function record(number) {  // keep the item's change on the device
    var now = given(number);
    var entry = entries[number];
    if (!entry) {
      var was = loaded(number);
      if (same(now, was)) return Promise.resolve();
      entry = { key: words.user + ":" + inspection + ":" + number, inspection: inspection, item: number, user: words.user,
                base: was.version, was: was.answer, wasComment: was.comment, conflict: null };
    } else if (!entry.conflict && same(now, { answer: entry.was, comment: entry.wasComment })) {
      delete entries[number];
      mark(number);
      return drop(entry.key).then(render);
    }
    entry.answer = now.answer;
    entry.comment = now.comment;
    entries[number] = entry;
    mark(number);
    return put(entry).then(render);
  }
  function recordAll() {
    return Promise.all(Array.prototype.map.call(form.querySelectorAll("[data-item-id]"), function (box) {
      return record(Number(box.dataset.itemId));
    }));
  }

  function mark(number) {  // the item's note: changed here, or the conflict with both values
    var box = card(number);
    var old = box.querySelector(".offline-note");
    if (old) old.remove();
    var entry = entries[number];
    if (!entry) return;
    var note = document.createElement("div");
    note.className = "offline-note";
    if (!entry.conflict) {
      note.appendChild(paragraph(words.changedHere));
    } else {
      note.classList.add("offline-conflict");
      note.setAttribute("role", "group");
      note.id = "offline-conflict-" + number;
      var stored = entry.conflict.stored || { answer: "", comment: "" };
      note.appendChild(paragraph(say(words.conflictTitle, { who: entry.conflict.by || "?" }), "strong"));
      note.appendChild(side(words.conflictStored, number, stored));
      note.appendChild(side(words.conflictMine, number, entry));
      var buttons = document.createElement("p");
      buttons.appendChild(button(words.keepStored, "keep-stored-" + number, function () { keepStored(number); }));
      buttons.appendChild(document.createTextNode(" "));
      buttons.appendChild(button(words.keepMine, "keep-mine-" + number, function () { keepMine(number); }));
      note.appendChild(buttons);
    }
    var legend = box.querySelector("legend");
    if (legend && legend.nextSibling) box.insertBefore(note, legend.nextSibling); else box.appendChild(note);
  }
  function paragraph(text, tag) {
    var p = document.createElement("p");
    var inner = document.createElement(tag || "span");
    inner.textContent = text;
    p.appendChild(inner);
    return p;
  }
  function side(title, number, value) {
    var p = document.createElement("p");
    p.className = "offline-side";
    p.appendChild(document.createTextNode(title + ": "));
    var strong = document.createElement("strong");
    strong.textContent = value.answer ? answerLabel(number, value.answer) : words.noAnswer;
    p.appendChild(strong);
    if (value.comment) p.appendChild(document.createTextNode(" — " + words.comment + ": " + value.comment));
    return p;
  }
  function button(text, id, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function keepStored(number) {
    var entry = entries[number], stored = entry.conflict.stored || { answer: "", comment: "" };
    show(number, stored.answer || "", stored.comment || "");
    setLoaded(number, entry.conflict.version || 0, stored.answer || "", stored.comment || "");
    delete entries[number];
    mark(number);
    drop(entry.key).then(render).then(refreshCopy);
  }
  function keepMine(number) {
    var entry = entries[number], stored = entry.conflict.stored || { answer: "", comment: "" };
    entry.base = entry.conflict.version || 0;
    entry.was = stored.answer || "";
    entry.wasComment = stored.comment || "";
    entry.conflict = null;
    setLoaded(number, entry.base, entry.was, entry.wasComment);
    show(number, entry.answer, entry.comment);
    mark(number);
    put(entry).then(render).then(send);
  }

  // Sending ----------------------------------------------------------------------------------------------------
  function csrf() { var input = field("csrf_token"); return input ? input.value : ""; }
  function ready() {
    return Object.keys(entries).map(Number).filter(function (n) { return !entries[n].conflict && entries[n].answer; });
  }
  function send() {
    if (sending || !navigator.onLine || !ready().length) return Promise.resolve(render());
    sending = true;
    failure = "";
    unreachable = false;
    render();
    return attempt(3).catch(function (problem) {
      failure = problem && problem.message ? problem.message : String(problem);
    }).then(function () { sending = false; render(); });
  }
  function attempt(left) {
    var numbers = ready();
    if (!numbers.length || !left) return Promise.resolve();
    var answers = numbers.map(function (n) {
      var e = entries[n];
      return { item: n, answer: e.answer, comment: e.comment, version: e.base };
    });
    return fetch(status.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "Accept": "application/json" },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) return stored(numbers, body.versions || []);
        if (response.status === 409 && body.conflicts) return conflicted(body.conflicts).then(function () {
          return attempt(left - 1);
        });
        throw new Error(body.detail || body.title || String(response.status));
      });
    }, function () { unreachable = true; /* the network is gone again: everything stays waiting */ });
  }
  function stored(numbers, versions) {
    var now = {};
    versions.forEach(function (v) { now[v.item] = v.version; });
    return Promise.all(numbers.map(function (n) {
      var e = entries[n];
      setLoaded(n, now[n] || e.base + 1, e.answer, e.comment);
      delete entries[n];
      mark(n);
      return drop(e.key);
    })).then(function () { failure = ""; status.dataset.done = "sent"; return refreshCopy(); });
  }
  function conflicted(conflicts) {
    return Promise.all(conflicts.filter(function (c) { return c.kind === "item" && entries[c.key]; }).map(function (c) {
      var e = entries[c.key];
      e.conflict = { stored: c.stored, version: c.stored_version, by: c.changed_by };
      mark(c.key);
      return put(e);
    }));
  }
  function refreshCopy() {  // the service worker keeps the page as the server has it now
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "refresh", url: location.pathname });
    }
  }

  // The status line and the complete button --------------------------------------------------------------------
  var complete = form.querySelector("[data-needs-server]");
  var why = null;
  function render() {
    var numbers = Object.keys(entries).map(Number);
    var conflicts = numbers.filter(function (n) { return entries[n].conflict; }).length;
    var waiting = numbers.length - conflicts;
    var lines = [];
    if (!navigator.onLine || (unreachable && waiting)) lines.push(say(words.offline, { count: waiting }));
    else if (sending) lines.push(say(words.sending, { count: waiting }));
    else if (failure) lines.push(say(words.failed, { detail: failure }));
    else if (status.dataset.done === "sent" && !waiting) lines.push(words.sent);
    if (conflicts) lines.push(say(words.conflicts, { count: conflicts }));
    status.textContent = lines.join(" ");
    status.hidden = !lines.length;
    status.classList.toggle("offline-now", !navigator.onLine);
    if (complete) {
      complete.disabled = !navigator.onLine;
      if (!navigator.onLine && !why) {
        why = document.createElement("span");
        why.id = "offline-complete-why";
        why.className = "hint";
        why.textContent = " " + words.completeOffline;
        complete.insertAdjacentElement("afterend", why);
        complete.setAttribute("aria-describedby", why.id);
      } else if (navigator.onLine && why) {
        why.remove();
        why = null;
        complete.removeAttribute("aria-describedby");
      }
    }
  }

  form.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-item-id]");
    touched = true;
    if (box && (!navigator.onLine || entries[box.dataset.itemId])) record(Number(box.dataset.itemId));
  });
  form.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-item-id]");
    touched = true;
    if (box && event.target.tagName === "TEXTAREA" && (!navigator.onLine || entries[box.dataset.itemId])) {
      record(Number(box.dataset.itemId));
    }
  });
  form.addEventListener("submit", function (event) {
    if (form.dataset.sendNow) return;
    if (!navigator.onLine) {  // the server is out of reach: the changes stay here
      event.preventDefault();
      recordAll().then(function () { render(); status.hidden = false; status.textContent += " " + words.kept; });
    } else if (Object.keys(entries).length) {  // send what waits first, then the form as it is
      event.preventDefault();
      var submitter = event.submitter;
      send().then(function () {
        // Still waiting (not sent) or in conflict: the form stays. An item with a comment and no answer goes
        // with the form, which says what is missing.
        if (Object.keys(entries).some(function (n) { return entries[n].conflict || entries[n].answer; })) return;
        form.dataset.sendNow = "yes";
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      });
    }
  });
  window.addEventListener("offline", function () { recordAll().then(render); });
  window.addEventListener("online", function () { send(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "updated" || event.data.url !== location.pathname) return;
      var last = Number(sessionStorage.getItem("tekseru-reloaded") || 0);
      if (!touched && !Object.keys(entries).length && Date.now() - last > 30000) {
        sessionStorage.setItem("tekseru-reloaded", String(Date.now()));
        location.reload();
        return;
      }
      if (document.getElementById("offline-updated")) return;
      var p = document.createElement("p");
      p.id = "offline-updated";
      p.className = "notice";
      p.appendChild(document.createTextNode(words.updated + " "));
      var link = document.createElement("a");
      link.href = location.pathname;
      link.textContent = words.reload;
      p.appendChild(link);
      status.insertAdjacentElement("afterend", p);
    });
  }

  // What the device kept from before: shown on the page, dropped when the server has it, else sent -----------
  allOf(inspection).then(function (kept) {
    kept.forEach(function (entry) {
      var box = card(entry.item);
      if (!box || entry.user !== words.user) return;  // another user's work stays for that user
      var now = loaded(entry.item);
      if (!entry.conflict && now.version !== entry.base && same(now, entry)) {
        drop(entry.key);  // the server has it already
        return;
      }
      entries[entry.item] = entry;
      show(entry.item, entry.answer, entry.comment);
      if (!entry.conflict) setLoaded(entry.item, entry.base, entry.was, entry.wasComment);
      mark(entry.item);
    });
    render();
    return send();
  }).catch(function () { render(); });
})();
