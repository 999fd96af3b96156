// The offline build's page behaviour: theme toggle, copy buttons, search box, sidebar drawer, TOC highlight.
(function () {
  'use strict';
  var root = document.documentElement;
  var siteRoot = new URL('..', document.currentScript.src).href;   // this script is site_libs/site.js

  function setTheme(t) {
    root.setAttribute('data-theme', t);
    try { localStorage.setItem('sitebuild-theme', t); } catch (e) { /* storage disabled: the toggle still works */ }
  }
  document.getElementById('theme-toggle').addEventListener('click', function () {
    setTheme(root.getAttribute('data-theme') === 'dark' ? 'light' : 'dark');
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var ta = document.createElement('textarea');
    ta.value = text; ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(ta); }
    return Promise.resolve();
  }
  document.querySelectorAll('div.sourceCode').forEach(function (block) {
    var btn = document.createElement('button');
    btn.type = 'button'; btn.className = 'copy-button'; btn.textContent = 'Copy';
    btn.setAttribute('aria-label', 'Copy code to clipboard');
    btn.addEventListener('click', function () {
      copyText(block.querySelector('pre').innerText).then(function () {
        btn.textContent = 'Copied'; btn.classList.add('copied');
        setTimeout(function () { btn.textContent = 'Copy'; btn.classList.remove('copied'); }, 1500);
      });
    });
    block.appendChild(btn);
  });

  var toggle = document.querySelector('.sidebar-toggle'), sidebar = document.getElementById('sidebar');
  toggle.addEventListener('click', function () {
    var open = sidebar.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });

  var tocLinks = Array.prototype.slice.call(document.querySelectorAll('.toc a[href^="#"]'));
  if (tocLinks.length && 'IntersectionObserver' in window) {
    var byId = {};
    tocLinks.forEach(function (a) { byId[decodeURIComponent(a.getAttribute('href').slice(1))] = a; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting || !byId[e.target.id]) return;
        tocLinks.forEach(function (a) { a.classList.remove('active'); });
        byId[e.target.id].classList.add('active');
      });
    }, { rootMargin: '-10% 0px -80% 0px' });
    Object.keys(byId).forEach(function (id) { var h = document.getElementById(id); if (h) observer.observe(h); });
  }

  // Search: pagefind's UI (about 130 KB) loads when the reader first reaches for the box, then takes the stub's place.
  var search = document.getElementById('search'), stub = search.querySelector('.search-stub'), loading = false;
  // The site's root from this script's address, so search works on 404.html too, which GitHub Pages serves at any depth
  var siteRoot = new URL('..', document.currentScript.src).href;
  function loadSearch() {
    if (loading) return;
    loading = true;
    var css = document.createElement('link');
    css.rel = 'stylesheet'; css.href = siteRoot + '_pagefind/pagefind-ui.css';
    document.head.appendChild(css);
    var js = document.createElement('script');
    js.src = siteRoot + '_pagefind/pagefind-ui.js';
    js.onload = function () {
      var typed = stub.value;
      stub.remove();
      new window.PagefindUI({ element: '#search', baseUrl: new URL(siteRoot).pathname, showImages: false, showSubResults: true, resetStyles: false,
                              translations: { placeholder: 'Search' } });
      var input = search.querySelector('input');
      input.focus();
      if (typed) { input.value = typed; input.dispatchEvent(new Event('input', { bubbles: true })); }
    };
    document.head.appendChild(js);
  }
  ['focus', 'pointerdown', 'input'].forEach(function (ev) { stub.addEventListener(ev, loadSearch); });
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || document.activeElement !== document.body) return;
    e.preventDefault();
    search.querySelector('input').focus();
  });

  // "On this page" is open beside the content (1200 px and wider) and folded above it on narrower screens.
  var pageToc = document.querySelector('.page-toc'), narrow = window.matchMedia('(max-width: 1199.98px)');
  if (pageToc) {
    var fold = function () { pageToc.open = !narrow.matches; };
    fold();
    narrow.addEventListener('change', fold);
    pageToc.addEventListener('toggle', function () { if (!narrow.matches && !pageToc.open) pageToc.open = true; });
  }

  // Code, equations and tables wider than the column scroll sideways: such a box gets keyboard focus (arrow keys scroll it)
  // and a name for screen readers; re-checked when its width changes (window resized, "On this page" opened).
  function markScrollable(box) {
    var wide = box.scrollWidth > box.clientWidth + 1;
    if (wide && !box.hasAttribute('tabindex')) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', (box.matches('.display-math') ? 'Equation' : box.matches('table') ? 'Table' : 'Code') + ', scrolls sideways');
      box.classList.add('scrollable');
    } else if (!wide && box.classList.contains('scrollable')) {
      ['tabindex', 'role', 'aria-label'].forEach(function (a) { box.removeAttribute(a); });
      box.classList.remove('scrollable');
    }
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.content pre, .content .display-math, .content table'));
  var markAll = function () { boxes.forEach(markScrollable); };
  markAll();   // now, before the first ResizeObserver callback, so no wide box is ever left without keyboard focus
  window.addEventListener('load', markAll);
  if (document.fonts) document.fonts.ready.then(markAll);   // a late font can widen a box's content, not the box
  if ('ResizeObserver' in window) {
    var ro = new ResizeObserver(function (entries) { entries.forEach(function (e) { markScrollable(e.target); }); });
    boxes.forEach(function (b) { ro.observe(b); });
  }
})();
