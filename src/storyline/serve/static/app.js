// Citation links jump to the source sentence and mark it. No inline script anywhere: the page's
// Content-Security-Policy allows only this file.
"use strict";

// A hand-edited or truncated fragment ("#%E0") is not valid percent-encoding and would make
// decodeURIComponent throw; such a fragment names no sentence.
function fragment(hash) {
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return "";
  }
}

function highlight(id) {
  const target = id && document.getElementById(id);
  if (!target || !target.classList.contains("sentence")) return;
  for (const old of document.querySelectorAll(".sentence.hl")) old.classList.remove("hl");
  target.classList.add("hl");
  target.scrollIntoView({ block: "center", inline: "nearest" });
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (!link) return;
  const href = link.getAttribute("href") || "";
  if (!href.startsWith("#")) return;
  event.preventDefault();
  history.replaceState(null, "", href);
  highlight(fragment(href));
});

document.addEventListener("DOMContentLoaded", () => highlight(fragment(location.hash)));
