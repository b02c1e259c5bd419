// Score sheet: what is typed is kept in localStorage (as the attendance checklist keeps its marks) until the server
// has it, so a dropped connection or a closed tab loses nothing; the form itself posts without JavaScript.
(function () {
  var form = document.getElementById("nilai");
  if (!form) return;
  var key = form.dataset.key, statusBox = document.getElementById("status");
  var fields = form.querySelectorAll("input[name^=pre_], input[name^=post_]");
  function keep() {
    var typed = {};
    fields.forEach(function (f) { typed[f.name] = f.value; });
    try { localStorage.setItem(key, JSON.stringify(typed)); } catch (e) {}
  }
  var left = null;
  try { left = JSON.parse(localStorage.getItem(key)); } catch (e) {}
  // A page showing the server's refusal keeps what the server sent back; otherwise the device's copy wins.
  if (left && !form.querySelector(".field-error")) {
    var restored = 0;
    fields.forEach(function (f) { if (left[f.name] !== undefined && left[f.name] !== f.value) { f.value = left[f.name]; restored++; } });
    if (restored) {
      statusBox.className = "notice warning";
      statusBox.textContent = restored + " nilai yang diketik sebelumnya belum tersimpan dan dipulihkan dari perangkat ini. Tekan Simpan nilai.";
    }
  }
  if (statusBox.className.indexOf("success") >= 0) { try { localStorage.removeItem(key); } catch (e) {} }
  form.addEventListener("input", keep);
  form.addEventListener("submit", keep);
})();
