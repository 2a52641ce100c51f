// Swaps Streamlit's own English texts for the page's language (data/pages/streamlit_texts.py).
// Installed once per tab; each run calls window.backofficeTexts(table) with the table, or null for English.
if (!window.backofficeTexts) {
  (function () {
    let table = null;
    let patterns = [];
    let labelPatterns = [];
    const ATTRIBUTES = ["aria-label", "title"];
    const ICON_NAME = /^[a-z0-9_]+ icon$/;

    function translateText(node) {
      const text = node.nodeValue;
      if (!text || text.length > 200) return;
      const trimmed = text.trim();
      if (!trimmed) return;
      let replaced = table.texts[trimmed];
      if (replaced === undefined) {
        for (const [pattern, replacement] of patterns) {
          if (pattern.test(trimmed)) { replaced = trimmed.replace(pattern, replacement); break; }
        }
      }
      if (replaced !== undefined && replaced !== trimmed) node.nodeValue = text.replace(trimmed, replaced);
    }

    function translateAttributes(element) {
      for (const name of ATTRIBUTES) {
        const value = element.getAttribute(name);
        if (!value) continue;
        if (table.labels[value] !== undefined) { element.setAttribute(name, table.labels[value]); continue; }
        const pattern = labelPatterns.find(([regex]) => regex.test(value));
        if (pattern) element.setAttribute(name, value.replace(pattern[0], pattern[1]));
        else if (name === "aria-label" && ICON_NAME.test(value)) {
          // "arrow_forward icon": an icon's font name read aloud; the icon is decoration beside its text
          element.removeAttribute(name);
          element.setAttribute("aria-hidden", "true");
        }
      }
    }

    function translateTree(root) {
      if (root.nodeType === Node.TEXT_NODE) { translateText(root); return; }
      if (root.nodeType !== Node.ELEMENT_NODE) return;
      translateAttributes(root);
      for (const element of root.querySelectorAll("[aria-label],[title]")) translateAttributes(element);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) translateText(node);
    }

    const observer = new MutationObserver((mutations) => {
      if (!table) return;
      for (const mutation of mutations) {
        if (mutation.type === "characterData") translateText(mutation.target);
        else if (mutation.type === "attributes") translateAttributes(mutation.target);
        else for (const node of mutation.addedNodes) translateTree(node);
      }
    });

    window.backofficeTexts = function (newTable) {
      table = newTable;
      if (!table) { observer.disconnect(); return; }
      patterns = table.patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
      labelPatterns = table.label_patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
      observer.disconnect();
      observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: ATTRIBUTES });
      translateTree(document.body);
    };
  })();
}
