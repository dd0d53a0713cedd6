// The query editor: YASGUI against this server's endpoint, with the project's prefixes
// preloaded and the canned queries as examples.
(function () {
  const config = JSON.parse(document.getElementById("kzgraph-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  const prefixes = Object.entries(config.prefixes).map(([k, v]) => `PREFIX ${k}: <${v}>`).join("\n");
  const example = "SELECT ?chamber ?chamberLabel ?seats WHERE {\n  ?chamber wdt:P31 wd:Q10553309 ; wdt:P1342 ?seats .\n" +
    "  SERVICE wikibase:label { bd:serviceParam wikibase:language \"en\". }\n}";
  Yasgui.Yasqe.defaults.value = prefixes + "\n\n" + example;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
  });
  window.kzgraphYasgui = yasgui;
  const open = (query) => { const tab = yasgui.getTab(); tab.setQuery(query); tab.show(); };
  const given = new URLSearchParams(window.location.search).get("query");
  if (given) { open(given); }
  document.querySelectorAll("a.open-example").forEach((link) => {
    link.addEventListener("click", (event) => { event.preventDefault(); open(link.dataset.query); window.scrollTo(0, 0); });
  });
})();
