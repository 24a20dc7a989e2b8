// A project's guidelines: Markdown turned into elements with text content
// only (headings, paragraphs, lists, emphasis, code, links to http(s) or
// this site). Nothing in the text becomes markup, so guidelines can hold
// anything and never run a script.

const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

function inline(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(token(match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function token(t) {
  const wrap = (tag, inner) => {
    const node = document.createElement(tag);
    node.append(...inline(inner));
    return node;
  };
  if (t.startsWith("**")) return wrap("strong", t.slice(2, -2));
  if (t.startsWith("`")) {
    const code = document.createElement("code");
    code.textContent = t.slice(1, -1);
    return code;
  }
  if (t.startsWith("[")) {
    const close = t.indexOf("](");
    const href = t.slice(close + 2, -1);
    const label = t.slice(1, close);
    if (!/^(https?:\/\/|\/(?!\/))/i.test(href)) return document.createTextNode(label);
    const a = document.createElement("a");
    a.href = href;
    a.rel = "noopener noreferrer";
    a.append(...inline(label));
    return a;
  }
  return wrap("em", t.slice(1, -1));
}

/** The elements of `markdown`, for a container's `replaceChildren`. */
export function renderMarkdown(markdown) {
  const blocks = [];
  let list = null;
  let paragraph = [];
  const endParagraph = () => {
    if (paragraph.length) {
      const p = document.createElement("p");
      p.append(...inline(paragraph.join(" ")));
      blocks.push(p);
      paragraph = [];
    }
  };
  for (const raw of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^(?:[-*+]|(\d+)[.)])\s+(.*)$/.exec(line);
    if (!line) {
      endParagraph();
      list = null;
    } else if (heading) {
      endParagraph();
      list = null;
      // The page's own h1 and h2 come first: guidelines start at h3.
      const h = document.createElement(`h${Math.min(6, heading[1].length + 2)}`);
      h.append(...inline(heading[2]));
      blocks.push(h);
    } else if (item) {
      endParagraph();
      const tag = item[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = document.createElement(tag);
        blocks.push(list);
      }
      const li = document.createElement("li");
      li.append(...inline(item[2]));
      list.append(li);
    } else {
      list = null;
      paragraph.push(line);
    }
  }
  endParagraph();
  return blocks;
}
