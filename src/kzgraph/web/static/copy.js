// "Copy the IRI" buttons next to labels in result tables.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button) { return; }
  const done = () => { button.classList.add("copied"); setTimeout(() => button.classList.remove("copied"), 1200); };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(button.dataset.copy).then(done, () => window.prompt("IRI", button.dataset.copy));
  } else {
    window.prompt("IRI", button.dataset.copy);
  }
});
