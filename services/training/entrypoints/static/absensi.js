// Attendance checklist: a mark is kept in localStorage until the server has it, so a dropped connection never
// loses it silently. The page says what happened and retries on its own (and as soon as the browser is online).
(function () {
  var form = document.getElementById("absensi");
  if (!form) return;
  var url = form.dataset.url, key = form.dataset.key;
  var statusBox = document.getElementById("status"), saveButton = document.getElementById("save");
  var closeButton = document.getElementById("close");
  var retryTimer = null, retryDelay = 3000, sending = false;
  // Closing a session is final: ask first (a listener, not an inline onsubmit, which the pages' CSP refuses).
  var closeForm = document.getElementById("close-form");
  if (closeForm) closeForm.addEventListener("submit", function (e) {
    if (!window.confirm(closeForm.dataset.confirm)) e.preventDefault();
  });

  function show(kind, text) { statusBox.className = "notice " + kind; statusBox.textContent = text; }
  // The hall's clock (WITA) whatever zone the phone is set to, written as the rest of SIPELKOP writes it: "14.30 WITA".
  function clock(iso) {
    var options = {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Makassar"};
    try { return new Date(iso).toLocaleTimeString("id-ID", options).replace(":", ".") + " WITA"; }
    catch (e) { delete options.timeZone; return new Date(iso).toLocaleTimeString("id-ID", options).replace(":", "."); }
  }
  function csrf() { var meta = document.querySelector("meta[name=csrf-token]"); return meta ? meta.content : ""; }
  function pending() { try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; } }
  function signInLink() {
    // identity's sign-in page, found from the frame's sign-out form; back to this page afterwards
    var out = document.querySelector("header form[action$='/keluar']");
    if (!out) return;
    var link = document.createElement("a");
    link.href = out.action.replace(/\/keluar$/, "/masuk") + "?next=" + encodeURIComponent(location.href);
    link.className = "btn";
    link.textContent = "Masuk lagi";
    statusBox.appendChild(link);
  }
  function setBlocked(blocked) { if (closeButton) closeButton.disabled = blocked; }

  function collect() {
    var marks = [];
    form.querySelectorAll(".row").forEach(function (row) {
      var id = row.dataset.participant;
      var checked = row.querySelector("input[type=radio]:checked");
      var note = row.querySelector(".note").value.trim();
      marks.push({participant_id: id, status: checked ? checked.value : "hadir", note: note || null});
    });
    // Business time: when the trainer tapped Simpan, not when the server finally receives it.
    return {marks: marks, recorded_at: new Date().toISOString()};
  }

  function apply(payload) {
    payload.marks.forEach(function (m) {
      var row = form.querySelector('[data-participant="' + m.participant_id + '"]');
      if (!row) return;
      var radio = row.querySelector('input[value="' + m.status + '"]');
      if (radio) radio.checked = true;
      row.querySelector(".note").value = m.note || "";
      row.classList.toggle("exception", m.status !== "hadir");
    });
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function send() {
    var payload = pending();
    if (!payload || sending) return;
    sending = true;
    saveButton.disabled = true;
    show("info", "Mengirim kehadiran…");
    fetch(url, {method: "PUT", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "Accept": "application/json",
                          "X-CSRF-Token": csrf()},
                body: JSON.stringify(payload)})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            localStorage.removeItem(key);
            retryDelay = 3000;
            setBlocked(false);
            form.querySelectorAll(".unmarked").forEach(function (span) { span.remove(); });
            show("success", "Tersimpan: " + payload.marks.length + " peserta (ditandai pukul " +
                 clock(payload.recorded_at) + ").");
          } else if (response.status === 401) {
            // Kept: after signing in again the page sends it.
            show("error", "Sesi Anda berakhir. Tanda tetap disimpan di perangkat ini; masuk lagi untuk mengirimnya. ");
            signInLink();
          } else if (response.status >= 500) {
            show("warning", "Server sedang bermasalah. Tanda disimpan di perangkat ini dan dikirim ulang otomatis.");
            scheduleRetry();
          } else {
            // A refusal that retrying cannot fix: say why and let the trainer correct it.
            localStorage.removeItem(key);
            setBlocked(false);
            show("error", "Tidak tersimpan: " + ((body.error && body.error.message) || ("kode " + response.status)));
          }
        });
      })
      .catch(function () {
        show("warning", "Koneksi terputus. " + payload.marks.length + " tanda (pukul " + clock(payload.recorded_at) +
             ") disimpan di perangkat ini dan akan dikirim otomatis saat koneksi kembali.");
        scheduleRetry();
      })
      .finally(function () { sending = false; saveButton.disabled = false; });
  }

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") {
      event.target.closest(".row").classList.toggle("exception", event.target.value !== "hadir");
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    localStorage.setItem(key, JSON.stringify(collect()));
    setBlocked(true);  // closing the session must wait until the marks are in
    retryDelay = 3000;
    send();
  });
  window.addEventListener("online", function () { retryDelay = 3000; send(); });

  var left = pending();
  if (left) {
    apply(left);
    setBlocked(true);
    show("warning", "Ada " + left.marks.length + " tanda yang belum terkirim (pukul " + clock(left.recorded_at) +
         "); mengirim…");
    send();
  }
})();
