// The room's print pages: a "Print" button that opens the browser's print dialogue.
// Without scripts the button stays hidden and the page says to use the browser's Print.
for (const button of document.querySelectorAll("[data-room-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
