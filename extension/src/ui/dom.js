/** Builds an element: `text` sets textContent (never HTML), `dataset` fills data-*, known
 * properties are set as properties, anything else as an attribute; falsy children are skipped. */
export const mk = (tag, props = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el) el[k] = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c) el.append(c);
  return el;
};
