// Site search in a page opened from a folder (file://).
//
// Material's search runs its index in a Web Worker, and browsers refuse to start a worker from a
// file:// page. Opened that way, this runs the worker's script in a hidden iframe of the same page
// instead, passing messages the way a worker would. Served over http(s) it does nothing.
// Material's offline plugin expects such a shim; its default is loaded from a CDN, this one is local.
(function () {
  "use strict";
  if (location.protocol !== "file:") {
    return;
  }

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this.pending = [];
      this.iframe = document.createElement("iframe");
      this.iframe.hidden = true;
      this.iframe.setAttribute("aria-hidden", "true");
      document.documentElement.appendChild(this.iframe);

      const scope = this.iframe.contentWindow;  // about:blank: same origin as this page
      // The worker's postMessage(data) answers this page.
      scope.postMessage = (data) => this.deliver(data);
      const script = scope.document.createElement("script");
      script.src = new URL(url, location.href).href;
      script.onload = () => {
        this.scope = scope;
        this.pending.splice(0).forEach((data) => this.postMessage(data));
      };
      script.onerror = () => {
        const event = new ErrorEvent("error", { message: `could not load the search worker ${url}` });
        this.dispatchEvent(event);
        if (this.onerror) this.onerror(event);
      };
      scope.document.head.appendChild(script);
    }

    // This page's worker.postMessage(data) reaches the script's "message" listeners.
    postMessage(data) {
      if (!this.scope) {
        this.pending.push(data);
        return;
      }
      this.scope.dispatchEvent(new MessageEvent("message", { data: structuredClone(data) }));
    }

    deliver(data) {
      const event = new MessageEvent("message", { data: structuredClone(data) });
      this.dispatchEvent(event);
      if (this.onmessage) this.onmessage(event);
    }

    terminate() {
      this.iframe.remove();
      this.scope = null;
    }
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
