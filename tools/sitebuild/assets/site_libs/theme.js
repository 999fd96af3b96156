/* Loaded in <head> without defer, so it picks the theme before the first paint: the reader's saved choice, else the
   system setting, which it then follows as it changes (until the reader picks one with the toggle). A file rather
   than an inline script: the pages' Content-Security-Policy allows no inline script. */
(function () {
  var dark = matchMedia('(prefers-color-scheme: dark)');
  var pick = function () {
    var t = null;
    try { t = localStorage.getItem('sitebuild-theme'); } catch (e) {}
    if (t !== 'light' && t !== 'dark') t = dark.matches ? 'dark' : 'light';
    document.documentElement.setAttribute('data-theme', t);
  };
  pick();
  dark.addEventListener('change', pick);
})();
