// Plain JS, no framework, nothing from outside: a plan or filter choice submits its form at once (the
// button stays for browsers without scripts).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
