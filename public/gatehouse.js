// Gatehouse pages work without JavaScript; this adds copy buttons and confirmations.
(function () {
  'use strict';

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain-http instances have no Clipboard API: fall back to a selected textarea.
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  function announce(text) {
    var region = document.getElementById('live-status');
    if (region) region.textContent = text;
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var label = button.textContent;
    // While the button says "Copied" its accessible name must say so too (WCAG 2.5.3): drop the longer
    // aria-label for that moment and put it back with the label.
    var ariaLabel = button.getAttribute('aria-label');
    if (ariaLabel) button.removeAttribute('aria-label');
    copyText(source.textContent.trim()).then(function () {
      button.textContent = 'Copied';
      button.classList.add('copied');
      announce('Copied to the clipboard.');
    }, function () {
      // Let the person copy by hand: select the value.
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = 'Press Ctrl+C';
      announce('Selected. Press Control+C to copy.');
    });
    setTimeout(function () {
      button.textContent = label;
      if (ariaLabel) button.setAttribute('aria-label', ariaLabel);
      button.classList.remove('copied');
    }, 2500);
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
