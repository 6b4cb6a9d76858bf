// Move focus to a form's error summary so keyboard and screen-reader users hear it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".portal-error-summary");
  if (summary) summary.focus();
});
