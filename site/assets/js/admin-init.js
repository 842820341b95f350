/* Start-up of Wagtail admin widgets without inline scripts, so the admin's Content Security Policy needs no
 * 'unsafe-inline'. Our templates (and config.admin_csp for chooser widgets) write what Wagtail wrote as an inline
 * <script> as inert data: <script type="application/json" data-admin-init>{"call" | "construct": name, "args": [...],
 * "parse": [indexes of args that are JSON text]}</script>. This file runs each one once: those in the page when it
 * has loaded, then those added later (a new inline panel form, a chooser's modal). Only the named Wagtail
 * globals below may be called, so the data can never name arbitrary code. */
(function () {
  'use strict';

  var CALLABLE = /^(initDateChooser|initDateTimeChooser|initTimeChooser|createTaskChooser)$/;
  var CONSTRUCTABLE = /^(InlinePanel|MultipleChooserPanel|[A-Z][A-Za-z]*Chooser)$/;
  var done = new WeakSet();

  function run(element) {
    if (done.has(element) || !element.isConnected) return;
    done.add(element);
    var spec;
    try {
      spec = JSON.parse(element.textContent);
    } catch (error) {
      console.error('admin-init: unreadable start-up data', error);
      return;
    }
    var args = (spec.args || []).map(function (arg, index) {
      return (spec.parse || []).indexOf(index) >= 0 ? JSON.parse(arg) : arg;
    });
    var name = spec.call || spec.construct;
    var target = window[name];
    if (typeof target !== 'function' || !(spec.call ? CALLABLE : CONSTRUCTABLE).test(name)) {
      console.error('admin-init: no such start-up function', name);
      return;
    }
    if (spec.call) {
      target.apply(window, args);
    } else {
      new (Function.prototype.bind.apply(target, [null].concat(args)))();
    }
  }

  function runAll(root) {
    if (root.matches && root.matches('script[data-admin-init]')) run(root);
    if (root.querySelectorAll) root.querySelectorAll('script[data-admin-init]').forEach(run);
  }

  function start() {
    runAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(runAll);
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
