// Start YASGUI against this server's endpoint, with the project's prefixes and canned queries.
(function () {
  const config = JSON.parse(document.getElementById("kzgraph-config").textContent);
  if (typeof Yasgui === "undefined") { return; }
  const prefixes = Object.entries(config.prefixes).map(([k, v]) => `PREFIX ${k}: <${v}>`).join("\n");
  Yasgui.Yasqe.defaults.value = prefixes + "\n\nSELECT ?chamber ?chamberLabel ?seats WHERE {\n  ?chamber wdt:P31 wd:Q10553309 ; wdt:P1342 ?seats .\n  SERVICE wikibase:label { bd:serviceParam wikibase:language \"en\" . }\n}";
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
  });
  window.kzgraphYasgui = yasgui;
  const params = new URLSearchParams(window.location.search);
  if (params.get("query")) { yasgui.getTab().setQuery(params.get("query")); }
})();
