// Swaps Streamlit's own English texts for the page's language (data/pages/streamlit_texts.py).
// Installed once per tab; each run calls window.backofficeTexts(table) with the table, or null for English,
// which puts back every text and label this script changed that Streamlit has not redrawn since.
if (!window.backofficeTexts) {
  (function () {
    let table = null;
    let patterns = [];
    let labelPatterns = [];
    const ATTRIBUTES = ["aria-label", "title"];
    const ICON_NAME = /^[a-z0-9_]+ icon$/;

    function setText(node, text) {
      if (node.backofficeOriginal === undefined) node.backofficeOriginal = node.nodeValue;
      node.nodeValue = text;
      node.backofficeSwapped = text;
    }

    function setAttribute(element, name, value) {
      element.backofficeAttributes = element.backofficeAttributes || {};
      if (!(name in element.backofficeAttributes)) {
        element.backofficeAttributes[name] = [element.getAttribute(name), value];
      }
      if (value === null) element.removeAttribute(name); else element.setAttribute(name, value);
      element.backofficeAttributes[name][1] = value;
    }

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
      if (replaced !== undefined && replaced !== trimmed) setText(node, text.replace(trimmed, replaced));
    }

    function translateAttributes(element) {
      for (const name of ATTRIBUTES) {
        const value = element.getAttribute(name);
        if (!value) continue;
        if (table.labels[value] !== undefined) { setAttribute(element, name, table.labels[value]); continue; }
        const pattern = labelPatterns.find(([regex]) => regex.test(value));
        if (pattern) setAttribute(element, name, value.replace(pattern[0], pattern[1]));
        else if (name === "aria-label" && ICON_NAME.test(value)) {
          // "arrow_forward icon": an icon's font name read aloud; the icon is decoration beside its text
          setAttribute(element, name, null);
          setAttribute(element, "aria-hidden", "true");
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

    function restore() {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.currentNode; node; node = walker.nextNode()) {
        if (node.backofficeOriginal !== undefined) {
          if (node.nodeValue === node.backofficeSwapped) node.nodeValue = node.backofficeOriginal;
          node.backofficeOriginal = node.backofficeSwapped = undefined;
        }
        if (node.backofficeAttributes) {
          for (const [name, [original, swapped]] of Object.entries(node.backofficeAttributes)) {
            if (node.getAttribute(name) !== swapped) continue;   // Streamlit has drawn it again since
            if (original === null) node.removeAttribute(name); else node.setAttribute(name, original);
          }
          node.backofficeAttributes = undefined;
        }
      }
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
      observer.disconnect();
      table = newTable;
      if (!table) { restore(); return; }
      patterns = table.patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
      labelPatterns = table.label_patterns.map(([source, replacement]) => [new RegExp(source), replacement]);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: ATTRIBUTES });
      translateTree(document.body);
    };
  })();
}
