// MathJax 3 for the course site, loaded from the site itself (assets/mathjax/, copied at build time
// from the pinned django-static-mathjax package): no network. SVG output needs no web fonts, which a
// page opened from a folder (file://) may not be allowed to load.
// Notebook markdown keeps its TeX between $...$ and $$...$$; MkDocs pages (arithmatex) use \(...\)
// and \[...\]. Code cells are left alone, inputs and outputs ($ in code is not maths, and the copy
// button copies the text of a hidden element in the cell), except outputs of rendered LaTeX or markdown.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: "tex2jax_ignore|jp-CodeCell",
    processHtmlClass: "tex2jax_process|arithmatex|jp-RenderedLatex|jp-RenderedMarkdown",
  },
  svg: { fontCache: "global" },
};

// Search results quote the pages' text, TeX included: typeset each list of results as it appears.
(function () {
  function watch() {
    const results = document.querySelector(".md-search-result__list");
    if (!results) return;
    new MutationObserver(() => {
      if (window.MathJax && window.MathJax.typesetPromise) window.MathJax.typesetPromise([results]);
    }).observe(results, { childList: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
