"""What changes when the book's page goes on paper (planeval.book.pdf runs this before printing): a reader of paper
cannot click, hover or download, and needs an address written out.

- Web-only words (`<span class="web-only">`: "点击…", "将鼠标停在…") are left out; `<span class="print-only">` words
  take their place where the page gives them.
- The 下载 section (links to files) is left out; its sentence for paper (where the files are published) is kept,
  at the end of the section before it.
- Every outside link whose text is not its address gets the address printed after it, percent-encoding decoded
  (a Chinese path reads as Chinese) and with line-break opportunities only where an address may be broken
  (after "//", before "/", ".", "-", "_", "?", "#", "~", "&", "="), never mid-word.
- A heading written by a page's code (the rule versions on the methodology page) keeps the level it has on its own
  page, but singlehtml sets every page one level down: it is put one level below the section it stands in, so that
  its bookmark nests under that section.
- A table's header cell over a column of numbers is right-aligned like the numbers under it; a project's progress
  keeps room for 暂无公开信息 on one line.
- A sentence introducing a list or table, and a chart's caption, is never left (whole or its last line) at the foot
  of a page: it goes with what it introduces.
"""

PAPER_CSS = """
article.bd-article .web-only, article.bd-article ul.downloads { display: none !important; }
article.bd-article span.print-only { display: inline !important; }
/* the address is printed as text (PAPER_JS), not by report.css's ::after, which broke it anywhere ("htt|p://") */
table.source-table a[href^="http"]::after, table.report-table td[data-label="来源"] a[href^="http"]::after {
  content: none !important; }
.pe-url { font-size: .85em; color: #57606a; word-break: normal; overflow-wrap: break-word; }
table.report-table > thead th.num { text-align: right; }
/* a project's progress (暂无公开信息, 建成) is not squeezed to four characters a line by a long requirement beside it */
table.project-table > tbody > tr > td[data-label="进展"] { min-width: 6.5em; }
/* nor the plan's requirement (深化……建设) to two characters a line by a long source address beside it */
table.project-table > tbody > tr > td[data-label="规划要求"] { min-width: 7em; }
/* and a project's name (with its place in the plan) keeps room for a few characters more than either */
table.project-table > tbody > tr > td[data-label="项目（规划出处）"] { min-width: 9em; }
/* a folded list's summary (72个项目（…）) is its table's heading on paper: never split, never left at a page's foot */
article.bd-article details.fold > summary { display: block; break-inside: avoid; page-break-inside: avoid;
  break-after: avoid; page-break-after: avoid; }
/* a sentence introducing a list or table ("本章使用的每一个数值…：") is never the last line of a page */
article.bd-article section > p:has(+ .cell > .cell_output > .output > :is(details.fold, .table-wrap):first-child),
/* nor a chart's caption: written in the chart's cell before it, or as a cell of text before the first chart */
article.bd-article .cell_output > p:has(+ .output > .vega-chart:first-child),
article.bd-article .cell:has(> .cell_output > p:last-child):has(+ .cell > .cell_output > .output > .vega-chart:first-child) {
  break-after: avoid; page-break-after: avoid;
  /* and not split: chromium would keep the avoided break by moving the last line alone to the next page */
  break-inside: avoid; }
"""

PAPER_JS = r"""(art) => {
  const levelOf = h => +h.tagName[1];
  // headings written by a page's code: one level below the section they stand in
  for (const h of [...art.querySelectorAll('h1, h2, h3, h4, h5, h6')]) {
    if (h.parentElement.tagName === 'SECTION') continue;
    const section = h.parentElement.closest('section');
    const own = section && [...section.children].find(c => /^H[1-6]$/.test(c.tagName));
    if (!own || levelOf(h) > levelOf(own)) continue;
    const moved = document.createElement('h' + Math.min(6, levelOf(own) + 1));
    for (const a of h.attributes) moved.setAttribute(a.name, a.value);
    moved.append(...h.childNodes);
    h.replaceWith(moved);
  }
  // the 下载 section: links to files; its sentence for paper goes to the end of the section before it
  for (const list of [...art.querySelectorAll('ul.downloads')]) {
    const section = list.closest('section');
    if (!section) continue;
    const heading = [...section.children].find(c => /^H[1-6]$/.test(c.tagName));
    const notes = [...section.querySelectorAll('.print-only')];
    const rest = section.textContent.replace(list.textContent, '').replace(heading ? heading.textContent : '', '')
      .replace(notes.map(n => n.textContent).join(''), '').trim();
    if (rest) continue;               // the section says more than where to download: it stays
    const before = section.previousElementSibling;
    if (before && before.tagName === 'SECTION') before.append(...notes); else section.before(...notes);
    section.remove();
  }
  // outside links: the address written out, breakable only where an address may be broken
  const breaks = new Set(['/', '.', '-', '_', '?', '#', '~', '&', '=']);
  for (const a of [...art.querySelectorAll('a[href^="http"]')]) {
    if (!(a instanceof HTMLAnchorElement) || a.closest('.vega-chart')) continue;
    const href = a.getAttribute('href');
    if ([href, a.href].includes(a.textContent.trim())) continue;   // the text is the address already
    let text = href;
    try { text = decodeURI(href); } catch (e) { /* a malformed escape: printed as it is */ }
    const span = document.createElement('span');
    span.className = 'pe-url';
    span.append('（');
    let part = '';
    [...text].forEach((c, i) => {
      const prev = text[i - 1];
      const after = prev === '/' && text[i - 2] === '/';            // just after "//"
      const before = i > 0 && breaks.has(c) && !(c === '/' && (prev === '/' || prev === ':'));
      if ((after || before) && part) { span.append(part, document.createElement('wbr')); part = ''; }
      part += c;
    });
    span.append(part, '）');
    a.after(span);
  }
  // header cells over numbers are aligned as the numbers are
  for (const table of art.querySelectorAll('table.report-table')) {
    const heads = table.querySelectorAll(':scope > thead > tr > th');
    const rows = [...table.querySelectorAll(':scope > tbody > tr')];
    heads.forEach((th, i) => {
      const cells = rows.map(r => r.children[i]).filter(td => td && td.textContent.trim());
      if (cells.length && cells.every(td => td.classList.contains('num'))) th.classList.add('num');
    });
  }
}"""
