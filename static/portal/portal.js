// Forms: focus the error summary on load, so keyboard and screen-reader users
// hear it first; its links bring the field's label into view, then focus it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".portal-error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest(".usa-form-group, .usa-fieldset") || field;
    group.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
});

// Links that jump to a control (the call page's "Skip to the disposition") move focus to it, not only the
// view: the next key acts on the control.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-jump]");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  var group = target.closest(".usa-form-group") || target;
  group.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
});
