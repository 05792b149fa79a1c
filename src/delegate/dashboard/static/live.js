// The live meeting page. Events arrive over SSE (htmx's sse extension) as HTML fragments
// whose ids name what they update; htmx swaps them out of band onto the element with that id.
// An element not yet on the page (a new turn, a new participant) is added where its
// data-append (a list) or data-after (a turn it follows) says; a step of the status history
// already on the page (read before the drain applied it) has the same id and is swapped in
// place. A reset reloads the page.
document.addEventListener("htmx:oobErrorNoTarget", function (evt) {
  var el = evt.detail.content;
  if (el.dataset.after) {
    var anchor = document.querySelector(el.dataset.after);
    if (anchor) {
      while (anchor.nextElementSibling && anchor.nextElementSibling.dataset.turn === el.dataset.turn) {
        anchor = anchor.nextElementSibling;
      }
      anchor.after(el);
      return;
    }
  }
  var list = el.dataset.append && document.querySelector(el.dataset.append);
  var last = list && list.lastElementChild;
  if (el.dataset.code && last && last.dataset.code === el.dataset.code) {
    return; // a poll confirming the status a webhook gave: one step, as on a reload
  }
  if (list) {
    list.append(el);
  }
});
document.addEventListener("htmx:sseBeforeMessage", function (evt) {
  if (evt.detail.type === "reset") {
    evt.preventDefault();
    window.location.reload();
  }
});
