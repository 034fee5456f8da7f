/* The report has no mathematics; Sphinx asks for a MathJax path on notebook pages, so it gets this
   empty local file instead of a CDN address. */
