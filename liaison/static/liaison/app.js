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

// BC's post code lookup on a card: the server answers a changed post code or city with the
// place values to add (masterdata post_code_fill_view); they go into the fields left blank.
document.body.addEventListener("liaison:fill", function (event) {
  var form = event.target && event.target.closest ? event.target.closest("form") : null;
  var fields = ["post_code", "city", "county", "country_code"];
  fields.forEach(function (name) {
    var value = event.detail ? event.detail[name] : undefined;
    var input = form ? form.elements[name] : document.querySelector("[name='" + name + "']");
    if (typeof value === "string" && input && !input.value) { input.value = value; }
  });
});
