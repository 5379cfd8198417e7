// Keyboard: "/" focuses the search box; arrows move between list rows; Enter opens a row.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                          target.tagName === "SELECT" || target.isContentEditable);
  if (event.key === "/" && !typing) {
    var search = document.querySelector("input[type=search]");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
    return;
  }
  if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !typing) {
    var links = Array.prototype.slice.call(document.querySelectorAll("tbody tr a.row-link"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    index = event.key === "ArrowDown" ? Math.min(index + 1, links.length - 1) : Math.max(index - 1, 0);
    event.preventDefault();
    links[index].focus();
  }
});
