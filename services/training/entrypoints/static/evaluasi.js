// Evaluation form: every choice and the comment are kept in localStorage while the form is filled, so a dropped
// connection or a closed tab loses nothing; the form itself posts without JavaScript.
(function () {
  if (document.getElementById("terkirim")) {  // the answer is in: what the device kept is not needed any more
    try { Object.keys(localStorage).forEach(function (k) { if (k.indexOf("sipelkop:evaluasi:") === 0) localStorage.removeItem(k); }); } catch (e) {}
    return;
  }
  var form = document.getElementById("evaluasi");
  if (!form) return;
  var key = form.dataset.key, statusBox = document.getElementById("status");
  function keep() {
    var typed = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (f) { typed[f.name] = f.value; });
    typed.comment = form.elements.comment.value;
    try { localStorage.setItem(key, JSON.stringify(typed)); } catch (e) {}
  }
  var left = null;
  try { left = JSON.parse(localStorage.getItem(key)); } catch (e) {}
  // A page showing the server's refusal keeps what the server sent back; otherwise the device's copy wins.
  if (left && !form.querySelector(".field-error")) {
    var restored = 0;
    Object.keys(left).forEach(function (name) {
      if (name === "comment") {
        if (left.comment && !form.elements.comment.value) { form.elements.comment.value = left.comment; restored++; }
        return;
      }
      var box = form.querySelector("input[name='" + name.replace(/'/g, "") + "'][value='" + String(left[name]).replace(/'/g, "") + "']");
      if (box && !box.checked) { box.checked = true; restored++; }
    });
    if (restored) {
      statusBox.className = "notice warning";
      statusBox.textContent = "Jawaban yang sudah Anda isi sebelumnya dipulihkan dari perangkat ini. Lanjutkan lalu tekan Kirim jawaban.";
    }
  }
  form.addEventListener("change", keep);
  form.addEventListener("input", keep);
})();
