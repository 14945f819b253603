// Loaded before the app's module, as a classic script: if the app cannot start (its module or
// the validation package failed to load, or the network is gone), the page says so in the
// browser's language instead of spinning forever.
(function () {
  var TEXT = {
    en: ["netid could not start.", "Check your connection, then reload the page.", "Reload"],
    fr: ["netid n'a pas pu démarrer.", "Vérifiez votre connexion, puis rechargez la page.", "Recharger"],
    ru: ["Не удалось запустить netid.", "Проверьте подключение и обновите страницу.", "Обновить"],
    vi: ["Không thể khởi động netid.", "Hãy kiểm tra kết nối rồi tải lại trang.", "Tải lại"],
    pl: ["Nie udało się uruchomić netid.", "Sprawdź połączenie i odśwież stronę.", "Odśwież"],
  };
  var failed = false;
  function fail() {
    if (failed || document.body.dataset.ready === "true") return;
    failed = true;
    var code = (localStorage.getItem("netid.lang") || navigator.language || "en").slice(0, 2);
    var t = TEXT[code] || TEXT.en;
    var main = document.getElementById("app");
    var box = document.createElement("section");
    box.className = "card";
    var h = document.createElement("h1");
    h.textContent = t[0];
    var p = document.createElement("p");
    p.className = "muted";
    p.textContent = t[1];
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = t[2];
    b.addEventListener("click", function () { location.reload(); });
    box.append(h, p, b);
    main.replaceChildren(box);
    document.body.dataset.ready = "failed";
  }
  // Before the app is ready, any error (a script that did not load, a module that threw) means
  // it will not start.
  window.addEventListener("error", function () { if (document.body.dataset.ready !== "true") fail(); }, true);
  window.addEventListener("unhandledrejection", function () { if (document.body.dataset.ready !== "true") fail(); });
  setTimeout(fail, 15000);
})();
