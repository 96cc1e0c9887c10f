// The console's one script (the page stays usable without it): files dropped on the upload area go
// into the form's file input, and the chosen names are listed before the clerk sends them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector("[data-chosen]");
    function show() {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      list.textContent = names.length ? "고른 파일 " + names.length + "개: " + names.join(", ") : "";
    }
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      input.files = e.dataTransfer.files;
      show();
    });
    input.addEventListener("change", show);
  });
});
