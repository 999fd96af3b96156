/* Loaded in <head> without defer, so it picks the theme before the first paint: the reader's saved choice, else the
   system setting. A file rather than an inline script: the pages' Content-Security-Policy allows no inline script. */
(function () {
  var t = null;
  try { t = localStorage.getItem('sitebuild-theme'); } catch (e) {}
  if (t !== 'light' && t !== 'dark') t = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.setAttribute('data-theme', t);
})();
