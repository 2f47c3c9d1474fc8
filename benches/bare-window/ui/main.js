// Marks the page ready the same way Aelyst Desk does (scripts/bench-startup.py).
performance.mark("ready");
document.body.dataset.ready = "true";
